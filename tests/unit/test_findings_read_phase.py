"""A patient with two P/LP variants in MUTYH (autosomal recessive: MUTYH-associated polyposis
needs both copies affected), phased from simulated read pairs by the findings_phase rule's code
(scripts/findings_phase.py: the AR genes' spans, WhatsHap) and classified by the findings step:
- 150 bases apart on different copies: both variants sit in one read pair, WhatsHap puts them in
  one phase set on opposite haplotypes: a compound heterozygote, reported as a finding;
- 150 bases apart on one copy: in cis, a carrier, not a finding;
- 3,000 bases apart (fragments about 400 bases): no read pair joins them, two phase sets (or
  none): phase unknown, "possible compound heterozygote", reported as today.

Limits: random reference sequence (no repeats, no pseudogene), error-free base qualities,
20x per haplotype; the genotypes come from bcftools on the same reads, the ClinVar P/LP record
and the MUTYH consequence are attached in the test (annotation is tested elsewhere)."""

import subprocess
from dataclasses import replace
from pathlib import Path

import numpy as np
import pysam
import pytest
from pgx_reads import haplotypes_bam, write_reference
from test_findings import GENES, SETTINGS

from findings_phase import phase
from tailorseq.findings import classify
from tailorseq.findings_phase import read_phase
from tailorseq.gene_list import GENE_LIST
from tailorseq.germline_calls import ClinVar, Consequence, read_calls, review_stars

LENGTH = 6000
FIRST, NEAR, FAR = 1500, 1650, 4500  # 1-based SNV positions on the MUTYH contig
DEPTH = 20
EXPERT = "reviewed_by_expert_panel"
pytestmark = pytest.mark.usefixtures("venv_tools")


@pytest.fixture(scope="module")
def mutyh(tmp_path_factory) -> tuple[Path, Path, str]:
    """A random MUTYH contig (bwa-indexed) and a GFF3 with the gene over all of it."""
    out = tmp_path_factory.mktemp("mutyh")
    sequence = "".join(np.random.default_rng(3).choice(list("ACGT"), LENGTH))
    fasta = write_reference(out / "mutyh.fa", {"MUTYH": sequence})
    gff3 = out / "genes.gff3"
    gff3.write_text(
        f"##gff-version 3\nMUTYH\ttest\tgene\t1\t{LENGTH}\t.\t-\t.\tID=gene:MUTYH;Name=MUTYH\n"
    )
    return fasta, gff3, sequence


def alt_base(base: str) -> str:
    return {"A": "G", "G": "A", "C": "T", "T": "C"}[base]


def patient(mutyh, tmp_path: Path, haplotypes: list[list[int]]) -> dict[str, str]:
    """Reads of two haplotypes carrying SNVs at the given positions, aligned, called (bcftools),
    phased (findings_phase) and classified: status of the phase of the MUTYH findings or
    review items, and where they went."""
    fasta, gff3, sequence = mutyh
    sequences = []
    for positions in haplotypes:
        bases = list(sequence)
        for pos in positions:
            bases[pos - 1] = alt_base(bases[pos - 1])
        sequences.append("".join(bases))
    bam = haplotypes_bam(fasta, sequences, np.random.default_rng(5), tmp_path, DEPTH)
    vcf = tmp_path / "s.vcf.gz"
    mpileup = subprocess.Popen(
        ["bcftools", "mpileup", "-f", str(fasta), "-a", "AD,DP", str(bam)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    subprocess.run(["bcftools", "call", "-mv", "-Oz", "-o", str(vcf)], stdin=mpileup.stdout,
                   check=True, capture_output=True)  # fmt: skip
    mpileup.wait()
    pysam.tabix_index(str(vcf), preset="vcf", force=True)
    out = tmp_path / "s.findings.phased.vcf.gz"
    phase(vcf, bam, fasta, gff3, GENE_LIST, out)
    clinvar = ClinVar("1", "Pathogenic", EXPERT, review_stars(EXPERT), "MUTYH polyposis")
    csq = Consequence("missense", "MUTYH", "MUTYH-201", "protein_coding", "1A>1V")
    calls = [replace(c, clinvar=clinvar, consequence=csq) for c in read_calls(vcf)]
    assert sorted(c.pos for c in calls) == sorted(p for h in haplotypes for p in h)
    assert {c.zygosity for c in calls} == {"het"}
    result = classify(calls, GENES, SETTINGS, read_phase(out))
    items = result.findings or result.for_review
    assert len(items) == 2 and len({item["note"] for item in items}) == 1
    return {
        "status": items[0]["phase"]["status"],
        "basis": items[0]["phase"]["basis"],
        "reported": "finding" if result.findings else "for_review",
        "note": items[0]["note"],
    }


def test_in_trans_from_the_reads_is_a_compound_heterozygote(mutyh, tmp_path) -> None:
    found = patient(mutyh, tmp_path, [[FIRST], [NEAR]])
    assert found["status"] == "trans" and found["reported"] == "finding"
    assert found["basis"].startswith("reads (WhatsHap 2.")
    assert found["note"] == "compound heterozygote, in trans (phase from reads)"


def test_in_cis_from_the_reads_is_a_carrier_not_a_finding(mutyh, tmp_path) -> None:
    found = patient(mutyh, tmp_path, [[FIRST, NEAR], []])
    assert found["status"] == "cis" and found["reported"] == "for_review"
    assert found["basis"].startswith("reads (WhatsHap 2.")


@pytest.mark.parametrize("haplotypes", [[[FIRST], [FAR]], [[FIRST, FAR], []]], ids=["trans", "cis"])
def test_too_far_apart_for_the_fragments_the_phase_is_unknown(mutyh, tmp_path, haplotypes) -> None:
    found = patient(mutyh, tmp_path, haplotypes)
    assert found["status"] == "unknown" and found["reported"] == "finding"
    assert found["basis"].startswith("not determined: ")
    assert found["note"].startswith("possible compound heterozygote (2 P/LP variants)")


def test_without_a_recessive_gene_in_the_annotation_nothing_is_phased(mutyh, tmp_path) -> None:
    fasta, _, _ = mutyh
    gff3 = tmp_path / "genes.gff3"  # only a dominant gene of the list
    gff3.write_text(f"MUTYH\ttest\tgene\t1\t{LENGTH}\t.\t+\t.\tID=gene:BRCA1;Name=BRCA1\n")
    text = tmp_path / "s.vcf"
    text.write_text(
        "##fileformat=VCFv4.2\n##contig=<ID=MUTYH,length=6000>\n"
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\ts\nMUTYH\t1500\t.\tA\tG\t50\tPASS\t.\tGT\t0/1\n"
    )
    vcf = Path(pysam.tabix_index(str(text), preset="vcf", force=True))
    out = tmp_path / "s.findings.phased.vcf.gz"
    assert phase(vcf, tmp_path / "unused.bam", fasta, gff3, GENE_LIST, out) == 0
    assert read_phase(out).phased == {}

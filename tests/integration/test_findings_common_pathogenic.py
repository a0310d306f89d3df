"""Common but pathogenic variants from reads to findings: a small genome with an HFE and a TTR
gene (one coding exon each), reads simulated for two patients, ClinVar-style records and a
gnomAD-style population VCF that puts both variants above the 1% frequency filter.

- P1: HFE c.845G>A p.Cys282Tyr homozygous (population AF 0.06) and TTR c.424G>A p.Val142Ile
  heterozygous (population AF 0.035): both are findings (ClinVar P/LP overrides the frequency
  filter; HFE's list restriction: p.Cys282Tyr homozygotes only).
- P3: HFE p.Cys282Tyr heterozygous: a carrier, not a finding.
- Both: the genes were covered at ~40x, so HFE and TTR are assessed; the 79 other listed genes
  are named as not assessed (no coding sequence in this annotation).
"""

import json
from pathlib import Path

import numpy as np
import pytest

from helpers import run_config, snakemake, write_tsv
from tailorseq.demo.plan import ReadSpec
from tailorseq.demo.reads import simulate_pairs, write_units
from tailorseq.demo.sequence import stream
from tailorseq.demo.variants import Haplotype

pytestmark = pytest.mark.integration

FLANK = 500  # bases before and after the coding exon
SENSE = [a + b + c for a in "ACGT" for b in "ACGT" for c in "ACGT"]
SENSE = [codon for codon in SENSE if codon not in ("TAA", "TAG", "TGA")]
# gene: (protein length, codon number, reference codon, variant codon), plus strand
GENES = {"HFE": (348, 282, "TGT", "TAT"), "TTR": (147, 142, "GTC", "ATC")}
SPEC = ReadSpec(
    read_length=100,
    fragment_mean=300,
    fragment_sd=30,
    short_fraction=0.0,
    short_min=60,
    duplicate_fraction=0.0,
    coverage={},
    adapter_r1="AGATCGGAAGAGCACACGTCTGAACTCCAGTCA",
    adapter_r2="AGATCGGAAGAGCGTCGTGTAGGGAAAGAGTGT",
    quality_levels=(37,),
    quality_first=(1.0,),
    quality_last=(1.0,),
)


def contig(gene: str, rng: np.random.Generator) -> tuple[str, int]:
    """The contig's sequence and the 1-based position of the variant's base (the codon's
    second base for HFE's TGT>TAT, the first for TTR's GTC>ATC)."""
    length, number, ref, alt = GENES[gene]
    codons = ["ATG", *rng.choice(SENSE, length - 1), "TAA"]
    codons[number - 1] = ref
    flanks = ["".join(rng.choice(list("ACGT"), FLANK)) for _ in range(2)]
    index = next(i for i in range(3) if ref[i] != alt[i])
    return flanks[0] + "".join(codons) + flanks[1], FLANK + (number - 1) * 3 + index + 1


def gff3_lines(gene: str, size: int) -> list[str]:
    cds_end = FLANK + (GENES[gene][0] + 1) * 3
    transcript = f"{gene}-201"
    rows = [
        ("gene", 1, size, f"ID=gene:{gene};Name={gene};biotype=protein_coding"),
        (
            "mRNA",
            1,
            size,
            f"ID=transcript:{transcript};Parent=gene:{gene};Name={transcript};"
            "biotype=protein_coding",
        ),
        ("exon", 1, size, f"Parent=transcript:{transcript}"),
        ("five_prime_UTR", 1, FLANK, f"Parent=transcript:{transcript}"),
        ("CDS", FLANK + 1, cds_end, f"ID=CDS:{transcript};Parent=transcript:{transcript}"),
        ("three_prime_UTR", cds_end + 1, size, f"Parent=transcript:{transcript}"),
    ]
    return [
        f"{gene}\ttest\t{kind}\t{start}\t{end}\t.\t+\t{'0' if kind == 'CDS' else '.'}\t{attrs}"
        for kind, start, end, attrs in rows
    ]


def vcf(path: Path, header: list[str], records: list[str]) -> Path:
    columns = "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO"
    path.write_text("\n".join(["##fileformat=VCFv4.2", *header, columns, *records]) + "\n")
    return path


def build(folder: Path) -> Path:
    """Genome, genes, ClinVar, population AF and reads of P1 and P3; returns the run config."""
    rng = stream(7, "findings-common-pathogenic")
    sequences, sites = {}, {}
    for gene in GENES:
        sequences[gene], sites[gene] = contig(gene, rng)
    (folder / "genome.fa").write_text("".join(f">{g}\n{s}\n" for g, s in sequences.items()))
    gff3 = ["##gff-version 3"]
    for gene, sequence in sequences.items():
        gff3 += gff3_lines(gene, len(sequence))
    (folder / "genes.gff3").write_text("\n".join(gff3) + "\n")
    ref_alt = {g: (sequences[g][sites[g] - 1], "A") for g in GENES}
    assert ref_alt == {"HFE": ("G", "A"), "TTR": ("G", "A")}
    clinvar = vcf(
        folder / "clinvar.vcf",
        [
            "##fileDate=2024-05-02",
            '##INFO=<ID=CLNSIG,Number=.,Type=String,Description="Clinical significance">',
            '##INFO=<ID=CLNREVSTAT,Number=.,Type=String,Description="Review status">',
            '##INFO=<ID=CLNDN,Number=.,Type=String,Description="Preferred disease name">',
            '##INFO=<ID=GENEINFO,Number=1,Type=String,Description="Gene symbol:gene id">',
        ],
        [
            f"HFE\t{sites['HFE']}\t9\tG\tA\t.\t.\tCLNSIG=Pathogenic;CLNREVSTAT=criteria_provided,"
            "_multiple_submitters,_no_conflicts;CLNDN=Hereditary_hemochromatosis;GENEINFO=HFE:3077",
            f"TTR\t{sites['TTR']}\t13417\tG\tA\t.\t.\tCLNSIG=Pathogenic;CLNREVSTAT=criteria_provided,"
            "_multiple_submitters,_no_conflicts;CLNDN=Amyloidosis,_hereditary;GENEINFO=TTR:7276",
        ],
    )
    population = vcf(
        folder / "gnomad.vcf",
        [
            '##INFO=<ID=AF,Number=A,Type=Float,Description="Alternate allele frequency">',
            '##INFO=<ID=AF_afr,Number=A,Type=Float,Description="AF, African/African American">',
            '##INFO=<ID=AF_nfe,Number=A,Type=Float,Description="AF, non-Finnish European">',
        ],
        [
            f"HFE\t{sites['HFE']}\t.\tG\tA\t.\tPASS\tAF=0.038;AF_afr=0.011;AF_nfe=0.06",
            f"TTR\t{sites['TTR']}\t.\tG\tA\t.\tPASS\tAF=0.004;AF_afr=0.035;AF_nfe=0.0001",
        ],
    )
    genotypes = {"P1-blood": {"HFE": (1, 1), "TTR": (0, 1)}, "P3-blood": {"HFE": (0, 1)}}
    units = []
    for number, (sample, carried) in enumerate(genotypes.items(), start=1):
        haplotypes = {}
        for gene, sequence in sequences.items():
            pair = []
            for copy in carried.get(gene, (0, 0)):
                bases = bytearray(sequence.encode())
                if copy:
                    bases[sites[gene] - 1] = ord("A")
                pair.append(Haplotype(np.frombuffer(bytes(bases), dtype=np.uint8)))
            haplotypes[gene] = tuple(pair)
        two_copies = dict.fromkeys(haplotypes, 1.0)  # each copy at half the 40x
        pairs = simulate_pairs(haplotypes, [], 40.0, SPEC, stream(7, "reads", sample), two_copies)
        (folder / "reads").mkdir(exist_ok=True)
        for unit, fq1, fq2 in write_units(folder, sample, number, ("L001",), pairs):
            units.append([sample, unit, fq1, fq2, "", ""])
    header = ["sample", "patient", "kind", "sex", "purity", "tumor_type", "secondary_findings"]
    rows = [["P1-blood", "P1", "germline", "", "", "", "yes"]]
    rows.append(["P3-blood", "P3", "germline", "", "", "", "yes"])
    return run_config(
        folder,
        samples=str(write_tsv(folder / "samples.tsv", header, rows)),
        units=str(
            write_tsv(
                folder / "units.tsv", ["sample", "unit", "fq1", "fq2", "bam", "adapters"], units
            )
        ),
        reference={
            "build": "hfe-ttr-test",
            "fasta": str(folder / "genome.fa"),
            "gff3": str(folder / "genes.gff3"),
        },
        annotation={"clinvar": str(clinvar), "population": str(population)},
    )


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hfe-ttr")
    config = build(folder)
    targets = [f"results/{s}/{s}.findings.json" for s in ("P1-blood", "P3-blood")]
    snakemake(folder, config, *targets, "results/P1/P1.report.json")
    return folder


def findings(folder: Path, sample: str) -> dict:
    return json.loads((folder / "results" / sample / f"{sample}.findings.json").read_text())


def test_hfe_c282y_homozygous_and_ttr_v142i_heterozygous_are_findings(run: Path) -> None:
    document = findings(run, "P1-blood")
    found = {
        f["gene"]: (f["zygosity"], f["consequence"]["amino_acids"], f["population_af"])
        for f in document["findings"]
    }
    assert found == {
        "HFE": ("hom", "282C>282Y", pytest.approx(0.06)),
        "TTR": ("het", "142V>142I", pytest.approx(0.035)),
    }
    hfe = next(f for f in document["findings"] if f["gene"] == "HFE")
    assert hfe["consequence"]["hgvsp"] == "p.Cys282Tyr"
    assert "homozygous" in hfe["note"] and "does not exclude it" in hfe["note"]
    assert document["needs_confirmation"] == [] and "excluded_common" not in document["counts"]


def test_hfe_c282y_heterozygous_is_not_a_finding(run: Path) -> None:
    document = findings(run, "P3-blood")
    assert document["findings"] == [] and document["needs_confirmation"] == []
    assert document["counts"]["in_listed_genes"] == 1  # the call was seen, and not reported
    review = (run / "results" / "P3-blood" / "P3-blood.findings.review.tsv").read_text()
    assert "HFE" not in review


def test_covered_genes_are_assessed_and_the_rest_named(run: Path) -> None:
    for sample in ("P1-blood", "P3-blood"):
        document = findings(run, sample)
        assessed = {g["gene"]: g for g in document["genes_assessed"]}
        assert sorted(assessed) == ["HFE", "TTR"]
        assert assessed["HFE"]["cds_bases"] == 1047 and assessed["TTR"]["cds_bases"] == 444
        assert all(g["fraction_callable"] >= 0.95 for g in assessed.values())
        missing = document["genes_not_assessed"]
        assert len(missing) == 79 and {g["reason"] for g in missing} == {
            "no coding sequence in the gene annotation of this reference"
        }
    report = json.loads((run / "results" / "P1" / "P1.report.json").read_text())
    hereditary = report["hereditary"]
    assert [f["gene"] for f in hereditary["findings"]] == ["HFE", "TTR"]
    assert hereditary["genes_assessed"] == ["TTR", "HFE"]  # in the gene list's order
    assert "2 of 81 genes (ACMG SF v3.2) were assessed" in hereditary["statement"]
    assert "79 gene(s) were not assessed" in hereditary["statement"]

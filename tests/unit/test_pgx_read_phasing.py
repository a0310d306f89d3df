"""Read-backed phase of PGx positions (tailorseq.pgx.read_phasing, WhatsHap), in the situation
where it decides the phenotype: UGT1A1 *80 (rs887829) and *28 (the TA repeat) heterozygous,
309 bases apart on the demo's UGT1A1 contig (real A(TA)6TAA context). In trans the patient is
*28/*80, whose phenotype CPIC leaves Indeterminate (*80 alone has unknown function; PharmCAT's
UGT1A1 phenotype file and pypgx agree); in cis *1/*80+*28, an Intermediate Metabolizer. Unphased,
both look the same and the matcher can only give *1/*80+*28: a confident phenotype the reads do
not support."""

from pathlib import Path

import numpy as np
import pysam
import pytest
from pgx_reads import haplotypes_bam, write_reference

from helpers import demo_dir
from tailorseq.pgx.definitions import load_definitions
from tailorseq.pgx.force_genotype import force_genotype
from tailorseq.pgx.pipeline import run_pgx
from tailorseq.pgx.read_phasing import phase_from_reads, phase_source

STAR80 = (4924, "C", "T")  # demo UGT1A1 coordinates of the demo definitions
STAR28 = (5233, "CAT", "CATAT")
DEPTH = 20
pytestmark = pytest.mark.usefixtures("venv_tools")


def with_changes(sequence: str, changes: list[tuple[int, str, str]]) -> str:
    for pos, ref, alt in sorted(changes, reverse=True):
        assert sequence[pos - 1 : pos - 1 + len(ref)] == ref
        sequence = sequence[: pos - 1] + alt + sequence[pos - 1 + len(ref) :]
    return sequence


@pytest.fixture(scope="module")
def ugt1a1(tmp_path_factory) -> tuple[Path, Path, str]:
    demo = demo_dir()
    out = tmp_path_factory.mktemp("ugt1a1")
    sequence = pysam.FastaFile(str(demo / "genome.fa")).fetch("UGT1A1")
    return write_reference(out / "ugt1a1.fa", {"UGT1A1": sequence}), demo, sequence


def genotyped(ugt1a1, tmp_path: Path, strands: list[list[tuple[int, str, str]]]) -> tuple:
    fasta, demo, sequence = ugt1a1
    rng = np.random.default_rng(11)
    haplotypes = [with_changes(sequence, changes) for changes in strands]
    bam = haplotypes_bam(fasta, haplotypes, rng, tmp_path, DEPTH)
    definitions = demo / "pgx" / "definitions"
    vcf = tmp_path / "s.pgx.vcf.gz"
    force_genotype(bam, fasta, list(load_definitions(definitions, ["UGT1A1"]).values()), vcf)
    return vcf, bam, fasta, definitions


def ugt1a1_call(vcf: Path, definitions: Path) -> dict:
    document = run_pgx(vcf, definitions, genes=["UGT1A1"], build="demo", recommendations=False)
    return document["genes"]["UGT1A1"] | {"phase_source": document["matcher"]["phase_source"]}


@pytest.mark.parametrize(
    ("strands", "unphased", "phased", "phenotype"),
    [
        ([[STAR28], [STAR80]], "*1/*80+*28", "*28/*80", "Indeterminate"),  # what phase changes
        ([[STAR28, STAR80], []], "*1/*80+*28", "*1/*80+*28", "Intermediate Metabolizer"),
    ],
    ids=["trans", "cis"],
)
def test_phase_from_read_pairs_tells_trans_from_cis(
    ugt1a1, tmp_path, strands, unphased, phased, phenotype
):
    vcf, bam, fasta, definitions = genotyped(ugt1a1, tmp_path, strands)
    before = ugt1a1_call(vcf, definitions)
    assert [d["name"] for d in before["diplotypes"]] == [unphased]
    assert before["phase"] == "not determined"
    assert before["phenotype"]["phenotype"] == "Intermediate Metabolizer"
    assert before["phase_source"].startswith("none")
    out = tmp_path / "s.pgx.phased.vcf.gz"
    assert phase_from_reads(vcf, bam, fasta, out) == 2
    after = ugt1a1_call(out, definitions)
    assert [d["name"] for d in after["diplotypes"]] == [phased]
    assert after["phenotype"]["phenotype"] == phenotype
    assert after["phase"] == "phased" and phase_source(out) == "reads (WhatsHap)"
    with pysam.VariantFile(str(out)) as handle:
        records = {record.pos: record for record in handle}
    # every defined allele of the repeat is kept: the phase came back to the full record
    assert records[5233].alts == ("CATAT", "C", "CATATAT")
    assert records[5233].samples["s"]["PS"] == records[4924].samples["s"]["PS"] == 4924


def test_a_single_heterozygous_position_needs_no_phase(ugt1a1, tmp_path) -> None:
    vcf, bam, fasta, definitions = genotyped(ugt1a1, tmp_path, [[STAR28], []])
    out = tmp_path / "s.pgx.phased.vcf.gz"
    assert phase_from_reads(vcf, bam, fasta, out) == 0
    call = ugt1a1_call(out, definitions)
    assert [d["name"] for d in call["diplotypes"]] == ["*1/*28"] and call["phase"] == "not needed"

"""CYP2D6 from simulated reads (cyp2d6_locus): a patient's planted diplotype, read pairs aligned
with bwa mem and moved to GRCh38 chr22, called by the rule's adapter (scripts/pgx_cyp2d6.py,
Aldy), then through the PGx step to activity score and phenotype.

Limits: the reads are simulated (no real CYP2D6 data here); only CYP2D6's own sequence is real
(Aldy's NG_008376.4), CYP2D7 and the CN-neutral region are random sequence at their GRCh38
coordinates, so the CYP2D6/CYP2D7 homology that makes real reads ambiguous is absent and hybrids
made of CYP2D7 sequence (*13) are not simulated; *36 is planted by its defining SNVs (the
exon 9 conversion as Aldy's database writes it; Aldy does not call it so). One patient runs
here (*4/*5, ~30 s); bench/cyp2d6.py runs them all (*1/*1, *1/*5, *1/*2x2, *1/*4, *4/*5,
*10/*36)."""

import shutil

import pytest
from cyp2d6_locus import PATIENTS, Locus, aldy_gene_file, patient_bam

from helpers import CPIC_FILE, shared
from pgx_cyp2d6 import main as cyp2d6_main
from tailorseq.pgx.cyp2d6 import call_cyp2d6, read_call
from tailorseq.pgx.pipeline import run_pgx
from tailorseq.pgx.pypgx_tables import pypgx_available

# ~20-35 s (deletion and an SNV allele); the others take 40-200 s: bench/cyp2d6.py
IN_CI = ["*4/*5"]

pytestmark = [
    pytest.mark.skipif(shutil.which("aldy") is None, reason="aldy is not installed"),
    pytest.mark.skipif(not pypgx_available(), reason="pypgx is not installed"),
    pytest.mark.shared,
]


@pytest.fixture(scope="module")
def locus() -> Locus:
    return Locus(aldy_gene_file())


@pytest.mark.parametrize("patient", [p for p in PATIENTS if p.name in IN_CI], ids=lambda p: p.name)
def test_a_patients_cyp2d6_is_called_from_the_reads(patient, locus, tmp_path) -> None:
    bam = patient_bam(locus, patient.haplotypes(locus), tmp_path)
    structural = tmp_path / "p.cyp2d6.json"
    genome = tmp_path / "grch38.fai"  # the run's reference: GRCh38 with its chr22
    genome.write_text("chr22\t50818468\t7\t60\t61\n")
    assert cyp2d6_main(["--bam", str(bam), "--fai", str(genome), "--build", "GRCh38",
                        "--out", str(structural)]) == 0  # fmt: skip
    call = read_call(structural)
    assert (call.called, call.diplotype, call.copy_number) == (
        True, patient.diplotype, patient.copies)  # fmt: skip
    assert patient.name in {solution["diplotype"] for solution in call.solutions}
    assert call.version == "4.8.3" and call.neutral_depth > 20
    pharmcat = shared("pharmcat")
    document = run_pgx(
        pharmcat / "examples" / "pharmcat.example.vcf", pharmcat / "definition" / "alleles",
        build="GRCh38", cpic_file=CPIC_FILE, structural=structural,
    )  # fmt: skip
    phenotype = document["genes"]["CYP2D6"]["phenotype"]
    assert (phenotype["activity_score"], phenotype["phenotype"]) == (
        patient.activity_score, patient.phenotype)  # fmt: skip


def test_too_few_reads_in_the_neutral_region_is_not_called(locus, tmp_path) -> None:
    """At ~4x the CN-neutral region (CYP2D8) is below pgx.cyp2d6_min_depth: Aldy is not run."""
    bam = patient_bam(locus, [locus.reference, locus.reference], tmp_path, depth=4)
    call = call_cyp2d6(bam, "GRCh38", {"chr22": 50_818_468}, False, 10, tmp_path)
    assert not call.called and call.version is None
    assert call.reason.startswith("mean depth ") and call.reason.endswith(" is below 10")
    assert 2 < call.neutral_depth < 6

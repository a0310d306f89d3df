"""Sex chromosomes from the reads to the published files: a male is called haploid on chrX and
chrY, a female has no chrY calls, chrM is haploid in everyone (per sample, jointly, with
freebayes and in PGx force-genotyping), a sample of unknown sex is called and reported with
the sex its reads show, and a sample whose reads contradict the sheet (a swap) stops with a
message naming it, both sexes and the evidence, with nothing of it published."""

import json
import shutil
from pathlib import Path

import pysam
import pytest

from helpers import CPIC_FILE, run_config, snakemake
from sexsim import LENGTHS, SEED, plan_sample, write_run
from tailorseq.pseudonym import lab_secret, pseudonym

pytestmark = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("bwa", "samtools", "bcftools", "freebayes")),
    reason="needs bwa, samtools, bcftools and freebayes",
)

# name -> (sex in the reads, sex in the sheet)
SAMPLES = {
    "M1": ("male", "male"),
    "F1": ("female", "female"),
    "U1": ("male", "unknown"),
    "S1": ("male", "female"),  # swapped: the sheet says female
}
PLANS = {name: plan_sample(name, reads, SEED) for name, (reads, _) in SAMPLES.items()}


def definitions(folder: Path, fasta: Path) -> Path:
    """PharmCAT-format definitions of a chrX gene (at M1's and F1's chrX variants) and of a
    chrM gene (at M1's chrM variants), on the simulated reference."""
    folder.mkdir(parents=True)
    genome = pysam.FastaFile(str(fasta))
    genes = {
        "G6PD": ("chrX", PLANS["M1"].hom["chrX"][:2] + PLANS["F1"].het["chrX"][:2]),
        "MT-RNR1": ("chrM", PLANS["M1"].hom["chrM"][:2]),
    }
    for gene, (contig, positions) in genes.items():
        refs = [genome.fetch(contig, p - 1, p).upper() for p in sorted(positions)]
        alts = ["ACGT"[("ACGT".index(r) + 1) % 4] for r in refs]
        variants = [
            {"chromosome": contig, "position": p, "rsid": None, "ref": r, "alts": [a]}
            for p, r, a in zip(sorted(positions), refs, alts, strict=True)
        ]
        document = {
            "formatVersion": 2, "gene": gene, "chromosome": contig, "genomeBuild": "sexsim",
            "source": "test", "version": "test", "variants": variants,
            "namedAlleles": [
                {"name": "*1", "id": f"{gene}*1", "alleles": refs, "reference": True},
                {"name": "*2", "id": f"{gene}*2",
                 "alleles": [alts[0]] + [None] * (len(refs) - 1), "reference": False},
            ],
        }  # fmt: skip
        (folder / f"{gene}_translation.json").write_text(json.dumps(document))
    return folder


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> dict:
    """One run of the four samples (kept going past the swapped one)."""
    workdir = tmp_path_factory.mktemp("sexrun")
    paths = write_run(workdir / "input", [(PLANS[n], sheet) for n, (_, sheet) in SAMPLES.items()])
    folder = definitions(workdir / "input" / "pgx", paths["fasta"])
    settings = {
        "samples": str(paths["samples"]),
        "units": str(paths["units"]),
        "reference": {"build": "sexsim", "fasta": str(paths["fasta"])},
        "calling": {"scatter": 2},
        "pgx": {"definitions": str(folder), "recommendations": str(CPIC_FILE)},  # offline
    }
    result = snakemake(workdir, run_config(workdir, **settings), "--keep-going", check=False)
    return {"workdir": workdir, "result": result, "settings": settings}


def pid(name: str) -> str:
    return pseudonym(name, lab_secret())


def genotypes(vcf: Path, sample: str | None = None) -> dict[str, list[tuple]]:
    """GT tuples per contig of one sample of a VCF."""
    calls: dict[str, list[tuple]] = {contig: [] for contig in LENGTHS}
    with pysam.VariantFile(str(vcf)) as handle:
        for record in handle:
            gt = record.samples[sample or 0]["GT"]
            calls[record.chrom].append((record.pos, gt))
    return calls


def sex_check(workdir: Path, name: str) -> dict:
    return json.loads((workdir / "work" / pid(name) / f"{pid(name)}.sex.json").read_text())


def test_a_swapped_sample_stops_with_its_name_both_sexes_and_the_evidence(run):
    result, workdir = run["result"], run["workdir"]
    assert result.returncode != 0
    assert (
        "sex check failed for sample S1: the sample sheet says female, the reads show male"
        in result.stderr
    )
    assert "likely sample swap" in result.stderr
    assert "x_het_share=0.0" in result.stderr and "y_depth_ratio=0.5" in result.stderr
    assert not (workdir / "results" / "S1").exists()
    assert not (workdir / "results" / "P-S1").exists()
    assert not (workdir / "results" / "run" / "multiqc.html").exists()
    for name in ("M1", "F1", "U1"):
        assert (workdir / "results" / name / f"{name}.vcf.gz").exists(), result.stderr[-3000:]
        assert (workdir / "results" / f"P-{name}" / f"P-{name}.report.json").exists()


def test_sexes_read_from_the_reads(run):
    workdir = run["workdir"]
    male, female = sex_check(workdir, "M1"), sex_check(workdir, "F1")
    assert (male["inferred_sex"], male["verdict"]) == ("male", "consistent")
    assert (female["inferred_sex"], female["verdict"]) == ("female", "consistent")
    assert male["evidence"]["x_het_share"] <= 0.05 <= 0.6 <= female["evidence"]["x_het_share"]
    assert male["evidence"]["x_sites"] >= 35 and female["evidence"]["x_sites"] >= 35
    assert male["evidence"]["x_depth_ratio"] == pytest.approx(0.5, abs=0.08)
    assert female["evidence"]["x_depth_ratio"] == pytest.approx(1.0, abs=0.1)
    assert male["evidence"]["y_depth_ratio"] == pytest.approx(0.5, abs=0.08)
    assert female["evidence"]["y_depth_ratio"] <= 0.01
    swapped = sex_check(workdir, "S1")
    assert (swapped["sheet_sex"], swapped["inferred_sex"], swapped["verdict"]) == (
        "female", "male", "mismatch")  # fmt: skip


def test_male_chrx_chry_and_everyones_chrm_are_haploid(run):
    results = run["workdir"] / "results"
    male = genotypes(results / "M1" / "M1.vcf.gz")
    assert len({pos for pos, _ in male["chrX"]} & set(PLANS["M1"].hom["chrX"])) >= 36
    assert {gt for _, gt in male["chrX"]} == {(1,)}
    assert {gt for _, gt in male["chrY"]} == {(1,)} and len(male["chrY"]) >= 7
    assert {gt for _, gt in male["chrM"]} == {(1,)} and len(male["chrM"]) == 4
    assert {gt for _, gt in male["chr7"]} == {(0, 1), (1, 1)}
    female = genotypes(results / "F1" / "F1.vcf.gz")
    assert female["chrY"] == []
    assert {gt for _, gt in female["chrX"]} == {(0, 1), (1, 1)}
    het = {pos for pos, gt in female["chrX"] if gt == (0, 1)}
    assert len(het & set(PLANS["F1"].het["chrX"])) >= 27
    assert {gt for _, gt in female["chrM"]} == {(1,)}


def test_unknown_sex_is_called_and_reported_as_the_reads_show(run):
    workdir = run["workdir"]
    check = sex_check(workdir, "U1")
    assert (check["sheet_sex"], check["inferred_sex"], check["verdict"], check["calling_sex"]) == (
        "unknown", "male", "inferred", "male")  # fmt: skip
    calls = genotypes(workdir / "results" / "U1" / "U1.vcf.gz")
    assert {gt for _, gt in calls["chrX"]} == {(1,)} and len(calls["chrX"]) >= 36
    assert json.loads((workdir / "results" / "U1" / "U1.pgx.json").read_text())["sex"] == "male"
    report = json.loads((workdir / "results" / "P-U1" / "P-U1.report.json").read_text())
    sample = report["header"]["samples"][0]
    assert sample["sex"] == "male"
    assert sample["sex_check"]["verdict"] == "inferred"
    html = (workdir / "results" / "P-U1" / "P-U1.report.html").read_text()
    assert "U1 (germline, male: as the reads show, not given in the sample sheet)" in html


def test_pgx_force_genotyping_uses_the_samples_ploidy(run):
    workdir = run["workdir"]
    positions = set(PLANS["M1"].hom["chrX"][:2] + PLANS["F1"].het["chrX"][:2])
    male, female = PLANS["M1"], PLANS["F1"]
    expected = {
        "M1": {p: (1,) if p in male.hom["chrX"] else (0,) for p in positions},
        "F1": {p: (0, 1) if p in female.het["chrX"] else (1, 1) if p in female.hom["chrX"]
               else (0, 0) for p in positions},
    }  # fmt: skip
    for name, plan in (("M1", male), ("F1", female)):
        vcf = workdir / "work" / pid(name) / "pgx" / f"{pid(name)}.pgx.vcf.gz"
        calls = genotypes(vcf)
        assert dict(calls["chrX"]) == expected[name]
        assert dict(calls["chrM"]) == {p: (1,) if p in plan.hom["chrM"] else (0,)
                                       for p in male.hom["chrM"][:2]}  # fmt: skip


@pytest.mark.parametrize("caller", ["bcftools", "freebayes"])
def test_joint_calling_gives_each_sample_its_ploidy(run, caller):
    workdir = run["workdir"]
    settings = {**run["settings"], "caller": caller, "calling": {"scatter": 2, "joint": True}}
    snakemake(workdir, run_config(workdir, **settings), "work/calls/joint.vcf.gz")
    joint = workdir / "work" / "calls" / "joint.vcf.gz"
    male, female = genotypes(joint, "M1"), genotypes(joint, "F1")
    assert {gt for _, gt in male["chrX"]} <= {(0,), (1,)}
    assert sum(gt == (1,) for _, gt in male["chrX"]) >= 36
    assert {gt for _, gt in male["chrY"]} <= {(0,), (1,)}
    assert sum(gt == (1,) for _, gt in male["chrY"]) >= 7
    assert {gt for _, gt in female["chrX"]} <= {(0, 0), (0, 1), (1, 1)}
    assert sum(gt == (0, 1) for _, gt in female["chrX"]) >= 27
    assert {gt for _, gt in female["chrY"]} == {(None,)}
    assert {len(gt) for _, gt in male["chrM"] + female["chrM"]} == {1}

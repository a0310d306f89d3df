"""The demo's tumour/normal pair (patient3): planted somatic SNVs, TMB, and a sample swap."""

import json
import math
from pathlib import Path

import pysam
import pytest

from helpers import DEMO, demo_dir, demo_run, snakemake, write_tsv

pytestmark = pytest.mark.integration

PATIENT = "patient3"
PRODUCTS = (".somatic.vcf.gz", ".somatic.annotated.vcf.gz", ".biomarkers.json")


@pytest.fixture(scope="module")
def demo_results(tmp_path_factory) -> Path:
    """The demo's somatic products only (alignment of the pair included)."""
    workdir = tmp_path_factory.mktemp("somatic-demo")
    snakemake(workdir, demo_run(workdir), *(f"results/{PATIENT}/{PATIENT}{p}" for p in PRODUCTS))
    return workdir


def planted() -> dict[tuple[str, int, str, str], dict]:
    summary = json.loads((demo_dir() / "expected" / "summary.json").read_text())
    return {
        (s["contig"], s["pos"], s["ref"], s["alt"]): s
        for s in summary["samples"]["demo3-tumor"]["somatic"]
    }


def somatic_records(workdir: Path) -> dict[tuple[str, int, str, str], pysam.VariantRecord]:
    vcf = workdir / f"results/{PATIENT}/{PATIENT}.somatic.vcf.gz"
    with pysam.VariantFile(str(vcf)) as handle:
        return {(r.contig, r.pos, r.ref, r.alts[0]): r for r in handle}


def test_every_planted_somatic_snv_and_nothing_else_passes(demo_results: Path) -> None:
    records = somatic_records(demo_results)
    passing = {key for key, record in records.items() if list(record.filter) == ["PASS"]}
    assert passing == set(planted())


def test_egfr_l858r_and_kras_g12c_at_about_their_planted_vaf(demo_results: Path) -> None:
    records = somatic_records(demo_results)
    for key, expected in planted().items():
        if expected["id"] not in ("EGFR-L858R", "KRAS-G12C"):
            continue
        tumor = records[key].samples["demo3-tumor"]
        depth = sum(tumor["AD"])
        # The demo draws each read's allele at random, so the reads' own fraction varies around
        # the planted VAF: allow three binomial standard deviations at the observed depth.
        allowed = 3 * math.sqrt(expected["vaf"] * (1 - expected["vaf"]) / depth)
        assert abs(tumor["AF"][0] - expected["vaf"]) <= allowed, expected["id"]
        assert records[key].samples["demo3-normal"]["AD"][1] == 0


def test_germline_variants_of_the_patient_are_not_somatic(demo_results: Path) -> None:
    records = somatic_records(demo_results)
    germline = demo_dir() / "expected" / "germline.vcf"
    with pysam.VariantFile(str(germline)) as handle:
        keys = {(r.contig, r.pos, r.ref, a) for r in handle for a in r.alts or ()}
    for key in keys & records.keys():
        assert list(records[key].filter) != ["PASS"], key


def test_tmb_is_the_planted_coding_count_over_callable_coding_megabases(
    demo_results: Path,
) -> None:
    summary = json.loads((demo_dir() / "expected" / "summary.json").read_text())
    document = json.loads(
        (demo_results / f"results/{PATIENT}/{PATIENT}.biomarkers.json").read_text()
    )
    tmb = document["tmb"]
    assert tmb["coding_mutations"] == summary["samples"]["demo3-tumor"]["somatic_coding_snvs"]
    assert tmb["callable_coding_bases"] == summary["cds_bases"]
    expected = tmb["coding_mutations"] / (tmb["callable_coding_bases"] / 1e6)
    assert tmb["mutations_per_mb"] == pytest.approx(expected, abs=1e-3)
    assert tmb["tmb_high"] is True
    assert {m["protein_change"] for m in tmb["mutations"]} >= {"858L>858R", "12G>12C"}
    assert document["purity"] == 0.6
    assert document["concordance"]["fraction"] == 1.0


def test_msi_of_the_demo_pair_is_low_over_its_few_microsatellites(demo_results: Path) -> None:
    document = json.loads(
        (demo_results / f"results/{PATIENT}/{PATIENT}.biomarkers.json").read_text()
    )
    msi = document["msi"]
    # The demo's synthetic genome (270 kb) holds only 6 microsatellites at MSIsensor's minimums
    # (mononucleotide >= 10, others >= 5 copies, unique flanks): too few for an MSI status
    # (somatic.msi_min_sites, 50), so the score is reported and MSI is "not assessed".
    assert 0 < msi["sites_used"] <= msi["sites_found"] <= 6
    assert msi["unstable_sites"] == 0 and msi["score"] < msi["cutoff"] == 20
    assert msi["msi_high"] is False and msi["assessed"] is False
    assert "at least 50 are needed" in msi["reason"] and msi["method"].startswith("MSIsensor")


def test_no_patient_or_sample_name_in_somatic_working_paths(demo_results: Path) -> None:
    for folder in ("work", "logs", "benchmarks"):
        for path in (demo_results / folder).rglob("*somatic*"):
            relative = str(path.relative_to(demo_results))
            if not relative.startswith("logs/publish_"):
                assert PATIENT not in relative and "demo3" not in relative


def test_a_tumour_paired_with_another_persons_normal_stops_the_run(tmp_path: Path) -> None:
    demo_dir()
    write_tsv(
        tmp_path / "samples.tsv",
        ["sample", "patient", "kind"],
        [["wrong-normal", "PX", "normal"], ["px-tumor", "PX", "tumor"]],
    )
    write_tsv(
        tmp_path / "units.tsv",
        ["sample", "unit", "fq1", "fq2"],
        [
            ["wrong-normal", "L001", *(DEMO / f"reads/demo1_L001_R{n}.fastq.gz" for n in (1, 2))],
            ["px-tumor", "L001", *(DEMO / f"reads/demo3-tumor_L001_R{n}.fastq.gz" for n in (1, 2))],
        ],
    )
    config = demo_run(
        tmp_path, samples=str(tmp_path / "samples.tsv"), units=str(tmp_path / "units.tsv")
    )
    result = snakemake(tmp_path, config, "results/PX/PX.somatic.vcf.gz", check=False)
    assert result.returncode != 0
    logs = "".join(p.read_text() for p in (tmp_path / "logs/somatic_model").glob("*.log"))
    assert "tumour px-tumor and normal wrong-normal look like two different people" in logs
    assert not (tmp_path / "results/PX/PX.somatic.vcf.gz").exists()

"""On the whole GRCh37 chr20: somatic calling, copy number and SVs on chr20-somatic-dev (simulated
pair with truth), germline accuracy with the variant score on chr20-sim-dev (30x, truth), both in
one run so that the chr20 index is built once; and dream-simplefp (DREAM false-positive loci, BAM
inputs)."""

import csv
import json
import subprocess
from pathlib import Path

import pysam
import pytest

from helpers import run_config, shared, snakemake, write_tsv
from tailorseq.scoring import model

pytestmark = pytest.mark.integration

SAMPLES_HEADER = ["sample", "patient", "kind", "sex", "purity", "tumor_type", "secondary_findings"]
UNITS_HEADER = ["sample", "unit", "fq1", "fq2", "bam", "adapters"]
PATIENT = "DEV1"
SIM_DEV = "simdev"


def somatic_dev_run(workdir: Path) -> Path:
    """Config for the chr20-somatic-dev pair and the chr20-sim-dev germline sample (FASTQ
    units) on the whole GRCh37 chr20."""
    data = shared("chr20-somatic-dev")
    germline = shared("chr20-sim-dev")
    reference = shared("grch37-chr20", "20.fa.gz")
    write_tsv(
        workdir / "samples.tsv",
        SAMPLES_HEADER,
        [
            ["dev-normal", PATIENT, "normal"],
            ["dev-tumor", PATIENT, "tumor", None, 0.6],
            [SIM_DEV, "SIMDEV", "germline"],
        ],
    )
    units = [
        [
            f"dev-{kind}",
            "sim1",
            data / f"somatic-dev-{kind}_R1.fastq.gz",
            data / f"somatic-dev-{kind}_R2.fastq.gz",
        ]
        for kind in ("normal", "tumor")
    ]
    units.append(
        [
            SIM_DEV,
            "sim1",
            germline / "chr20-sim-dev_R1.fastq.gz",
            germline / "chr20-sim-dev_R2.fastq.gz",
        ]
    )
    write_tsv(workdir / "units.tsv", UNITS_HEADER, units)
    return run_config(
        workdir,
        samples=str(workdir / "samples.tsv"),
        units=str(workdir / "units.tsv"),
        reference={"build": "GRCh37", "fasta": str(reference)},
        # minimap2: its chr20 index takes seconds where bwa's takes minutes (same germline F1 in
        # bench/accuracy.py), which keeps this test affordable in CI.
        aligner="minimap2",
    )


def somatic_target(name: str) -> list[str]:
    return [f"results/{name}/{name}.somatic.vcf.gz", f"results/{name}/{name}.somatic.vcf.gz.tbi"]


def rearrangement_targets(name: str) -> list[str]:
    return [f"results/{name}/{name}.{suffix}" for suffix in ("cnv.tsv", "cnv.json", "sv.json")]


def biomarkers(workdir: Path) -> dict:
    """The pair's published biomarkers JSON (MSI; TMB not assessed without reference.gff3)."""
    return json.loads((workdir / f"results/{PATIENT}/{PATIENT}.biomarkers.json").read_text())


@pytest.fixture(scope="module")
def somatic_dev(tmp_path_factory) -> Path:
    """One run on chr20 (minimap2 index included): the somatic path and biomarkers of
    chr20-somatic-dev, and chr20-sim-dev's germline calls."""
    workdir = tmp_path_factory.mktemp("somatic-dev")
    biomarkers_json = f"results/{PATIENT}/{PATIENT}.biomarkers.json"
    germline_vcf = f"results/{SIM_DEV}/{SIM_DEV}.vcf.gz"
    snakemake(
        workdir,
        somatic_dev_run(workdir),
        *somatic_target(PATIENT),
        *rearrangement_targets(PATIENT),
        biomarkers_json,
        germline_vcf,
    )
    return workdir


def in_bed(bed: Path):
    regions = [line.split("\t")[:3] for line in bed.read_text().splitlines() if line.strip()]
    spans = [(contig, int(start), int(end)) for contig, start, end in regions]

    def inside(contig: str, pos: int) -> bool:
        return any(c == contig and start < pos <= end for c, start, end in spans)

    return inside


def alleles(vcf: Path, pass_only: bool = False) -> set[tuple[str, int, str, str]]:
    found = set()
    with pysam.VariantFile(str(vcf)) as handle:
        for record in handle:
            if pass_only and list(record.filter.keys()) != ["PASS"]:
                continue
            for alt in record.alts or ():
                found.add((record.contig, record.pos, record.ref, alt))
    return found


def normalised(vcf: Path, workdir: Path) -> Path:
    """A truth VCF split and left-aligned against the run's reference, as the calls are."""
    (genome,) = (workdir / "cache" / "reference").glob("*/genome.fa")
    out = workdir / f"{vcf.stem}.norm.vcf"
    subprocess.run(
        [
            *("bcftools", "norm", "--fasta-ref", str(genome), "--multiallelics", "-both"),
            *("--output", str(out), str(vcf)),
        ],
        check=True,
        capture_output=True,
    )
    return out


def accuracy(workdir: Path) -> tuple[float, float, set, set]:
    """Sensitivity and precision of PASS calls inside confident.bed; (missed, false) alleles."""
    data = shared("chr20-somatic-dev")
    inside = in_bed(data / "confident.bed")
    truth_vcf = normalised(data / "truth.somatic.vcf", workdir)
    truth = {key for key in alleles(truth_vcf) if inside(key[0], key[1])}
    called = {
        key
        for key in alleles(workdir / f"results/{PATIENT}/{PATIENT}.somatic.vcf.gz", pass_only=True)
        if inside(key[0], key[1])
    }
    true_positive = truth & called
    sensitivity = len(true_positive) / len(truth)
    precision = len(true_positive) / len(called) if called else 0.0
    return sensitivity, precision, truth - called, called - truth


def f1_by_kind(truth: set, called: set) -> dict[str, tuple[float, set, set]]:
    """F1 with the missed and false alleles, for SNVs and for indels."""
    result = {}
    for kind, wanted in (("SNV", True), ("indel", False)):
        t = {key for key in truth if (len(key[2]) == len(key[3])) == wanted}
        c = {key for key in called if (len(key[2]) == len(key[3])) == wanted}
        tp = len(t & c)
        precision, recall = tp / len(c) if c else 0.0, tp / len(t)
        f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
        result[kind] = (f1, t - c, c - t)
    return result


def test_chr20_sim_dev_germline_meets_the_accuracy_targets(somatic_dev: Path) -> None:
    """The learned score's PASS calls at 30x (issue 13 targets: SNV F1 >= 0.999, indel F1 >=
    0.995), with every PASS call scored."""
    data = shared("chr20-sim-dev")
    inside = in_bed(data / "confident.bed")
    truth = {k for k in alleles(normalised(data / "truth.vcf", somatic_dev)) if inside(*k[:2])}
    vcf = somatic_dev / f"results/{SIM_DEV}/{SIM_DEV}.vcf.gz"
    called = {k for k in alleles(vcf, pass_only=True) if inside(*k[:2])}
    scores = f1_by_kind(truth, called)
    assert scores["SNV"][0] >= 0.999, scores["SNV"]
    assert scores["indel"][0] >= 0.995, scores["indel"]
    threshold = model.load(model.BUNDLED, "bcftools").threshold
    with pysam.VariantFile(str(vcf)) as handle:
        for record in handle:
            # TSCORE is written to 4 decimals: PASS exactly when it reaches the model's threshold
            margin = record.info["TSCORE"] - threshold
            passed = list(record.filter.keys()) == ["PASS"]
            assert (margin > -1e-4) if passed else (margin < 1e-4), record
            assert record.samples[SIM_DEV]["TQ"] is not None, record


def test_somatic_dev_sensitivity_and_precision(somatic_dev: Path) -> None:
    sensitivity, precision, missed, false = accuracy(somatic_dev)
    assert sensitivity >= 0.95, f"missed: {sorted(missed)}"
    assert precision >= 0.95, f"false positives: {sorted(false)}"


def test_a_pair_without_rearrangements_gets_no_copy_number_change_and_no_sv(
    somatic_dev: Path,
) -> None:
    """Real chr20 sequence, 500 kb covered, aligned against all of chr20: the territory is what
    the reads cover (not the chromosome), every segment neutral, no PASS structural variant."""
    document = json.loads((somatic_dev / f"results/{PATIENT}/{PATIENT}.cnv.json").read_text())
    assert document["status"] == "assessed"
    assert 450_000 <= document["territory"]["bases"] <= 520_000
    assert document["altered_genes"] == []
    with open(somatic_dev / f"results/{PATIENT}/{PATIENT}.cnv.tsv") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    assert rows and {(r["call"], r["copy_number"]) for r in rows} == {("neutral", "2")}
    sv = json.loads((somatic_dev / f"results/{PATIENT}/{PATIENT}.sv.json").read_text())
    assert sum(sv["pass_by_type"].values()) == 0 and sv["fusions"] == []


def test_the_purity_estimated_from_somatic_snvs_is_the_simulated_one(somatic_dev: Path) -> None:
    """65 somatic SNVs at expected allele fraction 0.30 (purity 0.6, 60x): the estimate from
    them agrees with the sheet's purity, which copy number is adjusted for."""
    document = json.loads((somatic_dev / f"results/{PATIENT}/{PATIENT}.cnv.json").read_text())
    purity = document["purity"]
    assert (purity["value"], purity["source"], purity["note"]) == (0.6, "samples.tsv", "")
    estimate = purity["estimate"]
    assert estimate["status"] == "estimated" and estimate["mutations"] >= 50, estimate
    assert abs(estimate["value"] - 0.6) <= 0.06, estimate
    assert estimate["interval"][0] <= 0.6 <= estimate["interval"][1], estimate


def test_germline_truth_is_not_called_somatic(somatic_dev: Path) -> None:
    germline = alleles(normalised(shared("chr20-somatic-dev", "truth.germline.vcf"), somatic_dev))
    called = alleles(somatic_dev / f"results/{PATIENT}/{PATIENT}.somatic.vcf.gz", pass_only=True)
    assert not germline & called


def test_somatic_vcf_has_both_samples_depths_and_vaf(somatic_dev: Path) -> None:
    vcf = somatic_dev / f"results/{PATIENT}/{PATIENT}.somatic.vcf.gz"
    with pysam.VariantFile(str(vcf)) as handle:
        assert list(handle.header.samples) == ["dev-tumor", "dev-normal"]
        passing = [record for record in handle if list(record.filter.keys()) == ["PASS"]]
    vafs = sorted(record.samples["dev-tumor"]["AF"][0] for record in passing)
    median = vafs[len(vafs) // 2]
    assert 0.2 <= median <= 0.4  # expected VAF 0.30
    for record in passing:
        assert record.samples["dev-normal"]["DP"] >= 8
        assert record.samples["dev-tumor"]["AD"][1] >= 3


def test_the_simulated_pair_is_microsatellite_stable(somatic_dev: Path) -> None:
    msi = biomarkers(somatic_dev)["msi"]
    # The pair was simulated without microsatellite instability: MSS over enough sites, below
    # MSIsensor's paired cut-off of 3.5%.
    assert msi["sites_used"] >= msi["min_sites"] == 50 and msi["assessed"] is True
    assert msi["status"] == "MSS" and msi["msi_high"] is False
    assert msi["score"] < msi["cutoff"] == 3.5 and "Niu" in msi["cutoff_source"]
    assert "Tumour purity 0.6" in msi["purity_note"]


def test_tmb_is_not_assessed_without_gene_annotation(somatic_dev: Path) -> None:
    # No GFF3 for GRCh37 chr20 here: the coding territory is unknown (and the simulated 0.5 Mb
    # could not reach the 1 Mb minimum anyway), so TMB is not assessed, with the reason.
    tmb = biomarkers(somatic_dev)["tmb"]
    assert tmb["status"] == "not assessed" and tmb["mutations_per_mb"] is None
    assert tmb["reason"].startswith("no gene annotation (reference.gff3)")
    assert tmb["tmb_high"] is False and tmb["mutations"] == []


def test_dream_false_positive_loci_give_at_most_two_pass_calls(tmp_path: Path) -> None:
    data = shared("dream-simplefp")
    reference = shared("grch37-chr20", "20.fa.gz")
    write_tsv(
        tmp_path / "samples.tsv",
        SAMPLES_HEADER,
        [["dream-normal", "DREAM", "normal"], ["dream-tumor", "DREAM", "tumor"]],
    )
    write_tsv(
        tmp_path / "units.tsv",
        UNITS_HEADER,
        [
            ["dream-normal", "bam1", None, None, data / "normal.bam"],
            ["dream-tumor", "bam1", None, None, data / "tumor.bam"],
        ],
    )
    config = run_config(
        tmp_path,
        samples=str(tmp_path / "samples.tsv"),
        units=str(tmp_path / "units.tsv"),
        reference={"build": "GRCh37", "fasta": str(reference)},
    )
    snakemake(tmp_path, config, *somatic_target("DREAM"))
    called = alleles(tmp_path / "results/DREAM/DREAM.somatic.vcf.gz", pass_only=True)
    assert len(called) <= 2, sorted(called)

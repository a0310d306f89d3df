"""The generated demo end to end: germline calls equal the planted truth."""

import json
from pathlib import Path

import pysam
import pytest

from helpers import demo_dir, demo_run, demo_sheets, snakemake
from vcf import calls, passing

pytestmark = pytest.mark.integration

GERMLINE = ["demo1", "demo2", "demo3-normal"]


def expected(sample: str) -> dict:
    return {call.key: call for call in calls(demo_dir() / "expected/germline.vcf", sample)}


@pytest.mark.parametrize("sample", GERMLINE)
def test_germline_calls_match_the_planted_truth(demo_results: Path, sample: str) -> None:
    truth = expected(sample)
    found = passing(demo_results / f"results/{sample}/{sample}.vcf.gz")
    missed = [key for key in truth if key not in found]
    wrong = [key for key in truth if key in found and found[key].genotype != truth[key].genotype]
    extra = [key for key in found if key not in truth]
    assert len(truth) > 100
    assert missed == [] and wrong == []
    assert len(extra) <= 1, extra


def test_planted_alleles_are_called(demo_results: Path) -> None:
    summary = json.loads((demo_dir() / "expected/summary.json").read_text())
    for sample in GERMLINE:
        found = passing(demo_results / f"results/{sample}/{sample}.vcf.gz")
        for variant in summary["samples"][sample]["pgx_variants"]:
            key = (variant["contig"], variant["pos"], variant["ref"], variant["alt"])
            genotype = "/".join(sorted(variant["genotype"].replace("|", "/").split("/")))
            assert found[key].genotype == genotype, (sample, variant["allele"])
    brca1 = ("BRCA1",)
    demo1 = passing(demo_results / "results/demo1/demo1.vcf.gz")
    demo2 = passing(demo_results / "results/demo2/demo2.vcf.gz")
    frameshifts = [key for key in demo1 if key[:1] == brca1 and len(key[2]) - len(key[3]) == 2]
    assert len(frameshifts) == 1 and frameshifts[0] in demo2


def test_units_are_merged_with_one_read_group_each(demo_results: Path) -> None:
    with pysam.AlignmentFile(str(demo_results / "results/demo1/demo1.bam")) as bam:
        groups = bam.header.to_dict()["RG"]
        assert sorted(group["PU"] for group in groups) == ["L001", "L002"]
        assert {group["SM"] for group in groups} == {"demo1"}
        assert {group["LB"] for group in groups} == {"demo1"}
        read_groups = {read.get_tag("RG") for read in bam.head(20000)}
    assert read_groups == {group["ID"] for group in groups}


def test_tumour_is_aligned_but_not_germline_called(demo_results: Path) -> None:
    bam_path = demo_results / "results/demo3-tumor/demo3-tumor.bam"
    with pysam.AlignmentFile(str(bam_path)) as bam:  # indexed: mapped counts come from the .bai
        assert {group["SM"] for group in bam.header.to_dict()["RG"]} == {"demo3-tumor"}
        assert bam.mapped > 0.95 * (bam.mapped + bam.unmapped)
    assert not (demo_results / "results/demo3-tumor/demo3-tumor.vcf.gz").exists()


def test_run_report_covers_every_sample(demo_results: Path) -> None:
    stats = demo_results / "results/run/multiqc_data/multiqc_general_stats.txt"
    names = {line.split("\t")[0] for line in stats.read_text().splitlines()[1:]}
    assert {"demo1", "demo2", "demo3-normal", "demo3-tumor", "demo1.L001", "demo1.L002"} <= names


def test_a_finished_run_started_again_has_nothing_to_do(shared_demo: Path) -> None:
    """Publishing a sample's alignment (a hard link) must not make its calls, coverage and
    reports look older than it: a lab adding a sample reruns only that sample's work."""
    again = snakemake(shared_demo, shared_demo / "run.yaml", "--dry-run")
    assert "Nothing to be done" in again.stdout + again.stderr, again.stdout[-3000:]


@pytest.mark.parametrize("caller", ["bcftools", "freebayes"])
def test_joint_calling_gives_one_vcf_and_the_same_sample_calls(
    demo_results: Path, tmp_path: Path, caller: str
) -> None:
    """Each sample's VCF holds that sample's calls, whatever order the caller writes the joint
    callset's samples in (freebayes does not keep the alignments' order: its HG00096 VCF once
    held HG00099's calls)."""
    # The point is joint calling: the samples come as the session run's alignments (BAM units,
    # used as they are), and the run shares its reference and knowledge cache.
    bams = {sample: demo_results / f"results/{sample}/{sample}.bam" for sample in GERMLINE}
    config = demo_run(tmp_path, **demo_sheets(tmp_path, GERMLINE, bams), caller=caller,
                      cache_dir=str(demo_results / "cache"), calling={"joint": True})  # fmt: skip
    targets = [f"results/{sample}/{sample}.vcf.gz" for sample in GERMLINE]
    result = snakemake(tmp_path, config, "results/run/germline.joint.vcf.gz", *targets)
    assert "align_bwa" not in result.stderr
    joint = tmp_path / "results/run/germline.joint.vcf.gz"
    with pysam.VariantFile(str(joint)) as handle:
        assert sorted(handle.header.samples) == sorted(GERMLINE)
    for sample in GERMLINE:
        truth = expected(sample)
        from_joint = passing(tmp_path / f"results/{sample}/{sample}.vcf.gz")
        with pysam.VariantFile(str(tmp_path / f"results/{sample}/{sample}.vcf.gz")) as handle:
            assert list(handle.header.samples) == [sample]
        assert all(from_joint[key].genotype == call.genotype for key, call in truth.items())
        assert sum(key in truth for key in from_joint) == len(truth)


def test_the_slurm_profiles_groups_hold_for_every_step(tmp_path: Path) -> None:
    """A rule outside a group that both needs and feeds the group's jobs breaks the DAG (as
    copy number did, reading the somatic calls): the whole demo, copy number and SVs on, dry
    run with the SLURM profile's groups."""
    profile = demo_dir().parents[1] / "config" / "profiles" / "slurm"
    result = snakemake(tmp_path, demo_run(tmp_path), "--dry-run", "--profile", str(profile),
                       "--executor", "dryrun")  # fmt: skip
    output = result.stdout + result.stderr
    for group in ("sample_bam", "calls", "sample_vcf", "somatic", "versions"):
        assert f"Group job {group} " in output, group
    assert "pgx_phase" in output and "somatic_cnv" in output


@pytest.mark.parametrize(
    ("calling", "prior", "gapped_reads"),
    [
        ({}, "0.2", "1"),
        ({"filter": "qual"}, "0.0011", "2"),
        ({"bcftools_min_gapped_reads": 3}, "0.2", "3"),
    ],
)
def test_bcftools_candidates_are_those_the_filter_expects(
    tmp_path: Path, calling: dict, prior: str, gapped_reads: str
) -> None:
    """The score judges the candidates it was trained on (bcftools call --prior 0.2, mpileup
    --min-ireads 1); the QUAL fallback keeps bcftools' own (1.1e-3, 2); a setting overrides."""
    config = demo_run(tmp_path, calling=calling)
    result = snakemake(
        tmp_path, config, "--dry-run", "--printshellcmds", "results/demo1/demo1.vcf.gz"
    )
    commands = [line for line in result.stdout.splitlines() if "bcftools mpileup" in line]
    assert commands
    for command in commands:
        assert f" --min-ireads {gapped_reads} " in command
        assert f" --prior {prior} " in command

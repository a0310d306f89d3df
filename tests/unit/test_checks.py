"""Check before compute: each bad input gives one message naming the file, the row and the fix."""

import gzip
import os
import pathlib
from collections import namedtuple
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from preflight_helpers import (
    Project,
    write_bam,
    write_fai,
    write_fasta,
    write_fastq,
    write_tool,
)

from tailorseq import tools as tools_module
from tailorseq.check_summary import summarize
from tailorseq.checks import check_configfile, inspect_run, preflight
from tailorseq.config import config_problems, load_config, read_configfile
from tailorseq.diskspace import cache_need, full_disk_message, results_need
from tailorseq.errors import InputError
from tailorseq.refcache import record_checksums, reference_dir
from tailorseq.sheets import Problems
from tailorseq.tools import TOOLS

Usage = namedtuple("Usage", "total used free")

GOOD_VERSIONS = {
    "bwa": "Program: bwa\nVersion: 0.7.17-r1188",
    "samtools": "samtools 1.16.1\nUsing htslib 1.16",
    "bcftools": "bcftools 1.16",
    "tabix": "tabix (htslib) 1.16",
    "bgzip": "bgzip (htslib) 1.16",
    "fastp": "fastp 0.23.2",
    "minimap2": "2.24-r1122",
    "freebayes": "version:  v1.3.6",
    "mosdepth": "mosdepth 0.3.3",
    "cnvkit.py": "0.9.14",
    "delly": "Delly version: v1.1.6\n using Boost: v1.74.0",
    "whatshap": "2.8",
    "gffread": "0.12.7",
    "salmon": "salmon 1.10.1",
    "aldy": "Aldy v4.8.3 (Python 3.11.7 on Linux)",
}


def unit_row(project: Project, index: int) -> str:
    """'<units.tsv>, row N: ' of the project's unit at `index`."""
    return f"{project.root / 'config' / 'units.tsv'}, row {index + 2}: "


def data(project: Project, name: str) -> Path:
    return project.root / "data" / name


# ---------------------------------------------------------------- good path


def test_good_run_passes_and_returns_the_sheet(project: Project) -> None:
    sheet = preflight(project.config, project.root, check_tools=False)
    assert list(sheet.samples) == ["g1", "t1", "n1"]
    assert sheet.units["n1"][0].fq1 == data(project, "n1_R1.fq")


def test_check_configfile_summarizes_the_run(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tools = tmp_path / "bin"
    for name, text in GOOD_VERSIONS.items():
        write_tool(tools, name, text, status=1 if name == "bwa" else 0)
    monkeypatch.setenv("PATH", str(tools))
    configfile = project.root / "run.yaml"
    configfile.write_text(yaml.safe_dump(project.config))
    summary = check_configfile(configfile, project.root)
    assert "all checks passed" in summary
    assert "samples: 3 (germline 1, tumor 1, normal 1)" in summary
    assert "units: 3 (FASTQ 3)" in summary
    assert "tumour/normal pairs: t1/n1" in summary
    assert "2 contigs, 1,500 bp (chr1, chr2)" in summary
    assert f"bwa 0.7.17-r1188 ({tools / 'bwa'})" in summary and "mosdepth 0.3.3" in summary
    assert "cnvkit.py 0.9.14" in summary  # the pair's copy number (cnv.enabled)
    assert "delly 1.1.6" in summary  # its structural variants (sv.enabled)
    assert "g1/lane1: 12 read pairs" in summary
    assert "FASTQ scan: 6 files" in summary
    assert "disk space: the run needs about 12.0 MB, " in summary
    assert f"free in {project.root}" in summary
    # pgx.definitions defaults to a PharmCAT release, which has no definitions for this build
    assert summary.endswith("names a folder of definitions for it")
    assert "PharmCAT publishes GRCh38 definitions only: no PGx on this build" in summary


def test_large_fastq_is_only_sampled_and_the_summary_says_so(project: Project) -> None:
    project.config["checks"] = {"full_fastq_scan_max_mb": 0}
    write_fastq(data(project, "g1_R2.fq.gz"), 5, mate=2, prefix="g1")  # counts differ: unseen
    assert project.problems() == []
    findings = inspect_run(project.config, project.root, check_tools=False)
    summary = summarize(findings, Path("run.yaml"))
    assert "g1/lane1: not counted (too large)" in summary
    assert "only its first 1,000 records were checked" in summary


def test_bam_units_with_matching_header_pass(project: Project) -> None:
    write_bam(data(project, "g1.bam"), {"chr1": 1000, "chr2": 500})
    project.units[0] = {"sample": "g1", "unit": "lane1", "bam": "../data/g1.bam"}
    assert project.problems() == []


def test_reference_url_is_left_for_later(project: Project) -> None:
    project.config["reference"]["fasta"] = "https://example.org/genome.fa.gz"
    write_bam(data(project, "g1.bam"), {"1": 5})
    project.units[0] = {"sample": "g1", "unit": "lane1", "bam": "../data/g1.bam"}
    assert project.problems() == []


# ---------------------------------------------------------------- config

REQUIRED = {"samples": "s.tsv", "units": "u.tsv", "reference": {"build": "demo", "fasta": "g.fa"}}


def test_missing_required_keys_are_named() -> None:
    assert [str(p) for p in config_problems({"samples": "s.tsv", "reference": {"build": "x"}})] == [
        "config: key 'units' is missing. Fix: add it",
        "config: key 'reference.fasta' is missing. Fix: add it",
    ]


def test_unknown_config_key_names_the_path() -> None:
    problems = config_problems({**REQUIRED, "calling": {"scater": 4}})
    assert [str(p) for p in problems] == [
        "config: key 'calling.scater' is not allowed (allowed: joint, scatter, filter, "
        "score_model, bcftools_prior, bcftools_min_gapped_reads, min_qual, snv_min_qual_depth, "
        "min_depth, min_mapq, min_baseq). "
        "Fix: correct the spelling (did you mean 'calling.scatter'?) or remove it"
    ]


def test_bad_config_values() -> None:
    config = {**REQUIRED, "aligner": "bowtie", "calling": {"scatter": -1}}
    problems = [str(p) for p in config_problems(config)]
    assert problems[0] == (
        "config: key 'aligner' is 'bowtie' (allowed: bwa, minimap2). "
        "Fix: use one of the allowed values"
    )
    assert "key 'calling.scatter' is -1" in problems[1] and "at least 0" in problems[1]


def test_load_config_fills_defaults_without_touching_the_input() -> None:
    given = {**REQUIRED, "aligner": "minimap2", "calling": {"joint": True}}
    config = load_config(given)
    assert given == {**REQUIRED, "aligner": "minimap2", "calling": {"joint": True}}
    assert config["calling"]["joint"] is True and config["calling"]["min_depth"] == 5
    assert config["reference"] == {"build": "demo", "fasta": "g.fa", "sha256": "", "gff3": ""}
    assert config["trimming"] == {"n_base_limit": 15, "min_length": 30}
    assert config["checks"]["full_fastq_scan_max_mb"] == 1024
    with pytest.raises(InputError, match=r"key 'caller' is 'gatk'"):
        load_config({**REQUIRED, "caller": "gatk"})


def test_preflight_stops_at_a_broken_config(project: Project) -> None:
    project.config["alignment"] = {"format": "sam"}
    with pytest.raises(Problems, match=r"key 'alignment.format' is 'sam'"):
        preflight(project.config, project.root, check_tools=False)


def test_config_file_with_yaml_error_names_the_line(tmp_path: Path) -> None:
    configfile = tmp_path / "run.yaml"
    configfile.write_text("samples: a.tsv\nreference:\n  build: [GRCh38\n")
    with pytest.raises(InputError) as raised:
        read_configfile(configfile)
    assert raised.value.row == 4 and "not valid YAML" in str(raised.value)
    with pytest.raises(InputError, match="does not exist"):
        read_configfile(tmp_path / "none.yaml")


# ---------------------------------------------------------------- input files


def test_missing_fastq(project: Project) -> None:
    data(project, "t1_R2.fq.gz").unlink()
    problem = project.only_problem()
    assert problem.startswith(unit_row(project, 1))
    assert f"fq2 file {data(project, 't1_R2.fq.gz')} does not exist" in problem
    assert "Fix: correct the path (relative to the folder of" in problem


def test_folder_instead_of_file(project: Project) -> None:
    data(project, "g1_R1.fq.gz").unlink()
    data(project, "g1_R1.fq.gz").mkdir()
    problem = project.only_problem()
    assert problem.startswith(unit_row(project, 0))
    assert "is a folder, not a file. Fix: give the path of the file itself" in problem


def test_pipe_instead_of_file(project: Project) -> None:
    data(project, "g1_R1.fq.gz").unlink()
    os.mkfifo(data(project, "g1_R1.fq.gz"))
    problem = project.only_problem()
    assert problem.startswith(unit_row(project, 0)) and "is not a regular file" in problem


def test_broken_symlink(project: Project) -> None:
    data(project, "g1_R1.fq.gz").unlink()
    data(project, "g1_R1.fq.gz").symlink_to("/nonexistent/reads.fq.gz")
    problem = project.only_problem()
    assert "is a broken symbolic link (to /nonexistent/reads.fq.gz)" in problem


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_by_mode(project: Project) -> None:
    data(project, "g1_R1.fq.gz").chmod(0)
    problem = project.only_problem()
    assert "is not readable (permission denied). Fix: make it readable" in problem


def test_unreadable_file(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    """Permission denied on open, as for another user's file (works when tests run as root)."""
    locked = data(project, "g1_R1.fq.gz")
    real_open = pathlib.Path.open

    def refuse(path: Path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if path == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "open", refuse)
    problem = project.only_problem()
    assert problem.startswith(unit_row(project, 0))
    assert f"fq1 file {locked} is not readable (permission denied)" in problem
    assert "Fix: make it readable for the user running the pipeline" in problem


# ---------------------------------------------------------------- FASTQ content


def test_truncated_gzip(project: Project) -> None:
    path = data(project, "g1_R1.fq.gz")
    write_fastq(path, 5000, prefix="g1")
    path.write_bytes(path.read_bytes()[:-200])
    problem = project.only_problem()
    assert problem.startswith(unit_row(project, 0))
    assert f"fq1 {path} is truncated: the gzip stream ends early" in problem
    assert "Fix: copy or download the file again" in problem


def test_not_fastq_at_all(project: Project) -> None:
    path = data(project, "t1_R1.fq.gz")
    path.write_bytes(gzip.compress(b"sample\tpatient\nA\tB\n"))
    problem = project.only_problem()
    assert problem.startswith(unit_row(project, 1))
    assert "line 1: expected a read header starting with '@', found 'sample\\tpatient'" in problem


def test_fasta_given_as_fastq(project: Project) -> None:
    write_fasta(data(project, "n1_R1.fq"), {"x": 10})
    problem = project.only_problem()
    assert problem.startswith(unit_row(project, 2)) and "is FASTA, not FASTQ" in problem


def test_r1_and_r2_with_different_read_counts(project: Project) -> None:
    write_fastq(data(project, "g1_R2.fq.gz"), 11, mate=2, prefix="g1")
    problem = project.only_problem()
    assert problem == (
        f"{unit_row(project, 0)}fq1 {data(project, 'g1_R1.fq.gz')} has 12 reads but fq2 "
        f"{data(project, 'g1_R2.fq.gz')} has 11: they are not the two files of one pair. "
        "Fix: give both files of one pair (one may be truncated or from another run)"
    )


def test_r1_and_r2_that_are_not_mates(project: Project) -> None:
    write_fastq(data(project, "g1_R2.fq.gz"), 12, mate=2, prefix="other")
    problem = project.only_problem()
    assert "are not mates in the same order: record 1 is read 'g10' in fq1 but 'other0'" in problem


# ---------------------------------------------------------------- reference


def test_missing_demo_reference_says_how_to_make_it(project: Project) -> None:
    project.config["reference"] = {"build": "demo", "fasta": "resources/demo/genome.fa"}
    problem = project.only_problem()
    assert problem.startswith("config: reference.fasta ")
    assert "does not exist. Fix: generate the demo: python -m tailorseq demo" in problem


def test_reference_of_the_other_build(project: Project) -> None:
    fasta = project.root / "ref" / "genome.fa"
    write_fai(fasta, {"chr20": 63025520})
    project.config["reference"]["build"] = "GRCh38"
    assert project.only_problem() == (
        f"{fasta}: contig chr20 has length 63025520, which is GRCh37's; config says GRCh38. "
        "Fix: set reference.build: GRCh37, or use a GRCh38 FASTA"
    )


def test_reference_with_wrong_lengths_for_the_build(project: Project) -> None:
    fasta = project.root / "ref" / "genome.fa"
    write_fai(fasta, {"20": 63025520, "21": 123, "22": 50818468})
    project.config["reference"]["build"] = "GRCh38"
    problem = project.only_problem()
    assert "contig 21 has length 123, not GRCh38's 46709983" in problem
    assert "contig 22" not in problem  # right for GRCh38
    assert "Fix: use a GRCh38 FASTA, or give reference.build a custom name" in problem


def test_subset_of_a_build_is_fine(project: Project) -> None:
    fasta = project.root / "ref" / "genome.fa"
    write_fai(fasta, {"20": 64444167, "chrUn_KI270302v1": 2274})
    project.config["reference"]["build"] = "GRCh38"
    project.units = project.units[:1]
    project.samples = project.samples[:1]
    assert project.problems() == []


# ---------------------------------------------------------------- BAM units


def bam_unit(project: Project, contigs: dict[str, int], **kwargs: bool) -> Path:
    """Replace g1's unit by a BAM with this header."""
    bam = write_bam(data(project, "g1.bam"), contigs, **kwargs)
    project.units[0] = {"sample": "g1", "unit": "lane1", "bam": "../data/g1.bam"}
    return bam


def test_bam_contig_lengths_differ_from_reference(project: Project) -> None:
    bam = bam_unit(project, {"chr1": 999, "chr2": 500})
    problem = project.only_problem()
    assert problem.startswith(unit_row(project, 0))
    assert f"bam {bam} contig lengths differ: chr1 is 999 bp here, 1000 in the reference" in problem
    assert "Fix: use the reference the reads were aligned to" in problem


def test_bam_with_chr_prefix_mismatch(project: Project) -> None:
    bam_unit(project, {"1": 1000, "2": 500})
    problem = project.only_problem()
    assert "has contigs the reference lacks: 1, 2" in problem
    assert "chr-prefix mismatch: 1 is chr1 in the reference" in problem
    assert "samtools reheader" in problem


def test_bam_with_contig_the_reference_lacks(project: Project) -> None:
    bam_unit(project, {"chr1": 1000, "chr2": 500, "decoy": 10})
    problem = project.only_problem()
    assert "has contigs the reference lacks: decoy. Fix: use the reference" in problem


def test_bam_without_read_group(project: Project) -> None:
    bam_unit(project, {"chr1": 1000, "chr2": 500}, read_group=False)
    problem = project.only_problem()
    assert "has no @RG read-group line. Fix: add one with samtools addreplacerg" in problem


def test_bam_that_is_not_a_bam(project: Project) -> None:
    data(project, "g1.bam").write_text("not a bam\n")
    project.units[0] = {"sample": "g1", "unit": "lane1", "bam": "../data/g1.bam"}
    problem = project.only_problem()
    assert problem.startswith(unit_row(project, 0)) and "is not a readable BAM/CRAM" in problem


# ---------------------------------------------------------------- targets and tools


def test_targets_on_unknown_contig(project: Project) -> None:
    bed = project.root / "targets.bed"
    bed.write_text("track name=t\nchr1\t10\t20\n1\t5\t9\n")
    project.config["targets"] = "targets.bed"
    assert project.only_problem() == (
        f"{bed}, row 3: contig 1 is not in the reference (chr-prefix mismatch). "
        "Fix: use the reference's contig names"
    )


def test_missing_sample_targets(project: Project) -> None:
    project.samples[0]["targets"] = "panel.bed"
    problem = project.only_problem()
    assert problem.startswith(f"{project.samples_tsv}, row 2: targets ")
    assert "panel.bed does not exist" in problem


def test_tumour_rna_without_gene_models_is_refused(project: Project) -> None:
    for mate in (1, 2):
        write_fastq(data(project, f"r1_R{mate}.fq.gz"), 12, mate=mate, prefix="r1")
    project.samples.append({"sample": "r1", "patient": "p2", "kind": "tumor_rna"})
    project.units.append(
        {"sample": "r1", "unit": "L1", "fq1": "../data/r1_R1.fq.gz", "fq2": "../data/r1_R2.fq.gz"}
    )
    problem = project.only_problem()
    assert problem.startswith(f"{project.samples_tsv}, row 5: tumor_rna sample 'r1' needs gene")
    assert "set reference.gff3" in problem and "rna.enabled: false" in problem
    project.config["rna"] = {"enabled": False}
    assert project.problems() == []
    band = {"high_at": 1, "equivocal_at": 2, "source": "lab validation 2026"}
    project.config["rna"] = {"receptor_thresholds": {"ERBB2": band}}
    project.config["reference"]["gff3"] = "ref/genes.gff3"
    (problem,) = [p for p in project.problems() if "equivocal_at" in p]
    assert "ERBB2: equivocal_at 2 is not below high_at 1" in problem


def test_rna_tools_are_required_only_with_tumour_rna() -> None:
    config = {"aligner": "bwa", "caller": "bcftools", "rna": {"enabled": True}}
    assert "salmon" not in tools_module.required_tools(config)
    assert {"salmon", "gffread", "minimap2"} <= set(tools_module.required_tools(config, True))
    assert "salmon" not in tools_module.required_tools(config | {"rna": {"enabled": False}}, True)


def test_aldy_is_required_only_where_it_calls_cyp2d6() -> None:
    """Configured and on GRCh38/GRCh37 (the demo's build, or no PGx, needs no Aldy)."""
    base = {"aligner": "bwa", "caller": "bcftools"}
    pgx = {"definitions": "defs", "cyp2d6_caller": "aldy"}
    grch37 = base | {"pgx": pgx, "reference": {"build": "GRCh37"}}
    assert "aldy" in tools_module.required_tools(grch37)
    for pgx_config, build in [(pgx, "demo"), (pgx | {"cyp2d6_caller": "none"}, "GRCh38"),
                              (pgx | {"definitions": ""}, "GRCh38")]:  # fmt: skip
        config = base | {"pgx": pgx_config, "reference": {"build": build}}
        assert "aldy" not in tools_module.required_tools(config)


def test_missing_tool_is_reported_with_the_rest(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tools = tmp_path / "bin"
    for name in TOOLS:
        if name != "fastp":
            write_tool(tools, name, GOOD_VERSIONS[name])
    monkeypatch.setenv("PATH", str(tools))
    data(project, "g1_R1.fq.gz").unlink()
    with pytest.raises(Problems) as raised:
        preflight(project.config, project.root)
    message = str(raised.value)
    assert message.startswith("2 problems to fix before the run can start:\n  1. ")
    assert "does not exist" in message
    assert "  2. PATH: tool 'fastp' was not found. Fix: apt-get install fastp" in message


# ---------------------------------------------------------------- disk space


def test_results_need_counts_kept_files_and_the_units_aligned_at_once() -> None:
    # kept 1.01x of every input byte, 2 MB per sample, 6 MB per run; with 16 cores two units
    # are aligned at once: the 2 GB one (trimmed + sort spill 2.25x) and the 100 MB one (1.05x).
    need = results_need([[100_000_000], [50_000_000, 2_000_000_000]], cores=16)
    assert need == round(1.01 * 2.15e9 + 2 * 2e6 + 6e6 + 2.12 * 2e9 + 0.92 * 1e8)
    assert results_need([[100_000_000], [50_000_000, 2_000_000_000]], cores=2) == round(
        1.01 * 2.15e9 + 2 * 2e6 + 6e6 + 2.12 * 2e9
    )


def test_cache_need_counts_only_what_is_not_built(tmp_path: Path) -> None:
    assert cache_need(1_000_000, "bwa", tmp_path) == round((1.02 + 1.75) * 1e6)
    assert cache_need(1_000_000, "minimap2", tmp_path) == round((1.02 + 2.91) * 1e6)
    for suffix in ("", ".amb", ".ann", ".bwt", ".pac", ".sa"):
        (tmp_path / f"genome.fa{suffix}").touch()
    assert cache_need(1_000_000, "bwa", tmp_path) == 0
    assert cache_need(1_000_000, "minimap2", tmp_path) == round(2.91 * 1e6)


def small_disk(free: int) -> Callable[[Path], Usage]:
    """A stand-in for shutil.disk_usage reporting `free` bytes (the real disk is not full)."""
    return lambda path: Usage(10 * free, 9 * free, free)


def test_too_little_free_space_stops_the_run_with_the_fix(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tailorseq.diskspace.shutil.disk_usage", small_disk(5_000_000))
    problem = project.only_problem()
    assert problem.startswith(f"{project.root}: not enough disk space: the run needs about 12.0 MB")
    assert f"5.0 MB free in {project.root}" in problem
    assert "Fix: free space there, or point the run elsewhere" in problem and "cache_dir" in problem


def test_space_already_used_by_the_run_counts_as_free(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tailorseq.diskspace.shutil.disk_usage", small_disk(5_000_000))
    (project.root / "results").mkdir()
    (project.root / "results" / "old.bam").write_bytes(b"x" * 8_000_000)
    assert project.problems() == []


def test_disk_space_check_can_be_turned_off(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tailorseq.diskspace.shutil.disk_usage", small_disk(5_000_000))
    project.config["checks"] = {"disk_space": False}
    assert project.problems() == []
    findings = inspect_run(project.config, project.root, check_tools=False)
    assert "disk space not checked (checks.disk_space: false)" in findings.notes


def test_full_disk_message_names_the_folder_and_the_rerun(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert full_disk_message([tmp_path]) is None  # the test machine's disk has room
    monkeypatch.setattr("tailorseq.diskspace.shutil.disk_usage", small_disk(4_096))
    message = full_disk_message([tmp_path / "run"])
    assert message is not None
    assert f"{tmp_path / 'run'} has 4.1 kB free" in message
    assert message.endswith("then rerun the same command with --rerun-incomplete")


# ---------------------------------------------------------------- caches


def test_second_check_reuses_the_fastq_scans_until_a_file_changes(project: Project) -> None:
    first = inspect_run(project.config, project.root, check_tools=False)
    assert first.scans_reused == 0 and first.problems == []
    second = inspect_run(project.config, project.root, check_tools=False)
    assert second.scans_reused == 6
    assert {k: s.reads for k, s in second.scans.items()} == {
        k: s.reads for k, s in first.scans.items()
    }
    write_fastq(data(project, "g1_R2.fq.gz"), 5, mate=2, prefix="g1")
    third = inspect_run(project.config, project.root, check_tools=False)
    assert third.scans_reused == 5
    assert "has 12 reads but fq2" in str(third.problems[0])
    assert "has 5: they are not" in str(third.problems[0])


def test_check_removes_a_damaged_cached_index(project: Project) -> None:
    folder = reference_dir(load_config(project.config), project.root)
    folder.mkdir(parents=True)
    bwt = folder / "genome.fa.bwt"
    bwt.write_bytes(b"index" * 100)
    record_checksums([bwt], "bwa_index")
    bwt.write_bytes(b"INDEX" * 100)
    findings = inspect_run(project.config, project.root, check_tools=False)
    assert len(findings.repaired) == 1 and str(bwt) in findings.repaired[0]
    assert not bwt.exists()
    assert "repaired: damaged reference cache file" in summarize(findings, Path("run.yaml"))


# ---------------------------------------------------------------- tumour types (OncoTree)
ONCOTREE_FIXTURE = (
    pathlib.Path(__file__).parents[1] / "fixtures" / "oncotree" / "oncotree_subset.tsv"
)


@pytest.mark.parametrize("tumor_type", ["LUAD", "lung adenocarcinoma"])
def test_an_oncotree_code_or_name_passes_the_checks(project: Project, tumor_type) -> None:
    project.samples[1]["tumor_type"] = tumor_type
    project.config["somatic"] = {"oncotree": str(ONCOTREE_FIXTURE)}
    assert [p for p in project.problems() if "tumor_type" in p] == []


def test_an_unknown_tumour_type_is_refused_with_a_did_you_mean(project: Project) -> None:
    project.samples[1]["tumor_type"] = "breast carcinoma"
    project.config["somatic"] = {"oncotree": str(ONCOTREE_FIXTURE)}
    (problem,) = [p for p in project.problems() if "tumor_type" in p]
    assert "samples.tsv, row 3" in problem  # t1: the second sample, below the header
    assert "did you mean Invasive Breast Carcinoma (BRCA)" in problem
    assert "Fix: write the tumour type as an OncoTree code" in problem


def test_a_tumour_type_without_oncotree_is_refused(project: Project) -> None:
    project.samples[1]["tumor_type"] = "LUAD"
    (problem,) = [p for p in project.problems() if "tumor_type" in p]
    assert "somatic.oncotree is not set" in problem

"""Bad input stops `snakemake` before the first job, with one clear message and no outputs."""

import gzip
import os
import shutil
from pathlib import Path

import pysam
import pytest

from helpers import ROOT, demo_dir, run_config, snakemake, write_tsv

pytestmark = pytest.mark.integration

SAMPLES_HEADER = ["sample", "patient", "kind"]
UNITS_HEADER = ["sample", "unit", "fq1", "fq2", "bam"]
DEMO_READS = ("reads/demo2_L001_R1.fastq.gz", "reads/demo2_L001_R2.fastq.gz")


def fastq_pair(folder: Path, name: str) -> tuple[Path, Path]:
    """A copy of a real demo FASTQ pair under a new name."""
    pair = []
    for source, mate in zip(DEMO_READS, ("R1", "R2"), strict=True):
        target = folder / f"{name}_{mate}.fastq.gz"
        shutil.copy(demo_dir() / source, target)
        pair.append(target)
    return pair[0], pair[1]


def refused(workdir: Path, samples: list[list], units: list[list], env=None, **config) -> str:
    """Run the pipeline on the sheets, assert it stops before any job, return its message."""
    write_tsv(workdir / "samples.tsv", SAMPLES_HEADER, samples)
    write_tsv(workdir / "units.tsv", UNITS_HEADER, units)
    configfile = run_config(
        workdir,
        samples=str(workdir / "samples.tsv"),
        units=str(workdir / "units.tsv"),
        reference=config.pop(
            "reference", {"build": "demo", "fasta": str(demo_dir() / "genome.fa")}
        ),
        **config,
    )
    result = snakemake(workdir, configfile, check=False, env=env)
    assert result.returncode != 0
    for output in ("results", "work", "logs", "cache"):
        assert not (workdir / output).exists(), f"{output}/ was written before the checks passed"
    return result.stderr


def test_duplicate_sample(tmp_path: Path) -> None:
    r1, r2 = fastq_pair(tmp_path, "a")
    message = refused(
        tmp_path,
        [["p1-blood", "p1", "germline"], ["p1-blood", "p1", "germline"]],
        [["p1-blood", "L1", r1, r2]],
    )
    assert "samples.tsv, row 3" in message and "'p1-blood'" in message and "Fix:" in message


def test_truncated_fastq(tmp_path: Path) -> None:
    r1, r2 = fastq_pair(tmp_path, "a")
    data = r1.read_bytes()
    r1.write_bytes(data[: len(data) // 2])
    message = refused(tmp_path, [["s1", "p1", "germline"]], [["s1", "L1", r1, r2]])
    assert str(r1) in message and "units.tsv, row 2" in message
    assert "truncated" in message.lower() or "end of" in message.lower()


def test_reads_of_different_counts(tmp_path: Path) -> None:
    r1, r2 = fastq_pair(tmp_path, "a")
    with gzip.open(r2, "rt") as handle:
        lines = handle.read().splitlines()
    with gzip.open(r2, "wt") as handle:
        handle.write("\n".join(lines[:-8]) + "\n")
    message = refused(tmp_path, [["s1", "p1", "germline"]], [["s1", "L1", r1, r2]])
    assert "units.tsv, row 2" in message and "read" in message


def test_reference_of_the_wrong_build(tmp_path: Path) -> None:
    fasta = tmp_path / "chr20.fa"
    fasta.write_text(">chr20\n" + "ACGT" * 25 + "\n")
    pysam.faidx(str(fasta))
    r1, r2 = fastq_pair(tmp_path, "a")
    # The fai says chr20 has GRCh37's length; the config says GRCh38.
    Path(f"{fasta}.fai").write_text("chr20\t63025520\t7\t100\t101\n")
    os.utime(f"{fasta}.fai")
    message = refused(
        tmp_path,
        [["s1", "p1", "germline"]],
        [["s1", "L1", r1, r2]],
        reference={"build": "GRCh38", "fasta": str(fasta)},
    )
    assert "63025520, which is GRCh37's" in message and "config says GRCh38" in message


def test_bam_whose_contigs_do_not_match_the_reference(tmp_path: Path) -> None:
    bam = tmp_path / "given.bam"
    header = {"SQ": [{"SN": "chr17", "LN": 83257441}], "RG": [{"ID": "x", "SM": "y"}]}
    with pysam.AlignmentFile(str(bam), "wb", header=header):
        pass
    message = refused(tmp_path, [["s1", "p1", "germline"]], [["s1", "L1", None, None, bam]])
    assert str(bam) in message and "chr17" in message


def test_missing_tool(tmp_path: Path) -> None:
    tools = tmp_path / "bin"
    tools.mkdir()
    for folder in ("/usr/local/bin", "/usr/bin", "/bin"):
        for program in Path(folder).iterdir():
            if program.name != "bwa" and not (tools / program.name).exists():
                (tools / program.name).symlink_to(program)
    env = {**os.environ, "PATH": f"{ROOT / '.venv' / 'bin'}{os.pathsep}{tools}"}
    r1, r2 = fastq_pair(tmp_path, "a")
    message = refused(tmp_path, [["s1", "p1", "germline"]], [["s1", "L1", r1, r2]], env=env)
    assert "'bwa' was not found" in message and "apt-get install bwa" in message


# ---------------------------------------------------------------- issue 19


def test_header_only_sample_sheet(tmp_path: Path) -> None:
    """Used to start and fail inside MultiQC; now stops before any job."""
    message = refused(tmp_path, [], [])
    assert "samples.tsv: has a header but no sample rows" in message
    assert "Fix: add one row per sample below the header" in message


def test_config_key_given_twice(tmp_path: Path) -> None:
    r1, r2 = fastq_pair(tmp_path, "a")
    write_tsv(tmp_path / "samples.tsv", SAMPLES_HEADER, [["s1", "p1", "germline"]])
    write_tsv(tmp_path / "units.tsv", UNITS_HEADER, [["s1", "L1", r1, r2]])
    configfile = run_config(
        tmp_path,
        samples=str(tmp_path / "samples.tsv"),
        units=str(tmp_path / "units.tsv"),
        reference={"build": "demo", "fasta": str(demo_dir() / "genome.fa")},
    )
    lines = configfile.read_text().splitlines()
    configfile.write_text("\n".join([*lines, "aligner: minimap2", "aligner: bwa"]) + "\n")
    result = snakemake(tmp_path, configfile, check=False)
    assert result.returncode != 0 and not (tmp_path / "results").exists()
    row = len(lines) + 2
    assert f"run.yaml, row {row}: key 'aligner' is given twice (first on line {row - 1})" in (
        result.stderr
    )


def test_the_same_reads_in_two_samples_and_ids_differing_by_case(tmp_path: Path) -> None:
    """A byte copy of one sample's reads given for another, and ids S1/s1: all listed at once."""
    r1, r2 = fastq_pair(tmp_path, "a")
    c1, c2 = fastq_pair(tmp_path, "copy")
    message = refused(
        tmp_path,
        [["s1", "p1", "germline"], ["S1", "p2", "germline"]],
        [["s1", "L1", r1, r2], ["S1", "L1", c1, c2]],
    )
    assert "sample 'S1' and sample 's1' (row 2) differ only by case" in message
    assert f"fq1 {c1} has the same reads (same size and SHA-256) as fq1 {r1}" in message
    assert "3 problems to fix" in message


def test_pgx_problems_are_listed_with_the_others(tmp_path: Path) -> None:
    """The PGx knowledge is checked by the one check function: every problem in one list."""
    r1, r2 = fastq_pair(tmp_path, "a")
    message = refused(
        tmp_path,
        [["s1", "p1", "germline"]],
        [["s1", "L1", r1, r2]],
        pgx={"definitions": str(tmp_path / "none"), "outside_calls": {"x9": "x9.tsv"}},
    )
    assert "2 problems to fix" in message
    assert "pgx.definitions: " in message and "holds no PharmCAT allele definitions" in message
    assert "pgx.outside_calls: x9 is not a germline or normal sample of the sheet" in message

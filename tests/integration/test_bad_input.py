"""Bad input stops `snakemake` before the first job, with one clear message and no outputs;
input the README allows (plain FASTQ) runs, and a corrected delivery reruns."""

import gzip
import os
import shutil
import subprocess
from pathlib import Path

import pysam
import pytest

from helpers import ROOT, demo_dir, demo_run, run_config, snakemake, write_tsv
from vcf import calls, passing

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
    assert f"fq2 {r2} has " in message and f"fq1 {r1} has " in message


def rewrite_records(path: Path, change) -> None:
    """Rewrite a gzipped FASTQ with `change` applied to its list of 4-line records."""
    with gzip.open(path, "rt") as handle:
        lines = handle.read().splitlines()
    records = [lines[i : i + 4] for i in range(0, len(lines), 4)]
    with gzip.open(path, "wt") as handle:
        handle.writelines("\n".join(record) + "\n" for record in change(records))


def to_phred64(records: list[list[str]]) -> list[list[str]]:
    """The records with Illumina 1.3-1.7 qualities (Phred+64)."""
    shift = str.maketrans({chr(c): chr(c + 31) for c in range(33, 96)})
    return [[name, bases, plus, quality.translate(shift)] for name, bases, plus, quality in records]


def test_phred64_reads(tmp_path: Path) -> None:
    r1, r2 = fastq_pair(tmp_path, "a")
    for path in (r1, r2):
        rewrite_records(path, to_phred64)
    message = refused(tmp_path, [["s1", "p1", "germline"]], [["s1", "L1", r1, r2]])
    assert f"units.tsv, row 2: fq1 {r1} has Phred+64 qualities" in message
    assert f"fq2 {r2} has Phred+64 qualities" in message and "seqtk seq -Q64 -V" in message


def test_mates_out_of_order(tmp_path: Path) -> None:
    r1, r2 = fastq_pair(tmp_path, "a")
    rewrite_records(r2, lambda records: [records[1], records[0], *records[2:]])
    message = refused(tmp_path, [["s1", "p1", "germline"]], [["s1", "L1", r1, r2]])
    assert f"units.tsv, row 2: fq1 {r1} and fq2 {r2} are not mates in the same order" in message
    assert "record 1 is read" in message


def test_unaligned_bam(tmp_path: Path) -> None:
    r1, r2 = fastq_pair(tmp_path, "a")
    bam = tmp_path / "unaligned.bam"
    subprocess.run(
        ["samtools", "import", "-1", r1, "-2", r2, "-r", "ID:L1", "-r", "SM:s1", "-o", bam],
        check=True,
    )
    message = refused(tmp_path, [["s1", "p1", "germline"]], [["s1", "L1", None, None, bam]])
    assert f"units.tsv, row 2: bam {bam} has no aligned reads" in message
    assert "unaligned BAM" in message and "columns fq1 and fq2" in message


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


# ---------------------------------------------------------------- inputs that must run


def plain_fastq_pair(folder: Path, source: str) -> tuple[Path, Path]:
    """The demo sample's L001 reads, decompressed (plain FASTQ, as the README allows)."""
    pair = []
    for mate in ("R1", "R2"):
        target = folder / f"s1_{mate}.fastq"
        with gzip.open(demo_dir() / f"reads/{source}_L001_{mate}.fastq.gz", "rb") as handle:
            target.write_bytes(handle.read())
        pair.append(target)
    return pair[0], pair[1]


VCF = "results/s1/s1.vcf.gz"
PROVENANCE = "results/run/provenance.json"  # every product of the run, and its inputs' sha256


@pytest.fixture(scope="module")
def delivery(tmp_path_factory) -> tuple[Path, dict, subprocess.CompletedProcess, str]:
    """demo2's reads as plain FASTQ run to a VCF and the run's provenance (every product); the
    reads then get new times (a store re-synced without keeping them) and the run is started
    again; then they are replaced by
    another sample's (demo1) keeping the old time stamp, as `cp -p` or `rsync -a` of a
    corrected delivery do, and the run is repeated. Returns the folder, the first VCF's PASS
    calls, the rerun's process and what the start after the new times said."""
    workdir = tmp_path_factory.mktemp("delivery")
    r1, r2 = plain_fastq_pair(workdir, "demo2")
    write_tsv(workdir / "samples.tsv", SAMPLES_HEADER, [["s1", "p1", "germline"]])
    write_tsv(workdir / "units.tsv", UNITS_HEADER, [["s1", "L1", r1, r2]])
    config = demo_run(
        workdir, samples=str(workdir / "samples.tsv"), units=str(workdir / "units.tsv")
    )
    snakemake(workdir, config, VCF, PROVENANCE)
    first = passing(workdir / VCF, "s1")
    unchanged = snakemake(workdir, config, VCF, PROVENANCE)
    assert "Nothing to be done" in unchanged.stdout + unchanged.stderr
    stamps = {path: path.stat() for path in (r1, r2)}
    for path in (r1, r2):
        os.utime(path)
    touched = snakemake(workdir, config, VCF, PROVENANCE)
    corrected = workdir / "corrected"
    corrected.mkdir()
    for new, old in zip(plain_fastq_pair(corrected, "demo1"), (r1, r2), strict=True):
        new.replace(old)
        os.utime(old, ns=(stamps[old].st_atime_ns, stamps[old].st_mtime_ns))
    rerun = snakemake(workdir, config, VCF)
    return workdir, first, rerun, touched.stdout + touched.stderr


def truth(sample: str) -> dict:
    """The planted germline genotypes of a demo sample."""
    return {call.key: call.genotype for call in calls(demo_dir() / "expected/germline.vcf", sample)}


def agreement(found: dict, sample: str) -> float:
    """The share of a demo sample's planted variants called with their genotype."""
    expected = truth(sample)
    right = [
        key
        for key, genotype in expected.items()
        if key in found and found[key].genotype == genotype
    ]
    return len(right) / len(expected)


def test_plain_fastq_runs_to_the_vcf_of_its_reads(delivery) -> None:
    workdir, first, _, _ = delivery
    assert agreement(first, "demo2") > 0.95
    staged_log = next((workdir / "logs/stage_fastq").glob("*.log")).read_text()
    assert "plain FASTQ, compressed with bgzip" in staged_log


def test_reads_with_new_times_and_the_same_content_rerun_nothing(delivery) -> None:
    *_, touched = delivery
    assert "Nothing to be done" in touched, touched[-3000:]


def test_corrected_delivery_with_an_old_time_stamp_reruns(delivery) -> None:
    workdir, first, rerun, _ = delivery
    assert "Nothing to be done" not in rerun.stdout + rerun.stderr
    second = passing(workdir / VCF, "s1")
    assert second != first
    assert agreement(second, "demo1") > 0.9 > agreement(second, "demo2")
    deletion = ("CYP2C19", 30185, "CAGTG", "C")  # demo2 carries it, demo1 does not
    assert deletion in first and deletion not in second

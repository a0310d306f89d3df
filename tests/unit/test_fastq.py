"""FASTQ checks: record format, full read counts, truncation and corruption."""

import bz2
import gzip
import os
from pathlib import Path

import numpy as np
import pysam
import pytest
from preflight_helpers import fastq_text, write_fastq

from tailorseq.fastq import (
    FastqError,
    ScanCache,
    check_first_records,
    count_reads,
    mate_name,
    pair_problem,
    record_content,
    scan_fastq,
)
from tailorseq.files import sha256


def fastq_error(path: Path, limit_mb: float = 1024) -> str:
    """The problem scan_fastq reports for `path`."""
    with pytest.raises(FastqError) as raised:
        scan_fastq(path, limit_mb)
    return raised.value.problem


@pytest.mark.parametrize("name", ["r.fq", "r.fq.gz"])
def test_counts_reads_of_plain_and_gzip(tmp_path: Path, name: str) -> None:
    scan = scan_fastq(write_fastq(tmp_path / name, 37), 1024)
    assert (scan.reads, scan.first_read, scan.complete) == (37, "read0", True)


def test_counts_reads_of_multi_member_bgzip(tmp_path: Path) -> None:
    plain = tmp_path / "big.fq"
    plain.write_text(fastq_text(5000, length=100))
    bgzipped = tmp_path / "big.fq.gz"
    pysam.tabix_compress(str(plain), str(bgzipped))
    assert count_reads(bgzipped)[0] == 5000


def test_concatenated_gzip_files_count_as_one(tmp_path: Path) -> None:
    path = tmp_path / "cat.fq.gz"
    path.write_bytes(gzip.compress(fastq_text(3).encode()) + gzip.compress(fastq_text(4).encode()))
    assert count_reads(path)[0] == 7


def test_last_line_without_newline(tmp_path: Path) -> None:
    path = tmp_path / "r.fq"
    path.write_text(fastq_text(3).rstrip("\n"))
    assert count_reads(path)[0] == 3


def test_large_file_is_only_sampled(tmp_path: Path) -> None:
    scan = scan_fastq(write_fastq(tmp_path / "r.fq.gz", 10), 0)
    assert scan.reads is None and not scan.complete and scan.first_read == "read0"


def test_truncated_gzip(tmp_path: Path) -> None:
    path = write_fastq(tmp_path / "r.fq.gz", 3000)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    assert fastq_error(path).startswith("is truncated: the gzip stream ends early after")


def test_truncated_gzip_seen_while_sampling(tmp_path: Path) -> None:
    path = write_fastq(tmp_path / "r.fq.gz", 3)
    path.write_bytes(path.read_bytes()[:-12])
    assert fastq_error(path, limit_mb=0) == "is truncated: the gzip stream ends early"


def test_corrupt_gzip(tmp_path: Path) -> None:
    path = write_fastq(tmp_path / "r.fq.gz", 3000)
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2 : len(raw) // 2 + 64] = b"\xff" * 64
    path.write_bytes(bytes(raw))
    assert fastq_error(path).startswith("is corrupt")


def test_incomplete_last_record(tmp_path: Path) -> None:
    path = tmp_path / "r.fq"
    text = fastq_text(1200)  # more than the 1,000 sampled records: the full count finds it
    path.write_text(text[: text.rindex("+\n")])  # the last record lost its '+' and quality
    assert fastq_error(path) == "has 4798 lines, not a multiple of 4: the last record is incomplete"


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "r.fq.gz"
    path.write_bytes(gzip.compress(b""))
    assert fastq_error(path) == "is empty (no reads)"


def test_other_compression_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "r.fq.bz2"
    path.write_bytes(bz2.compress(fastq_text(2).encode()))
    with pytest.raises(FastqError, match=r"is bzip2-compressed\. Fix: recompress it with gzip"):
        scan_fastq(path, 1024)


@pytest.mark.parametrize(
    ("record", "problem"),
    [
        ("@r\nACGT\n+\nIII\n", "line 12: quality has 3 characters for 4 bases"),
        ("@r\nACGTAC\nGT\n+\n", "line 11: expected the '+' line of a record, found 'GT'"),
        ("@r\nAC GT\n+\nIIIII\n", "line 10: the sequence has letters that are not IUPAC bases"),
        ("r\nACGT\n+\nIIII\n", "line 9: expected a read header starting with '@', found 'r'"),
    ],
)
def test_malformed_records_name_the_line(tmp_path: Path, record: str, problem: str) -> None:
    path = tmp_path / "r.fq"
    path.write_text(fastq_text(2) + record)  # two good records: the bad one starts at line 9
    with pytest.raises(FastqError) as raised:
        check_first_records(path)
    assert raised.value.problem.startswith(problem)


def test_fasta_is_not_fastq(tmp_path: Path) -> None:
    path = tmp_path / "r.fq"
    path.write_text(">chr1\nACGT\n")
    assert fastq_error(path) == "is FASTA, not FASTQ (no base qualities)"


def test_iupac_and_lower_case_bases_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "r.fq"
    path.write_text("@r 1:N:0:1\nacgtRYKMSWBDHVN\n+\nIIIIIIIIIIIIIII\n")
    assert check_first_records(path) == ["r"]


@pytest.mark.parametrize(
    ("header", "name"),
    [
        (b"@A00123:8:H5:1:1101:1000:2000 1:N:0:ACGT", "A00123:8:H5:1:1101:1000:2000"),
        (b"@read7/2", "read7"),
        (b"@SRR001.1 HWI/1 length=36", "SRR001"),
        (b"@SRR001.7.2", "SRR001.7"),  # fastq-dump --readids
        (b"@read.12", "read.12"),
    ],
)
def test_mate_names(header: bytes, name: str) -> None:
    assert mate_name(header) == name


# ---------------------------------------------------------------- quality encoding


def instrument_qualities(reads: int, length: int, offset: int, seed: int = 7) -> list[str]:
    """Qualities shaped like an Illumina run's: high early in the read, falling towards its end,
    with Q2 tails on some reads (Illumina 1.5+'s read-segment quality indicator)."""
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(reads):
        mean = np.linspace(38, 24, length)
        scores = np.clip(np.rint(rng.normal(mean, 4)), 2, 40).astype(int)
        if rng.random() < 0.1:
            scores[rng.integers(length // 2, length) :] = 2
        rows.append("".join(chr(offset + score) for score in scores))
    return rows


def fastq_with_qualities(path: Path, qualities: list[str]) -> Path:
    """A gzipped FASTQ whose records carry these quality strings."""
    bases = "ACGT" * 50
    text = "".join(
        f"@M:1:FC:1:1:{n}:1 1:N:0:ACGT\n{bases[: len(q)]}\n+\n{q}\n"
        for n, q in enumerate(qualities)
    )
    path.write_bytes(gzip.compress(text.encode()))
    return path


def test_phred64_qualities_are_refused_with_the_conversion(tmp_path: Path) -> None:
    path = fastq_with_qualities(tmp_path / "r.fq.gz", instrument_qualities(200, 100, 64))
    with pytest.raises(FastqError) as raised:
        scan_fastq(path, 1024)
    assert raised.value.problem.startswith(
        "has Phred+64 qualities (Illumina 1.3-1.7): the first 200 records' quality characters run "
        "from 'B' to 'h'"
    )
    assert "seqtk seq -Q64 -V" in raised.value.fix


@pytest.mark.parametrize(
    "qualities",
    [
        instrument_qualities(200, 100, 33),  # the same run in Phred+33
        ["FFF:FF,FF#" * 10] * 50,  # NovaSeq's four binned values
        ["IIIIIIIIII@@@@@JJJJJ"] * 50,  # only high qualities: '@' to 'J' is Q31-41, not Q0-10
    ],
)
def test_phred33_qualities_pass(tmp_path: Path, qualities: list[str]) -> None:
    path = fastq_with_qualities(tmp_path / "r.fq.gz", qualities)
    assert scan_fastq(path, 1024).reads == len(qualities)


# ---------------------------------------------------------------- pairs


def test_mates_in_the_same_order_agree(tmp_path: Path) -> None:
    one = scan_fastq(write_fastq(tmp_path / "a_R1.fq.gz", 30, mate=1), 1024)
    two = scan_fastq(write_fastq(tmp_path / "a_R2.fq.gz", 30, mate=2), 1024)
    assert one.names == two.names and pair_problem(one, two) is None


@pytest.mark.parametrize(
    ("one", "two"),
    [
        ("@read{n}/1", "@read{n}/2"),
        ("@A00123:8:H5:1:1101:{n}:2000 1:N:0:ACGT", "@A00123:8:H5:1:1101:{n}:2000 2:N:0:ACGT"),
    ],
)
def test_mates_out_of_order_name_the_record_and_both_files(
    tmp_path: Path, one: str, two: str
) -> None:
    order = [0, 1, 2, 4, 3, 5]  # read 2 has two records swapped, as after a sort or a filter
    paths = []
    for mate, header, numbers in (("R1", one, range(6)), ("R2", two, order)):
        path = tmp_path / f"a_{mate}.fq"
        path.write_text("".join(f"{header.format(n=n)}\nACGT\n+\nIIII\n" for n in numbers))
        paths.append(path)
    first, second = (scan_fastq(path, 1024) for path in paths)
    problem, fix = pair_problem(first, second)
    three, four = (mate_name(one.format(n=n).encode()) for n in (3, 4))
    assert three != four and problem == (
        f"fq1 {paths[0]} and fq2 {paths[1]} are not mates in the same order: record 4 is read "
        f"'{three}' in fq1 but '{four}' in fq2"
    )
    assert "same run" in fix


def test_unequal_read_counts_name_both_files(tmp_path: Path) -> None:
    first = scan_fastq(write_fastq(tmp_path / "a_R1.fq.gz", 12, mate=1), 1024)
    second = scan_fastq(write_fastq(tmp_path / "a_R2.fq.gz", 11, mate=2), 1024)
    problem, _ = pair_problem(first, second)
    assert problem == (
        f"fq1 {first.path} has 12 reads but fq2 {second.path} has 11: they are not the two files "
        "of one pair"
    )


# ---------------------------------------------------------------- scan cache


def test_scan_cache_reuses_unchanged_files_and_names_none(tmp_path: Path) -> None:
    fastq = write_fastq(tmp_path / "P17-blood_R1.fq.gz", 37)
    cache = ScanCache(tmp_path / "cache" / "scans.json")
    assert cache.scan(fastq, 1024).reads == 37 and cache.reused == 0
    cache.save()
    stored = (tmp_path / "cache" / "scans.json").read_text()
    assert "P17" not in stored and "37" in stored
    assert (tmp_path / "cache" / "scans.json").stat().st_mode & 0o777 == 0o640

    again = ScanCache(tmp_path / "cache" / "scans.json")
    assert again.scan(fastq, 1024) == scan_fastq(fastq, 1024) and again.reused == 1


def test_scan_cache_rescans_a_changed_file_and_never_keeps_a_broken_one(tmp_path: Path) -> None:
    fastq = write_fastq(tmp_path / "r.fq.gz", 37)
    cache = ScanCache(tmp_path / "scans.json")
    cache.scan(fastq, 1024)
    write_fastq(fastq, 12)
    assert cache.scan(fastq, 1024).reads == 12 and cache.reused == 0
    fastq.write_bytes(fastq.read_bytes()[:-20])
    with pytest.raises(FastqError, match="truncated"):
        cache.scan(fastq, 1024)
    with pytest.raises(FastqError, match="truncated"):
        cache.scan(fastq, 1024)


def test_sampled_scan_is_redone_when_the_limit_allows_a_full_one(tmp_path: Path) -> None:
    fastq = write_fastq(tmp_path / "r.fq", 20)
    cache = ScanCache(tmp_path / "scans.json")
    assert cache.scan(fastq, 0).reads is None
    assert cache.scan(fastq, 0).reads is None and cache.reused == 1
    assert cache.scan(fastq, 1024).reads == 20 and cache.reused == 1


def test_scan_checksums_the_file_and_the_cache_sees_a_copy_with_an_old_time_stamp(
    tmp_path: Path,
) -> None:
    fastq = write_fastq(tmp_path / "r.fq.gz", 20, prefix="old")
    cache = ScanCache(tmp_path / "scans.json")
    old = cache.scan(fastq, 1024)
    assert old.checksum == sha256(fastq) == scan_fastq(fastq, 0).checksum
    stamp = fastq.stat()
    corrected = write_fastq(tmp_path / "delivery" / "r.fq.gz", 20, prefix="new")
    corrected.replace(fastq)  # same size, then the old time stamp, as cp -p or rsync -a leave it
    os.utime(fastq, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert fastq.stat().st_size == stamp.st_size
    new = cache.scan(fastq, 1024)
    assert cache.reused == 0 and new.first_read == "new0" and new.checksum != old.checksum


def test_content_identity_is_rewritten_only_when_the_content_changes(tmp_path: Path) -> None:
    pair = [write_fastq(tmp_path / f"P17_R{mate}.fq.gz", 10, mate=mate) for mate in (1, 2)]
    target = tmp_path / "work" / "u1.content"
    cache = ScanCache(tmp_path / "scans.json")
    assert record_content(cache, {target: pair}) == [target]
    text = target.read_text()
    assert text == "".join(f"{sha256(path)}\t{path.stat().st_size}\n" for path in pair)
    assert "P17" not in text
    os.utime(target, ns=(0, 0))
    assert record_content(ScanCache(tmp_path / "scans.json"), {target: pair}) == []
    assert target.stat().st_mtime_ns == 0
    write_fastq(pair[1], 10, mate=2, prefix="corrected")
    assert record_content(ScanCache(tmp_path / "scans.json"), {target: pair}) == [target]
    assert target.read_text() != text and target.stat().st_mtime_ns > 0

"""FASTQ checks: record format, full read counts, truncation and corruption."""

import bz2
import gzip
from pathlib import Path

import pysam
import pytest
from preflight_helpers import fastq_text, write_fastq

from tailorseq.fastq import (
    FastqError,
    ScanCache,
    check_first_records,
    count_reads,
    mate_name,
    scan_fastq,
)


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
    assert count_reads(bgzipped) == 5000


def test_concatenated_gzip_files_count_as_one(tmp_path: Path) -> None:
    path = tmp_path / "cat.fq.gz"
    path.write_bytes(gzip.compress(fastq_text(3).encode()) + gzip.compress(fastq_text(4).encode()))
    assert count_reads(path) == 7


def test_last_line_without_newline(tmp_path: Path) -> None:
    path = tmp_path / "r.fq"
    path.write_text(fastq_text(3).rstrip("\n"))
    assert count_reads(path) == 3


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
    assert check_first_records(path) == "r"


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

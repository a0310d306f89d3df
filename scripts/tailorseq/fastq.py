"""FASTQ checks before compute: format of the first records, full read counts, truncation.

A full scan streams the file through zlib in 4 MiB blocks and counts newlines, so it costs one
decompression pass (about 100 MB/s of gzip per core) and no per-record Python work. The same pass
hashes the file's bytes: the checksum identifies the content, so that a corrected delivery with
an old time stamp still reruns what depends on it. A scan is cached (`ScanCache`) while the
file's size, modification and status-change times and inode stay the same (a copy or a
replacement changes the status-change time, whatever `cp -p` or `rsync -a` do to the mtime).
"""

import contextlib
import gzip
import hashlib
import json
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from tailorseq.files import file_stamp, path_key, sha256, stamp_unchanged, write_atomic

BLOCK = 4 << 20
SAMPLE_RECORDS = 1000
MB = 1_000_000

_GZIP_MAGIC = b"\x1f\x8b"
_OTHER_COMPRESSION = {b"BZh": "bzip2", b"\xfd7zXZ": "xz", b"\x28\xb5\x2f\xfd": "zstd"}
_MATE_SUFFIX = re.compile(rb"[/.][12]$")
_SEQUENCE = re.compile(rb"[ACGTURYSWKMBDHVN.\-]*", re.IGNORECASE)
_PHRED33_BELOW = ord(";")  # qualities below this exist only in Phred+33 (Solexa starts at ';')
_PHRED33_MAX = ord("K")  # Q42, above Illumina 1.8+'s 'J' (Q41): higher needs Phred+64
_PHRED64_FIX = (
    "convert the qualities to Phred+33, e.g. `seqtk seq -Q64 -V in.fastq.gz | gzip > out.fastq.gz`"
    ", and give the converted file"
)
_RECOPY = "copy or download the file again and compare its checksum with the source"
_TRUNCATED = "is truncated: the gzip stream ends early"


class FastqError(Exception):
    """A FASTQ file that cannot be used: what is wrong with it and what to do."""

    def __init__(self, problem: str, fix: str) -> None:
        super().__init__(f"{problem}. Fix: {fix}")
        self.problem = problem
        self.fix = fix


@dataclass(frozen=True)
class FastqScan:
    """What the checks learnt about one FASTQ file.

    `reads` is None when the file was larger than the full-scan limit and only sampled.
    `names` is a digest of the first records' read names (mate suffixes removed): the two files
    of a pair agree on it when their reads are in the same order. `checksum` is the sha256 of
    the file's bytes.
    """

    path: Path
    size_mb: float
    first_read: str
    reads: int | None
    names: str
    checksum: str

    @property
    def complete(self) -> bool:
        """True when the whole file was read."""
        return self.reads is not None


def scan_fastq(path: Path, full_scan_max_mb: float) -> FastqScan:
    """Check the first records of `path`; count all reads if the file is small enough.

    Raises FastqError for a file that is not FASTQ, is empty, corrupt or truncated.
    """
    size_mb = path.stat().st_size / MB
    names = check_first_records(path)
    if size_mb <= full_scan_max_mb:
        reads, checksum = count_reads(path)
    else:
        reads, checksum = None, sha256(path)
    return FastqScan(path, size_mb, names[0], reads, names_digest(names), checksum)


def names_digest(names: list[str]) -> str:
    """A short digest of read names, equal for two files whose reads are in the same order."""
    return hashlib.sha256("\n".join(names).encode()).hexdigest()[:32]


def _is_gzip(path: Path) -> bool:
    """True when the file starts with the gzip magic bytes (other compressions are refused)."""
    with path.open("rb") as handle:
        magic = handle.read(6)
    for prefix, name in _OTHER_COMPRESSION.items():
        if magic.startswith(prefix):
            raise FastqError(f"is {name}-compressed", "recompress it with gzip or bgzip")
    return magic.startswith(_GZIP_MAGIC)


def _open(path: Path) -> BinaryIO:
    """The decompressed bytes of a gzip or plain file."""
    if _is_gzip(path):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


def check_first_records(path: Path, records: int = SAMPLE_RECORDS) -> list[str]:
    """Validate the first `records` records and their quality encoding; return their read
    names (mate suffixes removed)."""
    names: list[str] = []
    qualities: set[int] = set()
    try:
        with _open(path) as handle:
            for number, record in enumerate(_records(handle, records)):
                _check_record(number, record)
                names.append(mate_name(record[0]))
                qualities.update(record[3])
    except EOFError as error:
        raise FastqError(_TRUNCATED, _RECOPY) from error
    except (OSError, zlib.error) as error:
        raise FastqError(f"is corrupt: cannot be decompressed ({error})", _RECOPY) from error
    if not names:
        raise FastqError("is empty (no reads)", _RECOPY)
    _check_phred33(qualities, len(names))
    return names


def _check_phred33(qualities: set[int], records: int) -> None:
    """Raise FastqError when the quality characters are those of the Phred+64 encoding.

    Phred+33 (Sanger, Illumina 1.8+) runs from '!' (Q0); Phred+64 (Illumina 1.3-1.7) from '@'
    (Q0, 'B' marks Q2 in 1.5+) to 'h' (Q40). Qualities that never go below ';' yet reach above
    'K' (Q42 in Phred+33, more than any Illumina instrument reports) are Phred+64. Read as
    Phred+33 they would be 31 too high, and low-quality bases would count as evidence.
    """
    low, high = min(qualities), max(qualities)
    if low >= _PHRED33_BELOW and high > _PHRED33_MAX:
        problem = (
            f"has Phred+64 qualities (Illumina 1.3-1.7): the first {records:,} records' quality "
            f"characters run from '{chr(low)}' to '{chr(high)}', none below ';' as Phred+33 "
            "(Illumina 1.8+) would have; read as Phred+33 they would be 31 too high"
        )
        raise FastqError(problem, _PHRED64_FIX)


def pair_problem(first: FastqScan, second: FastqScan) -> tuple[str, str] | None:
    """(problem, fix) when two scans are not read 1 and read 2 of one pair, naming both files;
    None when they are mates (same read names in the same order, same number of reads)."""
    files = f"fq1 {first.path} and fq2 {second.path}"
    different = first.names != second.names and first_different_mates(first.path, second.path)
    if different:
        number, one, two = different
        problem = (
            f"{files} are not mates in the same order: record {number:,} is read '{one}' in fq1"
            f" but '{two}' in fq2"
        )
        fix = (
            "give read 1 and read 2 of the same run, both in the sequencer's order (a sorted or "
            "filtered file needs its mate file treated the same way, e.g. `seqkit pair`)"
        )
        return problem, fix
    if first.complete and second.complete and first.reads != second.reads:
        problem = (
            f"fq1 {first.path} has {first.reads:,} reads but fq2 {second.path} has "
            f"{second.reads:,}: they are not the two files of one pair"
        )
        return problem, "give both files of one pair (one may be truncated or from another run)"
    return None


def first_different_mates(first: Path, second: Path) -> tuple[int, str, str] | None:
    """The first record (1-based) among the first records whose read names differ between two
    FASTQ files, with both names; None when they agree."""
    names = zip(check_first_records(first), check_first_records(second), strict=False)
    for number, (one, two) in enumerate(names, start=1):
        if one != two:
            return number, one, two
    return None


def _records(handle: BinaryIO, limit: int) -> Iterator[list[bytes]]:
    """Up to `limit` records of four lines each, line endings removed."""
    for _ in range(limit):
        record = [handle.readline() for _ in range(4)]
        if not record[0]:
            return
        yield [line.rstrip(b"\r\n") for line in record]


def _check_record(number: int, record: list[bytes]) -> None:
    """Raise FastqError unless `record` is a well-formed FASTQ record."""
    header, sequence, plus, quality = record
    line = 4 * number + 1
    if not header.startswith(b"@"):
        raise FastqError(
            _not_fastq(line, header), "give the FASTQ file (a BAM goes into column bam)"
        )
    if not plus.startswith(b"+"):
        found = _show(plus) if plus else "the end of the file"
        problem = f"line {line + 2}: expected the '+' line of a record, found {found}"
        fix = "use a FASTQ with 4 lines per record (sequence not wrapped), or copy it again"
        raise FastqError(problem, fix)
    if not _SEQUENCE.fullmatch(sequence):
        problem = (
            f"line {line + 1}: the sequence has letters that are not IUPAC bases: {_show(sequence)}"
        )
        raise FastqError(problem, "give a FASTQ of DNA reads")
    if len(quality) != len(sequence):
        problem = (
            f"line {line + 3}: quality has {len(quality)} characters for "
            f"{len(sequence)} bases (record incomplete?)"
        )
        raise FastqError(problem, _RECOPY)


def _not_fastq(line: int, header: bytes) -> str:
    """The problem text for a record that does not start with '@'."""
    if header.startswith(b">"):
        return "is FASTA, not FASTQ (no base qualities)"
    if header.startswith(b"BAM\x01"):
        return "is a BAM file, not FASTQ"
    return f"line {line}: expected a read header starting with '@', found {_show(header)}"


def _show(line: bytes, width: int = 40) -> str:
    """A short, printable quotation of a line."""
    text = line[:width].decode("ascii", errors="replace")
    return repr(text + ("..." if len(line) > width else ""))


def mate_name(header: bytes) -> str:
    """A read's name without '@', comment and a /1 /2 (or .1 .2) suffix: mates compare equal."""
    name = header[1:].split(maxsplit=1)[0] if header[1:].strip() else b""
    return _MATE_SUFFIX.sub(b"", name).decode("ascii", errors="replace")


def count_reads(path: Path) -> tuple[int, str]:
    """The number of records and the file's sha256, reading the whole file once; truncation
    and corruption raise FastqError."""
    digest = hashlib.sha256()
    count = _count_lines_gzip if _is_gzip(path) else _count_lines_plain
    lines, last = count(path, digest.update)
    if last not in (b"", b"\n"):
        lines += 1  # final line without a newline
    if lines % 4:
        problem = f"has {lines} lines, not a multiple of 4: the last record is incomplete"
        raise FastqError(problem, _RECOPY)
    return lines // 4, digest.hexdigest()


def _count_lines_plain(path: Path, feed: Callable[[bytes], None]) -> tuple[int, bytes]:
    """Newlines in a plain file and its last byte; its bytes go to `feed`."""
    lines, last = 0, b""
    with path.open("rb") as handle:
        while block := handle.read(BLOCK):
            feed(block)
            lines += block.count(b"\n")
            last = block[-1:]
    return lines, last


def _count_lines_gzip(path: Path, feed: Callable[[bytes], None]) -> tuple[int, bytes]:
    """Newlines in the decompressed stream of a (multi-member, e.g. bgzip) gzip file; its
    compressed bytes go to `feed`."""
    lines, last, offset, in_member = 0, b"", 0, False
    inflater = zlib.decompressobj(wbits=31)
    with path.open("rb") as handle:
        while block := handle.read(BLOCK):
            feed(block)
            while block:
                try:
                    data = inflater.decompress(block)
                except zlib.error as error:
                    problem = f"is corrupt: gzip data broken near byte {offset:,} ({error})"
                    raise FastqError(problem, _RECOPY) from error
                lines += data.count(b"\n")
                last = data[-1:] or last
                offset += len(block) - len(inflater.unused_data)
                in_member, block = not inflater.eof, b""
                if inflater.eof:  # the next gzip member, if any, starts in unused_data
                    block = inflater.unused_data
                    inflater = zlib.decompressobj(wbits=31)
    if in_member:
        raise FastqError(f"{_TRUNCATED} after {offset / MB:,.1f} MB", _RECOPY)
    return lines, last


# ---------------------------------------------------------------- scan cache


class ScanCache:
    """Scans of earlier runs, kept in cache_dir so that a rerun does not read every FASTQ again.

    An entry is keyed by a hash of the file's absolute path (the cache names no sample's file)
    and is used only while the file's size, modification and status-change times and inode are
    unchanged. Files that failed a check are never cached.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries = self._load()
        self.reused = 0
        self.changed = False

    def _load(self) -> dict[str, dict]:
        """The saved entries; none when the file is missing or unreadable."""
        try:
            entries = json.loads(self.path.read_text())
        except (OSError, ValueError):
            return {}
        return entries if isinstance(entries, dict) else {}

    def scan(self, path: Path, full_scan_max_mb: float) -> FastqScan:
        """The cached scan of `path` if it still applies, else a fresh `scan_fastq`."""
        key, stamp = path_key(path), file_stamp(path)
        size_mb = stamp["size"] / MB
        entry = self.entries.get(key)
        if entry and _still_applies(entry, stamp, size_mb <= full_scan_max_mb):
            self.reused += 1
            return FastqScan(path, size_mb, *(entry[name] for name in _SCAN_FIELDS))
        scan = scan_fastq(path, full_scan_max_mb)
        self.entries[key] = {**stamp, **{name: getattr(scan, name) for name in _SCAN_FIELDS}}
        self.changed = True
        return scan

    def checksum(self, path: Path) -> str:
        """The sha256 of any input file (a FASTQ's from its scan), read only when it changed."""
        key, stamp = path_key(path), file_stamp(path)
        entry = self.entries.get(key)
        if entry and "checksum" in entry and stamp_unchanged(entry, stamp):
            self.reused += 1
            return entry["checksum"]
        self.entries[key] = {**stamp, "checksum": sha256(path)}
        self.changed = True
        return self.entries[key]["checksum"]

    def save(self) -> None:
        """Write the entries in one rename, owner and group only (OSError when it cannot)."""
        if not self.changed:
            return
        self.path.parent.mkdir(mode=0o750, parents=True, exist_ok=True)
        write_atomic(self.path, json.dumps(self.entries), mode=0o640)


def record_content(cache: ScanCache, targets: dict[Path, list[Path]]) -> list[Path]:
    """Write each unit's content identity (sha256 and size of its files, in column order, no
    names) to its target, only where it changed, so that the target's time stamp tells
    Snakemake when the unit's content last changed. Returns the targets written."""
    written = []
    for target, files in targets.items():
        text = "".join(f"{cache.checksum(path)}\t{path.stat().st_size}\n" for path in files)
        if target.is_file() and target.read_text() == text:
            continue
        write_atomic(target, text, mode=0o640)
        written.append(target)
    with contextlib.suppress(OSError):  # the cache only saves time: the next run checksums again
        cache.save()
    return written


_SCAN_FIELDS = ("first_read", "reads", "names", "checksum")


def _still_applies(entry: dict, stamp: dict[str, int], full_scan: bool) -> bool:
    """True when the file is unchanged and the entry is as complete as a scan now would be
    (entries of older versions, without every field, are not)."""
    complete = all(name in entry for name in _SCAN_FIELDS)
    counted = entry.get("reads") is not None or not full_scan
    return stamp_unchanged(entry, stamp) and complete and counted

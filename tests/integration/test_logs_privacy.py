"""Logs carry no read sequences and no variant records of a patient."""

import gzip
import re
from pathlib import Path

import pytest

from helpers import DEMO

pytestmark = pytest.mark.integration

# A VCF data line: contig, position, id, ref bases, alt alleles, each tab-separated.
VCF_RECORD = re.compile(r"^[^\t#\s]+\t\d+\t[^\t]*\t[ACGTN]+\t[ACGTN,.*<>]+\t", re.M | re.I)
READS_SAMPLED = 200
PIECE = 32  # bases of the middle of each read: also catches a log that prints part of a read


def sampled_read_pieces(fastqs: list[Path], count: int = READS_SAMPLED) -> set[str]:
    """The middle `PIECE` bases of `count` reads, taken evenly from every file."""
    per_file, pieces = -(-count // len(fastqs)), set()
    for fastq in fastqs:
        with gzip.open(fastq, "rt") as handle:
            sequences = [line.strip() for number, line in enumerate(handle) if number % 4 == 1]
        step = max(1, len(sequences) // per_file)
        for sequence in sequences[::step][:per_file]:
            middle = (len(sequence) - PIECE) // 2
            pieces.add(sequence[middle : middle + PIECE])
    return pieces


def log_texts(workdir: Path) -> dict[Path, str]:
    """Every file under logs/, as text."""
    files = [path for path in (workdir / "logs").rglob("*") if path.is_file()]
    return {path: path.read_text(errors="replace") for path in files}


def test_logs_hold_no_read_sequences_or_variant_records(demo_results: Path) -> None:
    pieces = sampled_read_pieces(sorted((DEMO / "reads").glob("*.fastq.gz")))
    assert len(pieces) >= READS_SAMPLED * 0.9 and all(len(p) == PIECE for p in pieces)
    logs = log_texts(demo_results)
    assert len(logs) > 50  # every job of the demo has a log
    leaked = {str(path): piece for path, text in logs.items() for piece in pieces if piece in text}
    assert leaked == {}
    records = {
        str(path): match[0] for path, text in logs.items() if (match := VCF_RECORD.search(text))
    }
    assert records == {}


def test_the_record_pattern_sees_a_vcf_line() -> None:
    """The check above would see a VCF record (guards against a pattern that matches nothing)."""
    assert VCF_RECORD.search("note\nchr1\t12345\t.\tA\tG\t50\tPASS\tDP=10\tGT\t0/1\n")
    assert not VCF_RECORD.search("[main] Real time: 2.056 sec; CPU: 1.664 sec\n")

"""The cached reference: one plain FASTA with its .fai, whatever form the user gave."""

import gzip
import os
import shutil
from pathlib import Path

import pysam

GZIP_MAGIC = b"\x1f\x8b"


def is_gzip(path: Path) -> bool:
    """True for gzip and bgzip files."""
    with open(path, "rb") as handle:
        return handle.read(2) == GZIP_MAGIC


def materialize(source: Path, fasta: Path) -> None:
    """Write `source` (plain, gzip or bgzip FASTA) as a plain FASTA and index it.

    The FASTA appears under its name only once complete; the .fai is written after it.
    """
    partial = fasta.with_name(fasta.name + ".partial")
    opener = gzip.open if is_gzip(source) else open
    with opener(source, "rb") as reader, open(partial, "wb") as writer:
        shutil.copyfileobj(reader, writer, 1 << 22)
    os.replace(partial, fasta)
    pysam.faidx(str(fasta))

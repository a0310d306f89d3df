"""Microsatellites for MSI (tailorseq.somatic.msi): the reference scan for perfect tandem
repeats with unique flanks, and each fragment's repeat length read from an alignment.

Minimums after MSIsensor (Niu et al., Bioinformatics 30:1015-1016, 2014): mononucleotide >= 10,
di- to hexanucleotide >= 5 copies for the distribution analysis; homopolymer >= 5, other units
>= 3 copies make a flank non-unique (its scan minimums). Our own code, no MSIsensor code or list.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pysam

MIN_UNITS = {1: 10, 2: 5, 3: 5, 4: 5, 5: 5, 6: 5}
# Repeats this short in a flank make it non-unique (MSIsensor's scan: homopolymer >= 5,
# microsatellite >= 3 copies).
FLANK_REPEAT_UNITS = {1: 5, 2: 3, 3: 3, 4: 3, 5: 3, 6: 3}
MAX_REPEAT_BASES = 60
ACGT = frozenset("ACGT")
WINDOW = 10_000  # bases per coverage window
SKIP_FLAGS = 0x4 | 0x100 | 0x200 | 0x400 | 0x800  # unmapped, secondary, QC fail, dup, supp.
# CIGAR operations consuming the query / the reference (M I D N S H P = X).
QUERY_OPS = {0, 1, 4, 7, 8}
REF_OPS = {0, 2, 3, 7, 8}


@dataclass(frozen=True)
class Site:
    """A microsatellite: [start, end) 0-based on `contig`, its unit and its flank sequences."""

    contig: str
    start: int
    end: int
    unit: str
    left: str
    right: str

    @property
    def length(self) -> int:
        return self.end - self.start

    @property
    def span(self) -> tuple[int, int]:
        """The repeat with its flanks, 0-based half-open."""
        return self.start - len(self.left), self.end + len(self.right)


def is_primitive(unit: str) -> bool:
    """True when `unit` is not a repeat of a shorter unit (AT yes, AA or ATAT no)."""
    return (unit + unit).find(unit, 1) == len(unit)


def tandem_repeats(sequence: str, min_units: dict[int, int]) -> list[tuple[int, int, str]]:
    """Maximal perfect tandem repeats (start, end, unit) of primitive units, 0-based.

    For a unit size k, a run of L positions i with sequence[i] == sequence[i + k] is a k-periodic
    stretch of L + k bases; the positions come from one XOR of the sequence with itself shifted
    by k (big-integer arithmetic, so the whole scan runs in C). A stretch whose first k bases are
    themselves periodic (AA, ATAT) belongs to the shorter unit and is left to it."""
    data = sequence.encode("ascii")
    number = int.from_bytes(data, "big")
    found = []
    for size, copies in min_units.items():
        if len(data) <= size:
            continue
        shifted = int.from_bytes(data[size:] + bytes(size), "big")
        equal = (number ^ shifted).to_bytes(len(data), "big")
        for run in re.finditer(b"\\x00{%d,}" % ((copies - 1) * size), equal):
            start, end = run.start(), min(run.end() + size, len(data))
            unit = sequence[start : start + size]
            if (end - start) // size >= copies and is_primitive(unit) and set(unit) <= set("ACGT"):
                found.append((start, start + (end - start) // size * size, unit))
    return sorted(found)


def _periodic_runs(sequence: str, size: int, low: int, high: int) -> Iterator[tuple[int, int]]:
    """The maximal runs [start, end) of positions i with sequence[i] == sequence[i + size]
    that hold a position in [low, high], extended as far as they go both ways."""
    last = len(sequence) - size  # positions from here on have no partner
    i, stop = max(low, 0), min(high + 1, last)
    while i < stop:
        if sequence[i] != sequence[i + size]:
            i += 1
            continue
        start, end = i, i + 1
        while start > 0 and sequence[start - 1] == sequence[start - 1 + size]:
            start -= 1
        while end < last and sequence[end] == sequence[end + size]:
            end += 1
        yield start, end
        i = end + 1


def longest_repeats_touching(
    sequence: str, first: int, last: int, min_units: dict[int, int]
) -> dict[int, int]:
    """Unit size -> length of the longest repeat of tandem_repeats(sequence, min_units) whose
    [start, end) satisfies start <= last and end >= first (0 when there is none).

    The same repeats, found by looking only near [first, last] instead of scanning the whole
    sequence: the variant score asks this once per call, and the full scan of each call's
    window was nearly half of its feature extraction's CPU. A run of positions with
    sequence[i] == sequence[i + k] is the k-periodic stretch tandem_repeats reports; only runs
    reaching [first - k - 1, last] can make a repeat touching the interval. Every minimum must
    be at least 2 copies."""
    longest = {}
    for size, copies in min_units.items():
        longest[size] = 0
        for start, end in _periodic_runs(sequence, size, first - size - 1, last):
            length = (end + size - start) // size * size
            unit = sequence[start : start + size]
            if (
                length >= copies * size
                and start <= last
                and start + length >= first
                and is_primitive(unit)
                and set(unit) <= ACGT
            ):
                longest[size] = max(longest[size], length)
    return longest


def find_microsatellites(
    sequence: str,
    contig: str,
    *,
    flank: int,
    offset: int = 0,
    min_units: dict[int, int] | None = None,
    max_bases: int = MAX_REPEAT_BASES,
) -> list[Site]:
    """The microsatellites of `sequence` (which starts at 0-based `offset` on `contig`) with
    `flank` bases of unique sequence either side, sorted by position."""
    sequence = sequence.upper()
    candidates = tandem_repeats(sequence, min_units or MIN_UNITS)
    # Positions inside any repeat at the lenient minimums: a flank base there is not unique
    # (a repeat overlapping the candidate and reaching past it covers a flank base too).
    repetitive = bytearray(len(sequence))
    for start, end, _ in tandem_repeats(sequence, FLANK_REPEAT_UNITS):
        repetitive[start:end] = b"\x01" * (end - start)
    sites = []
    for start, end, unit in candidates:
        if end - start > max_bases or start - flank < 0 or end + flank > len(sequence):
            continue
        left, right = sequence[start - flank : start], sequence[end : end + flank]
        if set(left + right) - set("ACGT"):
            continue
        if 1 in repetitive[start - flank : start] or 1 in repetitive[end : end + flank]:
            continue
        sites.append(Site(contig, offset + start, offset + end, unit, left, right))
    return sites


def query_position(read: pysam.AlignedSegment, target: int) -> int | None:
    """The query index aligned to 0-based reference position `target`, None when that
    reference base is deleted or skipped in the read or outside its alignment."""
    ref = read.reference_start
    query = 0
    for operation, length in read.cigartuples or ():
        consumes_ref = operation in REF_OPS
        consumes_query = operation in QUERY_OPS
        if consumes_ref and ref <= target < ref + length:
            return query + (target - ref) if consumes_query else None
        if consumes_ref:
            ref += length
        if consumes_query:
            query += length
    return None


def repeat_length(read: pysam.AlignedSegment, site: Site) -> int | None:
    """Bases between the site's flanks in `read`, None unless the read spans the repeat and
    both flanks and carries both flanks' exact sequence."""
    span_start, span_end = site.span
    if read.reference_start > span_start or read.reference_end < span_end:
        return None
    first = query_position(read, span_start)
    last = query_position(read, span_end - 1)
    if first is None or last is None or last < first:
        return None
    sequence = read.query_sequence
    if sequence is None:
        return None
    segment = sequence[first : last + 1].upper()
    if not (segment.startswith(site.left) and segment.endswith(site.right)):
        return None
    length = len(segment) - len(site.left) - len(site.right)
    return length if length >= 0 else None


def usable(read: pysam.AlignedSegment, min_mapq: int) -> bool:
    return not read.flag & SKIP_FLAGS and read.mapping_quality >= min_mapq


def length_distribution(bam: pysam.AlignmentFile, site: Site, min_mapq: int) -> dict[int, int]:
    """Repeat length (bases) -> fragments, over the fragments spanning the site (one read each)."""
    counts: dict[int, int] = {}
    seen: set[str] = set()
    span_start, span_end = site.span
    for read in bam.fetch(site.contig, span_start, span_end):
        if not usable(read, min_mapq) or read.query_name in seen:
            continue
        length = repeat_length(read, site)
        if length is not None:
            seen.add(read.query_name)
            counts[length] = counts.get(length, 0) + 1
    return counts


def is_covered(
    bams: list[pysam.AlignmentFile], contig: str, start: int, end: int, min_reads: int
) -> bool:
    """True when every alignment has at least `min_reads` reads in [start, end) of `contig`."""
    for bam in bams:
        reads = 0
        for _ in bam.fetch(contig, start, end):
            reads += 1
            if reads >= min_reads:
                break
        if reads < min_reads:
            return False
    return True

"""Genome regions: contig lengths from a .fai, BED targets, assembly gaps, and chunks of equal
sequence for scatter."""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pysam

# Runs of N this long are assembly gaps (GRCh37: telomeres, centromeres, heterochromatin, from
# 10 kb up to chr1's 18 Mb): no read aligns there, so a chunk must not count them.
GAP_MIN = 100


@dataclass(frozen=True)
class Region:
    """A half-open interval [start, end) on a contig, as in BED."""

    contig: str
    start: int
    end: int

    @property
    def length(self) -> int:
        return self.end - self.start


def contig_lengths(fai: Path | str) -> dict[str, int]:
    """Contig name -> length, in reference order, from a samtools .fai index (the one .fai
    parser: a malformed line raises ValueError or IndexError)."""
    lengths = {}
    for line in Path(fai).read_text().splitlines():
        if line.strip():
            name, length = line.split("\t")[:2]
            lengths[name] = int(length)
    return lengths


def read_fai(fai: Path) -> list[Region]:
    """Whole contigs, in reference order, from a samtools .fai index."""
    return [Region(name, 0, length) for name, length in contig_lengths(fai).items()]


def read_bed(bed: Path) -> list[Region]:
    """BED intervals, skipping header, track and comment lines."""
    regions = []
    for line in bed.read_text().splitlines():
        if not line.strip() or line.startswith(("#", "track", "browser")):
            continue
        contig, start, end = line.split("\t")[:3]
        regions.append(Region(contig, int(start), int(end)))
    return regions


def intersect(genome: list[Region], targets: Iterable[Region]) -> list[Region]:
    """Targets clipped to the genome, merged where they overlap, in reference order."""
    order = {region.contig: index for index, region in enumerate(genome)}
    lengths = {region.contig: region.end for region in genome}
    clipped = sorted(
        (
            Region(t.contig, max(t.start, 0), min(t.end, lengths[t.contig]))
            for t in targets
            if t.contig in lengths
        ),
        key=lambda r: (order[r.contig], r.start),
    )
    merged: list[Region] = []
    for region in clipped:
        if region.length <= 0:
            continue
        last = merged[-1] if merged else None
        if last and last.contig == region.contig and region.start <= last.end:
            merged[-1] = Region(last.contig, last.start, max(last.end, region.end))
        else:
            merged.append(region)
    return merged


def gaps(fasta: Path) -> list[Region]:
    """Runs of at least GAP_MIN N in every contig of the FASTA (which needs its .fai), in order."""
    found = []
    with pysam.FastaFile(str(fasta)) as handle:
        for contig in handle.references:
            for run in re.finditer(f"[Nn]{{{GAP_MIN},}}", handle.fetch(contig)):
                found.append(Region(contig, run.start(), run.end()))
    return found


def subtract(regions: list[Region], holes: list[Region]) -> list[Region]:
    """The parts of the regions outside every hole; both lists in reference order, holes not
    overlapping each other."""
    by_contig: dict[str, list[Region]] = {}
    for hole in holes:
        by_contig.setdefault(hole.contig, []).append(hole)
    kept = []
    for region in regions:
        start = region.start
        for hole in by_contig.get(region.contig, []):
            if hole.end <= start or hole.start >= region.end:
                continue
            if hole.start > start:
                kept.append(Region(region.contig, start, hole.start))
            start = max(start, hole.end)
        if start < region.end:
            kept.append(Region(region.contig, start, region.end))
    return kept


def split_evenly(regions: list[Region], count: int) -> list[list[Region]]:
    """Cut the regions, in order, into `count` chunks of nearly equal total length.

    Chunks keep reference order, so gathering them in chunk order gives a sorted result.
    A chunk may be empty when there are more chunks than bases.
    """
    if count < 1:
        raise ValueError("chunk count must be at least 1")
    total = sum(region.length for region in regions)
    bounds = [round(total * index / count) for index in range(count + 1)]
    chunks: list[list[Region]] = [[] for _ in range(count)]
    offset = 0
    for region in regions:
        for index, piece in _pieces(region, offset, bounds):
            chunks[index].append(piece)
        offset += region.length
    return chunks


def _pieces(region: Region, offset: int, bounds: list[int]) -> Iterator[tuple[int, Region]]:
    """The parts of one region that fall in each chunk, as (chunk index, part)."""
    for index in range(len(bounds) - 1):
        low = max(bounds[index], offset)
        high = min(bounds[index + 1], offset + region.length)
        if low < high:
            yield (
                index,
                Region(region.contig, region.start + low - offset, region.start + high - offset),
            )


def write_bed(regions: Iterable[Region], path: Path) -> None:
    """Write regions as a BED file."""
    path.write_text("".join(f"{r.contig}\t{r.start}\t{r.end}\n" for r in regions))

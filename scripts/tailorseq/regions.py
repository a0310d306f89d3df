"""Genome regions: contig lengths from a .fai, BED targets, and equal-sized chunks for scatter."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Region:
    """A half-open interval [start, end) on a contig, as in BED."""

    contig: str
    start: int
    end: int

    @property
    def length(self) -> int:
        return self.end - self.start


def read_fai(fai: Path) -> list[Region]:
    """Whole contigs, in reference order, from a samtools .fai index."""
    regions = []
    for line in fai.read_text().splitlines():
        if line.strip():
            name, length = line.split("\t")[:2]
            regions.append(Region(name, 0, int(length)))
    return regions


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

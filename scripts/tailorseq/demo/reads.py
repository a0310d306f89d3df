"""Paired-end read simulation from a patient's haplotypes, and deterministic FASTQ.gz output."""

import gzip
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tailorseq.demo.plan import ReadSpec
from tailorseq.demo.sequence import BASE_INDEX, BASES, COMPLEMENT_TABLE
from tailorseq.demo.variants import Haplotype, SomaticSite

GZIP_LEVEL = 4


@dataclass(frozen=True)
class ReadPairs:
    """Simulated pairs: bases and Phred+33 qualities, one row per read (ASCII uint8)."""

    r1: np.ndarray
    q1: np.ndarray
    r2: np.ndarray
    q2: np.ndarray

    def __len__(self) -> int:
        return len(self.r1)

    def part(self, rows: np.ndarray) -> "ReadPairs":
        """The pairs at `rows`."""
        return ReadPairs(self.r1[rows], self.q1[rows], self.r2[rows], self.q2[rows])


def _mutate(
    reads: np.ndarray, hit: np.ndarray, column: np.ndarray, width: np.ndarray, base: int
) -> None:
    """Set `base` in the rows of `hit` whose `column` falls inside 0..width-1."""
    rows = np.nonzero(hit & (column >= 0) & (column < width))[0]
    reads[rows, column[rows]] = base


def _fill_adapters(reads: np.ndarray, lengths: np.ndarray, fill: np.ndarray) -> None:
    """Past the end of a short fragment a read carries the adapter (then `fill` continues)."""
    cycles = np.arange(reads.shape[1])
    past = cycles[None, :] - lengths[:, None]
    mask = past >= 0
    reads[mask] = fill[past[mask]]


def fragments(
    sequence: np.ndarray,
    count: int,
    spec: ReadSpec,
    rng: np.random.Generator,
    somatic: list[tuple[int, int, float]],
    fills: tuple[np.ndarray, np.ndarray],
) -> tuple[np.ndarray, np.ndarray]:
    """R1 and R2 templates (before sequencing errors) of `count` fragments of one haplotype.

    `somatic` lists (haplotype index, alt base, VAF): each fragment over a site carries the alt
    with probability VAF. About `duplicate_fraction` of the fragments are read twice.
    """
    width, size = spec.read_length, len(sequence)
    normal = np.rint(rng.normal(spec.fragment_mean, spec.fragment_sd, count)).astype(np.int64)
    short = rng.integers(spec.short_min, width, size=count)
    is_short = rng.random(count) < spec.short_fraction
    lengths = np.where(is_short, short, np.clip(normal, width, size))
    starts = rng.integers(0, size - lengths + 1)
    forward = rng.random(count) < 0.5
    duplicated = rng.random(count) < spec.duplicate_fraction
    cycles = np.arange(width)
    head = sequence[np.minimum(starts[:, None] + cycles, size - 1)]
    tail_starts = starts + lengths - width
    tail = sequence[np.clip(tail_starts[:, None] + cycles, 0, size - 1)]
    for index, base, vaf in somatic:
        hit = rng.random(count) < vaf
        _mutate(head, hit, index - starts, np.minimum(lengths, width), base)
        _mutate(tail, hit & (index >= starts), index - tail_starts, np.full(count, width), base)
    tail = COMPLEMENT_TABLE[tail[:, ::-1]]
    r1 = np.where(forward[:, None], head, tail)
    r2 = np.where(forward[:, None], tail, head)
    _fill_adapters(r1, lengths, fills[0])
    _fill_adapters(r2, lengths, fills[1])
    rows = np.concatenate([np.arange(count), np.nonzero(duplicated)[0]])
    return r1[rows], r2[rows]


def sequence_reads(
    templates: np.ndarray, spec: ReadSpec, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Phred qualities per cycle and substitution errors drawn with probability 10^(-Q/10)."""
    count, width = templates.shape
    levels = np.array(spec.quality_levels)
    weight = np.linspace(0.0, 1.0, width)[:, None]
    chances = (1 - weight) * np.array(spec.quality_first) + weight * np.array(spec.quality_last)
    cumulative = np.cumsum(chances / chances.sum(axis=1, keepdims=True), axis=1)
    draws = rng.random((count, width))
    level = np.empty((count, width), dtype=np.int64)
    for cycle in range(width):
        level[:, cycle] = np.searchsorted(cumulative[cycle], draws[:, cycle], side="right")
    phred = levels[np.minimum(level, len(levels) - 1)]
    error = rng.random((count, width)) < 10.0 ** (-phred / 10)
    shift = rng.integers(1, 4, size=(count, width))
    wrong = BASES[(BASE_INDEX[templates] + shift) % 4]
    return np.where(error, wrong, templates), (phred + 33).astype(np.uint8)


def simulate_pairs(
    haplotypes: dict[str, tuple[Haplotype, Haplotype]],
    somatic: list[SomaticSite],
    coverage: float,
    spec: ReadSpec,
    rng: np.random.Generator,
) -> ReadPairs:
    """Read pairs over every contig at `coverage`, half from each haplotype, in random order."""
    adapters = (spec.adapter_r1, spec.adapter_r2)
    fills = tuple(
        np.concatenate([np.frombuffer(a.encode(), np.uint8), rng.choice(BASES, spec.read_length)])
        for a in adapters
    )
    r1s, r2s = [], []
    for contig, pair in haplotypes.items():
        for haplotype in pair:
            sites = [
                (haplotype.index(site.variant.pos), ord(site.variant.alt), site.vaf)
                for site in somatic
                if site.variant.contig == contig
            ]
            count = round(coverage * len(haplotype.sequence) / (4 * spec.read_length))
            r1, r2 = fragments(haplotype.sequence, count, spec, rng, sites, (fills[0], fills[1]))
            r1s.append(r1)
            r2s.append(r2)
    order = rng.permutation(sum(len(r1) for r1 in r1s))
    r1, q1 = sequence_reads(np.concatenate(r1s)[order], spec, rng)
    r2, q2 = sequence_reads(np.concatenate(r2s)[order], spec, rng)
    return ReadPairs(r1, q1, r2, q2)


def read_names(run: int, lane: int, first: int, count: int, mate: int) -> list[str]:
    """Illumina-style anonymous names, one per pair, all of one width within a file."""
    return [
        f"@DEMO:{run}:DEMOFC:{lane}:1101:{10000 + i % 90000}:{10000 + i // 90000} {mate}:N:0:1\n"
        for i in range(first, first + count)
    ]


def write_fastq(path: Path, names: list[str], bases: np.ndarray, qualities: np.ndarray) -> None:
    """A gzipped FASTQ whose bytes depend only on its content (no name, mtime 0)."""
    count = len(bases)
    header = np.frombuffer("".join(names).encode(), dtype=np.uint8).reshape(count, -1)
    plus = np.broadcast_to(np.frombuffer(b"\n+\n", dtype=np.uint8), (count, 3))
    newline = np.full((count, 1), ord("\n"), dtype=np.uint8)
    records = np.hstack([header, bases, plus, qualities, newline])
    with (
        path.open("wb") as raw,
        gzip.GzipFile(
            filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=GZIP_LEVEL
        ) as handle,
    ):
        handle.write(records.tobytes())


def write_units(
    out_dir: Path, sample: str, run: int, units: tuple[str, ...], pairs: ReadPairs
) -> list[tuple[str, str, str]]:
    """Split a sample's pairs over its units; return (unit, fq1, fq2) paths relative to out_dir."""
    written = []
    first = 0
    for lane, (unit, rows) in enumerate(
        zip(units, np.array_split(np.arange(len(pairs)), len(units)), strict=True), start=1
    ):
        part = pairs.part(rows)
        paths = (f"reads/{sample}_{unit}_R1.fastq.gz", f"reads/{sample}_{unit}_R2.fastq.gz")
        for mate, path, bases, qualities in (
            (1, paths[0], part.r1, part.q1),
            (2, paths[1], part.r2, part.q2),
        ):
            names = read_names(run, lane, first, len(part), mate)
            write_fastq(out_dir / path, names, bases, qualities)
        first += len(part)
        written.append((unit, *paths))
    return written

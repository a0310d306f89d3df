"""Paired-end read simulation from a patient's haplotypes, and deterministic FASTQ.gz output."""

import gzip
import itertools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tailorseq.demo.plan import ReadSpec
from tailorseq.demo.sequence import BASE_INDEX, BASES, COMPLEMENT_TABLE
from tailorseq.demo.variants import Haplotype, TumourAllele
from tailorseq.errors import TailorseqError

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

    @staticmethod
    def joined(parts: list["ReadPairs"]) -> "ReadPairs":
        """The pairs of every part, in order."""
        columns = zip(*((p.r1, p.q1, p.r2, p.q2) for p in parts), strict=True)
        return ReadPairs(*(np.concatenate(column) for column in columns))


def _fill_adapters(reads: np.ndarray, lengths: np.ndarray, fill: np.ndarray) -> None:
    """Past the end of a short fragment a read carries the adapter (then `fill` continues)."""
    cycles = np.arange(reads.shape[1])
    past = cycles[None, :] - lengths[:, None]
    mask = past >= 0
    reads[mask] = fill[past[mask]]


@dataclass
class Fragments:
    """Fragments of one haplotype: where they lie and their first and last `width` bases."""

    starts: np.ndarray
    lengths: np.ndarray
    forward: np.ndarray  # R1 reads the fragment's start
    duplicated: np.ndarray  # read twice (a PCR duplicate)
    head: np.ndarray  # the first `width` bases, + strand
    tail: np.ndarray  # the last `width` bases, + strand


def templates(
    sequence: np.ndarray, starts: np.ndarray, lengths: np.ndarray, width: int
) -> tuple[np.ndarray, np.ndarray]:
    """The first and the last `width` bases of each fragment (clipped at the sequence ends)."""
    cycles, size = np.arange(width), len(sequence)
    head = sequence[np.minimum(starts[:, None] + cycles, size - 1)]
    tail = sequence[np.clip((starts + lengths - width)[:, None] + cycles, 0, size - 1)]
    return head, tail


def draw_fragments(
    sequence: np.ndarray, count: int, spec: ReadSpec, rng: np.random.Generator
) -> Fragments:
    """`count` random fragments of one haplotype; about `duplicate_fraction` are read twice."""
    width, size = spec.read_length, len(sequence)
    normal = np.rint(rng.normal(spec.fragment_mean, spec.fragment_sd, count)).astype(np.int64)
    short = rng.integers(spec.short_min, width, size=count)
    is_short = rng.random(count) < spec.short_fraction
    lengths = np.where(is_short, short, np.clip(normal, width, size))
    starts = rng.integers(0, size - lengths + 1)
    forward = rng.random(count) < 0.5
    duplicated = rng.random(count) < spec.duplicate_fraction
    head, tail = templates(sequence, starts, lengths, width)
    return Fragments(starts, lengths, forward, duplicated, head, tail)


def reading(fragments: Fragments, width: int, first: int, last: int) -> np.ndarray:
    """Which fragments have a read (R1 or R2) over any of the 0-based indexes first..last-1."""
    ends = fragments.starts + fragments.lengths
    head_end = fragments.starts + np.minimum(fragments.lengths, width)
    tail_start = np.maximum(fragments.starts, ends - width)
    over_head = (fragments.starts < last) & (head_end > first)
    return over_head | ((tail_start < last) & (ends > first))


def plant(
    drawn: list[tuple[Haplotype, Fragments]],
    allele: TumourAllele,
    width: int,
    rng: np.random.Generator,
) -> None:
    """Give exactly round(fraction x n) of the n fragments read over the allele's reference
    bases (both haplotypes together) the allele: they are read again from a copy of their
    haplotype carrying it."""
    variant = allele.variant
    alt = np.frombuffer(variant.alt.encode(), dtype=np.uint8)
    indexes = [haplotype.index(variant.pos) for haplotype, _ in drawn]
    rows = [
        np.nonzero(reading(fragments, width, index, index + len(variant.ref)))[0]
        for (_, fragments), index in zip(drawn, indexes, strict=True)
    ]
    total = sum(len(r) for r in rows)
    carriers = np.zeros(total, dtype=bool)
    carriers[rng.choice(total, size=round(allele.fraction * total), replace=False)] = True
    offset = 0
    for (haplotype, fragments), index, over in zip(drawn, indexes, rows, strict=True):
        picked = over[carriers[offset : offset + len(over)]]
        offset += len(over)
        sequence = haplotype.sequence
        mutant = np.concatenate([sequence[:index], alt, sequence[index + len(variant.ref) :]])
        fragments.head[picked], fragments.tail[picked] = templates(
            mutant, fragments.starts[picked], fragments.lengths[picked], width
        )


def check_apart(alleles: list[TumourAllele], spec: ReadSpec) -> None:
    """Tumour alleles must lie further apart than a fragment reaches (mean + 6 SD), else a
    fragment carrying one would be read again without the other."""
    reach = spec.fragment_mean + 6 * spec.fragment_sd
    ordered = sorted(alleles, key=lambda a: (a.variant.contig, a.variant.pos))
    for one, other in itertools.pairwise(ordered):
        if (
            one.variant.contig == other.variant.contig
            and other.variant.pos - one.variant.pos < reach
        ):
            raise TailorseqError(
                f"demo: tumour alleles at {one.variant.contig}:{one.variant.pos} and"
                f" {other.variant.pos} lie within a fragment of each other: move one"
            )


def read_pairs(
    fragments: Fragments, width: int, fills: tuple[np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """R1 and R2 templates (before sequencing errors), duplicates appended."""
    tail = COMPLEMENT_TABLE[fragments.tail[:, ::-1]]
    forward = fragments.forward[:, None]
    r1 = np.where(forward, fragments.head, tail)
    r2 = np.where(forward, tail, fragments.head)
    _fill_adapters(r1, fragments.lengths, fills[0])
    _fill_adapters(r2, fragments.lengths, fills[1])
    rows = np.concatenate([np.arange(len(r1)), np.nonzero(fragments.duplicated)[0]])
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
    haplotypes: dict[str, tuple[Haplotype, ...]],
    tumour: list[TumourAllele],
    coverage: float,
    spec: ReadSpec,
    rng: np.random.Generator,
    copy_depth: dict[str, float],
) -> ReadPairs:
    """Read pairs over every contig, in random order. `coverage` is the autosomal depth;
    `copy_depth` gives, per contig, each copy's depth relative to one autosomal copy (half the
    autosomal depth), so a male's single chrX gets half the autosomal depth. Each tumour allele
    is on exactly its fraction of the fragments read over it."""
    counts = {
        contig: tuple(
            round(coverage * copy_depth[contig] * len(h.sequence) / (4 * spec.read_length))
            for h in pair
        )
        for contig, pair in haplotypes.items()
    }
    return sequenced_pairs(haplotypes, counts, tumour, spec, rng)


def sequenced_pairs(
    sequences: dict[str, tuple[Haplotype, ...]],
    counts: dict[str, tuple[int, ...]],
    tumour: list[TumourAllele],
    spec: ReadSpec,
    rng: np.random.Generator,
    *,
    stranded: bool = False,
) -> ReadPairs:
    """`counts` fragments of each sequence (per name, one count per haplotype), tumour alleles
    planted, read as pairs in random order with sequencing errors. `stranded`: R1 always reads
    the reverse complement of the fragment's end (a dUTP library over transcripts, ISR)."""
    check_apart(tumour, spec)
    width = spec.read_length
    adapters = (spec.adapter_r1, spec.adapter_r2)
    fills = tuple(
        np.concatenate([np.frombuffer(a.encode(), np.uint8), rng.choice(BASES, width)])
        for a in adapters
    )
    r1s, r2s = [], []
    for name, haplotypes in sequences.items():
        drawn = [
            (h, draw_fragments(h.sequence, count, spec, rng))
            for h, count in zip(haplotypes, counts[name], strict=True)
        ]
        for allele in tumour:
            if allele.variant.contig == name:
                plant(drawn, allele, width, rng)
        for _, fragments in drawn:
            if stranded:
                fragments.forward[:] = False
            r1, r2 = read_pairs(fragments, width, (fills[0], fills[1]))
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

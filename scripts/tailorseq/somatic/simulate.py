"""A simulated tumour/normal pair with germline and somatic truth known by construction.

The germline variants (random SNVs and 1-5 bp indels, a third of them homozygous, each
heterozygous one on a chosen haplotype) are applied to two copies of a window of a real
reference: the normal's haplotypes. Somatic variants, apart from every germline one, are applied
to one haplotype of a copy of those: the tumour cells'. dwgsim (Debian package `dwgsim`) then
makes reads from each haplotype without mutating it further (`-r 0`), at a depth that mixes
them: the normal at depth/2 per haplotype, the tumour at depth x (1 - purity)/2 from the normal
haplotypes and depth x purity/2 from the tumour's, so a heterozygous somatic variant's expected
allele fraction is purity/2. Reads are renamed `<sample>.<n>/<mate>`.

Copy-number and structural events (tailorseq.somatic.rearrangements) reshape the tumour's
haplotypes: a deleted segment gives no reads, an amplified one more in proportion, and the reads
across each breakpoint are chimeric as a real rearrangement's. Small variants near an event
boundary are not planted; somatic ones inside an event are written to the truth with
INFO/IN_EVENT (their allele fraction is not purity/2). The events go to <name>.events.bed.
"""

from __future__ import annotations

import gzip
import itertools
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pysam

from tailorseq.errors import InputError
from tailorseq.regions import Region, gaps, subtract, write_bed
from tailorseq.scoring.simulate import (
    ERROR_PROFILES,
    INDEL_FRACTION,
    MUTATION_RATE,
    READ_LENGTH,
    fastq_records,
)
from tailorseq.somatic.rearrangements import Event, away_from_events, check_events, inside_events

MIN_SPACING = 10  # bases between any two planted variants, germline or somatic
MAX_INDEL = 5
HOMOZYGOUS_SHARE = 1 / 3


@dataclass(frozen=True)
class Variant:
    """A planted variant: 0-based window position, REF and ALT as in a VCF (indels anchored on
    the base before), and the haplotypes (0, 1 or both) that carry it."""

    position: int
    ref: str
    alt: str
    haplotypes: tuple[int, ...]


@dataclass(frozen=True)
class PairSpec:
    """A tumour/normal pair over a window of a contig."""

    name: str
    contig: str
    start: int  # 1-based, inclusive
    length: int
    tumor_depth: float = 60.0
    normal_depth: float = 30.0
    purity: float = 0.6
    somatic_per_mb: float = 20.0
    profile: str = "clean"
    seed: int = 1
    events: tuple[Event, ...] = ()

    @property
    def end(self) -> int:
        return self.start + self.length - 1


@dataclass(frozen=True)
class SimulatedPair:
    """Where a pair's reads and truth were written."""

    tumor: tuple[Path, Path]
    normal: tuple[Path, Path]
    germline: Path  # bgzipped, indexed VCF, one sample "SIM", GT 0/1 or 1/1
    somatic: Path  # bgzipped, indexed VCF, GT 0/1, INFO/EXPECTED_VAF
    confident: Path  # BED: the window without assembly gaps
    events: Path  # BED: contig, start, end, kind, tumour cells' total copies


def plant(
    sequence: str, rate: float, rng: np.random.Generator, taken: set[int], homozygous: float
) -> list[Variant]:
    """Random variants over the non-N bases of `sequence`, `rate` per base, none within
    MIN_SPACING of a position in `taken` (which grows with them) or of each other."""
    count = rng.binomial(len(sequence), rate)
    variants = []
    for position in sorted(rng.choice(len(sequence) - MAX_INDEL - 1, count, replace=False)):
        position = int(position)
        if any(abs(position - other) < MIN_SPACING for other in _near(taken, position)):
            continue
        window = sequence[position : position + MAX_INDEL + 2]
        if "N" in window:
            continue
        ref, alt = _change(sequence, position, rng)
        haplotypes = (0, 1) if rng.random() < homozygous else (int(rng.integers(2)),)
        variants.append(Variant(position, ref, alt, haplotypes))
        taken.add(position)
    return variants


def _near(taken: set[int], position: int) -> Iterator[int]:
    return (
        other
        for other in range(position - MIN_SPACING + 1, position + MIN_SPACING)
        if other in taken
    )


def _change(sequence: str, position: int, rng: np.random.Generator) -> tuple[str, str]:
    """REF and ALT of an SNV, or (INDEL_FRACTION of the time) a 1-MAX_INDEL bp insertion or
    deletion anchored on the base at `position`."""
    base = sequence[position]
    if rng.random() >= INDEL_FRACTION:
        return base, str(rng.choice([b for b in "ACGT" if b != base]))
    size = int(rng.integers(1, MAX_INDEL + 1))
    if rng.random() < 0.5:
        return sequence[position : position + size + 1], base
    return base, base + "".join(rng.choice(list("ACGT"), size))


def haplotype(sequence: str, variants: list[Variant], which: int) -> str:
    """`sequence` with the variants that haplotype `which` carries applied."""
    pieces, cursor = [], 0
    for variant in sorted(variants, key=lambda v: v.position):
        if which not in variant.haplotypes:
            continue
        pieces += [sequence[cursor : variant.position], variant.alt]
        cursor = variant.position + len(variant.ref)
    return "".join(pieces) + sequence[cursor:]


def rearranged(
    sequence: str, variants: list[Variant], which: int, events: tuple[Event, ...]
) -> str:
    """Haplotype `which` of a tumour cell: its variants applied, then the events."""
    bounds = sorted({0, len(sequence), *(b for e in events for b in (e.start, e.end))})
    pieces = []
    for start, end in itertools.pairwise(bounds):
        inside = [
            Variant(v.position - start, v.ref, v.alt, v.haplotypes)
            for v in variants
            if start <= v.position and v.position + len(v.ref) <= end
        ]
        piece = haplotype(sequence[start:end], inside, which)
        event = next((e for e in events if e.start <= start and end <= e.end), None)
        pieces.append(event.transform(piece, which) if event else piece)
    return "".join(pieces)


def simulate_pair(reference: Path, spec: PairSpec, out: Path) -> SimulatedPair:
    """Simulate the pair into out/<name>.*; nothing is rewritten when all outputs exist."""
    result = SimulatedPair(
        (out / f"{spec.name}-tumor_R1.fastq.gz", out / f"{spec.name}-tumor_R2.fastq.gz"),
        (out / f"{spec.name}-normal_R1.fastq.gz", out / f"{spec.name}-normal_R2.fastq.gz"),
        out / f"{spec.name}.germline.vcf.gz",
        out / f"{spec.name}.somatic.vcf.gz",
        out / f"{spec.name}.confident.bed",
        out / f"{spec.name}.events.bed",
    )
    paths = [*result.tumor, *result.normal, result.germline, result.somatic, result.confident,
             result.events]  # fmt: skip
    if all(path.exists() for path in paths):
        return result
    out.mkdir(parents=True, exist_ok=True)
    sequence, contig_length = _window(reference, spec)
    rng = np.random.default_rng(spec.seed)
    taken: set[int] = set()
    check_events(spec.events, len(sequence), MIN_SPACING)
    margin = MAX_INDEL + MIN_SPACING
    germline = away_from_events(
        plant(sequence, MUTATION_RATE, rng, taken, HOMOZYGOUS_SHARE), spec.events, margin
    )
    somatic = away_from_events(
        plant(sequence, spec.somatic_per_mb / 1e6, rng, taken, 0.0), spec.events, margin
    )
    normal = [haplotype(sequence, germline, which) for which in (0, 1)]
    tumor = [rearranged(sequence, germline + somatic, which, spec.events) for which in (0, 1)]
    with tempfile.TemporaryDirectory(dir=out) as tmp:
        sources = {
            "normal": [(normal[0], spec.normal_depth / 2), (normal[1], spec.normal_depth / 2)],
            "tumor": [(cells, spec.tumor_depth * (1 - spec.purity) / 2) for cells in normal]
            + [(cells, spec.tumor_depth * spec.purity / 2) for cells in tumor],
        }
        for kind, mates in (("normal", result.normal), ("tumor", result.tumor)):
            reads = [
                _dwgsim(cells, depth, spec, Path(tmp) / f"{kind}{index}", spec.seed + index)
                for index, (cells, depth) in enumerate(sources[kind])
            ]
            _merge_reads(reads, mates, f"{spec.name}-{kind}")
    header = _header(spec, contig_length)
    _write_vcf(result.germline, header, spec, germline, "")
    in_event = {v.position for v in inside_events(somatic, spec.events)}
    info = {v.position: "IN_EVENT" if v.position in in_event else "" for v in somatic}
    _write_vcf(result.somatic, header, spec, somatic, f"EXPECTED_VAF={spec.purity / 2:.3f}", info)
    window = [Region(spec.contig, spec.start - 1, spec.end)]
    write_bed(subtract(window, gaps(reference)), result.confident)
    offset = spec.start - 1
    result.events.write_text("".join(
        f"{spec.contig}\t{offset + e.start}\t{offset + e.end}\t{e.kind}\t{e.total}\n"
        for e in spec.events
    ))  # fmt: skip
    return result


def _window(reference: Path, spec: PairSpec) -> tuple[str, int]:
    with pysam.FastaFile(str(reference)) as fasta:
        sequence = fasta.fetch(spec.contig, spec.start - 1, spec.end).upper()
        length = fasta.get_reference_length(spec.contig)
    if len(sequence) != spec.length:
        raise InputError(
            str(reference),
            f"{spec.contig}:{spec.start}-{spec.end} runs past the end of {spec.contig}",
            "choose a window inside the contig",
        )
    return sequence, length


def _dwgsim(cells: str, depth: float, spec: PairSpec, prefix: Path, seed: int) -> Path:
    """Reads of one haplotype at `depth`, no further mutation; returns dwgsim's prefix."""
    fasta = prefix.with_suffix(".fa")
    fasta.write_text(f">hap\n{cells}\n")
    error1, error2 = ERROR_PROFILES[spec.profile]
    command = [
        "dwgsim",
        "-C",
        str(depth),
        "-1",
        str(READ_LENGTH),
        "-2",
        str(READ_LENGTH),
        "-e",
        error1,
        "-E",
        error2,
        "-r",
        "0",
        "-R",
        "0",
        "-y",
        "0",
        "-z",
        str(seed),
        "-o",
        "1",
        str(fasta),
        str(prefix),
    ]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise InputError(
            str(fasta),
            f"dwgsim failed: {result.stderr[-500:]}",
            "check that dwgsim (Debian package dwgsim) runs",
        )
    return prefix


def _merge_reads(prefixes: list[Path], out: tuple[Path, Path], name: str) -> None:
    """All sources' pairs into one pair of files, renamed `<name>.<n>/<mate>`."""
    number = 0
    with (
        gzip.open(out[0], "wt", compresslevel=4) as out1,
        gzip.open(out[1], "wt", compresslevel=4) as out2,
    ):
        for prefix in prefixes:
            pairs = zip(
                fastq_records(Path(f"{prefix}.bwa.read1.fastq.gz")),
                fastq_records(Path(f"{prefix}.bwa.read2.fastq.gz")),
                strict=True,
            )
            for (_, seq1, qual1), (_, seq2, qual2) in pairs:
                number += 1
                out1.write(f"@{name}.{number}/1\n{seq1}\n+\n{qual1}\n")
                out2.write(f"@{name}.{number}/2\n{seq2}\n+\n{qual2}\n")


def _header(spec: PairSpec, contig_length: int) -> list[str]:
    return [
        "##fileformat=VCFv4.2",
        f"##source=tailorseq simulate_pair {spec}",
        f"##contig=<ID={spec.contig},length={contig_length}>",
        '##INFO=<ID=EXPECTED_VAF,Number=1,Type=Float,Description="Expected allele fraction">',
        '##INFO=<ID=IN_EVENT,Number=0,Type=Flag,Description="Inside a planted copy-number or'
        ' structural event">',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tSIM",
    ]


def _write_vcf(
    path: Path,
    header: list[str],
    spec: PairSpec,
    variants: list[Variant],
    info: str,
    extra: dict[int, str] | None = None,
) -> None:
    """The variants in the contig's coordinates, GT 1/1 when both haplotypes carry them;
    `extra`: more INFO per window position."""
    lines = [*header]
    for variant in variants:
        genotype = "1/1" if len(variant.haplotypes) == 2 else "0/1"
        fields = ";".join(filter(None, [info, (extra or {}).get(variant.position, "")])) or "."
        lines.append(
            f"{spec.contig}\t{spec.start + variant.position}\t.\t{variant.ref}\t{variant.alt}"
            f"\t.\tPASS\t{fields}\tGT\t{genotype}"
        )
    plain = path.with_suffix("")
    plain.write_text("\n".join(lines) + "\n")
    pysam.tabix_index(str(plain), preset="vcf", force=True)

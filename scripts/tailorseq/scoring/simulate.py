"""Simulated read sets with a truth known by construction, for training and benchmarking.

dwgsim (Debian package `dwgsim`) mutates a window of a real reference, writes the mutations as
a VCF and simulates paired reads from the mutated diploid sequence. Here the window's truth is
moved back to the chromosome's coordinates with a genotype (dwgsim's `pl=3`: both strands),
and the reads are renamed so that their names say nothing about where they came from. The
confident regions are the window without its assembly gaps (dwgsim puts no read on N bases).

dwgsim's sequencing errors are independent substitutions, equally likely on both strands, so a
model trained on them alone would trust error modes of real Illumina data it never saw: base
changes carried by reads of one strand only (oxidative damage, library artefacts), one-base
slippage in long homopolymers and one-unit slippage in short tandem repeats of 2-6 base units
(polymerase stutter; TRAINING_ARTEFACTS). They are added to the reads as `Artefacts` (never to the
truth): the rates are our assumptions, chosen so that the model sees such sites, not measured
ones.
"""

from __future__ import annotations

import bisect
import gzip
import math
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pysam

from tailorseq.errors import InputError
from tailorseq.regions import Region, gaps, subtract, write_bed
from tailorseq.somatic.repeats import tandem_repeats

# Error profiles: per-base error rate of read 1 and read 2, rising along the read (dwgsim -e/-E).
# "clean" is close to chr20-sim-dev's reads, "noisy" has about twice the errors.
ERROR_PROFILES: dict[str, tuple[str, str]] = {
    "clean": ("0.001-0.01", "0.001-0.012"),
    "noisy": ("0.002-0.02", "0.003-0.025"),
}
READ_LENGTH = 150
MUTATION_RATE = 0.0012  # ~1.2 variants per kb, as in chr20-sim-dev (1,198 in 1 Mb)
INDEL_FRACTION = 0.15


COMPLEMENT = str.maketrans("ACGTN", "TGCAN")


@dataclass(frozen=True)
class Artefacts:
    """Systematic errors added to the reads (assumed rates, see the module's docstring)."""

    strand_sites_per_mb: float = 60.0  # sites with a base change on one strand's reads only
    strand_fraction: tuple[float, float] = (0.15, 0.6)  # share of that strand's reads changed
    min_homopolymer: int = 7  # runs at least this long stutter
    slippage_per_base: float = 0.025  # share of reads slipping, per base beyond 6 ...
    max_slippage: float = 0.3  # ... up to this share
    min_repeat_length: int = 10  # tandem repeats of 2-6 base units at least this long stutter
    repeat_slippage_per_copy: float = 0.0  # share of reads gaining or losing a unit, per copy
    # beyond 2 (0: no repeat stutter, as the shipped model's training reads) ...
    max_repeat_slippage: float = 0.15  # ... up to this share

    def homopolymer_share(self, length: int) -> float:
        """The share of reads slipping in a homopolymer this long."""
        return min(self.max_slippage, self.slippage_per_base * (length - 6))

    def repeat_copies(self) -> dict[int, int]:
        """Unit size -> the fewest copies of a stuttering repeat (none when it is off)."""
        if not self.repeat_slippage_per_copy:
            return {}
        return {k: max(3, math.ceil(self.min_repeat_length / k)) for k in range(2, 7)}

    def repeat_share(self, copies: int) -> float:
        """The share of reads slipping in a stuttering repeat of this many copies."""
        return min(self.max_repeat_slippage, self.repeat_slippage_per_copy * (copies - 2))


# The germline score's training reads (bench/train_score.py) also stutter in repeats: a
# dinucleotide repeat of 5 copies slips in 3% of the reads, of 10 copies in 8%, of 15 or more in
# 13-15%. Without it, a model trusted 1-3-read indels in CA repeats of real BRCA1 reads. The
# held-out sets of bench/accuracy_depth.py keep Artefacts(), as they were first drawn.
TRAINING_ARTEFACTS = Artefacts(repeat_slippage_per_copy=0.01)


@dataclass(frozen=True)
class SimulatedSet:
    """One read set: a window of a contig, a depth, an error profile and a seed."""

    name: str
    contig: str
    start: int  # 1-based, inclusive
    length: int
    depth: float
    profile: str
    seed: int

    @property
    def end(self) -> int:
        return self.start + self.length - 1

    @property
    def region(self) -> str:
        return f"{self.contig}:{self.start}-{self.end}"


@dataclass(frozen=True)
class SimulatedReads:
    """Where a simulated set's reads and truth were written."""

    fq1: Path
    fq2: Path
    truth: Path  # bgzipped, indexed VCF in the reference's coordinates, one sample "SIM"
    confident: Path  # BED of the window


def simulate(
    reference: Path, spec: SimulatedSet, out: Path, artefacts: Artefacts | None = Artefacts()
) -> SimulatedReads:
    """Simulate one set into out/<name>.*; nothing is rewritten when all outputs exist.
    `artefacts=None` leaves dwgsim's reads as they are."""
    result = SimulatedReads(
        out / f"{spec.name}_R1.fastq.gz",
        out / f"{spec.name}_R2.fastq.gz",
        out / f"{spec.name}.truth.vcf.gz",
        out / f"{spec.name}.confident.bed",
    )
    if all(path.exists() for path in (result.fq1, result.fq2, result.truth, result.confident)):
        return result
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out) as tmp:
        window = Path(tmp) / "window.fa"
        _write_window(reference, spec, window)
        prefix = Path(tmp) / "sim"
        _run_dwgsim(spec, window, prefix)
        _write_truth(Path(f"{prefix}.mutations.vcf"), spec, reference, result.truth)
        sequence = window.read_text().split("\n")[1]
        injector = ArtefactInjector(sequence, artefacts, spec.seed) if artefacts else None
        _write_reads(prefix, result, spec.name, injector)
    window = [Region(spec.contig, spec.start - 1, spec.end)]
    write_bed(subtract(window, gaps(reference)), result.confident)
    return result


def _write_window(reference: Path, spec: SimulatedSet, out: Path) -> None:
    with pysam.FastaFile(str(reference)) as fasta:
        sequence = fasta.fetch(spec.contig, spec.start - 1, spec.end).upper()
    if len(sequence) != spec.length:
        raise InputError(str(reference), f"{spec.region} runs past the end of {spec.contig}",
                         "choose a window inside the contig")  # fmt: skip
    out.write_text(f">window\n{sequence}\n")


def _run_dwgsim(spec: SimulatedSet, window: Path, prefix: Path) -> None:
    error1, error2 = ERROR_PROFILES[spec.profile]
    command = [
        "dwgsim",
        "-C", str(spec.depth),
        "-1", str(READ_LENGTH),
        "-2", str(READ_LENGTH),
        "-e", error1,
        "-E", error2,
        "-r", str(MUTATION_RATE),
        "-R", str(INDEL_FRACTION),
        "-y", "0",  # no random (unmappable) read pairs
        "-z", str(spec.seed),
        "-o", "1",
        str(window),
        str(prefix),
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise InputError(str(window), f"dwgsim failed on {spec.region}: {result.stderr[-500:]}",
                         "check that dwgsim (Debian package dwgsim) runs")  # fmt: skip


def _write_truth(mutations: Path, spec: SimulatedSet, reference: Path, out: Path) -> None:
    """dwgsim's mutations in chromosome coordinates, with GT from `pl` (3 = both haplotypes)."""
    lines = [
        "##fileformat=VCFv4.2",
        f"##source=dwgsim {spec.region} depth {spec.depth} profile {spec.profile} seed {spec.seed}",
        f"##contig=<ID={spec.contig},length={_contig_length(reference, spec.contig)}>",
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tSIM",
    ]
    for line in mutations.read_text().splitlines():
        if line.startswith("#"):
            continue
        cols = line.split("\t")
        info = dict(item.split("=", 1) for item in cols[7].split(";") if "=" in item)
        gt = "1/1" if info.get("pl") == "3" else "0/1"
        pos = int(cols[1]) + spec.start - 1
        lines.append(f"{spec.contig}\t{pos}\t.\t{cols[3]}\t{cols[4]}\t.\tPASS\t.\tGT\t{gt}")
    plain = out.with_suffix("")
    plain.write_text("\n".join(lines) + "\n")
    pysam.tabix_index(str(plain), preset="vcf", force=True)


def _contig_length(reference: Path, contig: str) -> int:
    with pysam.FastaFile(str(reference)) as fasta:
        return fasta.get_reference_length(contig)


def fastq_records(path: Path):
    """(name, sequence, qualities) of each FASTQ record."""
    with gzip.open(path, "rt") as handle:
        while header := handle.readline():
            sequence, _, qualities = (handle.readline().rstrip("\n") for _ in range(3))
            yield header[1:].rstrip("\n"), sequence, qualities


def _write_reads(prefix: Path, result: SimulatedReads, name: str, injector) -> None:
    """Both mates, artefacts added, named `<set>.<n>/<mate>` (dwgsim's names carry the true
    position: `<contig>_<start1>_<start2>_<strand1>_<strand2>_...`)."""
    mates = zip(
        fastq_records(Path(f"{prefix}.bwa.read1.fastq.gz")),
        fastq_records(Path(f"{prefix}.bwa.read2.fastq.gz")),
        strict=True,
    )
    with (
        gzip.open(result.fq1, "wt", compresslevel=4) as out1,
        gzip.open(result.fq2, "wt", compresslevel=4) as out2,
    ):
        for number, (read1, read2) in enumerate(mates, start=1):
            fields = read1[0].split("_")
            for mate, (read, out) in enumerate(((read1, out1), (read2, out2)), start=1):
                sequence, qualities = read[1], read[2]
                if injector:
                    start, reverse = int(fields[mate]), fields[mate + 2] == "1"
                    sequence, qualities = injector.apply(sequence, qualities, start, reverse)
                out.write(f"@{name}.{number}/{mate}\n{sequence}\n+\n{qualities}\n")


class ArtefactInjector:
    """Adds the systematic errors of `Artefacts` to reads of a window."""

    def __init__(self, window: str, a: Artefacts, seed: int) -> None:
        self.random = np.random.default_rng(seed + 7919)
        count = round(a.strand_sites_per_mb * len(window) / 1e6)
        positions = np.sort(self.random.choice(len(window), size=count, replace=False))
        self.sites = []  # (0-based position, reverse strand?, base on the forward strand, share)
        for position in positions:
            base = self.random.choice([b for b in "ACGT" if b != window[position]])
            share = self.random.uniform(*a.strand_fraction)
            self.sites.append((int(position), bool(self.random.integers(2)), base, share))
        self.site_positions = [site[0] for site in self.sites]
        homopolymers = [
            (start, end, 1, a.homopolymer_share(end - start))
            for start, end, _ in tandem_repeats(window, {1: a.min_homopolymer})
        ]
        repeats = [
            (start, end, len(unit), a.repeat_share((end - start) // len(unit)))
            for start, end, unit in tandem_repeats(window, a.repeat_copies())
        ]
        self.runs = sorted(homopolymers + repeats)  # (start, end, unit size, share slipping)
        self.run_starts = [run[0] for run in self.runs]

    def apply(self, sequence: str, qualities: str, start: int, reverse: bool) -> tuple[str, str]:
        """The read with artefacts: `start` is its 1-based leftmost window position."""
        forward = list(sequence.translate(COMPLEMENT)[::-1] if reverse else sequence)
        quality = list(qualities[::-1] if reverse else qualities)
        offset = start - 1
        low = bisect.bisect_left(self.site_positions, offset)
        high = bisect.bisect_left(self.site_positions, offset + len(forward))
        for position, on_reverse, base, share in self.sites[low:high]:
            if on_reverse == reverse and self.random.random() < share:
                forward[position - offset] = base
                lowered = ord(quality[position - offset]) - int(self.random.integers(0, 15))
                quality[position - offset] = chr(max(lowered, 35))
        first = bisect.bisect_left(self.run_starts, offset + 2)
        for run_start, run_end, unit, share in self.runs[first:]:
            if run_end > offset + len(forward) - 2:
                break
            if self.random.random() < share:
                index = run_start - offset
                if self.random.random() < 0.7:  # deletions outnumber insertions
                    del forward[index : index + unit], quality[index : index + unit]
                else:
                    forward[index:index] = forward[index : index + unit]
                    quality[index:index] = quality[index : index + unit]
        text, marks = "".join(forward), "".join(quality)
        return (text.translate(COMPLEMENT)[::-1], marks[::-1]) if reverse else (text, marks)

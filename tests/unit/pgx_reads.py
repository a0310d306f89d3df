"""Small read simulation and bwa alignment for the PGx genotyping tests: single-end reads or read
pairs from known haplotype sequences (both strands, substitution errors), aligned to a FASTA."""

import subprocess
from pathlib import Path

import numpy as np
import pysam

READ_LENGTH = 150
ERROR_RATE = 0.002


def simulate(haplotype: str, rng: np.random.Generator, prefix: str, depth: int) -> list[str]:
    """FASTQ records of reads drawn from `haplotype` at about `depth`."""
    count = len(haplotype) * depth // READ_LENGTH
    complement = str.maketrans("ACGT", "TGCA")
    records = []
    for i, start in enumerate(rng.integers(0, len(haplotype) - READ_LENGTH, count)):
        bases = np.array(list(haplotype[start : start + READ_LENGTH]))
        errors = rng.random(READ_LENGTH) < ERROR_RATE
        bases[errors] = rng.choice(list("ACGT"), errors.sum())
        read = "".join(bases)
        if rng.random() < 0.5:
            read = read.translate(complement)[::-1]
        records.append(f"@{prefix}{i}\n{read}\n+\n{'I' * READ_LENGTH}\n")
    return records


def simulate_pairs(
    haplotype: str, rng: np.random.Generator, prefix: str, depth: int, fragment: int = 400
) -> tuple[list[str], list[str]]:
    """FASTQ records of read pairs (mates 1 and 2) from fragments of `haplotype` about
    `fragment` bases long (sd 10%), at about `depth`."""
    complement = str.maketrans("ACGT", "TGCA")
    first, second = [], []
    for i in range(len(haplotype) * depth // (2 * READ_LENGTH)):
        length = int(rng.normal(fragment, fragment / 10))
        start = int(rng.integers(0, len(haplotype) - length))
        piece = haplotype[start : start + length]
        mates = [piece[:READ_LENGTH], piece[-READ_LENGTH:].translate(complement)[::-1]]
        if rng.random() < 0.5:
            mates.reverse()
        for out, read in zip((first, second), mates, strict=True):
            out.append(f"@{prefix}{i}\n{read}\n+\n{'I' * READ_LENGTH}\n")
    return first, second


def haplotypes_bam(
    fasta: Path, haplotypes: list[str], rng: np.random.Generator, folder: Path, depth: int
) -> Path:
    """Read pairs from each haplotype sequence at about `depth`, aligned with bwa mem into
    `folder`/s.bam (sample `s`, sorted, indexed)."""
    first, second = [], []
    for index, haplotype in enumerate(haplotypes):
        one, two = simulate_pairs(haplotype, rng, f"h{index}.", depth)
        first += one
        second += two
    fastqs = [folder / "r1.fq", folder / "r2.fq"]
    for path, records in zip(fastqs, (first, second), strict=True):
        path.write_text("".join(records))
    return bwa_bam(fasta, fastqs, folder / "s.bam", "s")


def write_reference(path: Path, contigs: dict[str, str]) -> Path:
    """A FASTA of `contigs`, faidx- and bwa-indexed."""
    path.write_text("".join(f">{name}\n{sequence}\n" for name, sequence in contigs.items()))
    pysam.faidx(str(path))
    subprocess.run(["bwa", "index", str(path)], check=True, capture_output=True)
    return path


def bwa_bam(fasta: Path, fastqs: list[Path], bam: Path, sample: str) -> Path:
    """FASTQ (one file, or a pair) aligned with bwa mem into a sorted, indexed BAM."""
    aligner = subprocess.Popen(
        ["bwa", "mem", "-t", "2", "-R", f"@RG\\tID:{sample}\\tSM:{sample}", str(fasta),
         *map(str, fastqs)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    subprocess.run(["samtools", "sort", "-o", str(bam), "-"], stdin=aligner.stdout, check=True,
                   capture_output=True)  # fmt: skip
    aligner.wait()
    pysam.index(str(bam))
    return bam


def align(fasta: Path, reads: list[str], out: Path) -> Path:
    """`reads` aligned with bwa mem into a sorted, indexed BAM (sample `s`)."""
    fastq = out.with_suffix(".fq")
    fastq.write_text("".join(reads))
    return bwa_bam(fasta, [fastq], out.with_suffix(".bam"), "s")

"""Split the reference's sequence (or the targets) into chunks of equal length for scattered
variant calling, leaving out assembly gaps: in a whole genome, equal sequence is close to equal
reads, so the chunks' jobs take about equally long."""

import argparse
from pathlib import Path

from tailorseq.files import stderr_to
from tailorseq.regions import gaps, intersect, read_bed, read_fai, split_evenly, subtract, write_bed


def scatter(fasta: Path, targets: Path | None, outputs: list[Path]) -> None:
    """Write one BED per output, together covering the genome's sequence or the targets once, in
    order."""
    genome = read_fai(Path(f"{fasta}.fai"))
    regions = intersect(genome, read_bed(targets)) if targets else genome
    sequence = subtract(regions, gaps(fasta))
    for chunk, path in zip(split_evenly(sequence, len(outputs)), outputs, strict=True):
        write_bed(chunk, path)


if __name__ == "__main__":
    if "snakemake" in globals():
        rule = snakemake  # noqa: F821
        with stderr_to(rule.log[0]):
            targets = Path(rule.input.targets[0]) if rule.input.targets else None
            scatter(Path(rule.input.ref), targets, [Path(path) for path in rule.output])
    else:
        parser = argparse.ArgumentParser(description=__doc__)
        parser.add_argument("--ref", type=Path, required=True, help="FASTA with its .fai")
        parser.add_argument("--targets", type=Path)
        parser.add_argument("--out", type=Path, nargs="+", required=True)
        args = parser.parse_args()
        scatter(args.ref, args.targets, args.out)

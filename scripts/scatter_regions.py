"""Split the reference (or the targets) into equal chunks for scattered variant calling."""

import argparse
from pathlib import Path

from tailorseq.files import stderr_to
from tailorseq.regions import intersect, read_bed, read_fai, split_evenly, write_bed


def scatter(fai: Path, targets: Path | None, outputs: list[Path]) -> None:
    """Write one BED per output, together covering the genome or targets once, in order."""
    genome = read_fai(fai)
    regions = intersect(genome, read_bed(targets)) if targets else genome
    for chunk, path in zip(split_evenly(regions, len(outputs)), outputs, strict=True):
        write_bed(chunk, path)


if __name__ == "__main__":
    if "snakemake" in globals():
        rule = snakemake  # noqa: F821
        with stderr_to(rule.log[0]):
            targets = Path(rule.input.targets[0]) if rule.input.targets else None
            scatter(Path(rule.input.fai), targets, [Path(path) for path in rule.output])
    else:
        parser = argparse.ArgumentParser(description=__doc__)
        parser.add_argument("--fai", type=Path, required=True)
        parser.add_argument("--targets", type=Path)
        parser.add_argument("--out", type=Path, nargs="+", required=True)
        args = parser.parse_args()
        scatter(args.fai, args.targets, args.out)

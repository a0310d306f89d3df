"""Write the SAM header of a sample's merged alignment: contigs, read groups, real sample name."""

import argparse
from pathlib import Path

from tailorseq.alignment import sample_header, sample_read_groups
from tailorseq.files import stderr_to, write_atomic


def write_header(
    fai: Path, pid: str, sample: str, fastq_units: dict[str, str], bams: list[Path], out: Path
) -> None:
    """Build the header from the reference index and the sample's units and write it."""
    read_groups = sample_read_groups(pid, sample, fastq_units, bams)
    write_atomic(out, sample_header(fai, read_groups))


def parse_unit(text: str) -> tuple[str, str]:
    """`uid=name` from the command line."""
    uid, _, name = text.partition("=")
    return uid, name


if __name__ == "__main__":
    if "snakemake" in globals():
        rule = snakemake  # noqa: F821
        with stderr_to(rule.log[0]):
            write_header(
                Path(rule.input.fai),
                rule.wildcards.pid,
                rule.params.sample,
                dict(rule.params.fastq_units),
                [Path(bam) for bam in rule.input.bams],
                Path(rule.output[0]),
            )
    else:
        parser = argparse.ArgumentParser(description=__doc__)
        parser.add_argument("--fai", type=Path, required=True, help="reference .fai")
        parser.add_argument("--pid", required=True, help="the sample's pseudonym")
        parser.add_argument("--sample", required=True, help="the sample's real id")
        parser.add_argument(
            "--fastq-unit",
            action="append",
            default=[],
            type=parse_unit,
            help="uid=unit name of a FASTQ unit (repeatable)",
        )
        parser.add_argument(
            "--bam",
            action="append",
            default=[],
            type=Path,
            help="a BAM unit whose read groups are kept (repeatable)",
        )
        parser.add_argument("--out", type=Path, required=True)
        args = parser.parse_args()
        write_header(args.fai, args.pid, args.sample, dict(args.fastq_unit), args.bam, args.out)

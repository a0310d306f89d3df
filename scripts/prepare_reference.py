"""Put the reference into the cache as a plain, indexed FASTA and check it against its build."""

import argparse
from pathlib import Path

from tailorseq.files import stderr_to
from tailorseq.genome import materialize
from tailorseq.reference import check_fai_against_build


def prepare(source: Path, fasta: Path, build: str) -> None:
    """Materialize the FASTA and refuse it when its contigs do not fit the build."""
    materialize(source, fasta)
    check_fai_against_build(Path(f"{fasta}.fai"), build, label=str(source))


if __name__ == "__main__":
    if "snakemake" in globals():
        rule = snakemake  # noqa: F821
        with stderr_to(rule.log[0]):
            prepare(Path(rule.input[0]), Path(rule.output.fasta), rule.params.build)
    else:
        parser = argparse.ArgumentParser(description=__doc__)
        parser.add_argument("--source", type=Path, required=True)
        parser.add_argument("--out", type=Path, required=True)
        parser.add_argument("--build", required=True)
        args = parser.parse_args()
        prepare(args.source, args.out, args.build)

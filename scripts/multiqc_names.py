"""Write MultiQC's --replace-names table: pseudonymous sample names to the lab's names."""

import argparse
from pathlib import Path

from tailorseq.files import stderr_to, write_atomic


def write_names(pairs: list[tuple[str, str]], out: Path) -> None:
    """One `pseudonym<TAB>name` line per pair."""
    write_atomic(out, "".join(f"{pseudonym}\t{name}\n" for pseudonym, name in pairs))


if __name__ == "__main__":
    if "snakemake" in globals():
        rule = snakemake  # noqa: F821
        with stderr_to(rule.log[0]):
            write_names([tuple(pair) for pair in rule.params.names], Path(rule.output[0]))
    else:
        parser = argparse.ArgumentParser(description=__doc__)
        parser.add_argument(
            "--pair", nargs=2, action="append", required=True, metavar=("PSEUDONYM", "NAME")
        )
        parser.add_argument("--out", type=Path, required=True)
        args = parser.parse_args()
        write_names([tuple(pair) for pair in args.pair], args.out)

"""Link a unit's input files under pseudonymous names, so no job's command line shows them."""

import argparse
from pathlib import Path

from tailorseq.files import link_absolute


def stage(sources: list[str], links: list[str]) -> None:
    """Link each pseudonymous path to its source file."""
    for source, link in zip(sources, links, strict=True):
        link_absolute(Path(source), Path(link))


if __name__ == "__main__":
    if "snakemake" in globals():
        stage(list(snakemake.input), list(snakemake.output))  # noqa: F821
    else:
        parser = argparse.ArgumentParser(description=__doc__)
        parser.add_argument("--source", nargs="+", required=True, help="the files as given")
        parser.add_argument("--link", nargs="+", required=True, help="their pseudonymous paths")
        args = parser.parse_args()
        stage(args.source, args.link)

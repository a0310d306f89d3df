"""Publish finished pseudonymous files under their human-readable names in results/.

Under Snakemake the rule's first inputs are published at its outputs, in order; inputs past
the outputs are prerequisites only (the samples' sex checks), never published."""

import argparse
from pathlib import Path

from tailorseq.files import publish, stderr_to


def publish_all(sources: list[str], destinations: list[str]) -> None:
    """Publish each source at its destination."""
    for source, destination in zip(sources, destinations, strict=True):
        publish(Path(source), Path(destination))


if __name__ == "__main__":
    if "snakemake" in globals():
        rule = snakemake  # noqa: F821
        with stderr_to(rule.log[0]):
            publish_all(list(rule.input)[: len(rule.output)], list(rule.output))
    else:
        parser = argparse.ArgumentParser(description=__doc__)
        parser.add_argument("--source", nargs="+", required=True)
        parser.add_argument("--destination", nargs="+", required=True)
        args = parser.parse_args()
        publish_all(args.source, args.destination)

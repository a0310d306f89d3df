"""Stage a unit's input files under pseudonymous names, so no job's command line shows them.

Files are linked; a plain (uncompressed) FASTQ is compressed with bgzip instead, since the
steps after staging read gzip. The unit's content-identity file (input `content`) only makes
the rule rerun when the content changed: it is not staged.
"""

import argparse
import sys
from pathlib import Path

import pysam

from tailorseq.files import link_absolute, stderr_to
from tailorseq.genome import is_gzip

FASTQ_GZ = ".fastq.gz"


def stage(sources: list[str], links: list[str]) -> None:
    """Link each pseudonymous path to its source file; compress a plain FASTQ into it."""
    for source, link in zip(sources, links, strict=True):
        if link.endswith(FASTQ_GZ) and not is_gzip(Path(source)):
            Path(link).parent.mkdir(parents=True, exist_ok=True)
            pysam.tabix_compress(source, link, force=True)
            print(f"{Path(link).name}: plain FASTQ, compressed with bgzip", file=sys.stderr)
        else:
            link_absolute(Path(source), Path(link))


if __name__ == "__main__":
    if "snakemake" in globals():
        rule = snakemake  # noqa: F821
        content = getattr(rule.input, "content", None)
        with stderr_to(rule.log[0] if rule.log else None):
            stage([path for path in rule.input if path != content], list(rule.output))
    else:
        parser = argparse.ArgumentParser(description=__doc__)
        parser.add_argument("--source", nargs="+", required=True, help="the files as given")
        parser.add_argument("--link", nargs="+", required=True, help="their pseudonymous paths")
        args = parser.parse_args()
        stage(args.source, args.link)

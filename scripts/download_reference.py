"""Download the reference FASTA named by URL into the cache, verifying its checksum."""

import argparse
from pathlib import Path

from tailorseq.download import fetch
from tailorseq.files import stderr_to

if __name__ == "__main__":
    if "snakemake" in globals():
        rule = snakemake  # noqa: F821
        with stderr_to(rule.log[0]):
            fetch(rule.params.url, Path(rule.output[0]), rule.params.sha256)
    else:
        parser = argparse.ArgumentParser(description=__doc__)
        parser.add_argument("--url", required=True)
        parser.add_argument("--out", type=Path, required=True)
        parser.add_argument("--sha256", default="", help="expected checksum (optional)")
        args = parser.parse_args()
        print(fetch(args.url, args.out, args.sha256))

"""Download CIViC's clinical evidence TSV into the cache, recording the URL, date and sha256."""

import argparse
import json
from pathlib import Path

from tailorseq.files import stderr_to
from tailorseq.somatic.actionability import download_civic

if __name__ == "__main__":
    if "snakemake" in globals():
        rule = snakemake  # noqa: F821
        with stderr_to(rule.log[0]):
            download_civic(rule.params.url, Path(rule.output.tsv), Path(rule.output.record))
    else:
        parser = argparse.ArgumentParser(description=__doc__)
        parser.add_argument("--url", required=True)
        parser.add_argument("--out", type=Path, required=True)
        parser.add_argument("--record", type=Path, required=True)
        args = parser.parse_args()
        print(json.dumps(download_civic(args.url, args.out, args.record), indent=2))

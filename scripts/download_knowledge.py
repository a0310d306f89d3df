"""Download a knowledge file (CIViC's evidence TSV, OncoTree's tree) into the cache, recording
the URL, date and sha256."""

import argparse
import json
from pathlib import Path

from tailorseq.files import stderr_to
from tailorseq.somatic.knowledge import download_knowledge

if __name__ == "__main__":
    if "snakemake" in globals():
        rule = snakemake  # noqa: F821
        with stderr_to(rule.log[0]):
            download_knowledge(rule.params.url, Path(rule.output.file), Path(rule.output.record))
    else:
        parser = argparse.ArgumentParser(description=__doc__)
        parser.add_argument("--url", required=True)
        parser.add_argument("--out", type=Path, required=True)
        parser.add_argument("--record", type=Path, required=True)
        args = parser.parse_args()
        print(json.dumps(download_knowledge(args.url, args.out, args.record), indent=2))

"""Store a fetched URL (Snakemake's http storage, or a file:// path) in the download cache:
sha256 verified when given, a record of URL, bytes, sha256 and time beside it."""

import argparse
import json
from pathlib import Path

from tailorseq.download import store
from tailorseq.files import stderr_to

if __name__ == "__main__":
    if "snakemake" in globals():
        rule = snakemake  # noqa: F821
        with stderr_to(rule.log[0]):
            entry = rule.params.download
            store(
                Path(rule.input[0]),
                entry["url"],
                Path(rule.output.file),
                Path(rule.output.record),
                entry["sha256"],
                entry["version"],
            )
    else:
        parser = argparse.ArgumentParser(description=__doc__)
        parser.add_argument("--source", type=Path, required=True, help="the fetched file")
        parser.add_argument("--url", required=True, help="the URL it was fetched from")
        parser.add_argument("--out", type=Path, required=True)
        parser.add_argument("--record", type=Path, required=True)
        parser.add_argument("--sha256", default="", help="expected checksum (optional)")
        parser.add_argument("--version", default="", help="release of the file (optional)")
        args = parser.parse_args()
        document = store(args.source, args.url, args.out, args.record, args.sha256, args.version)
        print(json.dumps(document, indent=2))

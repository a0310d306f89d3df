"""MultiQC custom content: per-sample PGx and findings counts from the samples' .pgx.json and
.findings.json (named <pseudonym>.pgx.json / <pseudonym>.findings.json)."""

import argparse
from pathlib import Path

from tailorseq.files import stderr_to
from tailorseq.report.mqc import write_counts

if __name__ == "__main__":
    if "snakemake" in globals():
        rule = snakemake  # noqa: F821
        with stderr_to(rule.log[0]):
            write_counts(
                [Path(p) for p in rule.input], Path(rule.output[0]), dict(rule.params.names)
            )
    else:
        parser = argparse.ArgumentParser(description=__doc__)
        parser.add_argument("documents", nargs="+", type=Path)
        parser.add_argument("--out", type=Path, required=True, help="a *_mqc.tsv path")
        args = parser.parse_args()
        write_counts(args.documents, args.out)

"""MultiQC custom content: each germline sample's variant-score distribution (FORMAT/TQ)."""

import argparse
from pathlib import Path

from tailorseq.files import stderr_to
from tailorseq.scoring.model import caller_entry
from tailorseq.scoring.mqc import write_scores

if __name__ == "__main__":
    if "snakemake" in globals():
        rule = snakemake  # noqa: F821
        with stderr_to(rule.log[0]):
            threshold = caller_entry(Path(rule.params.model), rule.params.caller)["threshold"]
            write_scores([Path(p) for p in rule.input], Path(rule.output[0]),
                         dict(rule.params.names), threshold)  # fmt: skip
    else:
        parser = argparse.ArgumentParser(description=__doc__)
        parser.add_argument("vcfs", nargs="+", type=Path, help="filtered germline VCFs")
        parser.add_argument("--out", type=Path, required=True, help="a *_mqc.tsv path")
        parser.add_argument("--threshold", type=float, required=True)
        args = parser.parse_args()
        write_scores(args.vcfs, args.out, {}, args.threshold)

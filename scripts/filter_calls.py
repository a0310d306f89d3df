"""The germline filter of one callset: the learned variant score, or the QUAL/depth fallback
(tailorseq.scoring.apply). Writes the filtered VCF with its index."""

import argparse
import sys
from pathlib import Path

from tailorseq.files import stderr_to
from tailorseq.scoring import model
from tailorseq.scoring.apply import QualFilter, filter_vcf


def run(raw: Path, out: Path, reference: Path, method: str, caller: str, folder: Path,
        qual: QualFilter) -> None:  # fmt: skip
    """Filter `raw` into `out` and print the FILTER counts."""
    if method == "score":
        counts = filter_vcf(raw, out, reference, caller_model=model.load(folder, caller))
    else:
        counts = filter_vcf(raw, out, reference, qual=qual)
    print(f"{out}: {counts}", file=sys.stderr)


if __name__ == "__main__":
    if "snakemake" in globals():
        rule = snakemake  # noqa: F821
        with stderr_to(rule.log[0]):
            p = rule.params
            qual = QualFilter(p.min_qual, p.snv_min_qual_depth, p.min_depth)
            run(Path(rule.input.vcf), Path(rule.output.vcf), Path(rule.input.ref), p.filter,
                p.caller, Path(p.model), qual)  # fmt: skip
    else:
        parser = argparse.ArgumentParser(description=__doc__)
        parser.add_argument("--vcf", type=Path, required=True, help="gathered, normalised calls")
        parser.add_argument("--out", type=Path, required=True, help="filtered VCF (.vcf.gz)")
        parser.add_argument("--reference", type=Path, required=True)
        parser.add_argument("--filter", choices=("score", "qual"), default="score")
        parser.add_argument("--caller", choices=("bcftools", "freebayes"), default="bcftools")
        parser.add_argument("--model", type=Path, default=Path("resources/germline_score"))
        parser.add_argument("--min-qual", type=float, default=15)
        parser.add_argument("--snv-min-qual-depth", type=int, default=25)
        parser.add_argument("--min-depth", type=int, default=5)
        a = parser.parse_args()
        qual = QualFilter(a.min_qual, a.snv_min_qual_depth, a.min_depth)
        run(a.vcf, a.out, a.reference, a.filter, a.caller, a.model, qual)

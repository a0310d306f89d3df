"""A tumour/normal pair's biomarkers JSON: TMB over callable coding sequence, and the pair's MSI
score (scripts/somatic_msi.py) merged in."""

import argparse
import json
from pathlib import Path

from tailorseq.files import stderr_to
from tailorseq.somatic.tmb import tmb


def biomarkers(
    vcf: Path,
    callable_file: Path,
    summary: Path | None,
    min_depth: int,
    cutoff: float,
    purity: float | None,
    out: Path,
    msi: Path | None = None,
) -> dict:
    """Compute and write the biomarkers document."""
    pair = json.loads(summary.read_text()) if summary else None
    msi_document = json.loads(msi.read_text()) if msi else None
    document = tmb(vcf, callable_file, min_depth, cutoff, purity, pair, msi_document)
    out.write_text(json.dumps(document, indent=2) + "\n")
    return document


if __name__ == "__main__":
    if "snakemake" in globals():
        rule = snakemake  # noqa: F821
        with stderr_to(rule.log[0]):
            biomarkers(
                Path(rule.input.vcf),
                Path(rule.input.callable),
                Path(rule.input.summary),
                rule.params.min_depth,
                rule.params.tmb_high,
                rule.params.purity,
                Path(rule.output[0]),
                Path(rule.input.msi),
            )
    else:
        parser = argparse.ArgumentParser(description=__doc__)
        parser.add_argument("--vcf", type=Path, required=True, help="annotated somatic VCF")
        parser.add_argument("--callable", type=Path, required=True)
        parser.add_argument("--summary", type=Path)
        parser.add_argument("--min-depth", type=int, default=10)
        parser.add_argument("--tmb-high", type=float, default=10.0)
        parser.add_argument("--purity", type=float)
        parser.add_argument("--msi", type=Path, help="MSI JSON of scripts/somatic_msi.py")
        parser.add_argument("--out", type=Path, required=True)
        args = parser.parse_args()
        document = biomarkers(
            args.vcf,
            args.callable,
            args.summary,
            args.min_depth,
            args.tmb_high,
            args.purity,
            args.out,
            args.msi,
        )
        print(json.dumps(document["tmb"], indent=2))

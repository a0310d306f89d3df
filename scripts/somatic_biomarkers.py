"""A tumour/normal pair's biomarkers JSON (resources/biomarkers.schema.json): TMB over callable
coding sequence, and the pair's MSI document (scripts/somatic_msi.py) merged in."""

import argparse
import json
from pathlib import Path

from tailorseq import documents
from tailorseq.defaults import config_defaults
from tailorseq.files import stderr_to
from tailorseq.somatic import biomarkers as declared
from tailorseq.somatic.tmb import TmbSettings


def biomarkers(
    vcf: Path | None,
    callable_file: Path | None,
    summary: Path | None,
    settings: TmbSettings,
    purity: float | None,
    out: Path,
    msi: Path | None = None,
) -> dict:
    """Compute and write the biomarkers document (no VCF and callable file: no gene annotation,
    TMB not assessed)."""
    pair = documents.load_optional("somatic", summary)
    msi_document = json.loads(msi.read_text()) if msi else None
    document = declared.document(vcf, callable_file, settings, purity, pair, msi_document)
    documents.write(declared.KIND, document, out)
    return document


if __name__ == "__main__":
    if "snakemake" in globals():
        rule = snakemake  # noqa: F821
        with stderr_to(rule.log[0]):
            annotated = rule.input.get("vcf")
            biomarkers(
                Path(annotated) if annotated else None,
                Path(rule.input.callable) if annotated else None,
                Path(rule.input.summary),
                TmbSettings.from_config(rule.params.settings),
                rule.params.purity,
                Path(rule.output[0]),
                Path(rule.input.msi),
            )
    else:
        defaults = TmbSettings.from_config(config_defaults("somatic"))
        parser = argparse.ArgumentParser(description=__doc__)
        parser.add_argument("--vcf", type=Path, help="annotated somatic VCF (none: no TMB)")
        parser.add_argument("--callable", type=Path, help="callable coding bases (with --vcf)")
        parser.add_argument("--summary", type=Path)
        parser.add_argument("--min-depth", type=int, default=defaults.min_depth)
        parser.add_argument("--tmb-high", type=float, default=defaults.cutoff)
        parser.add_argument("--min-territory", type=int, default=defaults.min_territory)
        parser.add_argument("--tmb-dp-min", type=int, default=defaults.dp_min)
        parser.add_argument("--tmb-af-min", type=float, default=defaults.af_min)
        parser.add_argument("--purity", type=float)
        parser.add_argument("--msi", type=Path, help="MSI JSON of scripts/somatic_msi.py")
        parser.add_argument("--out", type=Path, required=True)
        args = parser.parse_args()
        settings = TmbSettings(
            args.min_depth, args.tmb_high, args.min_territory, args.tmb_dp_min, args.tmb_af_min
        )
        document = biomarkers(
            args.vcf, args.callable, args.summary, settings, args.purity, args.out, args.msi
        )
        print(json.dumps({k: v for k, v in document["tmb"].items() if k != "mutations"}, indent=2))

"""A tumour/normal pair's actionability: variants and biomarkers matched to therapies, tiered."""

import argparse
import json
from pathlib import Path

from tailorseq.files import stderr_to
from tailorseq.somatic.actionability import actionability, write_outputs


def run(
    vcf: Path,
    biomarkers: Path,
    curated: Path,
    build: str,
    tumor_type: str | None,
    civic: Path | None,
    civic_record: Path | None,
    json_out: Path,
    tsv_out: Path,
) -> dict:
    """Match, tier and write the actionability JSON and TSV."""
    document = actionability(vcf, biomarkers, curated, build, tumor_type, civic, civic_record)
    write_outputs(document, json_out, tsv_out)
    return document


if __name__ == "__main__":
    if "snakemake" in globals():
        rule = snakemake  # noqa: F821
        with stderr_to(rule.log[0]):
            civic = list(rule.input.civic)
            record = list(rule.input.civic_record)
            run(
                Path(rule.input.vcf),
                Path(rule.input.biomarkers),
                Path(rule.input.curated),
                rule.params.build,
                rule.params.tumor_type,
                Path(civic[0]) if civic else None,
                Path(record[0]) if record else None,
                Path(rule.output.json),
                Path(rule.output.tsv),
            )
    else:
        parser = argparse.ArgumentParser(description=__doc__)
        parser.add_argument("--vcf", type=Path, required=True, help="annotated somatic VCF")
        parser.add_argument("--biomarkers", type=Path, required=True, help="biomarkers JSON")
        parser.add_argument(
            "--curated",
            type=Path,
            default=Path(__file__).resolve().parent.parent / "resources/actionable_variants.tsv",
        )
        parser.add_argument("--build", required=True, help="genome build (GRCh38, demo...)")
        parser.add_argument("--tumor-type", help="the tumour type, e.g. 'lung adenocarcinoma'")
        parser.add_argument("--civic", type=Path, help="CIViC ClinicalEvidenceSummaries.tsv")
        parser.add_argument("--civic-record", type=Path, help="download record of the CIViC file")
        parser.add_argument("--json", type=Path, required=True)
        parser.add_argument("--tsv", type=Path, required=True)
        args = parser.parse_args()
        document = run(
            args.vcf,
            args.biomarkers,
            args.curated,
            args.build,
            args.tumor_type,
            args.civic,
            args.civic_record,
            args.json,
            args.tsv,
        )
        print(json.dumps(document["matches"], indent=2))

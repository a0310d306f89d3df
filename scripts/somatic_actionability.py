"""A tumour/normal pair's actionability: variants and biomarkers matched to therapies, tiered."""

import argparse
import json
from pathlib import Path

from tailorseq.files import optional_path, stderr_to
from tailorseq.somatic.actionability import KnowledgeFiles, actionability, write_outputs
from tailorseq.somatic.curated import CURATED_TABLE


def run(
    vcf: Path,
    biomarkers: Path,
    build: str,
    tumor_type: str | None,
    files: KnowledgeFiles,
    json_out: Path,
    tsv_out: Path,
    cnv: Path | None = None,
    sv: Path | None = None,
) -> dict:
    """Match, tier and write the actionability JSON and TSV."""
    document = actionability(vcf, biomarkers, build, tumor_type, files, cnv, sv)
    write_outputs(document, json_out, tsv_out)
    return document


if __name__ == "__main__":
    if "snakemake" in globals():
        rule = snakemake  # noqa: F821
        with stderr_to(rule.log[0]):
            files = KnowledgeFiles(
                Path(rule.input.curated),
                optional_path(list(rule.input.oncotree)),
                optional_path(list(rule.input.oncotree_record)),
                optional_path(list(rule.input.civic)),
                optional_path(list(rule.input.civic_record)),
            )
            run(
                Path(rule.input.vcf),
                Path(rule.input.biomarkers),
                rule.params.build,
                rule.params.tumor_type,
                files,
                Path(rule.output.json),
                Path(rule.output.tsv),
                optional_path(list(rule.input.cnv)),
                optional_path(list(rule.input.sv)),
            )
    else:
        parser = argparse.ArgumentParser(description=__doc__)
        parser.add_argument("--vcf", type=Path, required=True, help="annotated somatic VCF")
        parser.add_argument("--biomarkers", type=Path, required=True, help="biomarkers JSON")
        parser.add_argument("--curated", type=Path, default=CURATED_TABLE)
        parser.add_argument("--build", required=True, help="genome build (GRCh38, demo...)")
        parser.add_argument("--tumor-type", help="OncoTree code or name, e.g. LUAD")
        parser.add_argument("--oncotree", type=Path, help="OncoTree tree file (TSV or API JSON)")
        parser.add_argument("--civic", type=Path, help="CIViC ClinicalEvidenceSummaries.tsv")
        parser.add_argument("--civic-record", type=Path, help="download record of the CIViC file")
        parser.add_argument("--cnv", type=Path, help="the pair's cnv.json (copy number)")
        parser.add_argument("--sv", type=Path, help="the pair's sv.json (fusions)")
        parser.add_argument("--json", type=Path, required=True)
        parser.add_argument("--tsv", type=Path, required=True)
        args = parser.parse_args()
        files = KnowledgeFiles(
            args.curated, args.oncotree, civic=args.civic, civic_record=args.civic_record
        )
        document = run(
            args.vcf,
            args.biomarkers,
            args.build,
            args.tumor_type,
            files,
            args.json,
            args.tsv,
            args.cnv,
            args.sv,
        )
        print(json.dumps(document["matches"], indent=2))

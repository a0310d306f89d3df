"""Hereditary (secondary) findings of one sample from its annotated VCF: findings.json and
findings.tsv. Without consent nothing is assessed and both files say so."""

import argparse
import json
from pathlib import Path

import pysam

from tailorseq.files import stderr_to
from tailorseq.findings import Settings, load_gene_list, read_calls, report, write_outputs
from tailorseq.gff import read_choices, read_models


def find(
    vcf: Path,
    gff3: Path,
    canonical: Path,
    reference: Path,
    gene_list: Path,
    clinvar_summary: Path | None,
    consent: bool,
    settings: Settings,
    out_json: Path,
    out_tsv: Path,
) -> dict:
    """Classify the sample's calls (when it consented) and write both outputs."""
    genes = load_gene_list(gene_list)
    calls = None
    if consent:
        choices = read_choices(canonical)
        with pysam.FastaFile(str(reference)) as genome:  # indel names: the 3' rule and dup
            calls = read_calls(vcf, choices, read_models(gff3, choices), genome.fetch)
    release = json.loads(clinvar_summary.read_text()) if clinvar_summary else None
    if release is not None:
        keys = ("source", "file_date", "sha256", "kept", "records")
        release = {key: release.get(key) for key in keys}
    document = report(vcf.name.split(".")[0], consent, calls, genes, settings, release)
    write_outputs(document, out_json, out_tsv)
    return document


if __name__ == "__main__":
    if "snakemake" in globals():
        rule = snakemake  # noqa: F821
        with stderr_to(rule.log[0]):
            find(
                Path(rule.input.vcf),
                Path(rule.input.gff3),
                Path(rule.input.canonical),
                Path(rule.input.ref),
                Path(rule.input.gene_list),
                Path(rule.input.clinvar[0]) if rule.input.clinvar else None,
                bool(rule.params.consent),
                Settings(rule.params.min_review_stars, rule.params.max_population_af),
                Path(rule.output.json),
                Path(rule.output.tsv),
            )
    else:
        parser = argparse.ArgumentParser(description=__doc__)
        parser.add_argument("--vcf", type=Path, required=True, help="annotated VCF")
        parser.add_argument("--gff3", type=Path, required=True, help="prepared GFF3")
        parser.add_argument("--canonical", type=Path, required=True, help="transcript table")
        parser.add_argument("--reference", type=Path, required=True, help="indexed FASTA")
        parser.add_argument("--gene-list", type=Path, required=True)
        parser.add_argument("--clinvar-summary", type=Path, help="prepared ClinVar's JSON")
        parser.add_argument("--consent", choices=["yes", "no"], required=True)
        parser.add_argument("--min-review-stars", type=int, default=1)
        parser.add_argument("--max-population-af", type=float, default=0.01)
        parser.add_argument("--json", type=Path, required=True)
        parser.add_argument("--tsv", type=Path, required=True)
        args = parser.parse_args()
        settings = Settings(args.min_review_stars, args.max_population_af)
        find(
            args.vcf, args.gff3, args.canonical, args.reference, args.gene_list,
            args.clinvar_summary, args.consent == "yes", settings, args.json, args.tsv,
        )  # fmt: skip

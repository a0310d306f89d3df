"""Hereditary (secondary) findings of one sample from its annotated VCF and its coverage over
the genes' CDS: findings.json and findings.tsv (findings, calls that need confirmation, genes
assessed or not with the reason) and the lab-only findings.review.tsv (loss-of-function
variants absent from ClinVar). Two P/LP variants of a recessive gene are told apart (in trans,
in cis, unknown) with the read-backed phase of the findings_phase rule. Without consent nothing is
assessed and all files say so."""

import argparse
import json
from pathlib import Path

import pysam

from tailorseq import documents
from tailorseq.defaults import config_defaults
from tailorseq.files import stderr_to
from tailorseq.findings import Settings, report, write_outputs
from tailorseq.findings_phase import read_phase
from tailorseq.gene_assessment import Callable
from tailorseq.gene_list import load_gene_list
from tailorseq.germline_calls import read_calls
from tailorseq.gff import read_choices, read_models
from tailorseq.report.coverage import read_gene_coverage


def find(
    vcf: Path,
    gff3: Path,
    canonical: Path,
    reference: Path,
    gene_list: Path,
    clinvar_summary: Path | None,
    coverage: tuple[Path, Path],
    consent: bool,
    settings: Settings,
    rule: Callable,
    outputs: tuple[Path, Path, Path],
    copy_number: Path | None = None,
    phase: Path | None = None,
) -> dict:
    """Classify the sample's calls, coverage and exon copy number (when it consented) and
    write the three outputs; `coverage` is mosdepth's regions and thresholds over the genes'
    CDS, `copy_number` the sample's germline.cnv.json (None: not measured), `phase` its calls
    in the recessive genes phased from the reads (findings_phase; None: not run)."""
    genes = load_gene_list(gene_list)
    calls, per_gene = None, None
    if consent:
        choices = read_choices(canonical)
        with pysam.FastaFile(str(reference)) as genome:  # indel names: the 3' rule and dup
            calls = read_calls(vcf, choices, read_models(gff3, choices), genome.fetch)
        per_gene = read_gene_coverage(*coverage, rule.min_depth, rule.min_fraction)
    release = json.loads(clinvar_summary.read_text()) if clinvar_summary else None
    if release is not None:
        keys = ("source", "file_date", "sha256", "kept", "records")
        release = {key: release.get(key) for key in keys}
    name = vcf.name.split(".")[0]
    cnv = documents.load("germline_cnv", copy_number) if copy_number else None
    phased = read_phase(phase) if consent and phase else None
    document = report(name, consent, calls, genes, settings, release, per_gene, rule, cnv, phased)
    write_outputs(document, *outputs)
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
                (Path(rule.input.coverage_regions), Path(rule.input.coverage_thresholds)),
                bool(rule.params.consent),
                Settings(rule.params.min_review_stars, rule.params.max_population_af),
                Callable(
                    rule.params.min_callable_depth,
                    rule.params.min_callable_fraction,
                    rule.params.min_mapq,
                ),
                (Path(rule.output.json), Path(rule.output.tsv), Path(rule.output.review)),
                Path(rule.input.copy_number) if hasattr(rule.input, "copy_number") else None,
                Path(rule.input.phase) if hasattr(rule.input, "phase") else None,
            )
    else:
        defaults = config_defaults("findings")
        parser = argparse.ArgumentParser(description=__doc__)
        parser.add_argument("--vcf", type=Path, required=True, help="annotated VCF")
        parser.add_argument("--gff3", type=Path, required=True, help="prepared GFF3")
        parser.add_argument("--canonical", type=Path, required=True, help="transcript table")
        parser.add_argument("--reference", type=Path, required=True, help="indexed FASTA")
        parser.add_argument("--gene-list", type=Path, required=True)
        parser.add_argument("--clinvar-summary", type=Path, help="prepared ClinVar's JSON")
        parser.add_argument(
            "--coverage", type=Path, nargs=2, required=True, metavar=("REGIONS", "THRESHOLDS"),
            help="mosdepth --by <CDS BED> --thresholds outputs (.regions/.thresholds.bed.gz)",
        )  # fmt: skip
        parser.add_argument("--consent", choices=["yes", "no"], required=True)
        for option, kind in (
            ("min_review_stars", int),
            ("max_population_af", float),
            ("min_callable_depth", int),
            ("min_callable_fraction", float),
        ):
            flag = "--" + option.replace("_", "-")
            parser.add_argument(flag, type=kind, default=defaults[option])
        parser.add_argument(
            "--min-mapq",
            type=int,
            default=config_defaults("calling")["min_mapq"],
            help="the coverage's --mapq",
        )
        parser.add_argument("--copy-number", type=Path, help="germline.cnv.json of the sample")
        parser.add_argument(
            "--phase", type=Path, help="the calls phased from the reads (findings_phase.py)"
        )
        parser.add_argument("--json", type=Path, required=True)
        parser.add_argument("--tsv", type=Path, required=True)
        parser.add_argument("--review-tsv", type=Path, required=True, help="lab-only review list")
        args = parser.parse_args()
        find(
            args.vcf, args.gff3, args.canonical, args.reference, args.gene_list,
            args.clinvar_summary, tuple(args.coverage), args.consent == "yes",
            Settings(args.min_review_stars, args.max_population_af),
            Callable(args.min_callable_depth, args.min_callable_fraction, args.min_mapq),
            (args.json, args.tsv, args.review_tsv), args.copy_number, args.phase,
        )  # fmt: skip

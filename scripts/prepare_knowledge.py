"""Prepare a ClinVar or population-frequency VCF for allele-exact annotation: contigs renamed
to the reference's, REF checked, normalised (split, left-aligned), bgzipped and indexed. For
ClinVar, also a copy without the gene list's genes (for samples without consent)."""

import argparse
import sys
from pathlib import Path

from tailorseq.annotation import exclude_genes, prepare, write_summary
from tailorseq.files import sha256, stderr_to
from tailorseq.gene_list import load_gene_list


def prepare_knowledge(
    kind: str,
    source: Path,
    fasta: Path,
    out: Path,
    summary: Path,
    gene_list: Path | None = None,
    no_secondary: Path | None = None,
    given: str = "",
) -> dict:
    """Prepare `source` into `out` (+ .tbi), write its summary JSON and return it.

    `given` is the source as configured (a URL for a downloaded file): the summary records it,
    the file's sha256 and the release date (`##fileDate`) as the provenance of the annotation.
    """
    counts = prepare(source, fasta, out, kind, log=sys.stderr)
    if kind == "clinvar" and gene_list and no_secondary:
        genes = load_gene_list(gene_list).genes
        counts["kept_without_gene_list_genes"] = exclude_genes(out, no_secondary, genes)
    counts["sha256"] = sha256(source)
    if given and given != str(source):
        counts["file"] = str(source)
    write_summary(counts, given or str(source), summary)
    return counts


if __name__ == "__main__":
    if "snakemake" in globals():
        rule = snakemake  # noqa: F821
        with stderr_to(rule.log[0]):
            clinvar = rule.params.kind == "clinvar"
            prepare_knowledge(
                rule.params.kind,
                Path(rule.input.vcf),
                Path(rule.input.ref),
                Path(rule.output.vcf),
                Path(rule.output.summary),
                Path(rule.input.gene_list) if clinvar else None,
                Path(rule.output.no_secondary) if clinvar else None,
                str(rule.params.source),
            )
    else:
        parser = argparse.ArgumentParser(description=__doc__)
        parser.add_argument("--kind", choices=["clinvar", "population"], required=True)
        parser.add_argument("--vcf", type=Path, required=True, help="the source VCF")
        parser.add_argument("--ref", type=Path, required=True, help="reference FASTA (indexed)")
        parser.add_argument("--out", type=Path, required=True, help="prepared .vcf.gz")
        parser.add_argument("--summary", type=Path, required=True, help="summary JSON")
        parser.add_argument("--gene-list", type=Path, help="gene list (ClinVar only)")
        parser.add_argument("--no-secondary", type=Path, help="ClinVar without listed genes")
        args = parser.parse_args()
        print(
            prepare_knowledge(
                args.kind, args.vcf, args.ref, args.out, args.summary,
                args.gene_list, args.no_secondary,
            )
        )  # fmt: skip

"""Rule adapter: read-backed phase (WhatsHap, tailorseq.pgx.read_phasing) of the sample's
germline calls in the gene list's autosomal-recessive genes, read by the findings step to tell a
compound heterozygote (two P/LP variants in trans) from variants in cis
(tailorseq.findings_phase). The number of calls phased goes to the log."""

import argparse
import sys
import tempfile
from pathlib import Path

from tailorseq.files import stderr_to
from tailorseq.findings_phase import recessive_regions
from tailorseq.gene_list import load_gene_list
from tailorseq.pgx.read_phasing import phase_calls


def phase(vcf: Path, bam: Path, fasta: Path, gff3: Path, gene_list: Path, out: Path) -> int:
    """Phase `vcf`'s heterozygous calls inside the AR genes' spans into `out`; calls phased."""
    with tempfile.TemporaryDirectory(dir=out.parent) as scratch:
        bed = Path(scratch) / "recessive_genes.bed"
        regions = recessive_regions(gff3, load_gene_list(gene_list), bed)
        print(f"{regions} autosomal-recessive gene region(s)", file=sys.stderr)
        phased = phase_calls(vcf, bam, fasta, out, bed)
    print(f"{phased} heterozygous call(s) phased from the reads", file=sys.stderr)
    return phased


if __name__ == "__main__":
    if "snakemake" in globals():
        rule = snakemake  # noqa: F821
        with stderr_to(rule.log[0]):
            phase(
                Path(rule.input.vcf), Path(rule.input.bam), Path(rule.input.fasta),
                Path(rule.input.gff3), Path(rule.input.gene_list), Path(rule.output.vcf),
            )  # fmt: skip
    else:
        parser = argparse.ArgumentParser(description=__doc__)
        parser.add_argument("--vcf", type=Path, required=True, help="annotated VCF (indexed)")
        parser.add_argument("--bam", type=Path, required=True, help="the sample's alignment")
        parser.add_argument("--reference", type=Path, required=True, help="indexed FASTA")
        parser.add_argument("--gff3", type=Path, required=True, help="prepared GFF3")
        parser.add_argument("--gene-list", type=Path, required=True)
        parser.add_argument("--out", type=Path, required=True, help="phased VCF (.vcf.gz)")
        args = parser.parse_args()
        phase(args.vcf, args.bam, args.reference, args.gff3, args.gene_list, args.out)

"""BED of every gene's coding sequence from the prepared GFF3 (one line per CDS part, named
GENE|n), for coverage per gene in the patient report."""

import argparse
from pathlib import Path

from tailorseq.files import stderr_to
from tailorseq.report.coverage import write_gene_bed

if __name__ == "__main__":
    if "snakemake" in globals():
        rule = snakemake  # noqa: F821
        with stderr_to(rule.log[0]):
            write_gene_bed(Path(rule.input[0]), Path(rule.output[0]))
    else:
        parser = argparse.ArgumentParser(description=__doc__)
        parser.add_argument("--gff3", type=Path, required=True)
        parser.add_argument("--bed", type=Path, required=True)
        args = parser.parse_args()
        print(write_gene_bed(args.gff3, args.bed), "genes")

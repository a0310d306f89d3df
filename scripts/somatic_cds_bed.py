"""The merged coding sequence (CDS) of a GFF3 as BED, for callable-base counting (TMB)."""

import argparse
import sys
from pathlib import Path

from tailorseq.files import stderr_to
from tailorseq.somatic.tmb import write_cds_bed

if __name__ == "__main__":
    if "snakemake" in globals():
        rule = snakemake  # noqa: F821
        with stderr_to(rule.log[0]):
            size = write_cds_bed(Path(rule.input.gff3), Path(rule.output[0]))
            print(f"coding bases: {size}", file=sys.stderr)
    else:
        parser = argparse.ArgumentParser(description=__doc__)
        parser.add_argument("--gff3", type=Path, required=True)
        parser.add_argument("--out", type=Path, required=True)
        args = parser.parse_args()
        print(f"coding bases: {write_cds_bed(args.gff3, args.out)}")

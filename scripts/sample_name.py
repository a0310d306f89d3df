"""Write one sample's name, as its alignments' read groups and so the callset's VCF header
carry it, into a file: bcftools then selects the sample by name (rule extract_from_joint),
never by its column, since callers order a joint callset's samples their own way (freebayes
does not keep the alignments' order), and the name stays off every command line."""

import argparse
from pathlib import Path

from tailorseq.files import stderr_to, write_atomic

if __name__ == "__main__":
    if "snakemake" in globals():
        rule = snakemake  # noqa: F821
        with stderr_to(rule.log[0]):
            write_atomic(Path(rule.output[0]), f"{rule.params.name}\n")
    else:
        parser = argparse.ArgumentParser(description=__doc__)
        parser.add_argument("--name", required=True)
        parser.add_argument("--out", type=Path, required=True)
        args = parser.parse_args()
        write_atomic(args.out, f"{args.name}\n")

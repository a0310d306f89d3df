"""Rule adapter: the force-genotyped PGx positions phased from the sample's reads
(tailorseq.pgx.read_phasing, WhatsHap); the count of phased calls goes to the rule's log."""

import sys
from pathlib import Path

from tailorseq.files import stderr_to
from tailorseq.pgx.read_phasing import phase_from_reads

if __name__ == "__main__":
    rule = snakemake  # noqa: F821
    with stderr_to(rule.log[0]):
        phased = phase_from_reads(
            Path(rule.input.vcf), Path(rule.input.bam), Path(rule.input.fasta),
            Path(rule.output.vcf),
        )  # fmt: skip
        print(f"{phased} heterozygous call(s) phased from the reads", file=sys.stderr)

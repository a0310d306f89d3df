"""Rule adapter: force-genotype every PGx allele-defining position from a BAM/CRAM.

Under Snakemake reads `snakemake.input.bam`, `snakemake.input.fasta`, `snakemake.input.sex`
(the sample's sex check: its calling sex sets chrX/chrY/chrM ploidy), `snakemake.params`
(definitions, build, sample, min_depth, min_gq) and writes `snakemake.output.vcf`; outside
Snakemake it is the same CLI as `python -m tailorseq pgx-genotype`:

    python scripts/pgx_genotype.py --bam S.bam --reference ref.fa --definitions DIR \
        --out S.pgx.vcf.gz [--sample S] [--sex male] [--min-depth 8] [--min-gq 20]

The VCF has one record at every defining position: a genotype, or `./.` with FORMAT/FT saying
why (LowDepth, LowGQ, NoCoverage, ...); `python -m tailorseq pgx --vcf` then matches it.
"""

import sys

from tailorseq.cli import main


def run_from_snakemake(smk) -> None:
    """The rule's alignment, reference, definitions and thresholds in; the VCF out; a summary
    (or the error) in the rule's log."""
    import json
    from pathlib import Path

    from tailorseq.files import stderr_to
    from tailorseq.pgx.pipeline import genotype_panel

    params = smk.params
    sex = json.loads(Path(smk.input.sex).read_text())["calling_sex"]
    with stderr_to(smk.log[0] if smk.log else None):
        print(f"called as {sex}", file=sys.stderr)
        calls = genotype_panel(
            Path(smk.input.bam),
            Path(smk.input.fasta),
            Path(params.definitions),
            Path(smk.output.vcf),
            sample=params.sample,
            build=params.build,
            sex=sex,
            min_depth=int(params.min_depth),
            min_gq=int(params.min_gq),
        )
        no_calls = [c for c in calls if c.gt == "./."]
        print(f"{len(calls)} defining positions, {len(no_calls)} no-calls", file=sys.stderr)
        for call in no_calls:
            site = call.site
            print(f"no-call {site.contig}:{site.pos} {site.rsid or ''} {call.ft} DP={call.dp}",
                  file=sys.stderr)  # fmt: skip


if __name__ == "__main__":
    if "snakemake" in globals():
        run_from_snakemake(globals()["snakemake"])
    else:
        sys.exit(main(["pgx-genotype", *sys.argv[1:]]))

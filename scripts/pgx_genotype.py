"""Rule adapter: force-genotype every PGx allele-defining position from a BAM/CRAM.

Under Snakemake reads `snakemake.input.bam`, `snakemake.input.fasta`, `snakemake.input.sex`
(the sample's sex check: its calling sex sets chrX/chrY/chrM ploidy), `snakemake.params`
(definitions, build, sample, min_depth, min_gq) and writes `snakemake.output.vcf`; outside
Snakemake:

    python scripts/pgx_genotype.py --bam S.bam --reference ref.fa --definitions DIR \
        --out S.pgx.vcf.gz [--sample S] [--sex male] [--min-depth 8] [--min-gq 20]

The VCF has one record at every defining position: a genotype, or `./.` with FORMAT/FT saying
why (LowDepth, LowGQ, NoCoverage, ...); `python -m tailorseq pgx --vcf` then matches it.
"""

import argparse
import json
import sys
from pathlib import Path

from tailorseq.errors import TailorseqError


def genotype(bam, reference, definitions_dir, out, sample=None, build=None, **thresholds):
    """Force-genotype the positions of every gene the matcher calls (not the outside-call
    genes; with MT-RNR1 from pypgx's tables on GRCh38/GRCh37 when the definitions lack it)."""
    from tailorseq.pgx.definitions import load_definitions
    from tailorseq.pgx.force_genotype import force_genotype
    from tailorseq.pgx.report import (
        OUTSIDE_CALL_GENES,
        definitions_folder,
        pypgx_extra_definitions,
    )

    folder = definitions_folder(definitions_dir, build)
    definitions = load_definitions(folder)
    definitions = {g: d for g, d in definitions.items() if g not in OUTSIDE_CALL_GENES}
    extra, _ = pypgx_extra_definitions(definitions, build)
    wanted = [*definitions.values(), *extra.values()]
    return force_genotype(bam, reference, wanted, out, sample=sample, **thresholds)


def haploid_of(reference: Path, sex: str) -> list[tuple[str, int, int]]:
    """The reference's regions called haploid for a sex (chrM; a male's non-PAR X and Y)."""
    from tailorseq.sex import find_sex_contigs, haploid_regions, read_fai

    return haploid_regions(find_sex_contigs(read_fai(f"{reference}.fai")), sex)


def run_from_snakemake(smk) -> None:
    """The rule's alignment, reference, definitions and thresholds in; the VCF out; a summary
    (or the error) in the rule's log."""
    from tailorseq.files import stderr_to

    params = smk.params
    thresholds = {
        k: int(getattr(params, k)) for k in ("min_depth", "min_gq") if getattr(params, k, None)
    }
    sex = json.loads(Path(smk.input.sex).read_text())["calling_sex"]
    with stderr_to(smk.log[0] if smk.log else None):
        print(f"called as {sex}", file=sys.stderr)
        calls = genotype(
            Path(smk.input.bam),
            Path(smk.input.fasta),
            getattr(params, "definitions", None),
            Path(smk.output.vcf),
            sample=getattr(params, "sample", None),
            build=getattr(params, "build", None),
            haploid=haploid_of(Path(smk.input.fasta), sex),
            **thresholds,
        )
        no_calls = [c for c in calls if c.gt == "./."]
        print(f"{len(calls)} defining positions, {len(no_calls)} no-calls", file=sys.stderr)
        for call in no_calls:
            site = call.site
            print(f"no-call {site.contig}:{site.pos} {site.rsid or ''} {call.ft} DP={call.dp}",
                  file=sys.stderr)  # fmt: skip


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bam", required=True, help="BAM or CRAM (indexed)")
    parser.add_argument("--reference", required=True, help="reference FASTA (indexed)")
    parser.add_argument("--definitions", help="PharmCAT-format definitions folder")
    parser.add_argument("--build", help="build, for $TAILORSEQ_PGX_DEFINITIONS_<BUILD>")
    parser.add_argument("--out", required=True, help="output VCF (.vcf or .vcf.gz)")
    parser.add_argument("--sample", help="sample name (default: the BAM's SM)")
    parser.add_argument(
        "--sex", choices=["male", "female", "unknown"], default="unknown",
        help="male: non-PAR chrX and chrY haploid; chrM is haploid always",
    )  # fmt: skip
    parser.add_argument("--min-depth", type=int, default=8)
    parser.add_argument("--min-gq", type=int, default=20)
    args = parser.parse_args(argv)
    try:
        calls = genotype(
            Path(args.bam), Path(args.reference), args.definitions, Path(args.out),
            sample=args.sample, build=args.build, min_depth=args.min_depth, min_gq=args.min_gq,
            haploid=haploid_of(Path(args.reference), args.sex),
        )  # fmt: skip
    except TailorseqError as error:
        print(f"pgx_genotype: error: {error}", file=sys.stderr)
        return 1
    print(f"{len(calls)} positions, {sum(c.gt == './.' for c in calls)} no-calls -> {args.out}")
    return 0


if __name__ == "__main__":
    if "snakemake" in globals():
        run_from_snakemake(globals()["snakemake"])
    else:
        sys.exit(main())

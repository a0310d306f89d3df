"""Command line: `python -m tailorseq <command>`; each command is a thin call into the package."""

import argparse
import sys
from pathlib import Path

from tailorseq.errors import TailorseqError


def _check(args: argparse.Namespace) -> None:
    from tailorseq.checks import check_configfile

    print(check_configfile(Path(args.configfile), Path(args.directory), args.cores))


def _demo(args: argparse.Namespace) -> None:
    from tailorseq.demo import generate_demo

    generate_demo(Path(args.out), seed=args.seed)
    print(f"demo written to {args.out}")


def _pgx(args: argparse.Namespace) -> None:
    from tailorseq.pgx.panel import definitions_folder
    from tailorseq.pgx.pipeline import run_pgx

    genes = [g.strip() for g in args.genes.split(",") if g.strip()] if args.genes else None
    result = run_pgx(
        Path(args.vcf),
        definitions_folder(args.definitions, args.build),
        out_json=Path(args.out) if args.out else None,
        out_tsv=Path(args.tsv) if args.tsv else None,
        sample=args.sample,
        genes=genes,
        build=args.build,
        top_candidate_only=not args.all_hits,
        phenotypes=args.phenotypes,
        outside_calls=args.outside_calls,
        sex=args.sex,
        find_combinations="combinations" in (args.research or []),
        cpic_file=args.recommendations,
    )
    for gene, call in result["genes"].items():
        diplotypes = "; ".join(d["name"] for d in call["diplotypes"]) or "no call"
        phenotype = (call.get("phenotype") or {}).get("phenotype") or ""
        print(f"{gene}\t{diplotypes}\t{phenotype}")


def _pgx_genotype(args: argparse.Namespace) -> None:
    from tailorseq.pgx.panel import definitions_folder
    from tailorseq.pgx.pipeline import genotype_panel

    calls = genotype_panel(
        Path(args.bam),
        Path(args.reference),
        definitions_folder(args.definitions, args.build),
        Path(args.out),
        sample=args.sample,
        build=args.build,
        sex=args.sex,
        min_depth=args.min_depth,
        min_gq=args.min_gq,
    )
    print(f"{len(calls)} positions, {sum(c.gt == './.' for c in calls)} no-calls -> {args.out}")


def build_parser() -> argparse.ArgumentParser:
    """The parser with one subcommand per capability."""
    parser = argparse.ArgumentParser(prog="tailorseq", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    check = commands.add_parser("check", help="run every pre-compute check of a run's config")
    check.add_argument("--configfile", required=True, help="the run's config YAML")
    check.add_argument("--directory", default=".", help="working directory paths are relative to")
    check.add_argument(
        "--cores",
        type=int,
        help="cores the run will use: with 8 or more, lanes are aligned side by side and need "
        "disk space at the same time (default 1)",
    )
    check.set_defaults(func=_check)

    demo = commands.add_parser("demo", help="generate the synthetic demo data set")
    demo.add_argument("--out", default="resources/demo", help="output folder")
    demo.add_argument("--seed", type=int, default=20261123, help="random seed")
    demo.set_defaults(func=_demo)

    pgx = commands.add_parser("pgx", help="star-allele diplotypes from a single-sample VCF")
    pgx.add_argument("--vcf", required=True, help="VCF or bgzipped VCF (one sample, or --sample)")
    pgx.add_argument(
        "--definitions",
        help="PharmCAT-format definitions folder (default: $TAILORSEQ_PGX_DEFINITIONS_<BUILD>, "
        "then $TAILORSEQ_PGX_DEFINITIONS)",
    )
    pgx.add_argument("--build", help="genome build of the VCF (e.g. GRCh38); checked")
    pgx.add_argument("--out", help="JSON output")
    pgx.add_argument("--tsv", help="TSV output, one row per gene")
    pgx.add_argument("--sample", help="sample to read from a multi-sample VCF")
    pgx.add_argument("--genes", help="comma-separated genes (default: all but outside calls)")
    pgx.add_argument(
        "--all-hits", action="store_true", help="report every consistent diplotype, not the top"
    )
    pgx.add_argument(
        "--phenotypes",
        help="PharmCAT-format phenotype files folder (default: the installed pypgx's tables)",
    )
    pgx.add_argument(
        "--outside-calls", help="TSV gene<TAB>diplotype[<TAB>phenotype] (CYP2D6, HLA-A, HLA-B)"
    )
    pgx.add_argument(
        "--sex", choices=["male", "female", "unknown"], help="male: chrX (G6PD) calls are haploid"
    )
    pgx.add_argument(
        "--research",
        action="append",
        choices=["combinations"],
        help="research mode, as PharmCAT's: 'combinations' reports combination and partial "
        "alleles where no exact diplotype fits (off by default)",
    )
    pgx.add_argument(
        "--recommendations",
        metavar="FILE",
        help="CPIC recommendation file in PharmCAT's drugs.json format (CPIC's recommendation "
        "export): recommendations with their classification (default: pypgx's tables, which "
        "have no classification)",
    )
    pgx.set_defaults(func=_pgx)

    genotype = commands.add_parser(
        "pgx-genotype",
        help="force-genotype every PGx allele-defining position from a BAM/CRAM: a VCF with one "
        "record per position, a genotype or ./. with FORMAT/FT saying why (LowDepth, ...)",
    )
    genotype.add_argument("--bam", required=True, help="BAM or CRAM (indexed)")
    genotype.add_argument("--reference", required=True, help="reference FASTA (indexed)")
    genotype.add_argument("--definitions", help="PharmCAT-format definitions folder")
    genotype.add_argument("--build", help="build, for $TAILORSEQ_PGX_DEFINITIONS_<BUILD>")
    genotype.add_argument("--out", required=True, help="output VCF (.vcf or .vcf.gz)")
    genotype.add_argument("--sample", help="sample name (default: the BAM's SM)")
    genotype.add_argument(
        "--sex",
        choices=["male", "female", "unknown"],
        default="unknown",
        help="male: non-PAR chrX and chrY haploid; chrM is haploid always",
    )
    genotype.add_argument("--min-depth", type=int, default=8)
    genotype.add_argument("--min-gq", type=int, default=20)
    genotype.set_defaults(func=_pgx_genotype)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; a domain error becomes one message on stderr and exit status 1."""
    args = build_parser().parse_args(argv)
    try:
        args.func(args)
    except TailorseqError as error:
        print(f"tailorseq: error: {error}", file=sys.stderr)
        return 1
    return 0

"""Command line: `tailorseq <command>` (or `python -m tailorseq`); each command is a thin call
into the package."""

import argparse
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

from tailorseq import __version__
from tailorseq.cli_copy_number import add_copy_number_commands
from tailorseq.errors import InputError, TailorseqError
from tailorseq.locations import SNAKEFILE


def _check(args: argparse.Namespace) -> None:
    from tailorseq.checks import check_configfile

    print(check_configfile(Path(args.configfile), Path(args.directory), args.cores))


def _demo(args: argparse.Namespace) -> None:
    from tailorseq.demo import generate_demo

    generate_demo(Path(args.out), seed=args.seed)
    print(f"demo written to {args.out}")


def _pharmcat_outputs(args: argparse.Namespace) -> dict[str, Path | None]:
    """PharmCAT's files `tailorseq pgx` writes when asked: phenotype JSON, outside-call TSV."""
    return {
        "pharmcat_phenotype": Path(args.pharmcat_phenotype) if args.pharmcat_phenotype else None,
        "pharmcat_outside_calls": Path(args.pharmcat_outside_calls)
        if args.pharmcat_outside_calls
        else None,
    }


def _pgx_match_json(args: argparse.Namespace) -> None:
    """`tailorseq pgx --match-json`: PharmCAT's diplotypes through our interpretation."""
    from tailorseq.pgx.match_json import run_match_json

    vcf_only = {
        "--definitions": args.definitions,
        "--build": args.build,
        "--sample": args.sample,
        "--sex": args.sex,
        "--research": args.research,
        "--all-hits": args.all_hits,
    }
    given = [option for option, value in vcf_only.items() if value]
    if given:
        problem = f"{', '.join(given)} apply to a VCF, not to PharmCAT's calls"
        raise InputError("pgx --match-json", problem, "leave them out, or give --vcf")
    genes = [g.strip() for g in args.genes.split(",") if g.strip()] if args.genes else None
    result = run_match_json(
        Path(args.match_json),
        out_json=Path(args.out) if args.out else None,
        out_tsv=Path(args.tsv) if args.tsv else None,
        genes=genes,
        phenotypes=args.phenotypes,
        outside_calls=args.outside_calls,
        cpic_file=args.recommendations,
        **_pharmcat_outputs(args),
    )
    for gene, call in result["genes"].items():
        names = "; ".join(d["name"] for d in call["diplotypes"]) or "no call"
        print(f"{gene}\t{names}\t{(call.get('phenotype') or {}).get('phenotype') or ''}")


def _pgx(args: argparse.Namespace) -> None:
    from tailorseq.pgx.pipeline import run_pgx
    from tailorseq.pgx.releases import resolve_definitions

    if bool(args.match_json) == bool(args.vcf):
        raise InputError("pgx", "give one input", "give --vcf, or --match-json (not both)")
    if args.match_json:
        return _pgx_match_json(args)

    genes = [g.strip() for g in args.genes.split(",") if g.strip()] if args.genes else None
    folder, downloads = resolve_definitions(args.definitions, args.build)
    result = run_pgx(
        Path(args.vcf),
        folder,
        downloads=downloads,
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
        **_pharmcat_outputs(args),
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


def snakemake_command(args: argparse.Namespace, extra: list[str]) -> list[str]:
    """The Snakemake command line of `tailorseq run`: the workflow, config and cores (all, unless
    a --profile brings its own), the software deployment method, then every further argument."""
    command = [sys.executable, "-m", "snakemake", "--snakefile", args.snakefile]
    command += ["--configfile", args.configfile]
    if args.cores or not any(arg.startswith("--profile") for arg in extra):
        command += ["--cores", args.cores or "all"]
    if args.sdm:
        command += ["--sdm", *args.sdm]
    return command + extra


def _run(args: argparse.Namespace, extra: list[str]) -> int:
    if importlib.util.find_spec("snakemake") is None:
        raise TailorseqError(
            "tailorseq run needs Snakemake where tailorseq is installed. Fix: pip install "
            "'tailorseq[workflow]' (or snakemake>=9)"
        )
    # The Python tools of the rules (multiqc, cnvkit.py, whatshap) sit beside this interpreter.
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    command = snakemake_command(args, extra)
    return subprocess.run(command, env={**os.environ, "PATH": path}, check=False).returncode


def _mapping_file(args: argparse.Namespace) -> Path:
    """--mapping, else the run config's privacy.mapping (or its default) under --directory."""
    from tailorseq.config import CONFIG, fill_defaults, load_schema, read_configfile

    if args.mapping:
        return Path(args.mapping)
    config = read_configfile(Path(args.configfile)) if args.configfile else {}
    fill_defaults(config, load_schema(CONFIG))
    return Path(args.directory) / config["privacy"]["mapping"]


def _whois(args: argparse.Namespace) -> None:
    from tailorseq.pseudonym import identify

    kind, name = identify(_mapping_file(args), args.pseudonym)
    print(f"{args.pseudonym}\t{kind}\t{name}")


def _add_run(commands: argparse._SubParsersAction) -> None:
    """`tailorseq run`: Snakemake on this package's workflow, unknown arguments passed on."""
    # No abbreviations: Snakemake's --config is not this parser's --configfile.
    run = commands.add_parser(
        "run",
        allow_abbrev=False,
        help="run the pipeline (Snakemake on the workflow this package carries); other "
        "arguments go to snakemake as given, e.g. --dry-run, --profile, targets",
    )
    run.add_argument("--configfile", default="config/config.yaml", help="the run's config YAML")
    run.add_argument("--cores", help="cores to use (default: all, or the --profile's)")
    run.add_argument(
        "--sdm",
        action="append",
        choices=["conda", "apptainer", "env-modules"],
        help="software deployment method, repeatable (default: the tools on PATH)",
    )
    run.add_argument("--snakefile", default=str(SNAKEFILE), help="the workflow's Snakefile")
    run.set_defaults(func=_run, passes_extra=True)


def _add_whois(commands: argparse._SubParsersAction) -> None:
    """`tailorseq whois`: the lab id behind a pseudonym."""
    whois = commands.add_parser(
        "whois",
        help="the sample or patient a pseudonym stands for, from the lab's owner-only mapping",
    )
    whois.add_argument("pseudonym", help="a sample's (s...) or patient's (p...) pseudonym")
    whois.add_argument("--mapping", help="the mapping file (default: the config's)")
    whois.add_argument("--configfile", help="the run's config YAML, for privacy.mapping")
    whois.add_argument("--directory", default=".", help="working directory of the run")
    whois.set_defaults(func=_whois)


def build_parser() -> argparse.ArgumentParser:
    """The parser with one subcommand per capability."""
    parser = argparse.ArgumentParser(prog="tailorseq", description=__doc__)
    parser.add_argument("--version", action="version", version=f"tailorseq {__version__}")
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

    add_copy_number_commands(commands)
    demo = commands.add_parser("demo", help="generate the synthetic demo data set")
    demo.add_argument("--out", default="resources/demo", help="output folder")
    demo.add_argument("--seed", type=int, default=20261123, help="random seed")
    demo.set_defaults(func=_demo)

    pgx = commands.add_parser("pgx", help="star-allele diplotypes from a single-sample VCF")
    pgx.add_argument("--vcf", help="VCF or bgzipped VCF (one sample, or --sample)")
    pgx.add_argument(
        "--match-json",
        help="instead of --vcf: PharmCAT's named allele matcher output (<name>.match.json), "
        "whose diplotypes take our path (phenotype, CPIC)",
    )
    pgx.add_argument(
        "--pharmcat-phenotype",
        metavar="JSON",
        help="also write the calls as PharmCAT v3.1's phenotyper output (<name>.phenotype.json)",
    )
    pgx.add_argument(
        "--pharmcat-outside-calls",
        metavar="TSV",
        help="also write the calls as PharmCAT's outside-call TSV (gene, diplotype, phenotype, "
        "activity score), for PharmCAT's reporter",
    )
    pgx.add_argument(
        "--definitions",
        help="PharmCAT-format definitions folder, or a PharmCAT release (pharmcat:<release>"
        "[@<mirror URL>], resources/pharmcat_releases.tsv) fetched once into $TAILORSEQ_CACHE "
        "(default ~/.cache/tailorseq) (default: $TAILORSEQ_PGX_DEFINITIONS_<BUILD>, then "
        "$TAILORSEQ_PGX_DEFINITIONS, then the release pgx.definitions defaults to; GRCh38 only)",
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
        "--outside-calls",
        nargs="+",
        action="extend",
        help="TSV gene<TAB>diplotype[<TAB>phenotype] (CYP2D6, HLA-A, HLA-B) or an HLA typer's "
        "output; several files are merged gene by gene",
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
    _add_run(commands)
    _add_whois(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; a domain error becomes one message on stderr and exit status 1. Only
    `run` takes arguments it does not know (for Snakemake)."""
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    passes_extra = getattr(args, "passes_extra", False)
    if extra and not passes_extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        status = args.func(args, extra) if passes_extra else args.func(args)
    except TailorseqError as error:
        print(f"tailorseq: error: {error}", file=sys.stderr)
        return 1
    return status or 0

"""Command line: `python -m tailorseq <command>`; each command is a thin call into the package."""

import argparse
import sys
from pathlib import Path

from tailorseq.errors import TailorseqError


def _check(args: argparse.Namespace) -> None:
    from tailorseq.checks import check_configfile

    print(check_configfile(Path(args.configfile), workdir=Path(args.directory)))


def _demo(args: argparse.Namespace) -> None:
    from tailorseq.demo import generate_demo

    generate_demo(Path(args.out), seed=args.seed)
    print(f"demo written to {args.out}")


def build_parser() -> argparse.ArgumentParser:
    """The parser with one subcommand per capability."""
    parser = argparse.ArgumentParser(prog="tailorseq", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    check = commands.add_parser("check", help="run every pre-compute check of a run's config")
    check.add_argument("--configfile", required=True, help="the run's config YAML")
    check.add_argument("--directory", default=".", help="working directory paths are relative to")
    check.set_defaults(func=_check)

    demo = commands.add_parser("demo", help="generate the synthetic demo data set")
    demo.add_argument("--out", default="resources/demo", help="output folder")
    demo.add_argument("--seed", type=int, default=20261123, help="random seed")
    demo.set_defaults(func=_demo)
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

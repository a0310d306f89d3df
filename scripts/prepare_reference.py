"""Put the reference into the cache as a plain, indexed FASTA and check it against its build."""

import argparse
from pathlib import Path

from tailorseq.errors import InputError
from tailorseq.files import stderr_to
from tailorseq.genome import materialize
from tailorseq.refcache import record_checksums, record_sources
from tailorseq.reference import build_problems, load_builds, read_contigs


def prepare(source: Path, fasta: Path, build: str) -> None:
    """Materialize the FASTA, and refuse it (removing it) when its contigs do not fit the build.

    Local references were checked before the run; this catches downloaded ones.
    """
    materialize(source, fasta)
    problems = build_problems(read_contigs(fasta), build, load_builds())
    if problems:
        fasta.unlink()
        Path(f"{fasta}.fai").unlink()
        problem, fix = problems[0]
        raise InputError(str(source), problem, fix)


if __name__ == "__main__":
    if "snakemake" in globals():
        rule = snakemake  # noqa: F821
        with stderr_to(rule.log[0]):
            fasta = Path(rule.output.fasta)
            prepare(Path(rule.input[0]), fasta, rule.params.build)
            record_checksums([Path(path) for path in rule.output], rule.rule)
            if rule.params.content_identified:
                record_sources(fasta.parent, rule.rule, [Path(rule.input[0])])
    else:
        parser = argparse.ArgumentParser(description=__doc__)
        parser.add_argument("--source", type=Path, required=True)
        parser.add_argument("--out", type=Path, required=True)
        parser.add_argument("--build", required=True)
        args = parser.parse_args()
        prepare(args.source, args.out, args.build)

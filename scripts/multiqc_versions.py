"""MultiQC's software versions of the run (`tailorseq_mqc_versions.yml`): every env's tools as
they ran (results/run/versions/<env>.json) grouped by env, and tailorseq's own version."""

import argparse
from pathlib import Path

import yaml

import tailorseq
from tailorseq import documents
from tailorseq.files import stderr_to, write_atomic
from tailorseq.versions import multiqc_versions


def write_mqc_versions(records: list[Path], out: Path) -> None:
    """Read (and validate) the versions records, write MultiQC's custom content."""
    loaded = [documents.load("versions", path) for path in records]
    groups = multiqc_versions(loaded, tailorseq.__version__)
    write_atomic(out, yaml.safe_dump(groups, sort_keys=False))


if __name__ == "__main__":
    if "snakemake" in globals():
        rule = snakemake  # noqa: F821
        with stderr_to(rule.log[0]):
            write_mqc_versions([Path(p) for p in rule.input], Path(rule.output[0]))
    else:
        parser = argparse.ArgumentParser(description=__doc__)
        parser.add_argument("records", nargs="+", type=Path, help="versions records (JSON)")
        parser.add_argument("--out", type=Path, required=True, help="*_mqc_versions.yml")
        args = parser.parse_args()
        write_mqc_versions(args.records, args.out)

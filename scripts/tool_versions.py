"""Record the versions of one conda env's tools, probed from inside that env (the job runs with
the env's `conda:` directive; without --sdm conda, with the tools every rule runs with):
results/run/versions/<env>.json (tailorseq.versions)."""

import argparse
import json
import sys
from pathlib import Path

from tailorseq.files import stderr_to, write_atomic
from tailorseq.versions import probe_env, read_env


def write_versions(env: str, dependencies: list[str], deployment: str, out: Path) -> dict:
    """Probe and write the record (validated by its readers: the env need not hold jsonschema)."""
    record = probe_env(env, dependencies, deployment)
    for name, version in record["tools"].items():
        print(f"{name}: {version or 'did not answer'}", file=sys.stderr)
    write_atomic(out, json.dumps(record, indent=2) + "\n")
    return record


if __name__ == "__main__":
    if "snakemake" in globals():
        rule = snakemake  # noqa: F821
        with stderr_to(rule.log[0]):
            write_versions(
                rule.wildcards.env,
                list(rule.params.dependencies),
                rule.params.deployment,
                Path(rule.output[0]),
            )
    else:
        parser = argparse.ArgumentParser(description=__doc__)
        parser.add_argument("--env-file", type=Path, required=True, help="envs/<env>.yaml")
        parser.add_argument("--deployment", choices=("conda", "system"), default="system")
        parser.add_argument("--out", type=Path, required=True)
        args = parser.parse_args()
        env = read_env(args.env_file)
        write_versions(env.name, list(env.dependencies), args.deployment, args.out)

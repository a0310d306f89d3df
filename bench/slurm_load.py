"""A real run of many samples through the local one-node SLURM (tests/slurm/cluster.sh).

The demo's patients are repeated under new names (copy k of sample `demo1` of `patient1` is
`b<k>-demo1` of `b<k>-patient1`, with hard links to the demo's FASTQs) until the sheet has
--samples samples; the run goes through `snakemake --executor slurm --profile
config/profiles/slurm`, and the script prints the wall time, the jobs and the number of SLURM
submissions (from Snakemake's log and from sacct). --no-groups runs the same without the
profile's job groups, for comparison; --samples 0 runs the demo's own sheet.

Needs root (it starts the cluster when it is not up, and stops it afterwards in that case) and
the generated demo (`python -m tailorseq demo`).

    .venv/bin/python bench/slurm_load.py --samples 24          # ~11 min on 2 cores
    .venv/bin/python bench/slurm_load.py --samples 0 --no-groups
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from common import print_table, write_json

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "resources" / "demo"
CLUSTER = REPO / "tests" / "slurm" / "cluster.sh"
PROFILE = REPO / "config" / "profiles" / "slurm"
SNAKEMAKE = REPO / ".venv" / "bin" / "snakemake"


def read_tsv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def write_tsv(path: Path, rows: list[dict[str, str]]) -> None:
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), delimiter="\t")
        writer.writeheader()
        writer.writerows(rows)


def link_or_copy(source: Path, target: Path) -> None:
    """A distinct path to the same reads (the sheet check refuses one file used twice)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def repeated_sheets(workdir: Path, count: int) -> tuple[Path, Path]:
    """Sheets with `count` samples: whole copies of the demo's patients, then a partial one."""
    samples, units = read_tsv(DEMO / "samples.tsv"), read_tsv(DEMO / "units.tsv")
    by_patient: dict[str, list[dict[str, str]]] = {}
    for row in samples:
        by_patient.setdefault(row["patient"], []).append(row)
    reads = workdir / "reads"
    reads.mkdir(parents=True, exist_ok=True)
    new_samples: list[dict[str, str]] = []
    new_units: list[dict[str, str]] = []
    copy = 0
    while len(new_samples) < count:
        copy += 1
        for patient, rows in by_patient.items():
            # a tumour only comes with its normal: add a patient's samples together
            if len(new_samples) + len(rows) > count and len(new_samples) > 0:
                rows = [row for row in rows if row["kind"] == "germline"]
                if not rows or len(new_samples) + len(rows) > count:
                    continue
            for row in rows:
                name = f"b{copy:02d}-{row['sample']}"
                new_samples.append({**row, "sample": name, "patient": f"b{copy:02d}-{patient}"})
                for unit in (u for u in units if u["sample"] == row["sample"]):
                    new_unit = {**unit, "sample": name}
                    for column in ("fq1", "fq2", "bam"):
                        if unit.get(column):
                            source = DEMO / unit[column]
                            suffix = "".join(source.suffixes)
                            target = reads / f"{name}.{unit['unit']}.{column}{suffix}"
                            link_or_copy(source, target)
                            new_unit[column] = str(target)
                    new_units.append(new_unit)
        if copy > count:
            break
    write_tsv(workdir / "samples.tsv", new_samples)
    write_tsv(workdir / "units.tsv", new_units)
    return workdir / "samples.tsv", workdir / "units.tsv"


def run_config(workdir: Path, samples: Path, units: Path) -> Path:
    config = {
        "samples": str(samples),
        "units": str(units),
        "cache_dir": str(workdir / "cache"),
        "reference": {
            "build": "demo",
            "fasta": str(DEMO / "genome.fa"),
            "gff3": str(DEMO / "genes.gff3"),
        },
        "annotation": {"clinvar": str(DEMO / "clinvar.vcf")},
    }
    path = workdir / "run.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def profile_without_groups(workdir: Path) -> Path:
    folder = workdir / "profile-no-groups"
    folder.mkdir(exist_ok=True)
    settings = yaml.safe_load((PROFILE / "config.yaml").read_text())
    settings.pop("groups", None)
    settings.pop("group-components", None)
    (folder / "config.yaml").write_text(yaml.safe_dump(settings))
    return folder


def sacct_jobs(run_id: str) -> list[str]:
    out = subprocess.run(
        ["sacct", "-X", "-n", "-P", "--name", run_id, "-S", "now-2days", "-o", "JobID,State"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [line for line in out.splitlines() if line.strip()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=24, help="0: the demo's own sheet")
    parser.add_argument("--no-groups", action="store_true", help="without the profile's groups")
    parser.add_argument("--cores", type=int, default=os.cpu_count(), help="--cores of the run")
    parser.add_argument("--max-threads", type=int, default=1, help="CPUs per job (1: pack)")
    parser.add_argument("--workdir", type=Path, help="default: a new folder under /tmp")
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("slurm_load.py starts the local SLURM cluster: run it as root")
    if not (DEMO / ".complete").exists():
        sys.exit("generate the demo first: .venv/bin/python -m tailorseq demo")

    was_up = subprocess.run([str(CLUSTER), "is-up"], capture_output=True).returncode == 0
    subprocess.run([str(CLUSTER), "start"], check=True)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-slurm-load-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        if args.samples:
            samples, units = repeated_sheets(workdir, args.samples)
        else:
            samples, units = DEMO / "samples.tsv", DEMO / "units.tsv"
        n_samples = len(read_tsv(samples))
        profile = profile_without_groups(workdir) if args.no_groups else PROFILE
        command = [
            str(SNAKEMAKE),
            "--snakefile", str(REPO / "workflow" / "Snakefile"),
            "--directory", str(workdir),
            "--configfile", str(run_config(workdir, samples, units)),
            "--executor", "slurm",
            "--profile", str(profile),
            "--cores", str(args.cores),
            "--max-threads", str(args.max_threads),
            "--slurm-init-seconds-before-status-checks", "1",
            "--seconds-between-status-checks", "2",
        ]  # fmt: skip
        env = {
            **os.environ,
            "PATH": f"{SNAKEMAKE.parent}{os.pathsep}{os.environ['PATH']}",
            "TAILORSEQ_SECRET": os.environ.get("TAILORSEQ_SECRET", "bench"),
        }
        began = time.monotonic()
        result = subprocess.run(command, capture_output=True, text=True, cwd=workdir, env=env)
        wall = time.monotonic() - began
        (workdir / "snakemake.log").write_text(result.stderr)
        if result.returncode != 0:
            print(result.stderr[-5000:], file=sys.stderr)
            sys.exit(f"the run failed; log: {workdir / 'snakemake.log'}")
        log = result.stderr
        run_id = re.search(r"SLURM run ID: (\S+)", log).group(1)
        submissions = len(re.findall(r"has been submitted with SLURM jobid", log))
        local = len(re.findall(r"^localrule \w+:", log, re.MULTILINE))
        jobs = len(re.findall(r"^Finished jobid: \d+", log, re.MULTILINE))
        accounted = sacct_jobs(run_id)
        row = {
            "samples": n_samples,
            "groups": "no" if args.no_groups else "yes",
            "jobs": jobs,
            "local jobs": local,
            "SLURM submissions": submissions,
            "in sacct": len(accounted),
            "failed in sacct": sum(1 for line in accounted if not line.endswith("COMPLETED")),
            "wall s": round(wall, 1),
        }
        print_table([row], title=f"SLURM load: {workdir}")
        name = f"slurm_load_{n_samples}{'_nogroups' if args.no_groups else ''}.json"
        print(f"written: {write_json(name, row)}")
    finally:
        if not was_up:
            subprocess.run([str(CLUSTER), "stop"], check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""How the DAG build scales with the sample sheet: `snakemake -n --quiet` wall time.

For each size, a sheet of germline samples with two units each is generated, every unit a
distinct tiny gzipped FASTQ pair (a few reads), with a tiny reference. The dry run parses the
workflow, runs the pre-flight checks (config, sheets, files, FASTQ scans, reference) and builds
the DAG. The checks alone are also timed in-process (tailorseq.checks.inspect_run), and with
--profile the largest dry run is run under cProfile and its top functions printed.

Each dry run is repeated (--repeats) and the median wall and CPU (user + system, children) are
printed with the load average before the runs: the CPU figure is what a shared machine does not
inflate as much. The floor column is Snakemake's own cost for the same number of jobs: a
synthetic Snakefile of chained rules with plain wildcards (one input, output and log each, no
input functions, params or scripts) dry-run the same way.
"""

from __future__ import annotations

import argparse
import gzip
import os
import pstats
import random
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

from common import (
    REPO,
    pipeline_env,
    print_table,
    snakemake_command,
    timed,
    write_json,
    write_run_config,
    write_sheets,
)

READ_LENGTH = 50
CONTIG_LENGTH = 5000
TARGET_SECONDS = 15.0  # 1,000 samples (issue 14)


def tiny_reference(folder: Path, seed: int = 1) -> tuple[Path, str]:
    """A one-contig random FASTA; (path, sequence)."""
    rng = random.Random(seed)
    sequence = "".join(rng.choice("ACGT") for _ in range(CONTIG_LENGTH))
    path = folder / "tiny.fa"
    folder.mkdir(parents=True, exist_ok=True)
    lines = [sequence[i : i + 60] for i in range(0, len(sequence), 60)]
    path.write_text(">tiny\n" + "\n".join(lines) + "\n")
    return path, sequence


def write_pair(fq1: Path, fq2: Path, name: str, sequence: str, reads: int, rng) -> None:
    """`reads` read pairs from the sequence, named after the unit so every file differs."""
    quality = "I" * READ_LENGTH
    with gzip.open(fq1, "wt", compresslevel=1) as r1, gzip.open(fq2, "wt", compresslevel=1) as r2:
        for index in range(reads):
            start = rng.randrange(0, len(sequence) - 300)
            left = sequence[start : start + READ_LENGTH]
            right = sequence[start + 250 - READ_LENGTH : start + 250]
            mate = right[::-1].translate(str.maketrans("ACGT", "TGCA"))
            r1.write(f"@{name}.{index}/1\n{left}\n+\n{quality}\n")
            r2.write(f"@{name}.{index}/2\n{mate}\n+\n{quality}\n")


def make_run(root: Path, samples: int, units: int, reads: int) -> Path:
    """A workdir with sheets, FASTQs (reused when already generated) and run.yaml."""
    workdir = root / f"n{samples}"
    fastq = root / "fastq"
    fastq.mkdir(parents=True, exist_ok=True)
    reference, sequence = tiny_reference(root / "ref")
    rng = random.Random(samples)
    sheet = {}
    for s in range(1, samples + 1):
        sample = f"S{s:05d}"
        rows = []
        for u in range(1, units + 1):
            fq1, fq2 = fastq / f"{sample}_L{u}_R1.fastq.gz", fastq / f"{sample}_L{u}_R2.fastq.gz"
            if not (fq1.exists() and fq2.exists()):
                write_pair(fq1, fq2, f"{sample}.L{u}", sequence, reads, rng)
            rows.append((f"L{u}", fq1, fq2))
        sheet[sample] = rows
    write_sheets(workdir, sheet)
    write_run_config(
        workdir,
        reference={"build": "scale-tiny", "fasta": str(reference)},
        cache_dir=str(root / "cache"),
        calling={"scatter": 2},
    )
    return workdir


def count_jobs(workdir: Path) -> int:
    """Jobs in the DAG: the 'total' row of a dry run's job stats (untimed run)."""
    result = subprocess.run(
        snakemake_command(workdir, 2, ["-n"]),
        env=pipeline_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    match = re.search(r"^total\s+(\d+)", result.stdout + result.stderr, re.MULTILINE)
    return int(match.group(1)) if match else -1


FLOOR_SNAKEFILE = """\
N, K = int(config["samples"]), int(config["steps"])
SAMPLES = [f"S{i:05d}" for i in range(N)]


rule all:
    input:
        expand("out/{sample}/step{k}.txt", sample=SAMPLES, k=K - 1),


rule step0:
    output:
        "out/{sample}/step0.txt",
    log:
        "logs/step0/{sample}.log",
    shell:
        "touch {output}"


for step in range(1, K):

    rule:
        name:
            f"step{step}"
        input:
            f"out/{{sample}}/step{step - 1}.txt",
        output:
            f"out/{{sample}}/step{step}.txt",
        log:
            f"logs/step{step}/{{sample}}.log",
        shell:
            "cp {input} {output}"
"""


def timed_cpu(command: list[str], log: Path) -> tuple[float, float]:
    """(wall, user + system CPU of the command and its children) seconds of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = timed(command, log, env=pipeline_env())
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def median_run(command: list[str], log: Path, repeats: int) -> tuple[float, float]:
    """Median wall and median CPU seconds over `repeats` runs of a command."""
    runs = [timed_cpu(command, log) for _ in range(repeats)]
    return statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)


def floor_command(root: Path, samples: int, steps: int) -> list[str]:
    """The dry run of the synthetic Snakefile: `samples` x `steps` chained jobs (plus all)."""
    folder = root / "floor"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "Snakefile").write_text(FLOOR_SNAKEFILE)
    (folder / f"n{samples}.yaml").write_text(f"samples: {samples}\nsteps: {steps}\n")
    return snakemake_command(folder, 2, ["-n", "--quiet"], folder / "Snakefile", f"n{samples}.yaml")


def time_checks(workdir: Path) -> float:
    """Wall seconds of the pre-flight checks alone (tools not checked), in this process."""
    sys.path.insert(0, str(REPO / "scripts"))
    from tailorseq.checks import preflight
    from tailorseq.config import load_config

    config = load_config(yaml.safe_load((workdir / "run.yaml").read_text()))
    start = time.perf_counter()
    preflight(config, workdir, check_tools=False)
    return time.perf_counter() - start


def profile(workdir: Path, top: int) -> None:
    """Run the dry run under cProfile in a subprocess and print the top functions."""
    out = workdir / "dryrun.prof"
    command = snakemake_command(workdir, 2, ["-n", "--quiet"])
    command = [sys.executable, "-m", "cProfile", "-o", str(out), *command]
    timed(command, workdir / "profile.log", env=pipeline_env())
    print(f"\ncProfile of the dry run ({out}), top {top} by cumulative time:")
    pstats.Stats(str(out)).sort_stats("cumulative").print_stats(top)
    print(f"top {top} by own time:")
    pstats.Stats(str(out)).sort_stats("tottime").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--samples", nargs="+", type=int, default=[1, 96, 1000])
    parser.add_argument("--units", type=int, default=2, help="units per sample")
    parser.add_argument("--reads", type=int, default=4, help="read pairs per unit")
    parser.add_argument("--root", type=Path, default=Path("/tmp/bench-scale"))
    parser.add_argument(
        "--profile", type=int, default=0, metavar="TOP", help="cProfile the largest dry run"
    )
    parser.add_argument("--repeats", type=int, default=3, help="dry runs per size (median)")
    args = parser.parse_args()

    rows = []
    for samples in args.samples:
        workdir = make_run(args.root, samples, args.units, args.reads)
        jobs = count_jobs(workdir)  # also the untimed first run (scan and version caches)
        load = os.getloadavg()[0]
        wall, cpu = median_run(
            snakemake_command(workdir, 2, ["-n", "--quiet"]), workdir / "dryrun.log", args.repeats
        )
        # the same number of jobs per sample, less the run-level ones, as a plain chain
        steps = max(1, round((jobs - 1) / samples))
        floor_wall, floor_cpu = median_run(
            floor_command(args.root, samples, steps), args.root / "floor.log", args.repeats
        )
        rows.append(
            {
                "samples": samples,
                "units": samples * args.units,
                "jobs": jobs,
                "dry_run_s": round(wall, 2),
                "cpu_s": round(cpu, 2),
                "checks_s": round(time_checks(workdir), 2),
                "floor_jobs": samples * steps + 1,
                "floor_s": round(floor_wall, 2),
                "floor_cpu_s": round(floor_cpu, 2),
                "load": round(load, 2),
            }
        )
    for row in rows:
        row["target_s"] = TARGET_SECONDS if row["samples"] == max(args.samples) else ""
    print_table(
        rows,
        title=f"Dry-run DAG build (snakemake -n --quiet), median of {args.repeats};"
        " checks timed in-process; floor: a plain chain of as many jobs",
    )
    write_json("scale.json", rows)
    if args.profile:
        profile(args.root / f"n{max(args.samples)}", args.profile)


if __name__ == "__main__":
    main()

"""Wall time of the pipeline on chr20-sim-dev against a plain bash script running the same tools.

Both sides start from a reference cache that already holds the prepared genome and its aligner
index: an untimed warm-up brings the cache up to date first, so index time is excluded from both.
The pipeline runs in a fresh workdir (checks, staging, fastp, alignment, markdup, QC, calling,
MultiQC, publishing); bench/baseline.sh runs the same commands one after the other. Then the
per-rule CPU time and peak memory of the pipeline's benchmark files, and minimap2 vs bwa.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
from pathlib import Path

from common import (
    BENCH,
    CHR20,
    DEFAULT_CACHE,
    SIM_DEV,
    measured,
    measured_pipeline,
    pipeline_env,
    print_table,
    read_benchmarks,
    read_json,
    reference_genome,
    run_pipeline,
    write_json,
    write_run_config,
    write_sheets,
)

SAMPLE = "simdev"
FASTQ = (SIM_DEV / "chr20-sim-dev_R1.fastq.gz", SIM_DEV / "chr20-sim-dev_R2.fastq.gz")
INDEX_RULES = ("prepare_reference", "bwa_index", "minimap2_index")
OVERHEAD_TARGET = 1.05  # issue 14: the pipeline against the same tools in a plain script


def fresh_workdir(workdir: Path, aligner: str, cache: Path) -> None:
    """An empty workdir with the sample's sheets and a bwa|minimap2 + bcftools run.yaml."""
    shutil.rmtree(workdir, ignore_errors=True)
    write_sheets(workdir, {SAMPLE: [("L1", *FASTQ)]})
    write_run_config(
        workdir,
        reference={"build": "GRCh37", "fasta": str(CHR20)},
        cache_dir=str(cache),
        aligner=aligner,
        caller="bcftools",
    )


def warm_cache(workdir: Path, aligner: str, cache: Path, cores: int) -> None:
    """Untimed: bring the cache's genome and the aligner's index up to date with the workflow."""
    fresh_workdir(workdir, aligner, cache)
    genome = reference_genome(cache) if list(cache.glob("reference/*/genome.fa")) else None
    if genome is None:
        run_pipeline(workdir, cores, log_name="warmup.log")
        return
    targets = [f"{genome}.bwt"] if aligner == "bwa" else [f"{genome}.sr.mmi"]
    run_pipeline(workdir, cores, extra=[*targets, f"{genome}.fai"], log_name="warmup.log")


def rules_run(log: Path) -> list[str]:
    """Names of the rules a Snakemake log says it ran."""
    rules = []
    for line in log.read_text().splitlines():
        words = line.split()
        if len(words) == 2 and words[0] in ("rule", "localrule"):
            rules.append(words[1].rstrip(":"))
    return rules


def time_pipeline(
    root: Path, aligner: str, cache: Path, cores: int
) -> tuple[tuple[float, float], Path]:
    """Timed pipeline run in a fresh workdir after an untimed cache warm-up; ((wall, CPU)
    seconds, workdir)."""
    workdir = root / f"pipeline-{aligner}"
    warm_cache(workdir, aligner, cache, cores)
    fresh_workdir(workdir, aligner, cache)
    timing = measured_pipeline(workdir, cores, extra=["--printshellcmds"])
    rebuilt = sorted(set(rules_run(workdir / "snakemake.log")) & set(INDEX_RULES))
    if rebuilt:
        raise SystemExit(f"the timed run rebuilt {rebuilt}: the warm-up did not cover it")
    return timing, workdir


def run_baseline(
    out: Path, aligner: str, fastq: tuple[Path, Path], cache: Path, cores: int, sample: str
) -> tuple[float, float]:
    """bench/baseline.sh in a fresh folder `out` on the cache's genome and index; (wall, CPU)
    seconds, measured as the pipeline's are."""
    shutil.rmtree(out, ignore_errors=True)
    command = ["bash", str(BENCH / "baseline.sh"), aligner, str(reference_genome(cache)),
               *map(str, fastq), str(out), str(cores), sample]  # fmt: skip
    return measured(command, out.with_suffix(".log"), env=pipeline_env())


def overhead_row(pipeline: tuple[float, float], script: tuple[float, float]) -> dict:
    """The pipeline's (wall, CPU) seconds against the plain script's: both, their ratios and
    whether the wall ratio meets OVERHEAD_TARGET."""
    (wall, cpu), (script_wall, script_cpu) = pipeline, script
    return {"pipeline_wall_s": round(wall, 1), "script_wall_s": round(script_wall, 1),
            "wall_ratio": round(wall / script_wall, 3), "pipeline_cpu_s": round(cpu, 1),
            "script_cpu_s": round(script_cpu, 1), "cpu_ratio": round(cpu / script_cpu, 3),
            "target": OVERHEAD_TARGET, "met": met(wall / script_wall)}  # fmt: skip


def met(wall_ratio: float) -> str:
    """Whether a wall ratio meets OVERHEAD_TARGET, as the tables print it."""
    return "yes" if wall_ratio <= OVERHEAD_TARGET else "NO"


def startup_seconds(workdir: Path, cores: int) -> float:
    """Dry run of a finished workdir: parsing, sheet and input checks, DAG (the fixed cost)."""
    return run_pipeline(workdir, cores, extra=["-n", "--quiet"], log_name="dryrun.log")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--root", type=Path, default=Path("/tmp/bench-speed"), help="work folder")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="shared reference cache")
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument(
        "--repeats", type=int, default=1, help="pipeline/baseline pairs (median reported)"
    )
    parser.add_argument("--skip-minimap2", action="store_true", help="no minimap2 pipeline run")
    args = parser.parse_args()
    args.root.mkdir(parents=True, exist_ok=True)

    pipeline_runs, baseline_runs = [], []  # (wall, CPU) seconds
    for _ in range(args.repeats):
        timing, bwa_workdir = time_pipeline(args.root, "bwa", args.cache, args.cores)
        pipeline_runs.append(timing)
        baseline_runs.append(
            run_baseline(args.root / "baseline", "bwa", FASTQ, args.cache, args.cores, SAMPLE)
        )
    pipeline, pipeline_cpu = (statistics.median(run) for run in zip(*pipeline_runs, strict=True))
    baseline, baseline_cpu = (statistics.median(run) for run in zip(*baseline_runs, strict=True))
    startup = startup_seconds(bwa_workdir, args.cores)
    wall = [
        {
            "path": "bwa+bcftools",
            "runs": args.repeats,
            **overhead_row((pipeline, pipeline_cpu), (baseline, baseline_cpu)),
            "dry_run_s": round(startup, 1),
        }
    ]
    print_table(
        wall,
        title=f"Wall and CPU (children included), {args.cores} cores, index already in the cache"
        " (excluded from both)",
    )
    if args.repeats > 1:
        print(
            f"pipeline runs: {[round(t, 1) for t, _ in pipeline_runs]}"
            f"  baseline runs: {[round(t, 1) for t, _ in baseline_runs]}"
        )

    rules = read_benchmarks(bwa_workdir)
    for row in rules:
        row.update(
            wall_s=round(row["wall_s"], 2),
            cpu_s=round(row["cpu_s"], 2),
            max_rss_mb=round(row["max_rss_mb"], 1),
        )
    print_table(
        rules, title="Per rule (pipeline, bwa path): summed over jobs; max_rss is the largest job's"
    )

    results = {
        "wall": wall,
        "pipeline_runs": pipeline_runs,
        "baseline_runs": baseline_runs,
        "rules_bwa": rules,
    }
    if not args.skip_minimap2:
        (mm2_seconds, _), mm2_workdir = time_pipeline(args.root, "minimap2", args.cache, args.cores)
        align = {row["rule"]: row for row in read_benchmarks(mm2_workdir) + rules}
        accuracy = read_json("accuracy.json") or {}
        rows = []
        for aligner, seconds in (("bwa", pipeline), ("minimap2", mm2_seconds)):
            combo = accuracy.get(f"{aligner}+bcftools", {})
            rows.append(
                {
                    "path": f"{aligner}+bcftools",
                    "pipeline_s": round(seconds, 1),
                    "align_wall_s": round(align[f"align_{aligner}"]["wall_s"], 1),
                    "align_cpu_s": round(align[f"align_{aligner}"]["cpu_s"], 1),
                    "align_max_rss_mb": round(align[f"align_{aligner}"]["max_rss_mb"], 1),
                    "SNV_F1": combo.get("SNV", {}).get("F1"),
                    "indel_F1": combo.get("indel", {}).get("F1"),
                }
            )
        rows[1]["time_ratio_vs_bwa"] = round(mm2_seconds / pipeline, 3)
        rows[1]["align_ratio_vs_bwa"] = round(rows[1]["align_wall_s"] / rows[0]["align_wall_s"], 3)
        print_table(
            rows,
            columns=[*rows[0], "time_ratio_vs_bwa", "align_ratio_vs_bwa"],
            title="minimap2 vs bwa (F1 from bench/out/accuracy.json; blank without accuracy.py)",
        )
        results["aligners"] = rows
    write_json("speed.json", results)


if __name__ == "__main__":
    main()

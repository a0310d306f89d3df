"""Germline accuracy per depth and caller, before and after the variant score, and its
calibration.

Held-out sets, none of them seen in training (bench/train_score.py): chr20-sim-dev (30x, from
../shared/data) and sets simulated here from other chr20 windows with the artefacts the
training reads carry (strand-specific changes, homopolymer stutter): 8x clean, 15x noisy (about
twice the sequencing errors; h15n, the target's set, and two more windows, h15n2 and h15n3, for
the spread) and 60x clean; and the 15x noisy window as dwgsim alone makes it (h15p). All
aligned with bwa to the whole chr20.
Each caller runs with three filter settings:

- before: the filter before the score (bcftools' default prior 1.1e-3, QUAL >= 15 / >= 1 for
  freebayes at any depth, INFO/DP >= 5);
- fallback: `calling.filter: qual` with today's defaults (bcftools SNVs held to QUAL only from
  INFO/DP 25 on);
- score: the defaults (the learned score).

Printed: SNV and indel F1 of PASS calls and of all calls ("unfiltered") per set; the score's
calibration (calls binned by TSCORE against the share that are true, as a table and as
bench/out/calibration.png/.svg); CPU of the filter against calling.

    .venv/bin/python bench/accuracy_depth.py     # ~20 min on 2 cores, reused when kept
    .venv/bin/python bench/accuracy_depth.py --callers bcftools --settings score --sets h15n
"""

from __future__ import annotations

import argparse
import itertools
import json
import shutil
from pathlib import Path

import numpy as np
import pysam

from common import (
    CHR20,
    DEFAULT_CACHE,
    OUT,
    SIM_DEV,
    compare,
    inside,
    normalise,
    print_table,
    read_bed,
    read_benchmarks,
    read_vcf,
    run_pipeline,
    write_json,
    write_run_config,
    write_sheets,
)
from tailorseq.scoring.simulate import Artefacts, SimulatedSet, simulate

HELD_OUT = [
    SimulatedSet("h08", "20", 46_000_001, 1_000_000, 8, "clean", 301),
    SimulatedSet("h15n", "20", 48_000_001, 1_000_000, 15, "noisy", 15),
    SimulatedSet("h60", "20", 56_000_001, 500_000, 60, "clean", 302),
    # Two more 15x noisy windows, simulated like h15n, for the spread across windows (h15n
    # stays the set the target is measured on).
    SimulatedSet("h15n2", "20", 58_000_001, 1_000_000, 15, "noisy", 151),
    SimulatedSet("h15n3", "20", 60_000_001, 1_000_000, 15, "noisy", 152),
]
# The 15x noisy window as dwgsim alone makes it: no strand artefacts, no homopolymer stutter.
PLAIN = [SimulatedSet("h15p", "20", 48_000_001, 1_000_000, 15, "noisy", 15)]
SET_NAMES = ("dev30", *(s.name for s in HELD_OUT + PLAIN))
CALLERS = ("bcftools", "freebayes")
SETTINGS = {
    "before": {"calling": {"filter": "qual", "snv_min_qual_depth": {"bcftools": 0}}},
    "fallback": {"calling": {"filter": "qual"}},
    "score": {},
}
TARGETS = {"dev30": (0.999, 0.995), "h15n": (0.985, 0.99), "h15p": (0.985, 0.99)}
BINS = np.array([0, 0.5, 0.8, 0.9, 0.95, 0.99, 0.999, 1.0001])


def data_sets(root: Path, names: list[str]) -> dict[str, dict]:
    """name -> reads, truth, confident BED of the named held-out sets."""
    sets = {}
    if "dev30" in names:
        sets["dev30"] = {
            "fq": (SIM_DEV / "chr20-sim-dev_R1.fastq.gz", SIM_DEV / "chr20-sim-dev_R2.fastq.gz"),
            "truth": SIM_DEV / "truth.vcf",
            "bed": SIM_DEV / "confident.bed",
        }
    for spec, artefacts in [(s, Artefacts()) for s in HELD_OUT] + [(s, None) for s in PLAIN]:
        if spec.name not in names:
            continue
        reads = simulate(CHR20, spec, root / "sets", artefacts)
        sets[spec.name] = {"fq": (reads.fq1, reads.fq2), "truth": reads.truth,
                           "bed": reads.confident}  # fmt: skip
    return sets


def run_setting(workdir: Path, sets: dict, caller: str, setting: str, cache: Path,
                cores: int, rerun: bool) -> dict[str, Path]:  # fmt: skip
    """The pipeline on every set with one caller and setting; the kept VCFs by set."""
    kept = workdir / "kept" / f"{caller}-{setting}"
    vcfs = {name: kept / f"{name}.vcf.gz" for name in sets}
    if all(path.exists() for path in vcfs.values()) and not rerun:
        return vcfs
    write_sheets(workdir, {name: [("L1", *data["fq"])] for name, data in sets.items()})
    write_run_config(workdir, reference={"build": "GRCh37", "fasta": str(CHR20)},
                     cache_dir=str(cache), aligner="bwa", caller=caller,
                     **SETTINGS[setting])  # fmt: skip
    run_pipeline(workdir, cores, log_name=f"snakemake.{caller}-{setting}.log")
    kept.mkdir(parents=True, exist_ok=True)
    for name, path in vcfs.items():
        for suffix in ("", ".tbi"):
            shutil.copy(workdir / "results" / name / f"{name}.vcf.gz{suffix}", f"{path}{suffix}")
    if setting == "score":
        write_json(f"accuracy_depth_benchmarks_{caller}.json", read_benchmarks(workdir))
    return vcfs


def accuracy_rows(sets: dict, vcfs: dict, caller: str, setting: str, scratch: Path) -> list:
    rows = []
    for name, data in sets.items():
        regions = read_bed(data["bed"])
        truth = read_vcf(normalise(data["truth"], CHR20, scratch / f"{name}.truth.vcf"), regions)
        norm = normalise(vcfs[name], CHR20, scratch / f"{name}.{caller}.{setting}.vcf")
        passed = compare(truth, read_vcf(norm, regions))
        everything = compare(truth, read_vcf(norm, regions, pass_only=False))
        row = {"set": name, "caller": caller, "setting": setting}
        for kind in ("SNV", "indel"):
            row[f"{kind}_F1"] = passed[kind]["F1"]
            row[f"{kind}_FP"] = passed[kind]["FP"]
            row[f"{kind}_FN"] = passed[kind]["FN"]
            row[f"{kind}_unfiltered_F1"] = everything[kind]["F1"]
        targets = TARGETS.get(name)
        row["target"] = "/".join(map(str, targets)) if targets else ""
        row["met"] = ("yes" if row["SNV_F1"] >= targets[0] and row["indel_F1"] >= targets[1]
                      else "NO") if targets else ""  # fmt: skip
        rows.append(row)
    return rows


def scored_calls(sets: dict, vcfs: dict, scratch: Path) -> list[tuple[float, bool]]:
    """(TSCORE, is true) of every scored call inside the confident regions."""
    pairs = []
    for name, data in sets.items():
        regions = read_bed(data["bed"])
        truth = read_vcf(normalise(data["truth"], CHR20, scratch / f"{name}.truth.vcf"), regions)
        norm = normalise(vcfs[name], CHR20, scratch / f"{name}.calibration.vcf")
        with pysam.VariantFile(str(norm)) as handle:
            for record in handle:
                key = (record.contig, record.pos, record.ref, record.alts[0])
                if "TSCORE" in record.info and inside(regions, *key[:3]):
                    pairs.append((float(record.info["TSCORE"]), key in truth))
    return pairs


def calibration_rows(caller: str, pairs: list[tuple[float, bool]]) -> list[dict]:
    scores = np.array([p[0] for p in pairs])
    truth = np.array([p[1] for p in pairs])
    rows = []
    for low, high in itertools.pairwise(BINS):
        inside = (scores >= low) & (scores < high)
        if inside.any():
            rows.append({
                "caller": caller, "score_from": float(low), "score_to": float(min(high, 1)),
                "calls": int(inside.sum()), "mean_score": float(scores[inside].mean()),
                "share_true": float(truth[inside].mean()),
            })  # fmt: skip
    return rows


def plot_calibration(rows: list[dict]) -> None:
    """Mean score against the share of true calls per bin, one line per caller."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(5, 5))
    axes.plot([0, 1], [0, 1], color="grey", linestyle="--", label="perfect calibration")
    for caller in CALLERS:
        points = [r for r in rows if r["caller"] == caller]
        axes.plot([r["mean_score"] for r in points], [r["share_true"] for r in points],
                  marker="o", label=caller)  # fmt: skip
        for r in points:
            axes.annotate(str(r["calls"]), (r["mean_score"], r["share_true"]), fontsize=7,
                          textcoords="offset points", xytext=(4, -10))  # fmt: skip
    axes.set_xlabel("variant score (TSCORE), mean of the bin")
    axes.set_ylabel("share of the bin's calls that are true")
    axes.set_title("Calibration on held-out simulated sets\n(numbers: calls per bin)")
    axes.legend(loc="upper left")
    OUT.mkdir(parents=True, exist_ok=True)
    for suffix in ("png", "svg"):
        figure.savefig(OUT / f"calibration.{suffix}", dpi=120, bbox_inches="tight")


def cpu_rows() -> list[dict]:
    rows = []
    for caller in CALLERS:
        path = OUT / f"accuracy_depth_benchmarks_{caller}.json"
        if not path.exists():
            continue
        rules = {r["rule"]: r for r in json.loads(path.read_text())}
        calling = rules.get(f"call_{caller}", {}).get("cpu_s", 0.0)
        scoring = rules.get("filter_calls", {}).get("cpu_s", 0.0)
        rows.append({"caller": caller, "calling_cpu_s": calling, "filter_cpu_s": scoring,
                     "filter_share": scoring / calling if calling else None})  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/bench-depth"))
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--callers", nargs="+", default=list(CALLERS), choices=CALLERS)
    parser.add_argument("--settings", nargs="+", default=list(SETTINGS), choices=SETTINGS)
    parser.add_argument("--sets", nargs="+", default=list(SET_NAMES), choices=SET_NAMES,
                        help="held-out sets to run (default: all)")  # fmt: skip
    parser.add_argument("--rerun", action="store_true", help="recompute kept VCFs")
    args = parser.parse_args()
    sets = data_sets(args.workdir, args.sets)
    scratch = args.workdir / "scratch"
    scratch.mkdir(parents=True, exist_ok=True)
    rows, calibration = [], []
    for caller in args.callers:
        for setting in args.settings:
            if caller == "freebayes" and setting == "before":
                continue  # no prior to change: "before" is the fallback
            vcfs = run_setting(args.workdir, sets, caller, setting, args.cache, args.cores,
                               args.rerun)  # fmt: skip
            rows += accuracy_rows(sets, vcfs, caller, setting, scratch)
            if setting == "score":
                calibration += calibration_rows(caller, scored_calls(sets, vcfs, scratch))
    print_table(rows, title="PASS F1 per set, caller and filter (unfiltered: every call)")
    print_table(calibration, title="Calibration: calls binned by TSCORE vs the share that is true")
    print_table(cpu_rows(), title="CPU: the filter against calling (score setting)")
    plot_calibration(calibration)
    write_json("accuracy_depth.json", {"accuracy": rows, "calibration": calibration})


if __name__ == "__main__":
    main()

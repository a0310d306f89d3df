"""What a 30x genome costs, measured on the whole of GRCh37 chromosome 20.

1. Reads: dwgsim, 30x of 2x150 pairs (clean error profile) over all of chr20 (63 Mb; no read on
   its assembly gaps), the truth known by construction. Generated once into --data, never into
   the repository.
2. The germline pipeline on them from a fresh workdir per aligner (checks, staging,
   fastp | aligner, merge + duplicate marking, samtools stats, mosdepth, sex check, scattered
   bcftools calling, the variant score, bcftools stats, MultiQC, publishing), with the cache's
   genome and aligner index built beforehand (untimed: once per cache).
3. Per rule: jobs, wall, CPU, peak RSS, bytes read and written, share of the run's CPU; the
   run's wall time against the sum of its jobs' (what Snakemake itself adds); PASS accuracy
   against the truth; the variant score's CPU against calling's.
4. The raw tools on the first --raw-pairs pairs, in the same run: fastp writing compressed
   trimmed FASTQ (the old path) and streaming to a pipe, minimap2 -x sr and bwa mem on those
   trimmed pairs; bwa's CPU per pair prices the bwa path when only minimap2's is run. fastp's
   adapter detection costs about 15 CPU s once per unit whatever its size: on 200,000 pairs it
   is most of fastp's time, hence a million by default.
5. A tumour/normal pair (tailorseq.somatic.simulate): 60x tumour at purity 0.6 and 30x normal
   over chr20:40-50 Mb with planted germline and somatic variants, through somatic calling, MSI,
   TMB and the normal's germline calling: per rule, accuracy against both truths, and the
   somatic path's CPU against germline calling's (--skip-pair leaves it out).
6. With --baseline, after the runs: bench/baseline.sh (the same tools, options and threads in a
   plain bash script) on the same reads with each run's aligner and the same cache's genome and
   index; the run's wall and CPU (Snakemake and every job) against the script's, and their PASS
   calls compared.

Extrapolation to a genome: a 30x genome is GENOME_PAIRS read pairs (3.1 Gb x 30 / 300 bases).
The CPU of every rule is multiplied by GENOME_PAIRS / the simulated pairs (reads, bases and calls
all grow with the sequence covered), except the run-level rules (MultiQC, scatter), counted once.
Wall time on N cores: each rule's CPU divided by the cores it can use, min(N, its threads) for
one job and N for the scattered calling (one chunk per core), summed (a sample's steps mostly
follow each other). Memory: the aligners' peak grows with the genome's index (GRCh37: bwa about
5.5 GB, minimap2 about 8 GB), the other rules are bounded by their settings (sort buffers,
--max-depth, scoring batches), so chr20's peak is theirs.

    .venv/bin/python bench/genome.py                          # ~1 h on 2 cores
    .venv/bin/python bench/genome.py --aligners minimap2 bwa  # both paths in full
    .venv/bin/python bench/genome.py --skip-pair --baseline   # and the plain script after it
    .venv/bin/python bench/genome.py --skip-pair --baseline --baseline-pairs 3  # median of 3
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import shutil
import statistics
import subprocess
from dataclasses import replace
from pathlib import Path

from common import (
    CHR20,
    DEFAULT_CACHE,
    REPO,
    compare,
    cpu_seconds,
    measured_pipeline,
    normalise,
    print_table,
    read_bed,
    read_benchmarks,
    read_vcf,
    reference_genome,
    run_pipeline,
    write_json,
    write_run_config,
    write_sheets,
)
from somatic import alignments, cost_rows, write_pair
from somatic import targets as pair_targets
from speed import OVERHEAD_TARGET, met, overhead_row, run_baseline, warm_cache
from tailorseq.scoring.simulate import SimulatedReads, SimulatedSet, simulate
from tailorseq.somatic.simulate import PairSpec, SimulatedPair, simulate_pair

SAMPLE = "g30"
SET = SimulatedSet(SAMPLE, "20", 1, 63_025_520, 30, "clean", 2030)
GENOME_PAIRS = 310_000_000
TARGET_CORE_HOURS = 12.0
ONCE_PER_RUN = ("multiqc", "multiqc_scores", "scatter_regions")
SCATTERED = ("call_bcftools", "call_freebayes")
CORES = (16, 64)
PATIENT = "TN"
PAIR = PairSpec(PATIENT.lower(), "20", 40_000_001, 10_000_000, 60.0, 30.0, 0.6, 20.0, "clean", 2040)


def rule_threads() -> dict[str, int]:
    """Each rule's `threads:` as written in workflow/rules (1 when not set)."""
    threads = {}
    for path in sorted((REPO / "workflow" / "rules").glob("*.smk")):
        for block in re.split(r"^rule ", path.read_text(), flags=re.M)[1:]:
            found = re.search(r"^    threads: (\d+)$", block, re.M)
            threads[block.split(":", 1)[0]] = int(found.group(1)) if found else 1
    return threads


def fastp_pairs(workdir: Path) -> int:
    """Read pairs fastp saw, before filtering, over the run's units."""
    reports = workdir.glob("work/*/qc/*.fastp.json")
    return sum(json.loads(p.read_text())["summary"]["before_filtering"]["total_reads"] // 2
               for p in reports)  # fmt: skip


def run_aligner(
    args: argparse.Namespace, reads: SimulatedReads, aligner: str, folder: str = ""
) -> dict:
    """The pipeline in a fresh workdir (--workdir/<folder or aligner>); the run's wall seconds,
    pairs and rule totals."""
    workdir = args.workdir / (folder or aligner)
    warm_cache(workdir, aligner, args.cache, args.cores)
    shutil.rmtree(workdir)
    write_sheets(workdir, {SAMPLE: [("L1", reads.fq1, reads.fq2)]})
    write_run_config(workdir, reference={"build": "GRCh37", "fasta": str(CHR20)},
                     cache_dir=str(args.cache), aligner=aligner, caller="bcftools")  # fmt: skip
    load = os.getloadavg()[0]
    wall, cpu = measured_pipeline(workdir, args.cores)
    return {"aligner": aligner, "workdir": workdir, "wall_s": wall, "cpu_s": cpu, "load": load,
            "pairs": fastp_pairs(workdir), "rules": read_benchmarks(workdir)}  # fmt: skip


def run_script(args: argparse.Namespace, reads: SimulatedReads, run: dict) -> dict:
    """bench/baseline.sh on the run's reads with its aligner, the same cache's genome and index
    (built for the run); the run's wall and CPU against the script's."""
    out = args.workdir / f"baseline-{run['aligner']}"
    load = os.getloadavg()[0]
    wall, cpu = run_baseline(out, run["aligner"], (reads.fq1, reads.fq2), args.cache, args.cores,
                             SAMPLE)  # fmt: skip
    return {"aligner": run["aligner"], **overhead_row((run["wall_s"], run["cpu_s"]), (wall, cpu)),
            "load_before": f"{run['load']:.1f} / {load:.1f}",
            "vcf": str(out / f"{SAMPLE}.vcf.gz")}  # fmt: skip


def same_calls(run: dict, script_vcf: Path) -> dict:
    """The run's PASS calls (whole chr20) against the script's: shared, each side's own, and
    shared calls with another genotype."""
    ours = read_vcf(run["workdir"] / "results" / SAMPLE / f"{SAMPLE}.vcf.gz")
    theirs = read_vcf(script_vcf)
    shared = ours.keys() & theirs.keys()
    return {"aligner": run["aligner"], "pipeline_pass": len(ours), "script_pass": len(theirs),
            "shared": len(shared), "pipeline_only": len(ours.keys() - theirs.keys()),
            "script_only": len(theirs.keys() - ours.keys()),
            "genotype_differs": sum(ours[k].gt != theirs[k].gt for k in shared)}  # fmt: skip


def overhead_report(args: argparse.Namespace, reads: SimulatedReads, runs: list[dict]) -> dict:
    """The plain script after each run, then --baseline-pairs - 1 more pipeline/script pairs per
    aligner (the pipeline in --workdir/<aligner>-again); every pair, and per aligner the median
    of the pairs' ratios (each pair's two sides ran one after the other, so a pair's ratio is
    less moved by the machine's load than either time). Tables printed as soon as measured."""
    overhead = [{"pair": 1, **run_script(args, reads, run)} for run in runs]
    calls = [same_calls(run, Path(row["vcf"])) for run, row in zip(runs, overhead, strict=True)]
    print_table(calls, title="PASS calls of the pipeline and of the script (whole chr20)")
    for pair in range(2, args.baseline_pairs + 1):
        for aligner in args.aligners:
            again = run_aligner(args, reads, aligner, folder=f"{aligner}-again")
            overhead.append({"pair": pair, **run_script(args, reads, again)})
    columns = [c for c in overhead[0] if c != "vcf"]
    print_table(overhead, columns, title="The pipeline against the same tools in a plain script "
                "(bench/baseline.sh): wall and CPU seconds, children included")  # fmt: skip
    medians = [median_ratios([row for row in overhead if row["aligner"] == aligner])
               for aligner in args.aligners]  # fmt: skip
    print_table(medians, title="Median over the pairs")
    return {"overhead": overhead, "medians": medians, "calls": calls}


def median_ratios(rows: list[dict]) -> dict:
    """Median wall and CPU ratio of one aligner's pipeline/script pairs, with their range."""
    wall, cpu = ([row[key] for row in rows] for key in ("wall_ratio", "cpu_ratio"))
    return {"aligner": rows[0]["aligner"], "pairs": len(rows),
            "wall_ratio": statistics.median(wall), "wall_range": f"{min(wall)}-{max(wall)}",
            "cpu_ratio": statistics.median(cpu), "cpu_range": f"{min(cpu)}-{max(cpu)}",
            "target": OVERHEAD_TARGET, "met": met(statistics.median(wall))}  # fmt: skip


def rule_rows(run: dict) -> list[dict]:
    """Measured per rule, with its share of the run's CPU."""
    total = sum(rule["cpu_s"] for rule in run["rules"]) or 1.0
    rows = [{"aligner": run["aligner"], **rule, "cpu_share": rule["cpu_s"] / total}
            for rule in run["rules"]]  # fmt: skip
    return sorted(rows, key=lambda row: -row["cpu_s"])


def genome_cpu_s(run: dict) -> float:
    """CPU seconds of a 30x genome, by the module's extrapolation."""
    scale = GENOME_PAIRS / run["pairs"]
    return sum(rule["cpu_s"] * (1 if rule["rule"] in ONCE_PER_RUN else scale)
               for rule in run["rules"])  # fmt: skip


def genome_wall_s(run: dict, cores: int, threads: dict[str, int]) -> float:
    """Wall seconds of a 30x genome on `cores`, by the module's extrapolation."""
    scale = GENOME_PAIRS / run["pairs"]
    wall = 0.0
    for rule in run["rules"]:
        usable = cores if rule["rule"] in SCATTERED else min(cores, threads.get(rule["rule"], 1))
        wall += rule["cpu_s"] * (1 if rule["rule"] in ONCE_PER_RUN else scale) / usable
    return wall


def summary_row(run: dict, threads: dict[str, int]) -> dict:
    core_hours = genome_cpu_s(run) / 3600
    jobs_wall = sum(rule["wall_s"] for rule in run["rules"])
    row = {
        "aligner": run["aligner"],
        "pairs": run["pairs"],
        "run_wall_s": run["wall_s"],
        "jobs_wall_s": jobs_wall,
        "run_cpu_s": sum(rule["cpu_s"] for rule in run["rules"]),
        "genome_core_hours": core_hours,
        "target": f"<= {TARGET_CORE_HOURS}",
        "met": "yes" if core_hours <= TARGET_CORE_HOURS else "NO",
    }
    for cores in CORES:
        row[f"genome_wall_h_{cores}_cores"] = genome_wall_s(run, cores, threads) / 3600
    return row


def accuracy_row(run: dict, reads: SimulatedReads, scratch: Path) -> dict:
    regions = read_bed(reads.confident)
    truth = read_vcf(normalise(reads.truth, CHR20, scratch / "truth.vcf"), regions)
    vcf = run["workdir"] / "results" / SAMPLE / f"{SAMPLE}.vcf.gz"
    calls = read_vcf(normalise(vcf, CHR20, scratch / f"{run['aligner']}.vcf"), regions)
    result = compare(truth, calls)
    row = {"aligner": run["aligner"]}
    for kind in ("SNV", "indel"):
        for measure in ("truth", "TP", "FP", "FN", "F1"):
            row[f"{kind}_{measure}"] = result[kind][measure]
    return row


def score_share(run: dict) -> dict:
    rules = {rule["rule"]: rule["cpu_s"] for rule in run["rules"]}
    calling, scoring = rules.get("call_bcftools", 0.0), rules.get("filter_calls", 0.0)
    return {"aligner": run["aligner"], "calling_cpu_s": calling, "filter_cpu_s": scoring,
            "filter_share": scoring / calling if calling else None, "target": "< 0.05"}  # fmt: skip


def bwa_priced(summary: dict, raw: list[dict]) -> dict:
    """The bwa path priced from the minimap2 run: its genome core-hours with minimap2's raw
    CPU per pair replaced by bwa mem's (both measured on the same pairs in this run)."""
    per_genome = {row["step"]: row["genome_core_hours"] for row in raw}
    core_hours = (summary["genome_core_hours"] - per_genome["minimap2 -x sr"]
                  + per_genome["bwa mem"])  # fmt: skip
    met = "yes" if core_hours <= TARGET_CORE_HOURS else "NO"
    return {"aligner": "bwa (priced)", "genome_core_hours": core_hours,
            "target": summary["target"], "met": met}  # fmt: skip


def first_pairs(reads: SimulatedReads, pairs: int, out: Path) -> tuple[Path, Path]:
    """The first `pairs` pairs of the set, gzipped."""
    out.mkdir(parents=True, exist_ok=True)
    result = []
    for mate, source in ((1, reads.fq1), (2, reads.fq2)):
        path = out / f"head{pairs}_R{mate}.fastq.gz"
        if not path.exists():
            subprocess.run(f"zcat {source} | head -n {4 * pairs} | gzip -1 > {path}",
                           shell=True, check=True)  # fmt: skip
        result.append(path)
    return result[0], result[1]


def raw_steps(fq1: Path, fq2: Path, scratch: Path, genome: Path, threads: int) -> dict[str, str]:
    """Each tool's command on the first pairs, with the pipeline's options."""
    trim = (f"fastp --in1 {fq1} --in2 {fq2} --detect_adapter_for_pe --thread 1"
            " --dont_eval_duplication --json /dev/null --html /dev/null")  # fmt: skip
    trimmed = f"{scratch}/t1.fq.gz {scratch}/t2.fq.gz"
    return {
        "fastp to compressed files (before)":
            f"{trim} --out1 {scratch}/t1.fq.gz --out2 {scratch}/t2.fq.gz --compression 1",
        "fastp to a pipe (now)": f"{trim} --stdout > /dev/null",
        "minimap2 -x sr": f"minimap2 -ax sr -t {threads} {genome}.sr.mmi {trimmed} > /dev/null",
        "bwa mem": f"bwa mem -t {threads} -K 100000000 -Y {genome} {trimmed} > /dev/null",
    }  # fmt: skip


def raw_rows(args: argparse.Namespace, reads: SimulatedReads) -> list[dict]:
    """The tools alone on the first --raw-pairs pairs, as many threads as the run had cores."""
    scratch = args.workdir / "raw"
    fq1, fq2 = first_pairs(reads, args.raw_pairs, scratch)
    for aligner in ("bwa", "minimap2"):
        warm_cache(scratch / f"index-{aligner}", aligner, args.cache, args.cores)
    steps = raw_steps(fq1, fq2, scratch, reference_genome(args.cache), args.cores)
    rows = []
    for name, command in steps.items():
        wall, cpu = cpu_seconds(command, scratch / f"step{len(rows)}.log")
        rows.append({"step": name, "pairs": args.raw_pairs, "wall_s": wall, "cpu_s": cpu,
                     "cpu_ms_per_1000_pairs": 1e6 * cpu / args.raw_pairs,
                     "genome_core_hours": cpu * GENOME_PAIRS / args.raw_pairs / 3600})  # fmt: skip
    return rows


def run_pair(args: argparse.Namespace, pair: SimulatedPair) -> dict:
    """The tumour/normal pair through somatic calling, MSI and TMB, and the normal's germline
    calling, in a fresh workdir (minimap2, the cache's index built beforehand)."""
    workdir = args.workdir / "pair"
    warm_cache(workdir, "minimap2", args.cache, args.cores)
    shutil.rmtree(workdir)
    tumor, normal = ({"fq1": fq1, "fq2": fq2} for fq1, fq2 in (pair.tumor, pair.normal))
    write_pair(workdir, PATIENT, tumor, normal, purity=str(PAIR.purity))
    write_run_config(workdir, reference={"build": "GRCh37", "fasta": str(CHR20)},
                     cache_dir=str(args.cache), aligner="minimap2")  # fmt: skip
    wall = run_pipeline(workdir, args.cores, [*pair_targets(PATIENT), *alignments(PATIENT)])
    return {"aligner": "minimap2 (pair)", "workdir": workdir, "wall_s": wall,
            "rules": read_benchmarks(workdir)}  # fmt: skip


def pair_accuracy(run: dict, pair: SimulatedPair, scratch: Path) -> list[dict]:
    """PASS somatic calls against the somatic truth, the normal's against the germline truth."""
    regions = read_bed(pair.confident)
    rows = []
    for label, truth_vcf, calls in (
        ("somatic", pair.somatic, pair_targets(PATIENT)[0]),
        ("germline (normal)", pair.germline, pair_targets(PATIENT)[2]),
    ):
        name = label.split()[0]
        truth = read_vcf(normalise(truth_vcf, CHR20, scratch / f"{name}.truth.vcf"), regions)
        called = read_vcf(normalise(run["workdir"] / calls, CHR20, scratch / f"{name}.vcf"),
                          regions)  # fmt: skip
        result = compare(truth, called)
        for kind in ("SNV", "indel"):
            rows.append({"calls": label, "kind": kind,
                         **{m: result[kind][m] for m in ("truth", "TP", "FP", "FN", "precision",
                                                          "recall", "F1")}})  # fmt: skip
    return rows


def pair_spec(megabases: float) -> PairSpec:
    """PAIR over its first `megabases` Mb (named after its length: each size simulated once)."""
    length = round(megabases * 1_000_000)
    return replace(PAIR, name=f"{PAIR.name}{megabases:g}mb", length=length)


def pair_report(args: argparse.Namespace) -> dict:
    """Simulate (once) and run the pair; print its tables; return them."""
    pair = simulate_pair(CHR20, pair_spec(args.pair_mb), args.data)
    run = run_pair(args, pair)
    scratch = args.workdir / "pair-scratch"
    scratch.mkdir(parents=True, exist_ok=True)
    accuracy = pair_accuracy(run, pair, scratch)
    biomarkers = json.loads((run["workdir"] / pair_targets(PATIENT)[1]).read_text())
    bases = sum(i.end - i.start for i in read_bed(pair.confident))
    costs = cost_rows(run["rules"], biomarkers["msi"], "chr20 pair", bases)
    title = (f"Tumour {PAIR.tumor_depth:.0f}x (purity {PAIR.purity}) / normal"
             f" {PAIR.normal_depth:.0f}x over {bases / 1e6:.1f} Mb of chr20, per rule")  # fmt: skip
    columns = ["rule", "jobs", "wall_s", "cpu_s", "cpu_share", "max_rss_mb"]
    print_table(rule_rows(run), columns, title=title)
    print_table(accuracy, title="The pair's PASS calls against the truth")
    print_table(costs, title="Somatic path (candidates, model, MSI, TMB) against germline calling")
    msi, tmb = biomarkers["msi"], biomarkers["tmb"]
    print(f"  MSI {msi['status']}, score {msi['score']}: {msi['sites_examined']} of"
          f" {msi['sites_found']} sites found examined; TMB {tmb['mutations_per_mb']} per Mb"
          f" ({tmb['status']})")  # fmt: skip
    run["workdir"] = str(run["workdir"])
    return {"run": run, "accuracy": accuracy, "cost": costs}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=Path("/tmp/bench-genome-data"))
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/bench-genome"))
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--aligners", nargs="+", default=["minimap2"], choices=["minimap2", "bwa"])
    parser.add_argument("--raw-pairs", type=int, default=1_000_000)
    parser.add_argument("--skip-pair", action="store_true", help="no tumour/normal pair run")
    parser.add_argument(
        "--baseline", action="store_true", help="then bench/baseline.sh on the same reads"
    )
    parser.add_argument(
        "--baseline-pairs", type=int, default=1, help="pipeline/script pairs, median reported"
    )
    parser.add_argument("--pair-only", action="store_true", help="the tumour/normal pair alone")
    parser.add_argument(
        "--pair-mb", type=float, default=PAIR.length / 1e6, help="the pair's region, Mb of chr20"
    )
    args = parser.parse_args()
    pair = None if args.skip_pair else pair_report(args)
    if args.pair_only:
        write_json("genome-pair.json", {"pair": pair})
        return
    reads = simulate(CHR20, SET, args.data, artefacts=None)
    runs = [run_aligner(args, reads, aligner) for aligner in args.aligners]
    script = overhead_report(args, reads, runs) if args.baseline else None
    scratch = args.workdir / "scratch"
    scratch.mkdir(parents=True, exist_ok=True)
    threads = rule_threads()
    rules = list(itertools.chain.from_iterable(rule_rows(run) for run in runs))
    summary = [summary_row(run, threads) for run in runs]
    accuracy = [accuracy_row(run, reads, scratch) for run in runs]
    scores = [score_share(run) for run in runs]
    raw = raw_rows(args, reads)
    if "bwa" not in args.aligners:
        summary += [bwa_priced(row, raw) for row in summary if row["aligner"] == "minimap2"]
    print_table(rules, ["aligner", "rule", "jobs", "wall_s", "cpu_s", "cpu_share", "max_rss_mb",
                        "io_in_mb", "io_out_mb"], title="Per rule on chr20 at 30x")  # fmt: skip
    print_table(summary, title=f"The run, and a 30x genome ({GENOME_PAIRS:,} pairs) extrapolated")
    print_table(accuracy, title="PASS calls against the truth (confident = chr20 without gaps)")
    print_table(scores, title="The variant score's CPU against calling's")
    print_table(raw, title="The raw tools alone on the first pairs (same machine, same run)")
    for run in runs:
        run["workdir"] = str(run["workdir"])
    write_json("genome.json", {"runs": runs, "summary": summary, "accuracy": accuracy,
                               "score": scores, "raw": raw, "script": script,
                               "pair": pair})  # fmt: skip


if __name__ == "__main__":
    main()

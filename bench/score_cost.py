"""CPU cost of the germline filter job (tailorseq.scoring.apply.filter_vcf) per call.

For each callset (bcftools calls on GRCh37 chr20, scores stripped), the best of `--reps` runs
(CPU time, no profiler: the machine is shared, so the minimum is the least disturbed run) of:
the feature extraction alone (features.vcf_features), the model's prediction alone, and the
whole filter pass (features, prediction, the VCF read and written with its index). The job's
start-up is measured once: imports, LightGBM, the model's boosters.

    .venv/bin/python bench/score_cost.py CALLS.vcf.gz [MORE.vcf.gz ...] [--reps 5]

A callset with scores, e.g. one the pipeline wrote, first loses them:
`bcftools annotate -x INFO/TSCORE,FORMAT/TQ,FILTER -Oz -o calls.vcf.gz scored.vcf.gz`.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from common import CHR20, print_table

STARTED = time.process_time()
from tailorseq.scoring import apply, features, model  # noqa: E402  (its import is measured)

IMPORTED = time.process_time()


def best_of(reps: int, run) -> tuple[float, object]:
    """The smallest CPU time of `reps` runs of `run()`, and its result."""
    times, result = [], None
    for _ in range(reps):
        start = time.process_time()
        result = run()
        times.append(time.process_time() - start)
    return min(times), result


def cost_row(vcf: Path, caller_model: model.CallerModel, reps: int) -> dict:
    """Per-call CPU milliseconds of each part of the filter pass on one callset."""
    caller = caller_model.caller
    feature_time, sites = best_of(
        reps, lambda: list(features.vcf_features(str(vcf), str(CHR20), caller))
    )
    values = features.matrix(sites, caller)
    predict_time, _ = best_of(reps, lambda: caller_model.probabilities(values))
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "scored.vcf.gz"
        filter_time, counts = best_of(reps, lambda: apply.filter_vcf(vcf, out, CHR20, caller_model))
    calls = sum(counts.values())
    return {
        "callset": vcf.name,
        "calls": calls,
        "features ms": 1000 * feature_time / calls,
        "prediction ms": 1000 * predict_time / calls,
        "filter pass ms": 1000 * filter_time / calls,
        "filter minus prediction ms": 1000 * (filter_time - predict_time) / calls,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("vcfs", type=Path, nargs="+", help="bcftools callsets on GRCh37 chr20")
    parser.add_argument("--reps", type=int, default=5, help="runs per measurement (minimum kept)")
    parser.add_argument("--caller", default="bcftools", choices=features.CALLERS)
    args = parser.parse_args()
    start = time.process_time()
    model.import_lightgbm()
    imported = time.process_time()
    caller_model = model.load(model.BUNDLED, args.caller)
    loaded = time.process_time()
    print_table(
        [
            {
                "imports s": IMPORTED - STARTED,
                "LightGBM import s": imported - start,
                "model load s": loaded - imported,
                "boosters": len(caller_model.boosters),
            }
        ],
        title="start-up (CPU)",
    )
    rows = [cost_row(vcf, caller_model, args.reps) for vcf in args.vcfs]
    print_table(rows, title=f"per call (CPU, best of {args.reps})")


if __name__ == "__main__":
    main()

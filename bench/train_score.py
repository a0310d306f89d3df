"""Train the germline variant score from simulated reads: one command, reproducible.

1. Simulate read sets (18 for training, 6 for validation) with dwgsim from GRCh37 chr20
   windows that overlap neither chr20-sim-dev (10-11 Mb) nor chr20-somatic-dev (30-30.5 Mb)
   nor the held-out sets of accuracy_depth.py (46-47, 48-49, 56-56.5, 58-59, 60-61 Mb):
   depths 8x-60x, a clean and a noisy error profile, truth known by construction; strand
   artefacts, homopolymer and tandem-repeat stutter added to the reads (TRAINING_ARTEFACTS).
2. Run the pipeline on them as a user would (bwa; each caller in turn; `calling.filter: qual`
   so that every candidate call is kept) with the candidate settings the model will see.
3. Features of every call (tailorseq.scoring.features), labelled against the truth; per caller
   an ensemble of LightGBM models on the training sets (fit.ENSEMBLES); isotonic calibration
   and the PASS threshold (best F1, truth never called counting as missed) on the validation
   sets.
4. Write resources/germline_score/ (models, model.json) and print the validation table.

    .venv/bin/python bench/train_score.py            # ~25 min on 2 cores; --out to write elsewhere
    # one caller again from an earlier run's callsets (<set>.vcf.gz), without the pipeline:
    .venv/bin/python bench/train_score.py --caller bcftools --calls CALLSETS_FOLDER
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from common import (
    CHR20,
    DEFAULT_CACHE,
    REPO,
    print_table,
    run_pipeline,
    write_json,
    write_run_config,
    write_sheets,
)
from tailorseq.scoring import features, fit, model
from tailorseq.scoring.simulate import TRAINING_ARTEFACTS, SimulatedSet, simulate

WINDOW = 500_000
TRAINING = [
    SimulatedSet("t08", "20", 2_000_001, WINDOW, 8, "clean", 101),
    SimulatedSet("t18n", "20", 3_000_001, WINDOW, 18, "noisy", 111),
    SimulatedSet("t12n", "20", 4_000_001, WINDOW, 12, "noisy", 102),
    SimulatedSet("t12", "20", 5_000_001, WINDOW, 12, "clean", 112),
    SimulatedSet("t15", "20", 6_000_001, WINDOW, 15, "clean", 103),
    SimulatedSet("t25n", "20", 7_000_001, WINDOW, 25, "noisy", 113),
    SimulatedSet("t15n", "20", 8_000_001, WINDOW, 15, "noisy", 114),
    SimulatedSet("t10", "20", 12_000_001, WINDOW, 10, "clean", 115),
    SimulatedSet("t20n", "20", 14_000_001, WINDOW, 20, "noisy", 104),
    SimulatedSet("t15n2", "20", 15_000_001, WINDOW, 15, "noisy", 116),
    SimulatedSet("t30", "20", 17_000_001, WINDOW, 30, "clean", 105),
    SimulatedSet("t20", "20", 18_000_001, WINDOW, 20, "clean", 117),
    SimulatedSet("t08n", "20", 20_000_001, WINDOW, 8, "noisy", 118),
    SimulatedSet("t40n", "20", 22_000_001, WINDOW, 40, "noisy", 106),
    SimulatedSet("t12n2", "20", 31_000_001, WINDOW, 12, "noisy", 119),
    SimulatedSet("t60", "20", 33_000_001, WINDOW, 60, "clean", 107),
    SimulatedSet("t50n", "20", 34_000_001, WINDOW, 50, "noisy", 120),
    SimulatedSet("t10n", "20", 36_000_001, WINDOW, 10, "noisy", 108),
]
VALIDATION = [
    SimulatedSet("v08n", "20", 40_000_001, WINDOW, 8, "noisy", 201),
    SimulatedSet("v15", "20", 43_000_001, WINDOW, 15, "clean", 202),
    SimulatedSet("v15n", "20", 45_000_001, WINDOW, 15, "noisy", 203),
    SimulatedSet("v12n", "20", 50_000_001, WINDOW, 12, "noisy", 205),
    SimulatedSet("v30n", "20", 52_000_001, WINDOW, 30, "noisy", 204),
    SimulatedSet("v20", "20", 53_000_001, WINDOW, 20, "clean", 206),
]
CALLERS = ("bcftools", "freebayes")
MODEL_FOLDER = REPO / "resources" / "germline_score"


def run_caller(workdir: Path, reads: dict, caller: str, cache: Path, cores: int) -> None:
    """The pipeline on every set with one caller, keeping every candidate call."""
    write_sheets(workdir, {name: [("L1", r.fq1, r.fq2)] for name, r in reads.items()})
    write_run_config(
        workdir,
        reference={"build": "GRCh37", "fasta": str(CHR20)},
        cache_dir=str(cache),
        aligner="bwa",
        caller=caller,
        calling={
            "filter": "qual",
            "bcftools_prior": model.CANDIDATE_PRIOR,
            "bcftools_min_gapped_reads": model.CANDIDATE_MIN_GAPPED_READS,
        },
    )
    run_pipeline(workdir, cores, log_name=f"snakemake.{caller}.log")


def callset(calls: Path, name: str) -> Path:
    """A set's callset in `calls`: a pipeline's results/<set>/<set>.vcf.gz or <set>.vcf.gz."""
    nested = calls / name / f"{name}.vcf.gz"
    return nested if nested.exists() else calls / f"{name}.vcf.gz"


def collect(calls: Path, reads: dict, sets: list[SimulatedSet], caller: str) -> fit.Examples:
    """Labelled feature rows of the given sets' calls."""
    examples = fit.Examples(caller)
    for spec in sets:
        vcf = callset(calls, spec.name)
        sites = list(features.vcf_features(str(vcf), str(CHR20), caller))
        keys = fit.truth_keys(reads[spec.name].truth, CHR20, (spec.contig, spec.start, spec.end))
        examples.add(sites, keys)
    return examples


def train_caller(calls: Path, reads: dict, caller: str, out: Path) -> dict:
    """Train, calibrate and choose the threshold for one caller; write its model."""
    training = collect(calls, reads, TRAINING, caller)
    validation = collect(calls, reads, VALIDATION, caller)
    ensemble = fit.ENSEMBLES[caller]
    boosters = fit.fit_ensemble(training, ensemble)
    raw = model.mean_raw(boosters, validation.x)
    calibration = fit.calibrate(raw, validation.y)
    probabilities = np.interp(raw, *calibration)
    best = fit.best_threshold(probabilities, validation.y, validation.truth)
    unfiltered = fit.f1_at(np.ones(len(validation.y)), validation.y, validation.truth, 0.0)
    card = {
        "ensemble": vars(ensemble),
        "training_sets": [vars(spec) for spec in TRAINING],
        "validation_sets": [vars(spec) for spec in VALIDATION],
        "training_sites": len(training.y),
        "training_true": int(training.y.sum()),
        "validation": {"model": best, "unfiltered": unfiltered},
    }
    fit.write_caller_model(out, caller, boosters, calibration, float(best["threshold"]), card)
    return {"caller": caller, **{f"unfiltered_{k}": unfiltered[k] for k in ("F1", "FP", "FN")},
            **{f"model_{k}": best[k] for k in ("F1", "FP", "FN", "threshold")}}  # fmt: skip


CARD = """# Germline variant score: model card

Written by `bench/train_score.py` on {trained}; retrain with `make train-score`.

**What it is.** Gradient-boosted tree models (LightGBM {lightgbm}) per germline caller, scoring
each call of the pipeline's candidate set (bcftools with `--prior {prior}` and `--min-ireads
{min_ireads}`, freebayes with its defaults) with the probability that it is a real variant:
{ensembles}.
A caller's raw output is the mean of its boosters' raw outputs (seeds 1 to n: the seed
draws each booster's row and feature subsamples, so that the PASS calls do not rest on one
draw). It is calibrated by
isotonic regression on the validation sets, so that TSCORE 0.99 means that about 99 of 100
such calls were real there. PASS needs TSCORE >= the threshold below, the one with the best F1
on the validation sets (truth never called counting as missed). FORMAT/TQ is the same
probability per sample, phred-scaled.

**Features** (`tailorseq.scoring.features`): {features}

**Training data.** Reads simulated with dwgsim (2x150, error rate rising along the read: clean
{clean}, noisy {noisy}; {rate} variants per base, {indels:.0%} indels) from GRCh37 chr20
windows, with error modes of real data that dwgsim lacks added to the reads (never to the
truth; rates assumed, not measured): base changes on one strand's reads only ({strand_rate:g}
sites per Mb, in {strand_low:.0%}-{strand_high:.0%} of that strand's reads, base quality
lowered by 0-14), one-base slippage in homopolymers of {homopolymer}+ bases (deletion or
insertion in {slip:.1%} of the reads per base beyond 6, at most {slip_max:.0%}) and one-unit
slippage in tandem repeats of 2-6 base units at least {repeat_length} bases long ({repeat_slip:.0%}
of the reads per copy beyond 2, at most {repeat_max:.0%}; deletions 70%). Aligned with
bwa to the whole chr20 and called by the pipeline itself. Training sets:
{training}. Validation sets (calibration and threshold): {validation}. None overlaps
chr20-sim-dev (10-11 Mb), chr20-somatic-dev (30-30.5 Mb) or the held-out sets of
`bench/accuracy_depth.py` (46-47, 48-49, 56-56.5, 58-59, 60-61 Mb).

**Validation** (all validation sets together; unfiltered = every candidate call):

| caller | sites trained on (true) | threshold | unfiltered F1 | model F1 | model FP | model FN |
|---|---|---|---|---|---|---|
{rows}

**Intended use and limits.** Filtering germline SNVs and small indels of short-read (Illumina-
like) whole-genome or targeted data called by this pipeline's bcftools or freebayes steps.
It was trained on simulated reads only: beyond the artefacts added, real data has other
systematic errors, PCR duplicates, contamination and mapping artefacts in segmental
duplications that the simulation lacks. A first model trained on dwgsim's reads alone passed
a strand-biased SNV and two poly-A stutter deletions of NA12878-tiny (real HiSeq X reads);
this one passes exactly the 14 GIAB SNVs and the two real indels there. No claim is made for other
platforms (long reads, Ion Torrent), other aligners than bwa (minimap2 was checked on
chr20-sim-dev only), for somatic, mosaic or low-fraction variants, or for data unlike the
training depths (8x-60x), until validated on such data (GIAB truth sets, for instance).
The QUAL/depth fallback (`calling.filter: qual`) stays available.
"""


def write_model_card(folder: Path) -> None:
    """MODEL_CARD.md from the manifest, so that its numbers are the model's own."""
    import lightgbm

    from tailorseq.scoring.simulate import (
        ERROR_PROFILES,
        INDEL_FRACTION,
        MUTATION_RATE,
        TRAINING_ARTEFACTS,
    )

    artefacts = TRAINING_ARTEFACTS
    manifest = json.loads((folder / "model.json").read_text())
    callers = manifest["callers"]

    def sets(specs: list[dict]) -> str:
        return ", ".join(
            f"{s['name']} ({s['start'] // 1_000_000}-{(s['start'] + s['length']) / 1e6:g} Mb, "
            f"{s['depth']:g}x {s['profile']})"
            for s in specs
        )

    first = next(iter(callers.values()))
    rows = "\n".join(
        f"| {caller} | {e['training_sites']:,} ({e['training_true']:,}) | {e['threshold']:.4f} | "
        f"{e['validation']['unfiltered']['F1']:.4f} | {e['validation']['model']['F1']:.4f} | "
        f"{e['validation']['model']['FP']} | {e['validation']['model']['FN']} |"
        for caller, e in callers.items()
    )
    text = CARD.format(
        trained=first["trained"],
        lightgbm=lightgbm.__version__,
        ensembles="; ".join(
            f"{c}, {e['ensemble']['members']} booster{'s' * (e['ensemble']['members'] > 1)} of "
            f"{e['ensemble']['rounds']} trees of at most {e['ensemble']['leaves']} leaves"
            for c, e in callers.items()
        ),
        features="; ".join(f"{c}: {', '.join(e['features'])}" for c, e in callers.items()),
        clean="/".join(ERROR_PROFILES["clean"]),
        noisy="/".join(ERROR_PROFILES["noisy"]),
        rate=MUTATION_RATE,
        indels=INDEL_FRACTION,
        prior=model.CANDIDATE_PRIOR,
        min_ireads=model.CANDIDATE_MIN_GAPPED_READS,
        strand_rate=artefacts.strand_sites_per_mb,
        strand_low=artefacts.strand_fraction[0],
        strand_high=artefacts.strand_fraction[1],
        homopolymer=artefacts.min_homopolymer,
        slip=artefacts.slippage_per_base,
        slip_max=artefacts.max_slippage,
        repeat_length=artefacts.min_repeat_length,
        repeat_slip=artefacts.repeat_slippage_per_copy,
        repeat_max=artefacts.max_repeat_slippage,
        training=sets(first["training_sets"]),
        validation=sets(first["validation_sets"]),
        rows=rows,
    )
    (folder / "MODEL_CARD.md").write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # named for its reads: sets simulated without repeat stutter (in /tmp/train-score, before
    # 2026-12-07) carry the same names and must not be taken for them
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/train-score-stutter"))
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--out", type=Path, default=MODEL_FOLDER)
    parser.add_argument(
        "--caller",
        choices=CALLERS,
        action="append",
        help="train only this caller (repeatable; default: every caller)",
    )
    parser.add_argument(
        "--calls", type=Path, help="one caller's callsets of an earlier run instead of the pipeline"
    )
    args = parser.parse_args()
    callers = args.caller or list(CALLERS)
    if args.calls and len(callers) != 1:
        parser.error("--calls holds one caller's callsets: name that caller with --caller")
    reads = {
        spec.name: simulate(CHR20, spec, args.workdir / "sets", TRAINING_ARTEFACTS)
        for spec in TRAINING + VALIDATION
    }
    rows = []
    for caller in callers:
        if not args.calls:
            run_caller(args.workdir / "pipeline", reads, caller, args.cache, args.cores)
        calls = args.calls or args.workdir / "pipeline" / "results"
        rows.append(train_caller(calls, reads, caller, args.out))
    write_model_card(args.out)
    print_table(rows, title="Validation sets (all depths together): unfiltered vs model PASS")
    write_json("train_score.json", rows)


if __name__ == "__main__":
    main()

"""Would the germline score gain from more training windows, or from read features only the BAM
holds? Offline ablation on the held-out sets of accuracy_depth.py (bcftools).

Each variant is trained like bench/train_score.py (the shipped ensemble, isotonic calibration
and best-F1 threshold on the validation sets) and scores the candidate calls accuracy_depth.py
kept (the candidates are the same whatever the model; only PASS changes):

- shipped: the training and validation sets of train_score.py;
- more windows: plus 8 training and 2 validation windows of 10-20x noisy reads, the depth and
  profile of the target's set (MORE_TRAINING, MORE_VALIDATION);
- cycle: plus two values read from each call's BAM, for SNVs (score_misses.alt_bases): the
  mean sequencing cycle of the ALT bases and the share of them in the last third of the read
  (dwgsim's errors, like Illumina's, rise along the read; bcftools' RPBZ ranks positions on
  the reference, whatever the strand).

Printed per held-out set: SNV and indel FP, FN (truth never emitted included) and F1 inside
the confident regions, as accuracy_depth.py counts them for the shipped model.

    .venv/bin/python bench/train_score.py --caller bcftools --out /tmp/model  # its callsets
    .venv/bin/python bench/accuracy_depth.py --callers bcftools --settings score \\
        --sets h08 h15n h15n2 h15n3 h60
    .venv/bin/python bench/score_ablation.py      # ~10 min on 2 cores after the two above
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pysam
import yaml

import train_score
from accuracy_depth import HELD_OUT
from common import CHR20, DEFAULT_CACHE, REPO, inside, print_table, read_bed, write_json
from score_misses import alt_bases
from tailorseq.scoring import features, fit, model
from tailorseq.scoring.simulate import Artefacts, SimulatedSet, simulate

WINDOW = train_score.WINDOW
MORE_TRAINING = [
    SimulatedSet("t15n3", "20", 1_000_001, WINDOW, 15, "noisy", 121),
    SimulatedSet("t12n3", "20", 9_000_001, WINDOW, 12, "noisy", 122),
    SimulatedSet("t18n2", "20", 13_000_001, WINDOW, 18, "noisy", 123),
    SimulatedSet("t10n2", "20", 16_000_001, WINDOW, 10, "noisy", 124),
    SimulatedSet("t15n4", "20", 19_000_001, WINDOW, 15, "noisy", 125),
    SimulatedSet("t20n2", "20", 21_000_001, WINDOW, 20, "noisy", 126),
    SimulatedSet("t15n5", "20", 23_000_001, WINDOW, 15, "noisy", 127),
    SimulatedSet("t12n4", "20", 24_000_001, WINDOW, 12, "noisy", 128),
]
MORE_VALIDATION = [
    SimulatedSet("v15n2", "20", 37_000_001, WINDOW, 15, "noisy", 207),
    SimulatedSet("v18n", "20", 54_000_001, WINDOW, 18, "noisy", 208),
]
CYCLE = ("alt_cycle", "alt_last_third")
KINDS = ("SNV", "indel")


def truth_key(site: features.Site) -> fit.Key:
    return site.contig, site.pos, site.ref, site.alt


def cycle_values(bam: pysam.AlignmentFile, site: features.Site, limits: tuple) -> list[float]:
    """The CYCLE values of an SNV call (NaN for an indel or no ALT base passing the limits)."""
    if len(site.ref) != 1 or len(site.alt) != 1:
        return [np.nan, np.nan]
    cycles = [cycle for cycle, _ in alt_bases(bam, truth_key(site), *limits)]
    if not cycles:
        return [np.nan, np.nan]
    return [float(np.mean(cycles)), float(np.mean(np.array(cycles) > 2 / 3))]


class SetData:
    """One set's calls: features, BAM cycle values, labels, the truth keys and its window."""

    def __init__(self, spec: SimulatedSet, vcf: Path, bam: Path, truth: Path, limits: tuple):
        self.sites = list(features.vcf_features(str(vcf), str(CHR20), "bcftools"))
        self.keys = fit.truth_keys(truth, CHR20, (spec.contig, spec.start, spec.end))
        self.x = features.matrix(self.sites, "bcftools")
        with pysam.AlignmentFile(str(bam)) as alignments:
            self.cycle = np.array([cycle_values(alignments, s, limits) for s in self.sites])
        self.y = np.array([truth_key(s) in self.keys for s in self.sites])

    def columns(self, cycle: bool) -> np.ndarray:
        return np.hstack([self.x, self.cycle]) if cycle else self.x


def examples(sets: list[SetData], cycle: bool) -> fit.Examples:
    found = fit.Examples("bcftools")
    for data in sets:
        found.rows.append(data.columns(cycle))
        found.labels.append(data.y.astype(int))
        found.truth += len(data.keys)
    return found


def kind_of(ref: str, alt: str) -> str:
    return "SNV" if len(ref) == len(alt) == 1 else "indel"


def held_out_row(data: SetData, bed: list, probabilities: np.ndarray, threshold: float) -> dict:
    """FP, FN and F1 per kind of the calls kept at the threshold, inside the confident BED."""
    row = {}
    for kind in KINDS:
        truth = {k for k in data.keys if kind_of(k[2], k[3]) == kind and inside(bed, *k[:3])}
        kept = {
            truth_key(s)
            for s, p in zip(data.sites, probabilities, strict=True)
            if p >= threshold and kind_of(s.ref, s.alt) == kind and inside(bed, *truth_key(s)[:3])
        }
        tp = len(kept & truth)
        row[f"{kind}_F1"] = 2 * tp / (len(kept) + len(truth)) if kept or truth else 0.0
        row[f"{kind}_FP"], row[f"{kind}_FN"] = len(kept) - tp, len(truth) - tp
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train-workdir", type=Path, default=Path("/tmp/train-score"))
    parser.add_argument("--depth-workdir", type=Path, default=Path("/tmp/bench-depth"))
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--cores", type=int, default=2)
    args = parser.parse_args()
    calling = yaml.safe_load((REPO / "config" / "config.yaml").read_text())["calling"]
    limits = (calling["min_baseq"], calling["min_mapq"])
    specs = train_score.TRAINING + train_score.VALIDATION + MORE_TRAINING + MORE_VALIDATION
    reads = {spec.name: simulate(CHR20, spec, args.train_workdir / "sets") for spec in specs}
    train_score.run_caller(args.train_workdir / "pipeline", reads, "bcftools", args.cache,
                           args.cores)  # fmt: skip
    results = args.train_workdir / "pipeline" / "results"
    loaded = {spec.name: SetData(spec, train_score.callset(results, spec.name),
                                 results / spec.name / f"{spec.name}.bam", reads[spec.name].truth,
                                 limits) for spec in specs}  # fmt: skip
    depth = args.depth_workdir
    held = {}
    for spec in HELD_OUT:
        simulated = simulate(CHR20, spec, depth / "sets", Artefacts())
        vcf = depth / "kept" / "bcftools-score" / f"{spec.name}.vcf.gz"
        bam = depth / "results" / spec.name / f"{spec.name}.bam"
        held[spec.name] = (SetData(spec, vcf, bam, simulated.truth, limits),
                           read_bed(simulated.confident))  # fmt: skip
    variants = {"shipped": ([], [], False), "more windows": (MORE_TRAINING, MORE_VALIDATION, False),
                "cycle": ([], [], True)}  # fmt: skip
    rows = []
    for name, (more_training, more_validation, cycle) in variants.items():
        training = [loaded[s.name] for s in train_score.TRAINING + more_training]
        validation = examples([loaded[s.name] for s in train_score.VALIDATION + more_validation],
                              cycle)  # fmt: skip
        boosters = fit.fit_ensemble(examples(training, cycle), fit.ENSEMBLES["bcftools"],
                                    CYCLE if cycle else ())  # fmt: skip
        raw = model.mean_raw(boosters, validation.x)
        calibration = fit.calibrate(raw, validation.y)
        best = fit.best_threshold(np.interp(raw, *calibration), validation.y, validation.truth)
        for set_name, (data, bed) in held.items():
            scores = np.interp(model.mean_raw(boosters, data.columns(cycle)), *calibration)
            rows.append({"variant": name, "validation_F1": best["F1"], "set": set_name,
                         **held_out_row(data, bed, scores, best["threshold"])})  # fmt: skip
    print_table(rows, title="Held-out sets (bcftools) by model variant")
    write_json("score_ablation.json", rows)


if __name__ == "__main__":
    main()

"""Training the variant score: labels from a truth VCF, a LightGBM model, isotonic calibration
and the PASS threshold with the best F1 (truth the caller never emitted counts as missed).

The orchestration (simulating read sets, running the pipeline) is bench/train_score.py; this
module is the learning itself, so that it is tested like the rest of the package.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pysam

from tailorseq.scoring import features
from tailorseq.scoring.model import MANIFEST, lightgbm_name

# Shallow trees and a modest learning rate: a few thousand training sites, little to overfit.
BOOSTER_PARAMS = {
    "objective": "binary",
    "learning_rate": 0.05,
    "min_data_in_leaf": 20,
    "feature_fraction": 0.9,
    "bagging_fraction": 0.9,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "deterministic": True,
    "force_row_wise": True,
    "num_threads": 1,
    "verbosity": -1,
}
CALIBRATION_POINTS = 200  # at most this many breakpoints are kept


Key = tuple[str, int, str, str]


def truth_keys(truth_vcf: Path, reference: Path, region: tuple[str, int, int]) -> set[Key]:
    """(contig, POS, REF, ALT) of a truth VCF's variants inside `region` (1-based, inclusive),
    split, left-aligned and atomised like the pipeline's calls."""
    contig, start, end = region
    with tempfile.TemporaryDirectory() as tmp:
        normalised = Path(tmp) / "truth.vcf"
        subprocess.run(
            ["bcftools", "norm", "--multiallelics", "-both", "--atomize", "--fasta-ref",
             str(reference), "--output-type", "v", "--output", str(normalised), str(truth_vcf)],
            check=True,
            capture_output=True,
        )  # fmt: skip
        with pysam.VariantFile(str(normalised)) as variants:
            return {
                (r.contig, r.pos, r.ref, r.alts[0])
                for r in variants
                if r.contig == contig and start <= r.pos and r.pos + len(r.ref) - 1 <= end
            }


@dataclass
class Examples:
    """Feature rows, labels (1 = a true variant) and the truth no call reached, per caller."""

    caller: str
    rows: list[np.ndarray] = field(default_factory=list)
    labels: list[np.ndarray] = field(default_factory=list)
    truth: int = 0

    def add(self, sites: list[features.Site], keys: set[Key]) -> None:
        """Add one sample's sites, labelled against its truth keys."""
        labels = np.array([site.key in keys for site in sites], dtype=int)
        self.add_rows(features.matrix(sites, self.caller), labels, len(keys))

    def add_rows(self, rows: np.ndarray, labels: np.ndarray, truth: int) -> None:
        """Add feature rows (the caller's features, then any extra columns) with their labels
        and the number of truth variants they are measured against."""
        self.rows.append(rows)
        self.labels.append(labels)
        self.truth += truth

    @property
    def x(self) -> np.ndarray:
        return np.vstack(self.rows)

    @property
    def y(self) -> np.ndarray:
        return np.concatenate(self.labels)


@dataclass(frozen=True)
class Ensemble:
    """A caller's model: the mean raw output of `members` boosters, seeds 1..members (the seed
    draws LightGBM's row and feature subsamples), each of `rounds` trees of `leaves` leaves."""

    members: int
    rounds: int
    leaves: int


# Chosen on the validation sets (bench/train_score.py). bcftools: one booster's PASS calls
# moved with its seed (about 9 of 5,164 validation calls between seeds; 5 boosters 8, 10
# boosters 3, 15 boosters 2); 15 boosters of 7 leaves gave the best validation F1 (0.9757
# against 0.9753) with indels no worse than one booster of 15 leaves (0.9818 against 0.9817;
# 7-leaf boosters of 150 trees lost indels, 0.9800). freebayes: not re-measured this time, so
# it keeps the single booster it shipped with.
# A single booster distilled from the bcftools ensemble (cross-entropy on its probability, no
# row or feature subsampling: no seed, PASS identical across seeds and row orders) scores a
# call 8x faster (0.017 against 0.14 CPU ms) and, chosen on the validation sets (300 trees of
# 15 leaves: F1 0.9760 against 0.9757), still missed one more h15n SNV (F1 0.9842 against
# 0.9847; 800 trees, the closest to the ensemble on validation, the same): not shipped.
ENSEMBLES = {
    "bcftools": Ensemble(members=15, rounds=300, leaves=7),
    "freebayes": Ensemble(members=1, rounds=300, leaves=15),
}


def fit_ensemble(examples: Examples, ensemble: Ensemble, extra: Sequence[str] = ()) -> list:
    """The ensemble's LightGBM boosters on the examples' features (and `extra` columns after
    them, for trying a feature out: bench/score_ablation.py)."""
    import lightgbm

    names = [lightgbm_name(name) for name in (*features.feature_names(examples.caller), *extra)]
    data = lightgbm.Dataset(examples.x, label=examples.y, feature_name=names)
    params = BOOSTER_PARAMS | {"num_leaves": ensemble.leaves}
    return [
        lightgbm.train(params | {"seed": seed}, data, num_boost_round=ensemble.rounds)
        for seed in range(1, ensemble.members + 1)
    ]


def calibrate(raw: np.ndarray, labels: np.ndarray) -> tuple[list[float], list[float]]:
    """Isotonic map from the model's raw output to the observed share of true calls."""
    from sklearn.isotonic import IsotonicRegression

    isotonic = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(raw, labels)
    x, y = isotonic.X_thresholds_, isotonic.y_thresholds_
    if len(x) > CALIBRATION_POINTS:
        keep = np.unique(np.linspace(0, len(x) - 1, CALIBRATION_POINTS).round().astype(int))
        x, y = x[keep], y[keep]
    return [round(float(v), 6) for v in x], [round(float(v), 6) for v in y]


def f1_at(probabilities: np.ndarray, labels: np.ndarray, truth: int, threshold: float) -> dict:
    """Precision, recall and F1 of keeping calls with probability >= threshold; recall is over
    all `truth` variants, so truth that was never called counts as missed."""
    kept = probabilities >= threshold
    tp = int(np.sum(kept & (labels == 1)))
    fp = int(np.sum(kept & (labels == 0)))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / truth if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"threshold": threshold, "TP": tp, "FP": fp, "FN": truth - tp, "precision": precision,
            "recall": recall, "F1": f1}  # fmt: skip


def best_threshold(probabilities: np.ndarray, labels: np.ndarray, truth: int) -> dict:
    """The probability threshold with the best F1 (the lowest among ties: keep more)."""
    candidates = np.unique(probabilities)
    best = max((f1_at(probabilities, labels, truth, t) for t in candidates),
               key=lambda row: (round(row["F1"], 6), -row["threshold"]))  # fmt: skip
    return best


def write_caller_model(
    folder: Path, caller: str, boosters: list, calibration: tuple, threshold: float, card: dict
) -> None:
    """Save a caller's boosters (replacing its earlier files) and update the folder's manifest."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob(f"{caller}.*lgb.txt"):
        old.unlink()
    model_files = [f"{caller}.{index}.lgb.txt" for index in range(1, len(boosters) + 1)]
    for booster, name in zip(boosters, model_files, strict=True):
        booster.save_model(str(folder / name))
    manifest_path = folder / MANIFEST
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    manifest.setdefault("callers", {})[caller] = {
        "model_files": model_files,
        "features": list(features.feature_names(caller)),
        "calibration": {"raw": calibration[0], "probability": calibration[1]},
        "threshold": threshold,
        "trained": date.today().isoformat(),
        **card,
    }
    manifest_path.write_text(json.dumps(manifest, indent=1) + "\n")

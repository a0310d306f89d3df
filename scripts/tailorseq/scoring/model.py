"""The trained variant score: a LightGBM model per caller, calibrated to a probability.

A model folder (the shipped one is resources/germline_score/) holds, per caller, the boosters
of an ensemble, `<caller>.<n>.lgb.txt` (LightGBM's own text format: readable, versionable, no
pickle), and one `model.json` with the feature names, the isotonic calibration (breakpoints
mapping the mean raw output of the caller's boosters to the probability that the call is real,
as measured on validation data), the PASS threshold on that probability and what the model
was trained and validated on.
"""

from __future__ import annotations

import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tailorseq.errors import InputError
from tailorseq.locations import RESOURCES
from tailorseq.scoring import features

MANIFEST = "model.json"
MAX_PHRED = 60
# bcftools call --prior of the candidates the model judges (and was trained on): wide, so that
# sites with a few alternate reads become candidates; bcftools' own default is 1.1e-3, which
# the QUAL fallback keeps, since QUAL alone cannot tell the extra candidates from errors.
CANDIDATE_PRIOR = 0.2
BCFTOOLS_DEFAULT_PRIOR = 1.1e-3
# bcftools mpileup --min-ireads of those candidates: an indel one read's alignment shows is a
# candidate, and bcftools' realignment then weighs it on every read (bench/score_ablation.py:
# fewer indel errors at 8x and 15x; the model, trained on reads with repeat stutter, keeps the
# stutter out of PASS). bcftools' own 2 stays with the QUAL fallback.
CANDIDATE_MIN_GAPPED_READS = 1
BCFTOOLS_DEFAULT_MIN_GAPPED_READS = 2
BUNDLED = RESOURCES / "germline_score"
FIX = (
    "set calling.score_model to a folder written by bench/train_score.py, or leave it empty "
    "for the bundled model; calling.filter: qual switches the model off"
)


@dataclass(frozen=True)
class CallerModel:
    """One caller's boosters with their calibration and threshold."""

    caller: str
    boosters: tuple  # lightgbm.Booster (imported lazily: the fallback needs no LightGBM)
    features: tuple[str, ...]
    calibration_x: np.ndarray
    calibration_y: np.ndarray
    threshold: float

    def probabilities(self, values: np.ndarray) -> np.ndarray:
        """P(call is real) for each row of a feature matrix."""
        if len(values) == 0:
            return np.zeros(0)
        return np.interp(mean_raw(self.boosters, values), self.calibration_x, self.calibration_y)


def mean_raw(boosters, values: np.ndarray) -> np.ndarray:
    """An ensemble's raw output (before calibration): the mean of its boosters' raw outputs.

    On one thread, as the filter rule declares: by default LightGBM predicts on an OpenMP thread
    per core of the machine, whatever the job was given, and on a callset's batches those
    threads' start and wait cost more CPU than they save (1,553 calls, 15 boosters, 2 cores:
    0.24 CPU s against 0.15; the same outputs)."""
    return np.mean(
        [booster.predict(values, raw_score=True, num_threads=1) for booster in boosters], axis=0
    )


def phred(probability: float) -> int:
    """-10 log10(1 - p), capped at MAX_PHRED: the score as a quality like GQ."""
    if probability >= 1:
        return MAX_PHRED
    return min(MAX_PHRED, round(-10 * math.log10(1 - probability)))


def read_manifest(folder: Path) -> dict:
    """The model folder's manifest, or an error naming what is missing."""
    path = folder / MANIFEST
    if not path.is_file():
        raise InputError(str(path), "no variant-score model here", FIX)
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise InputError(str(path), f"not a readable model manifest ({error})", FIX) from error


def caller_entry(folder: Path, caller: str) -> dict:
    """A caller's entry of the manifest, checked for the files and features it names."""
    entry = read_manifest(folder).get("callers", {}).get(caller)
    if entry is None:
        raise InputError(str(folder / MANIFEST), f"no model for the caller {caller}", FIX)
    files = entry.get("model_files", [])
    if not files or not all((folder / name).is_file() for name in files):
        raise InputError(str(folder / MANIFEST), f"a {caller} model file is missing", FIX)
    if tuple(entry.get("features", ())) != features.feature_names(caller):
        raise InputError(
            str(folder / MANIFEST),
            f"the {caller} model was trained on other features than this version computes",
            "retrain it with bench/train_score.py",
        )
    return entry


def model_files(folder: Path, caller: str) -> list[Path]:
    """The files a caller's model is read from: the manifest and the caller's boosters."""
    boosters = caller_entry(folder, caller)["model_files"]
    return [folder / MANIFEST, *(folder / name for name in boosters)]


def model_problems(calling: dict, caller: str, workdir: Path) -> list[InputError]:
    """Before compute: the configured model exists and fits this version (score filter only)."""
    if calling["filter"] != "score":
        return []
    folder = workdir / calling["score_model"] if calling["score_model"] else BUNDLED
    try:
        caller_entry(folder, caller)
    except InputError as error:
        return [error]
    return []


# Packages LightGBM imports, when installed, for its own integrations (scikit-learn API, pandas
# and Arrow input, plotting): 2 of the 2.6 CPU seconds of a filter job; a Booster needs none.
LIGHTGBM_EXTRAS = ("sklearn", "pandas", "dask", "pyarrow", "matplotlib", "graphviz", "polars")


def import_lightgbm():
    """LightGBM without its optional integrations (those already imported stay)."""
    hidden = [name for name in LIGHTGBM_EXTRAS if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # an import of it raises ImportError: "not installed"
    try:
        import lightgbm
    finally:
        for name in hidden:
            del sys.modules[name]
    return lightgbm


def load(folder: Path, caller: str) -> CallerModel:
    """Load a caller's model from a model folder."""
    lightgbm = import_lightgbm()

    entry = caller_entry(folder, caller)
    names = tuple(lightgbm_name(name) for name in entry["features"])
    boosters = []
    for name in entry["model_files"]:
        booster = lightgbm.Booster(model_file=str(folder / name))
        if tuple(booster.feature_name()) != names:
            raise InputError(str(folder / name), "features differ from model.json", FIX)
        boosters.append(booster)
    return CallerModel(
        caller,
        tuple(boosters),
        tuple(entry["features"]),
        np.array(entry["calibration"]["raw"], dtype=float),
        np.array(entry["calibration"]["probability"], dtype=float),
        float(entry["threshold"]),
    )


def lightgbm_name(name: str) -> str:
    """LightGBM's spelling of a feature name (no slashes)."""
    return name.replace("/", "_")

"""Sample QC from samtools stats and mosdepth, judged pass/warn/fail against thresholds."""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tailorseq import documents
from tailorseq.defaults import config_defaults
from tailorseq.errors import InputError

if TYPE_CHECKING:
    from tailorseq.report.assemble import SampleFiles, Settings, TumourFiles

STATUS_ORDER = {"pass": 0, "warn": 1, "fail": 2, "not assessed": -1}


@dataclass(frozen=True)
class Thresholds:
    """QC limits: below `warn_*` warns, below `fail_*` fails (above, for duplicates)."""

    warn_mean_coverage: float
    fail_mean_coverage: float
    warn_mapped_pct: float
    fail_mapped_pct: float
    warn_duplicate_pct: float
    fail_duplicate_pct: float

    @classmethod
    def from_config(cls, qc: dict[str, Any] | None) -> Thresholds:
        """From the config's `report.qc` section (missing keys: the config schema's defaults)."""
        values = config_defaults("report")["qc"] | (qc or {})
        return cls(**{item.name: float(values[item.name]) for item in fields(cls)})


def samtools_summary(path: Path) -> dict[str, float]:
    """The SN section of `samtools stats` as name -> number."""
    values: dict[str, float] = {}
    for line in path.read_text().splitlines():
        if line.startswith("SN\t"):
            fields = line.split("\t")
            try:
                values[fields[1].rstrip(":")] = float(fields[2])
            except (IndexError, ValueError):
                continue
    if "raw total sequences" not in values:
        raise InputError(str(path), "is not `samtools stats` output (no SN lines)", "rerun QC")
    return values


def mosdepth_mean(path: Path) -> tuple[float, str]:
    """Mean depth from a mosdepth summary: over the targets (`total_region`) when it has them,
    else over the genome (`total`); with the scope it covers."""
    rows = {}
    for line in path.read_text().splitlines()[1:]:
        fields = line.split("\t")
        if len(fields) >= 4:
            rows[fields[0]] = float(fields[3])
    if "total_region" in rows:
        return rows["total_region"], "targets"
    if "total" in rows:
        return rows["total"], "genome"
    raise InputError(str(path), "is not a mosdepth summary (no total row)", "rerun mosdepth")


def judge(value: float | None, warn: float, fail: float, higher_is_better: bool = True) -> str:
    """pass, warn or fail of one metric; `not assessed` without a value."""
    if value is None:
        return "not assessed"
    if higher_is_better:
        return "fail" if value < fail else "warn" if value < warn else "pass"
    return "fail" if value > fail else "warn" if value > warn else "pass"


def overall(statuses: list[str]) -> str:
    """The worst status of the metrics that were assessed."""
    assessed = [s for s in statuses if STATUS_ORDER.get(s, -1) >= 0]
    if not assessed:
        return "not assessed"
    return max(assessed, key=STATUS_ORDER.__getitem__)


def sample_qc(stats: Path, mosdepth_summary: Path, thresholds: Thresholds) -> dict[str, Any]:
    """Mean coverage, mapped % and duplicate % of one sample, each judged, and the verdict."""
    sn = samtools_summary(stats)
    total = sn["raw total sequences"]
    mapped = 100.0 * sn.get("reads mapped", 0.0) / total if total else None
    duplicates = 100.0 * sn.get("reads duplicated", 0.0) / total if total else None
    mean, scope = mosdepth_mean(mosdepth_summary)
    t = thresholds
    metrics = [
        _metric(
            "mean_coverage",
            "Mean coverage",
            mean,
            "x",
            t.warn_mean_coverage,
            t.fail_mean_coverage,
            True,
            f"mean depth over the {scope}",
        ),
        _metric(
            "mapped_pct",
            "Reads mapped",
            mapped,
            "%",
            t.warn_mapped_pct,
            t.fail_mapped_pct,
            True,
            "of all primary reads",
        ),
        _metric(
            "duplicate_pct",
            "Duplicate reads",
            duplicates,
            "%",
            t.warn_duplicate_pct,
            t.fail_duplicate_pct,
            False,
            "marked as PCR or optical duplicates",
        ),
    ]
    return {
        "reads": int(total),
        "metrics": metrics,
        "status": overall([m["status"] for m in metrics]),
        "not_checked": [
            "contamination and sample-swap checks are not implemented yet",
        ],
    }


def _metric(key, label, value, unit, warn, fail, higher_is_better, note) -> dict[str, Any]:
    return {
        "key": key,
        "label": label,
        "value": None if value is None else round(value, 2),
        "unit": unit,
        "warn_threshold": warn,
        "fail_threshold": fail,
        "direction": "min" if higher_is_better else "max",
        "status": judge(value, warn, fail, higher_is_better),
        "note": note,
    }


#: Tumour/normal germline concordance below these warns / fails (a possible sample swap).
CONCORDANCE_WARN, CONCORDANCE_FAIL = 0.95, 0.9


def qc_section(samples: list[SampleFiles], tumours: list[TumourFiles], settings: Settings):
    """The report's QC section: each sample's metrics and verdicts, and tumour/normal identity."""
    entries = []
    for sample in samples:
        if sample.stats and sample.mosdepth:
            entry = {
                "sample": sample.name,
                "kind": sample.kind,
                **sample_qc(sample.stats, sample.mosdepth, settings.thresholds),
            }
        else:
            entry = {
                "sample": sample.name,
                "kind": sample.kind,
                "reads": None,
                "metrics": [],
                "status": "not assessed",
                "not_checked": ["QC files were not produced"],
            }
        entries.append(entry)
    pair_checks = []
    for tumour in tumours:
        summary = documents.load_optional("somatic", tumour.summary)
        if summary is not None:
            concordance = summary["concordance"]
            fraction, verdict = concordance["fraction"], concordance["verdict"]
            status = judge(fraction, CONCORDANCE_WARN, CONCORDANCE_FAIL)
            pair_checks.append(
                {
                    "tumor": tumour.tumor,
                    "normal": tumour.normal,
                    "check": "germline concordance",
                    "fraction": fraction,
                    "verdict": verdict,
                    "status": status,
                }
            )
            for entry in entries:
                if entry["sample"] == tumour.tumor and entry["not_checked"]:
                    entry["not_checked"] = ["contamination is not checked yet"]
    statuses = [e["status"] for e in entries] + [c["status"] for c in pair_checks]
    return {
        "status": overall(statuses),
        "samples": entries,
        "pair_checks": pair_checks,
        "thresholds": vars(settings.thresholds),
    }

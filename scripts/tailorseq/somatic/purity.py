"""Tumour purity from the somatic SNVs' allele fractions in copy-neutral segments.

In a diploid segment without copy change a clonal heterozygous somatic SNV is on one of the tumour
cells' two copies while the sample's normal cells carry none, so its expected allele fraction is
purity / 2; subclonal SNVs sit below that peak. This is the allele-fraction principle that
purity estimators build on (e.g. PureCN: Riester et al., Source Code Biol Med 2016;11:13, which
adds copy number and germline SNPs). Here: PASS SNVs on autosomes, in segments whose log2 ratio
(before any purity adjustment) is within `neutral_log2` of zero, with enough tumour depth; the
highest-fraction mode of their fractions' density (Gaussian kernel) up to 0.5, the pooled fraction
of the SNVs near it (alternate reads over depth), doubled. A percentile bootstrap over the SNVs
gives the 90% interval. Fewer SNVs than `min_mutations`: not estimated, with the count.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pysam
from scipy import signal, stats

from tailorseq.regions import Region

METHOD = (
    "twice the clonal peak of somatic SNV allele fractions in copy-neutral autosomal segments"
    " (90% interval: percentile bootstrap)"
)
GRID = np.linspace(0.0, 0.55, 111)  # a clonal heterozygous SNV's fraction is at most 0.5
PEAK_SHARE = 0.5  # a mode counts as a peak when its density is at least half the highest
RESAMPLES = 500
SEED = 20161  # the bootstrap is reproducible: the same SNVs give the same interval


@dataclass(frozen=True)
class PuritySettings:
    """The purity estimate's part of the config's `cnv` section."""

    min_mutations: int
    min_depth: int
    neutral_log2: float

    @classmethod
    def from_config(cls, section: dict[str, Any]) -> PuritySettings:
        return cls(
            section["purity_min_mutations"],
            section["purity_min_depth"],
            section["purity_neutral_log2"],
        )


def neutral_segments(
    segments_cns: Path, neutral_log2: float, min_bins: int, excluded: set[str]
) -> list[Region]:
    """CNVkit's segments (`segment` output, log2 before purity adjustment) close enough to
    log2 0 over at least `min_bins` bins, outside the `excluded` contigs (sex chromosomes)."""
    with segments_cns.open() as handle:
        return [
            Region(row["chromosome"], int(row["start"]), int(row["end"]))
            for row in csv.DictReader(handle, delimiter="\t")
            if row["chromosome"] not in excluded
            and abs(float(row["log2"])) <= neutral_log2
            and int(row["probes"]) >= min_bins
        ]


def snv_counts(vcf: Path, segments: list[Region], min_depth: int) -> np.ndarray:
    """(alternate reads, depth) in the tumour (the VCF's first sample) of each PASS SNV inside a
    segment, with at least `min_depth` reads."""
    by_contig: dict[str, list[Region]] = {}
    for segment in segments:
        by_contig.setdefault(segment.contig, []).append(segment)
    counts = []
    with pysam.VariantFile(str(vcf)) as handle:
        tumour = handle.header.samples[0]
        for record in handle:
            if list(record.filter.keys()) != ["PASS"] or len(record.ref) != 1:
                continue
            if len(record.alts or ()) != 1 or len(record.alts[0]) != 1:
                continue
            inside = any(s.start < record.pos <= s.end for s in by_contig.get(record.contig, []))
            depths = record.samples[tumour]["AD"]
            if inside and None not in depths and sum(depths) >= min_depth:
                counts.append((depths[1], sum(depths)))
    return np.array(counts, dtype=float).reshape(-1, 2)


def clonal_purity(counts: np.ndarray) -> float:
    """Twice the pooled allele fraction of the SNVs around the highest-fraction density peak."""
    fractions = counts[:, 0] / counts[:, 1]
    if np.ptp(fractions) == 0:
        peak = float(fractions[0])
    else:
        density = stats.gaussian_kde(fractions)(GRID)
        found, _ = signal.find_peaks(np.concatenate([[0.0], density, [0.0]]))
        tall = [i - 1 for i in found if density[i - 1] >= PEAK_SHARE * density.max()]
        peak = float(GRID[max(tall)])
    spread = np.sqrt(max(peak * (1 - peak), 0.01) / np.median(counts[:, 1]))
    near = np.abs(fractions - peak) <= max(2 * spread, 0.05)
    pooled = counts[near, 0].sum() / counts[near, 1].sum() if near.any() else peak
    return float(min(1.0, 2 * pooled))


def not_estimated(reason: str, mutations: int = 0) -> dict[str, Any]:
    """An estimate that was not made, and why."""
    return {
        "method": METHOD,
        "mutations": mutations,
        "status": "not estimated",
        "value": None,
        "interval": None,
        "reason": reason,
    }


def estimate(counts: np.ndarray, settings: PuritySettings) -> dict[str, Any]:
    """The estimate with its interval, or why it was not made."""
    if len(counts) < settings.min_mutations:
        return not_estimated(
            f"{len(counts)} PASS SNV(s) with >= {settings.min_depth} tumour reads in"
            f" copy-neutral segments; the estimate needs {settings.min_mutations}"
            " (cnv.purity_min_mutations)",
            len(counts),
        )
    boot = stats.bootstrap(
        (np.arange(len(counts)),),
        lambda rows: clonal_purity(counts[rows.astype(int)]),
        vectorized=False,
        n_resamples=RESAMPLES,
        confidence_level=0.9,
        method="percentile",
        rng=np.random.default_rng(SEED),
    )
    low, high = boot.confidence_interval
    return {
        "method": METHOD,
        "mutations": len(counts),
        "status": "estimated",
        "value": round(clonal_purity(counts), 2),
        "interval": [round(float(low), 2), round(float(high), 2)],
        "reason": "",
    }


def resolve(given: float | None, estimated: dict[str, Any]) -> dict[str, Any]:
    """The purity copy number is adjusted for: the sheet's, else the estimate, else none; a note
    when the sheet's value lies outside the estimate's interval."""
    if given is not None:
        value, source = given, "samples.tsv"
    elif estimated["status"] == "estimated":
        value, source = estimated["value"], "estimated from the tumour's somatic SNVs"
    else:
        value, source = None, "not given and not estimated: copy number assumes a pure tumour"
    note = ""
    interval = estimated["interval"]
    if given is not None and interval and not interval[0] <= given <= interval[1]:
        note = (
            f"the sample sheet's purity {given:g} lies outside the estimate's 90% interval"
            f" {interval[0]:g}-{interval[1]:g}: check the sheet or the tumour content"
        )
    return {"value": value, "source": source, "estimate": estimated, "note": note}

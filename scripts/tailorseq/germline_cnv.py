"""Germline exon-level copy number from read depth against the run's other germline samples.

Each sample's mean depth over the coding parts of every gene (the gene_coverage rule: mosdepth
`--by` the gene CDS BED, reads of mapping quality >= calling.min_mapq) is compared with the
other germline samples of the run, the read-depth-ratio design of ExomeDepth (Plagnol et al.,
Bioinformatics 2012;28:2747) and DECoN (Fowler et al., Wellcome Open Res 2016;1:20), both R
packages that this environment cannot install; CNVkit's segmenters need many bins per segment,
not the one to ten exons of an intragenic event. So, per sample:

1. depth per copy (the contig's ploidy in the sample's sex), divided by the sample's median
   over all parts: a relative depth that no longer depends on the sample's total coverage;
2. the reference: the median relative depth of the other samples, part by part (so a part's
   own capture or mappability bias cancels); a part is assessed when its expected depth in the
   sample is at least `min_depth`;
3. the ratio's log2, weighted by the square root of the part's expected read bases (expected
   depth x (length + 150)), since counting noise shrinks with the reads over a part; z = the
   weighted log2 over the sample's robust spread of weighted log2 (1.4826 x MAD over its
   assessed parts); copies = round(ploidy x ratio); a part is a deletion (fewer copies) or a
   duplication (more) only when |z| >= `min_z`, else neutral at its ploidy;
4. consecutive parts of one gene with the same call and copies make one segment.

With fewer than `min_reference_samples` other samples nothing is assessed, with the reason.
With a configured panel of normals (tailorseq.germline_cnv_panel) its normals' relative depths
take the place of the run's other samples in step 2.
"""

from __future__ import annotations

import gzip
import warnings
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tailorseq import documents
from tailorseq.gff import Model
from tailorseq.somatic import copy_number as cnv  # the cnv.tsv contract, shared

MAD_TO_SD = 1.4826
MIN_NOISE = 0.05  # log2; a floor so that a nearly noiseless reference cannot make any dip a call
READ_SPAN = 150  # bases: a read overlapping a part's edge adds to its depth (a nominal length)
CALLS = ("deletion", "neutral", "duplication")


@dataclass(frozen=True)
class GermlineCnvSettings:
    """Config `germline_cnv` (defaults in workflow/schemas/config.schema.yaml): how many other
    samples make a reference, the depth a part needs to be assessed, and the z-score a call
    needs."""

    min_reference_samples: int
    min_depth: float
    min_z: float

    @classmethod
    def from_config(cls, section: dict[str, Any]) -> GermlineCnvSettings:
        return cls(**{name: section[name] for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Part:
    """One coding part of a gene (a line of the gene CDS BED: `GENE|n`, n in genome order)."""

    contig: str
    start: int  # 0-based
    end: int
    gene: str


def read_part_depths(regions: Path) -> tuple[list[Part], np.ndarray]:
    """The parts and their mean depths from mosdepth's `.regions.bed.gz`."""
    parts, depths = [], []
    with gzip.open(regions, "rt") as handle:
        for line in handle:
            contig, start, end, name, depth = line.rstrip("\n").split("\t")[:5]
            parts.append(Part(contig, int(start), int(end), name.split("|")[0]))
            depths.append(float(depth))
    return parts, np.array(depths)


@dataclass(frozen=True)
class PartCall:
    """One assessed part of one sample."""

    part: Part
    ploidy: int
    depth: float
    log2: float
    z: float
    copy_number: int
    call: str


def relative_depths(depths: np.ndarray, ploidy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each sample's depth per copy over its median (steps 1 of the module docstring), and the
    medians (samples x parts, samples); NaN where a part has no copies."""
    with np.errstate(divide="ignore", invalid="ignore"):
        per_copy = np.where(ploidy > 0, depths / ploidy, np.nan)
        scale = np.nanmedian(np.where(per_copy > 0, per_copy, np.nan), axis=1)
        return per_copy / scale[:, None], scale


def call_parts(
    depths: np.ndarray,
    ploidy: np.ndarray,
    sizes: np.ndarray,
    sample: int,
    settings: GermlineCnvSettings,
    panel: np.ndarray | None = None,
) -> tuple[list[int], np.ndarray, np.ndarray, np.ndarray] | None:
    """For row `sample` of the samples x parts depth and ploidy matrices (`sizes`: each
    part's length): the indexes of the assessed parts with their log2 ratio, z and copies;
    None when too few reference samples. The reference is the run's other samples, or the
    rows of `panel` (relative depths per part, NaN where the panel has none) when given."""
    relative, scale = relative_depths(depths, ploidy)
    pool = panel if panel is not None else relative[[r for r in range(len(depths)) if r != sample]]
    if pool.shape[0] < settings.min_reference_samples:
        return None
    with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a part no reference sample has: NaN
        reference = np.nanmedian(pool, axis=0)
        expected = reference * scale[sample] * ploidy[sample]
        assessed = np.nonzero((expected >= settings.min_depth) & (reference > 0))[0]
        ratio = relative[sample, assessed] / reference[assessed]
        log2 = np.log2(np.maximum(ratio, 1e-3))
    # counting noise shrinks with the reads over a part: scale each log2 by the square root
    # of its expected read bases, then take the robust spread of the scaled values
    weight = np.sqrt(expected[assessed] * (sizes[assessed] + READ_SPAN))
    scaled = log2 * weight
    spread = MAD_TO_SD * np.median(np.abs(scaled - np.median(scaled))) if len(log2) else 0.0
    z = scaled / max(spread, MIN_NOISE * float(np.median(weight)) if len(log2) else 1.0)
    copies = np.rint(ploidy[sample, assessed] * ratio).astype(int)
    return assessed.tolist(), log2, z, copies


def sample_calls(
    parts: list[Part],
    depths: np.ndarray,
    ploidy: np.ndarray,
    sample: int,
    settings: GermlineCnvSettings,
    panel: np.ndarray | None = None,
) -> list[PartCall] | None:
    """The sample's assessed parts, each called (module docstring) against the run's other
    samples or the `panel`'s rows; None: not assessed."""
    sizes = np.array([part.end - part.start for part in parts], dtype=float)
    result = call_parts(depths, ploidy, sizes, sample, settings, panel)
    if result is None:
        return None
    calls = []
    for index, log2, z, copies in zip(*result, strict=True):
        expected = int(ploidy[sample, index])
        call = "neutral"
        if copies < expected and z <= -settings.min_z:
            call = "deletion"
        elif copies > expected and z >= settings.min_z:
            call = "duplication"
        calls.append(
            PartCall(
                parts[index],
                expected,
                float(depths[sample, index]),
                round(float(log2), 3),
                round(float(z), 2),
                int(copies) if call != "neutral" else expected,
                call,
            )
        )
    return calls


@dataclass
class Segment:
    """Consecutive assessed parts of one gene with one call and copy number."""

    calls: list[PartCall]

    @property
    def first(self) -> PartCall:
        return self.calls[0]

    def row(self) -> dict[str, Any]:
        """The segment as a cnv.tsv row (the somatic table's columns)."""
        sizes = np.array([c.part.end - c.part.start for c in self.calls])
        depth = np.array([c.depth for c in self.calls])
        log2 = np.array([c.log2 for c in self.calls])
        return {
            "contig": self.first.part.contig,
            "start": self.first.part.start,
            "end": self.calls[-1].part.end,
            "copy_number": self.first.copy_number,
            "call": self.first.call,
            "genes": self.first.part.gene,
            "log2": round(float(np.average(log2, weights=sizes)), 3),
            "probes": len(self.calls),
            "depth": round(float(np.average(depth, weights=sizes)), 1),
        }


def segments(calls: list[PartCall]) -> list[Segment]:
    """Consecutive parts of one gene and contig with the same call and copies, merged."""
    merged: list[Segment] = []
    for call in sorted(calls, key=lambda c: (c.part.contig, c.part.start)):
        last = merged[-1].calls[-1] if merged else None
        if last is not None and (last.part.contig, last.part.gene, last.call, last.copy_number) == (
            call.part.contig,
            call.part.gene,
            call.call,
            call.copy_number,
        ):
            merged[-1].calls.append(call)
        else:
            merged.append(Segment([call]))
    return merged


def exon_numbers(model: Model | None, start: int, end: int) -> list[int]:
    """Transcript-order numbers (1-based, 5' first) of the model's exons overlapping the BED
    interval start..end; empty without a model."""
    if model is None:
        return []
    count = len(model.exons)
    return sorted(
        index + 1 if model.strand == "+" else count - index
        for index, (first, last) in enumerate(model.exons)
        if first <= end and last > start
    )


def coding_bases(model: Model | None, start: int, end: int) -> int | None:
    """How many of the model's CDS bases lie in the BED interval start..end."""
    if model is None:
        return None
    return sum(max(0, min(last, end) - max(first - 1, start)) for first, last in model.cds)


def covers_start_codon(model: Model | None, start: int, end: int) -> bool:
    """True when the BED interval start..end holds the first base of the model's CDS."""
    if model is None or not model.cds:
        return False
    first = min(a for a, _ in model.cds) if model.strand == "+" else max(b for _, b in model.cds)
    return start < first <= end


def event(segment: Segment, model: Model | None) -> dict[str, Any]:
    """A deletion or duplication with what a reader needs: where, copies, exons, evidence."""
    row = segment.row()
    exons = exon_numbers(model, row["start"], row["end"])
    return {
        **{key: row[key] for key in ("contig", "start", "end", "copy_number", "call")},
        "gene": row["genes"],
        "ploidy": segment.first.ploidy,
        "log2": row["log2"],
        "min_abs_z": round(min(abs(c.z) for c in segment.calls), 2),
        "parts": row["probes"],
        "transcript": model.transcript if model else None,
        "exons": exons,
        "last_exon": bool(model and exons and max(exons) == len(model.exons)),
        "exon_count": len(model.exons) if model else None,
        "coding_bases": coding_bases(model, row["start"], row["end"]),
        "start_codon": covers_start_codon(model, row["start"], row["end"]),
    }


def gene_assessment(parts: list[Part], calls: list[PartCall]) -> tuple[list[str], list[dict]]:
    """Genes whose every coding part was assessed, and the others with the reason."""
    total = Counter(part.gene for part in parts)
    done = Counter(call.part.gene for call in calls)
    assessed = sorted(gene for gene, count in total.items() if done[gene] == count)
    not_assessed = [
        {"gene": gene, "reason": f"{done[gene]} of {count} coding parts at the depth needed"
                                 " (germline_cnv.min_depth) in the reference"}
        for gene, count in sorted(total.items())
        if done[gene] < count
    ]  # fmt: skip
    return assessed, not_assessed


def run_reference(samples: int) -> dict[str, Any]:
    """The reference of a sample compared with the run's `samples` other germline samples."""
    return {"kind": "run samples", "samples": samples, "path": None, "sha256": None}


def document(
    sample: str,
    parts: list[Part],
    calls: list[PartCall] | None,
    reference: dict[str, Any],
    settings: GermlineCnvSettings,
    models: dict[str, Model],
) -> dict[str, Any]:
    """The sample's cnv.json: status, what was examined against which reference (the run's
    other samples or a panel of normals, counted, never named: they are other people), and
    its events."""
    against = {"run samples": "the run's other germline samples",
               "panel of normals": "a configured panel of normals"}[reference["kind"]]  # fmt: skip
    base: dict[str, Any] = {
        "schema": documents.IDS["germline_cnv"],
        "sample": sample,
        "settings": asdict(settings),
        "reference_samples": reference["samples"],
        "reference": reference,
        "method": f"read-depth ratio per coding exon against {against}",
    }
    if calls is None:
        held = (
            f"{reference['samples']} other germline sample(s) in the run"
            if reference["kind"] == "run samples"
            else f"the panel holds {reference['samples']} normal(s)"
        )
        reason = (
            f"{held}; a reference needs"
            f" {settings.min_reference_samples} (germline_cnv.min_reference_samples)"
        )
        return {**base, "status": "not assessed", "reason": reason, "genes_assessed": [],
                "genes_not_assessed": [], "parts_assessed": 0, "events": []}  # fmt: skip
    changed = [s for s in segments(calls) if s.first.call != "neutral"]
    found = [event(s, models.get(s.first.part.gene)) for s in changed]
    assessed, not_assessed = gene_assessment(parts, calls)
    return {
        **base,
        "status": "assessed",
        "reason": None,
        "genes_assessed": assessed,
        "genes_not_assessed": not_assessed,
        "parts_assessed": len(calls),
        "events": found,
    }


def write_table(calls: list[PartCall] | None, path: Path) -> None:
    """cnv.tsv: a header and one row per segment (none when not assessed)."""
    cnv.write_table([s.row() for s in segments(calls or [])], path)

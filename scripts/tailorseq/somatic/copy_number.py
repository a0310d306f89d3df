"""Somatic copy number of a tumour/normal pair from CNVkit's segments: the territory the reads
cover, whether it can be assessed, integer copy number per segment called against the
contig's ploidy, the genes each segment overlaps, the table and the document.

CNVkit (Talevich et al., PLoS Comput Biol 2016;12:e1004873) does the binning, coverage,
normalisation to the pair's normal, segmentation and purity-adjusted integer copy number
(`call -m clonal`); this module decides what is said about its segments.
"""

from __future__ import annotations

import csv
import gzip
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tailorseq.gff import GeneSpan
from tailorseq.regions import Region

KIND = "cnv"
CALLS = ("amplification", "gain", "neutral", "loss", "deep_deletion")
COLUMNS = ["contig", "start", "end", "copy_number", "call", "genes", "log2", "probes", "depth"]


@dataclass(frozen=True)
class CnvSettings:
    """The `cnv` section of the config (workflow/schemas/config.schema.yaml)."""

    territory_min_depth: int
    territory_max_gap: int
    min_territory: int
    min_normal_depth: float
    bp_per_bin: int
    segment_method: str
    min_bins: int
    amplification_copies: int

    @classmethod
    def from_config(cls, section: dict[str, Any]) -> CnvSettings:
        return cls(**{name: section[name] for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Segment:
    """One CNVkit segment with its integer copy number (BED coordinates)."""

    contig: str
    start: int
    end: int
    log2: float
    copy_number: int
    probes: int
    depth: float


def territory(quantized_bed: Path, access: list[Region], max_gap: int) -> list[Region]:
    """The accessible sequence the normal covers: mosdepth's quantized intervals at or above the
    territory depth (the label `covered`), joined over gaps up to `max_gap`, within `access`."""
    covered: list[Region] = []
    with gzip.open(quantized_bed, "rt") as handle:
        for line in handle:
            contig, start, end, label = line.rstrip("\n").split("\t")[:4]
            if label != "covered":
                continue
            last = covered[-1] if covered else None
            if last and last.contig == contig and int(start) - last.end <= max_gap:
                covered[-1] = Region(contig, last.start, int(end))
            else:
                covered.append(Region(contig, int(start), int(end)))
    by_contig: dict[str, list[Region]] = {}
    for region in covered:
        by_contig.setdefault(region.contig, []).append(region)
    kept = []
    for window in access:
        for region in by_contig.get(window.contig, []):
            start, end = max(window.start, region.start), min(window.end, region.end)
            if start < end:
                kept.append(Region(window.contig, start, end))
    return kept


def unassessable(
    bases: int, normal_depth: float, settings: CnvSettings, pooled: bool = False
) -> str | None:
    """Why copy number cannot be assessed from this territory (the normal's, or with `pooled`
    a pooled reference's bins and its normals' depth), or None."""
    if bases < settings.min_territory:
        depth = settings.territory_min_depth
        held = (
            f"the pooled reference's bins span {bases:,} bases"
            if pooled
            else f"the normal covers {bases:,} accessible bases at >= {depth}x"
        )
        return (
            f"{held}, fewer than the {settings.min_territory:,} copy number needs"
            " (cnv.min_territory)"
        )
    if normal_depth < settings.min_normal_depth:
        whose = (
            "the pooled normals' median depth over the reference's bins"
            if pooled
            else "the normal's median depth over its territory"
        )
        return (
            f"{whose} is {normal_depth:.1f}x, below {settings.min_normal_depth}x"
            " (cnv.min_normal_depth)"
        )
    return None


def classify(copy_number: int, ploidy: int, amplification: int) -> str:
    """The call of an integer copy number on a contig of `ploidy` copies in normal cells."""
    if copy_number == 0:
        return "deep_deletion"
    if copy_number >= amplification:
        return "amplification"
    if copy_number > ploidy:
        return "gain"
    return "loss" if copy_number < ploidy else "neutral"


def contig_ploidy(contig: str, sex: str, sex_contigs: dict[str, str]) -> int:
    """Copies of a contig in the patient's normal cells: one chrX and one chrY in a male."""
    if contig == sex_contigs.get("x"):
        return 1 if sex == "male" else 2
    if contig == sex_contigs.get("y"):
        return 1 if sex == "male" else 0
    return 2


def read_segments(call_cns: Path) -> list[Segment]:
    """CNVkit's called segments (`cnvkit.py call` output)."""
    with call_cns.open() as handle:
        return [
            Segment(
                row["chromosome"],
                int(row["start"]),
                int(row["end"]),
                float(row["log2"]),
                int(row["cn"]),
                int(row["probes"]),
                float(row["depth"]),
            )
            for row in csv.DictReader(handle, delimiter="\t")
        ]


def overlapping_genes(segment: Segment, genes: list[GeneSpan]) -> list[str]:
    """Names of the genes a segment overlaps, in genomic order."""
    return [
        gene.name
        for gene in sorted(genes, key=lambda g: g.start)
        if gene.contig == segment.contig and gene.start < segment.end and segment.start < gene.end
    ]


def segment_rows(
    segments: list[Segment],
    genes: list[GeneSpan],
    ploidy: dict[str, int],
    settings: CnvSettings,
) -> list[dict[str, Any]]:
    """The table's rows: one per segment, called against its contig's ploidy."""
    return [
        {
            "contig": s.contig,
            "start": s.start,
            "end": s.end,
            "copy_number": s.copy_number,
            "call": classify(s.copy_number, ploidy[s.contig], settings.amplification_copies),
            "genes": ",".join(overlapping_genes(s, genes)),
            "log2": round(s.log2, 4),
            "probes": s.probes,
            "depth": round(s.depth, 1),
        }
        for s in segments
    ]


def altered_genes(rows: list[dict[str, Any]], min_bins: int) -> list[dict[str, Any]]:
    """Each gene in a segment of at least `min_bins` bins whose call is not neutral."""
    kept = ("call", "copy_number", "contig", "start", "end", "probes")
    return [
        {"gene": gene, **{key: row[key] for key in kept}}
        for row in rows
        if row["call"] != "neutral" and row["probes"] >= min_bins and row["genes"]
        for gene in row["genes"].split(",")
    ]


def write_table(rows: list[dict[str, Any]], path: Path) -> None:
    """The cnv.tsv contract: a header, then one row per segment (none when not assessed)."""
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)

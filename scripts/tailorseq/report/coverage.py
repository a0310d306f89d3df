"""Coverage per gene of interest: mosdepth over each gene's coding sequence (CDS), and the
depth at every pharmacogenomic allele-defining position."""

from __future__ import annotations

import gzip
import json
import statistics
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tailorseq.errors import InputError
from tailorseq.gff import read_features, read_genes

if TYPE_CHECKING:
    from tailorseq.report.assemble import SampleFiles, Settings


def write_gene_bed(gff3: Path, bed: Path) -> int:
    """One BED line per CDS part of each gene's transcripts in the (prepared) GFF3, named
    `GENE|n` (n: 1-based CDS part in genome order), overlapping parts merged; returns genes."""
    opener = gzip.open if gff3.suffix == ".gz" else open
    with opener(gff3, "rt") as handle:
        genes = read_genes(read_features(handle, str(gff3)), str(gff3))
    lines = []
    named = 0
    for gene in sorted(genes, key=lambda g: g.name):
        parts = sorted(
            (part.seqid, part.start - 1, part.end)
            for transcript in gene.transcripts
            for part in transcript.parts
            if part.type == "CDS"
        )
        merged: list[list] = []
        for contig, start, end in parts:
            if merged and merged[-1][0] == contig and start <= merged[-1][2]:
                merged[-1][2] = max(merged[-1][2], end)
            else:
                merged.append([contig, start, end])
        if merged:
            named += 1
        for number, (contig, start, end) in enumerate(merged, start=1):
            lines.append(f"{contig}\t{start}\t{end}\t{gene.name}|{number}\n")
    bed.write_text("".join(lines))
    return named


def _rows(path: Path):
    with gzip.open(path, "rt") as handle:
        for line in handle:
            if not line.startswith("#") and line.strip():
                yield line.rstrip("\n").split("\t")


def _threshold_column(thresholds: Path, min_depth: int) -> int:
    """The column of mosdepth's thresholds file that counts bases at >= min_depth."""
    with gzip.open(thresholds, "rt") as handle:
        header = handle.readline().rstrip("\n").split("\t")
    wanted = f"{min_depth}X"
    if wanted not in header:
        raise InputError(
            str(thresholds),
            f"has no {wanted} column (columns: {', '.join(header[4:])})",
            f"run mosdepth with --thresholds including {min_depth}",
        )
    return header.index(wanted)


def read_gene_coverage(
    regions: Path, thresholds: Path, min_depth: int, min_fraction: float
) -> dict[str, dict[str, Any]]:
    """Per gene: CDS bases, mean depth, fraction of bases at >= min_depth, and the CDS parts
    below `min_fraction` at that depth (mosdepth `--by BED --thresholds ...` outputs; the
    thresholds must include min_depth)."""
    means = {tuple(row[:4]): float(row[4]) for row in _rows(regions)}
    column = _threshold_column(thresholds, min_depth)
    genes: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"bases": 0, "depth_sum": 0.0, "covered": 0, "low_regions": []}
    )
    for row in _rows(thresholds):
        contig, start, end, name = row[0], int(row[1]), int(row[2]), row[3]
        covered = int(row[column])
        gene = name.split("|")[0]
        size = end - start
        entry = genes[gene]
        entry["bases"] += size
        entry["covered"] += covered
        entry["depth_sum"] += means.get((row[0], row[1], row[2], name), 0.0) * size
        if size and covered / size < min_fraction:
            entry["low_regions"].append(
                {
                    "contig": contig,
                    "start": start + 1,
                    "end": end,
                    "fraction_at_min_depth": round(covered / size, 3),
                }
            )
    result = {}
    for gene, entry in sorted(genes.items()):
        bases = entry["bases"]
        fraction = entry["covered"] / bases if bases else 0.0
        result[gene] = {
            "gene": gene,
            "cds_bases": bases,
            "mean_depth": round(entry["depth_sum"] / bases, 1) if bases else 0.0,
            "fraction_at_min_depth": round(fraction, 4),
            "min_depth": min_depth,
            "adequate": fraction >= min_fraction,
            "low_regions": entry["low_regions"],
        }
    return result


def pgx_position_depths(document: dict) -> dict[str, list[int]]:
    """Read depth at every allele-defining position the PGx step read from its VCF, by gene,
    as the PGx document records it (`genes.<gene>.positions[].depth`; null depths are
    positions the VCF had no record or no depth for, left out)."""
    return {
        gene: depths
        for gene, entry in document["genes"].items()
        if (depths := [p["depth"] for p in entry.get("positions", []) if p["depth"] is not None])
    }


def pgx_coverage(depths: dict[str, list[int]], min_depth: int) -> dict[str, dict[str, Any]]:
    """Per PGx gene: defining positions genotyped, their median and lowest depth, and how many
    fall below the calling minimum."""
    return {
        gene: {
            "gene": gene,
            "positions": len(values),
            "median_depth": float(statistics.median(values)) if values else 0.0,
            "min_depth_seen": min(values) if values else 0,
            "below_min_depth": sum(1 for v in values if v < min_depth),
            "min_depth": min_depth,
        }
        for gene, values in sorted(depths.items())
    }


def coverage_section(samples: list[SampleFiles], tumours: dict, settings: Settings) -> dict:
    """The report's coverage of the genes of interest and of the PGx positions."""
    genes, pgx = [], []
    listed = set(settings.gene_list) | set(settings.genes)
    somatic_genes = {m["gene"] for pair in tumours["pairs"] for m in pair["mutations"]}
    for sample in samples:
        if sample.gene_regions and sample.gene_thresholds:
            per_gene = read_gene_coverage(
                sample.gene_regions,
                sample.gene_thresholds,
                settings.coverage_min_depth,
                settings.coverage_min_fraction,
            )
            wanted = set(settings.genes) | (
                somatic_genes if sample.kind == "tumor" else set(settings.gene_list)
            )
            for gene in sorted(wanted & set(per_gene)):
                genes.append({"sample": sample.name, **per_gene[gene]})
        if sample.pgx:
            depths = pgx_position_depths(json.loads(sample.pgx.read_text()))
            for entry in pgx_coverage(depths, settings.pgx_min_depth).values():
                pgx.append({"sample": sample.name, **entry})
    assessed = bool(genes or pgx)
    return {
        "assessed": assessed,
        "statement": None
        if assessed
        else "Coverage per gene was not assessed: no gene"
        " annotation (reference.gff3) and no PGx definitions are configured.",
        "min_depth": settings.coverage_min_depth,
        "min_fraction": settings.coverage_min_fraction,
        "genes": genes,
        "genes_without_cds": sorted(listed - {g["gene"] for g in genes}) if genes else [],
        "pgx_positions": pgx,
    }

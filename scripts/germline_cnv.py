"""Germline exon-level copy number of every germline sample of the run, each against the
others or against a configured panel of normals (tailorseq.germline_cnv,
tailorseq.germline_cnv_panel): per sample a germline.cnv.tsv (one row per segment of coding
parts) and a germline.cnv.json (status, what was examined against which reference, deletions
and duplications)."""

import json
from pathlib import Path
from typing import Any

import numpy as np

from tailorseq import documents
from tailorseq.files import sha256, stderr_to
from tailorseq.germline_cnv import (
    GermlineCnvSettings,
    document,
    read_part_depths,
    run_reference,
    sample_calls,
    write_table,
)
from tailorseq.germline_cnv_panel import aligned, part_names, read_panel
from tailorseq.gff import Model, read_choices, read_models
from tailorseq.somatic.copy_number import contig_ploidy

KIND = "germline_cnv"


def canonical_models(gff3: Path, canonical: Path) -> dict[str, Model]:
    """Each gene's canonical transcript model (exon numbers in the events)."""
    choices = read_choices(canonical)
    models = read_models(gff3, choices)
    return {choice.gene: models[t] for t, choice in choices.items() if t in models}


def ploidies(parts: list, sex_files: list[str]) -> np.ndarray:
    """Copies of each part's contig in each sample's calling sex (samples x parts); 0 where
    the sex is unknown on a sex chromosome (not assessed there)."""
    rows = []
    for path in sex_files:
        record = json.loads(Path(path).read_text())
        sex, contigs = record["calling_sex"], record["contigs"]
        known = sex in ("female", "male")
        sex_chromosomes = {contigs.get("x"), contigs.get("y")}
        rows.append(
            [
                contig_ploidy(p.contig, sex, contigs) if known or p.contig not in sex_chromosomes
                else 0
                for p in parts
            ]
        )  # fmt: skip
    return np.array(rows, dtype=float)


def panel_reference(
    panel: Path, parts: list, regions: str, sex_files: list[str]
) -> tuple[np.ndarray, dict[str, Any]]:
    """The configured panel's relative depths in the run's part order, and its record."""
    contigs = json.loads(Path(sex_files[0]).read_text())["contigs"]
    sex_chromosomes = {contigs.get("x"), contigs.get("y")} - {None}
    relative = aligned(read_panel(panel), parts, part_names(Path(regions)), sex_chromosomes, panel)
    record = {"kind": "panel of normals", "samples": relative.shape[0], "path": str(panel),
              "sha256": sha256(panel)}  # fmt: skip
    return relative, record


def germline_cnv(
    pids: list[str], regions: list[str], sex_files: list[str], gff3: Path, canonical: Path,
    outputs: list[tuple[str, str]], settings: GermlineCnvSettings, panel: Path | None = None,
) -> None:  # fmt: skip
    """Call every sample against the others, or against the configured panel of normals, and
    write its table and document."""
    parts, _ = read_part_depths(Path(regions[0]))
    depths = np.vstack([read_part_depths(Path(path))[1] for path in regions])
    ploidy = ploidies(parts, sex_files)
    models = canonical_models(gff3, canonical)
    pool, reference = None, run_reference(len(pids) - 1)
    if panel is not None:
        pool, reference = panel_reference(panel, parts, regions[0], sex_files)
    for row, (pid, (tsv, json_path)) in enumerate(zip(pids, outputs, strict=True)):
        calls = sample_calls(parts, depths, ploidy, row, settings, pool)
        write_table(calls, Path(tsv))
        documents.write(
            KIND, document(pid, parts, calls, reference, settings, models), Path(json_path)
        )


if __name__ == "__main__":
    rule = snakemake  # noqa: F821
    with stderr_to(rule.log[0]):
        pids = list(rule.params.pids)
        germline_cnv(
            pids,
            list(rule.input.regions),
            list(rule.input.sex),
            Path(rule.input.gff3),
            Path(rule.input.canonical),
            list(zip(rule.output.tsv, rule.output.json, strict=True)),
            GermlineCnvSettings.from_config(rule.params.settings),
            Path(panel) if (panel := dict(rule.input.items()).get("panel")) else None,
        )

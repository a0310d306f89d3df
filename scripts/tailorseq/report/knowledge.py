"""Knowledge-source versions and run times for the provenance manifest."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tailorseq import documents

#: Working folders whose files the run produced (the shared cache is left out: it may be older).
RUN_FOLDERS = ("work/", "results/")


def knowledge_versions(
    reference: dict[str, Any],
    clinvar_summary: Path | None = None,
    pgx_document: Path | None = None,
    gene_list: Path | None = None,
    gff3: str | None = None,
    pgx_definitions: str | None = None,
) -> dict[str, Any]:
    """Every knowledge source with its version, release date or checksum as recorded by the
    steps that used it."""
    knowledge: dict[str, Any] = {"reference": reference}
    if gff3:
        knowledge["gene_models"] = {"source": gff3}
    if gene_list:
        meta = {}
        for line in gene_list.read_text().splitlines():
            if line.startswith("# name:") or line.startswith("# source:"):
                key, _, value = line.lstrip("# ").partition(":")
                meta[key] = value.strip()
        knowledge["gene_list"] = {"file": str(gene_list), **meta}
    if clinvar_summary and clinvar_summary.exists():
        summary = json.loads(clinvar_summary.read_text())
        knowledge["clinvar"] = {k: summary.get(k) for k in ("source", "file_date", "sha256")}
    if pgx_document and pgx_document.exists():
        pgx = documents.load("pgx", pgx_document)["knowledge"]
        knowledge["pgx"] = {
            "definitions": pgx_definitions or pgx["definitions"],
            "source": pgx.get("source"),  # absent without a SOURCE file
            "definition_versions": pgx["definition_versions"],
            "phenotypes": pgx["phenotypes"],
            "recommendations": pgx.get("recommendations"),  # absent when not asked for
        }
    elif pgx_definitions:
        knowledge["pgx"] = {"definitions": pgx_definitions}
    return knowledge


def run_started(workdir: Path, fallback: datetime) -> datetime:
    """The start of the earliest job that produced a present file of the run (Snakemake's
    job metadata in .snakemake/metadata), else `fallback`."""
    folder = workdir / ".snakemake" / "metadata"
    starts = []
    if folder.is_dir():
        for record in folder.iterdir():
            try:
                path = base64.urlsafe_b64decode(record.name).decode()
                if not path.startswith(RUN_FOLDERS) or not (workdir / path).exists():
                    continue
                start = json.loads(record.read_text()).get("starttime")
            except (ValueError, OSError):
                continue
            if start:
                starts.append(float(start))
    return datetime.fromtimestamp(min(starts), UTC) if starts else fallback

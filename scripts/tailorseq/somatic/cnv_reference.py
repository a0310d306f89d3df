"""A pooled reference of normals for somatic copy number (config `cnv.reference`): a CNVkit
reference `.cnn` built from several normals (`tailorseq cnv-reference`, as `cnvkit.py batch
--normal a.bam b.bam --output-reference` builds one, or by a lab), its checks before compute and
the record of which reference a pair was compared with.

With a pooled reference the bins are the reference's own (as in CNVkit: the tumour's coverage
is read over the reference's bins), not the pair normal's territory; the pair's normal still
gives the germline SNP allele fractions and the purity estimate's neutral segments.
"""

from __future__ import annotations

import csv
import statistics
from pathlib import Path
from typing import Any

from tailorseq import documents
from tailorseq.errors import InputError
from tailorseq.files import sha256
from tailorseq.regions import Region

#: Columns of a CNVkit reference (`cnvkit.py reference`); `spread` sets it apart from a
#: sample's coverage `.cnn`, which has no spread.
COLUMNS = ("chromosome", "start", "end", "gene", "log2", "depth", "spread")
ANTITARGET = "Antitarget"
KIND = "cnv_reference"
CONFIG = "config cnv.reference"
FIX = "build one with `tailorseq cnv-reference --fasta <the run's reference> NORMAL.bam ...`"


def record_path(reference: Path) -> Path:
    """The record `tailorseq cnv-reference` writes beside the reference (normals, bins)."""
    return reference.with_name(reference.name + ".json")


def read_bins(reference: Path) -> list[dict[str, str]]:
    """The reference's rows; InputError naming the file when it is not a CNVkit reference."""
    try:
        with reference.open() as handle:
            reader = csv.DictReader(handle, delimiter="\t")
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
            rows = list(reader) if not missing else []
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(CONFIG, f"{reference} cannot be read ({error})", FIX) from error
    if missing or not rows:
        what = f"lacks the columns {', '.join(missing)}" if missing else "has no bins"
        raise InputError(CONFIG, f"{reference} is not a CNVkit reference: it {what}", FIX)
    return rows


def reference_problems(reference: Path, contigs: dict[str, int] | None) -> list[InputError]:
    """Why `reference` cannot serve the run whose reference has `contigs` (name -> length;
    None: not known yet), before any compute: missing, not a CNVkit reference, or bins on
    contigs the run's reference lacks or beyond their ends (another build or naming)."""
    if not reference.is_file():
        return [InputError(CONFIG, f"{reference} does not exist", f"correct the path, or {FIX}")]
    try:
        rows = read_bins(reference)
    except InputError as error:
        return [error]
    if contigs is None:
        return []
    foreign = sorted({row["chromosome"] for row in rows} - set(contigs))
    beyond = sorted(
        {r["chromosome"] for r in rows if int(r["end"]) > contigs.get(r["chromosome"], 1 << 62)}
    )
    problems = []
    if foreign:
        problems.append(f"has bins on contigs the run's reference lacks ({', '.join(foreign[:5])})")
    if beyond:
        problems.append(f"has bins past the end of {', '.join(beyond[:5])} in the run's reference")
    return [
        InputError(CONFIG, f"{reference} {problem}: it was built on another reference", FIX)
        for problem in problems
    ]


def target_rows(reference: Path) -> list[dict[str, str]]:
    """The reference's target bins (its antitarget rows left out: WGS mode has none)."""
    return [row for row in read_bins(reference) if row["gene"] != ANTITARGET]


def as_regions(rows: list[dict[str, str]]) -> list[Region]:
    """Reference rows as regions."""
    return [Region(r["chromosome"], int(r["start"]), int(r["end"])) for r in rows]


def bins(reference: Path) -> list[Region]:
    """The reference's target bins as regions."""
    return as_regions(target_rows(reference))


def write_bins(reference: Path, bed: Path) -> list[Region]:
    """The reference's target bins as the BED4 CNVkit's coverage reads (with the gene column);
    the bins (the reference read once)."""
    rows = target_rows(reference)
    bed.write_text("".join("\t".join(row[c] for c in COLUMNS[:4]) + "\n" for row in rows))
    return as_regions(rows)


def median_depth(reference: Path) -> float:
    """The pooled normals' median depth over the reference's target bins."""
    return statistics.median(float(row["depth"]) for row in target_rows(reference))


def paired() -> dict[str, Any]:
    """The record of a pair compared with its own normal."""
    return {"kind": "paired normal", "path": None, "sha256": None, "normals": 1}


def pooled(reference: Path) -> dict[str, Any]:
    """The record of a pooled reference: its path and sha256, and the number of normals when
    `tailorseq cnv-reference` recorded it for these very bytes (a lab's own reference, or one
    changed since, does not say: None)."""
    digest, record = sha256(reference), record_path(reference)
    built = documents.load(KIND, record) if record.is_file() else {}
    normals = built.get("normals") if built.get("sha256") == digest else None
    return {
        "kind": "pooled normals",
        "path": str(reference),
        "sha256": digest,
        "normals": len(normals) if normals is not None else None,
    }

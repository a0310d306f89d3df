"""MultiQC custom content: per-sample pharmacogenomics and findings counts (a `_mqc.tsv`)."""

from __future__ import annotations

import json
from pathlib import Path

HEADER = """# id: 'tailorseq_counts'
# section_name: 'Pharmacogenomics and findings'
# description: 'Per germline sample: PGx genes called and not called, drugs with a CPIC
#     recommendation, hereditary findings and variants for review (NA: not assessed).'
# plot_type: 'table'
# pconfig:
#     id: 'tailorseq_counts_table'
#     title: 'tailorseq: PGx and findings'
#     col1_header: 'Sample'
"""
COLUMNS = [
    "PGx genes called",
    "PGx genes not called",
    "Drugs with a recommendation",
    "Hereditary findings",
    "For review",
]


def counts(pgx: dict | None, findings: dict | None) -> list[str]:
    """The row of one sample; NA where a part was not assessed."""
    row = ["NA"] * len(COLUMNS)
    if pgx is not None:
        genes = pgx.get("genes", {}).values()
        row[0] = str(sum(1 for g in genes if g.get("called")))
        row[1] = str(sum(1 for g in genes if not g.get("called")))
        row[2] = str(sum(1 for r in pgx.get("recommendations", []) if r.get("recommendation")))
    if findings is not None and findings.get("assessed"):
        row[3] = str(len(findings.get("findings", [])))
        row[4] = str(findings.get("counts", {}).get("for_review", 0))  # lab-only review file
    return row


def write_counts(documents: list[Path], out: Path, names: dict[str, str] | None = None) -> None:
    """One row per sample, named by `names` (pseudonym -> the lab's name; MultiQC does not
    rename custom-content rows), else by the pseudonym in the file name."""
    names = names or {}
    by_sample: dict[str, dict[str, dict]] = {}
    for path in documents:
        pid, kind = path.name.split(".")[0], path.name.split(".")[1]
        by_sample.setdefault(pid, {})[kind] = json.loads(path.read_text())
    lines = [HEADER.rstrip("\n"), "\t".join(["Sample", *COLUMNS])]
    for pid, docs in sorted(by_sample.items()):
        lines.append(
            "\t".join([names.get(pid, pid), *counts(docs.get("pgx"), docs.get("findings"))])
        )
    out.write_text("\n".join(lines) + "\n")

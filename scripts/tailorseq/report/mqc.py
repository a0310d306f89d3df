"""MultiQC custom content: per-sample pharmacogenomics and findings counts (a `_mqc.tsv`)."""

from __future__ import annotations

from pathlib import Path

from tailorseq.documents import load

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
        genes = pgx["genes"].values()
        row[0] = str(sum(1 for g in genes if g["called"]))
        row[1] = str(sum(1 for g in genes if not g["called"]))
        # recommendations are absent when not asked for
        row[2] = str(sum(1 for r in pgx.get("recommendations", []) if r["recommendation"]))
    if findings is not None and findings["assessed"]:
        row[3] = str(len(findings["findings"]))
        row[4] = str(findings["counts"]["for_review"])  # lab-only review file
    return row


def write_counts(documents: list[Path], out: Path, names: dict[str, str] | None = None) -> None:
    """One row per sample, named by `names` (pseudonym -> the lab's name; MultiQC does not
    rename custom-content rows), else by the pseudonym in the file name."""
    names = names or {}
    by_sample: dict[str, dict[str, dict]] = {}
    for path in documents:
        pid, kind = path.name.split(".")[0], path.name.split(".")[1]
        by_sample.setdefault(pid, {})[kind] = load(kind, path)
    lines = [HEADER.rstrip("\n"), "\t".join(["Sample", *COLUMNS])]
    for pid, docs in sorted(by_sample.items()):
        lines.append(
            "\t".join([names.get(pid, pid), *counts(docs.get("pgx"), docs.get("findings"))])
        )
    out.write_text("\n".join(lines) + "\n")

"""The report's pharmacogenomics section: genes with their diplotype and phenotype, and drugs
with CPIC's recommendation in CPIC's own words.

A drug row's reading comes only from CPIC's structured fields, never from the words of the
recommendation (CPIC's recommendation table, https://api.cpicpgx.org/v1/recommendation):
- `classification`: Strong, Moderate, Optional or No recommendation (CPIC's strength of the
  recommendation); absent = unknown, and the row says so;
- `dosinginformation` / `alternatedrugavailable` / `otherprescribingguidance` (passed on by
  `tailorseq.pgx.cpic` as `dosing_information`, `alternate_drug_available`,
  `other_prescribing_guidance`): whether the recommendation changes the dose, names another
  drug, or gives other guidance. Where the data used has no such flags (pypgx's tables, or
  PharmCAT's v1.10 drugs.json), the row shows classification and text only and says the change
  is not flagged.
A drug needs action now (`act_now`) when CPIC classifies its recommendation Strong or Moderate and
flags a dose or drug change."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tailorseq import documents

#: CPIC classifications strong enough for the report's summary of what needs action now.
ACT_ON = ("strong", "moderate")
NO_RECOMMENDATION = "no recommendation"
#: The flags in the order they are named: dose before drug before other guidance.
FLAGS = ("dosing_information", "alternate_drug_available", "other_prescribing_guidance")
CHANGES = {
    "dosing_information": "dose adjustment",
    "alternate_drug_available": "alternative drug",
}


def change_of(rec: dict[str, Any]) -> str:
    """What CPIC's flags say the recommendation changes: `dose adjustment`, `alternative drug`
    (or both, joined), `other guidance`, `no change`, or `not flagged` (no flags in the data)."""
    if any(rec.get(flag) is None for flag in FLAGS):
        return "not flagged"
    changes = [text for flag, text in CHANGES.items() if rec[flag]]
    if changes:
        return " and ".join(changes)
    return "other guidance" if rec["other_prescribing_guidance"] else "no change"


def is_change(change: str) -> bool:
    return change not in ("not flagged", "other guidance", "no change")


def action_text(classification: str | None, change: str, has_text: bool) -> str:
    """The drug row's reading, from classification and flags only."""
    if not has_text:
        return "no recommendation for these results"
    if not classification:
        return "classification unknown; read the text"
    if classification.strip().lower() == NO_RECOMMENDATION:
        return "No recommendation (CPIC)"
    reading = {
        "not flagged": "CPIC's data used does not flag a change; read the text",
        "other guidance": "no dose or drug change (other prescribing guidance)",
        "no change": "no dose or drug change",
    }.get(change, change)
    return f"{classification}: {reading}"


def drug_row(rec: dict[str, Any]) -> dict[str, Any]:
    """One drug of the report from one recommendation of the PGx document (drug, genes,
    recommendation and classification are required; the rest depends on the CPIC data used)."""
    text = rec["recommendation"]
    classification = rec["classification"]
    change = change_of(rec)
    strong = bool(classification) and classification.strip().lower() in ACT_ON
    return {
        "drug": rec["drug"],
        "genes": rec["genes"],
        "recommendation": text,
        "implications": rec.get("implications") or {},
        "classification": classification,
        "change": change,
        "act_now": bool(text) and strong and is_change(change),
        "action": action_text(classification, change, bool(text)),
        "cpic_level": rec.get("cpic_level"),
        "guideline": rec.get("guideline"),
        "note": drug_note(rec),
    }


def drug_note(rec: dict) -> str | None:
    """A drug row's caveat: the recommendation's note, the gene it also needs, or the population
    it is for (CPIC files have several per drug, e.g. adults and children)."""
    if rec.get("note"):
        return rec["note"]
    if rec.get("needs"):
        return f"also needs {', '.join(rec['needs'])}"
    population = rec.get("population")
    return f"population: {population}" if population and population != "general" else None


def _version(info: dict | None) -> str | None:
    if not info:
        return None
    return " ".join(str(info[k]) for k in ("name", "version") if info.get(k)) or None


def _gene(name: str, gene: dict[str, Any]) -> dict[str, Any]:
    """A gene of the PGx document (resources/pgx.schema.json) as the report lists it; an outside
    call has no missing positions nor warnings."""
    phenotype = gene["phenotype"]  # null when no phenotype source knows the diplotype
    diplotypes = [d["name"] for d in gene["diplotypes"] if d["name"]]
    missing = [
        m["rsid"] or f"{m['chromosome']}:{m['position']}" for m in gene.get("missing_positions", [])
    ]
    warnings = gene.get("warnings", [])
    called = gene["called"] and bool(diplotypes)
    reason = None
    if not called:
        reason = "; ".join(warnings) or (
            f"{len(missing)} defining position(s) without a usable genotype"
            if missing
            else "no named allele combination matches the genotypes"
        )
    return {
        "gene": name,
        "called": called,
        "diplotype": " or ".join(diplotypes) if called else None,
        "phenotype": phenotype["phenotype"] if called and phenotype else None,
        "activity_score": phenotype["activity_score"] if called and phenotype else None,
        "source": gene["source"],
        "missing_positions": missing,
        "warnings": warnings,
        "not_called_reason": reason,
        "phase": gene.get("phase"),  # absent for an outside call
    }


def untyped_statement(untyped: list[dict[str, Any]]) -> str:
    """What the gene count leaves out: the genes not typed at all (CYP2D6 not called by the
    structural caller, or no outside call), with how many drugs depend on them."""
    if not untyped:
        return ""
    drugs = {drug for gene in untyped for drug in gene["drugs"]}
    why: dict[str, list[str]] = {}
    for gene in untyped:
        cause = "not called from the reads" if "structural_call" in gene else "no outside call"
        why.setdefault(cause, []).append(gene["gene"])
    listed = "; ".join(f"{', '.join(genes)} ({cause})" for cause, genes in why.items())
    return f" Not assessed: {listed}; the prescribing of {len(drugs)} drug(s) depends on them."


def pgx_section(name: str | None, pgx: Path | None, unavailable: str = "") -> dict[str, Any]:
    """The section of the germline sample `name` from its PGx document (None: not produced,
    for the reason `unavailable` when the run knows one)."""
    if pgx is None:
        return {
            "assessed": False,
            "sample": name,
            "statement": f"Pharmacogenomics was not assessed: {unavailable}."
            if unavailable
            else "Pharmacogenomics was not assessed: no PGx allele definitions are"
            " configured for this reference (config pgx.definitions).",
            "genes": [],
            "drugs": [],
            "not_called": [],
            "not_assessed": [],
            "phase_source": None,
            "knowledge": None,
        }
    document = documents.load("pgx", pgx)
    genes = [_gene(g, call) for g, call in sorted(document["genes"].items())]
    not_called = [
        {"gene": g["gene"], "reason": g["not_called_reason"]} for g in genes if not g["called"]
    ]
    # absent when recommendations were not asked for
    drugs = [drug_row(rec) for rec in document.get("recommendations", [])]
    drugs.sort(key=lambda d: (not d["act_now"], d["classification"] is None, d["drug"]))
    knowledge = document["knowledge"]
    untyped = document["not_assessed"]
    return {
        "assessed": True,
        "sample": name,
        "statement": f"{sum(g['called'] for g in genes)} of {len(genes)} genes called from {name}."
        + untyped_statement(untyped),
        "genes": genes,
        "drugs": drugs,
        "not_called": not_called,
        "not_assessed": untyped,
        "phase_source": document["matcher"].get("phase_source"),
        "knowledge": {
            "definitions": knowledge.get("source"),  # absent without a SOURCE file
            "phenotypes": _version(knowledge["phenotypes"]),
            "recommendations": _version(knowledge.get("recommendations")),
        },
        "warnings": document["warnings"],
    }

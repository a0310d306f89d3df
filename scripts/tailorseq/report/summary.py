"""The report's summary, shown first: what needs action now, then the rest. Every item is taken
from a structured field of a section below, never from free text:
- tumour: actionable variants and biomarkers of AMP/ASCO/CAP 2017 tier I or II (Li et al.,
  J Mol Diagn 2017;19:4-23: strong or potential clinical significance), with their drugs or,
  for diagnostic or prognostic evidence, the source's stated meaning;
- medicines: drugs whose CPIC recommendation is classified Strong or Moderate and flagged by
  CPIC as a dose or drug change (`act_now`, report/pgx_section.py);
- hereditary: pathogenic or likely pathogenic findings (ClinVar, with review stars)."""

from __future__ import annotations

import re
from typing import Any

#: AMP/ASCO/CAP 2017 tiers with strong (I) or potential (II) clinical significance, with or
#: without the evidence level letter (IA, IB, IIC, IID).
ACTIONABLE_TIER = re.compile(r"(?:I|II)[A-D]?")


def _alteration(variant: dict[str, Any]) -> str:
    """Gene and HGVS protein name (p.Leu858Arg (p.L858R)) when the variant has one."""
    if variant.get("hgvsp"):
        return f"{variant['gene']} {variant['hgvsp']} ({variant['hgvsp_short']})"
    if variant.get("kind") == "fusion":
        return f"{variant['variant']} fusion"
    return " ".join(str(variant[k]) for k in ("gene", "variant") if variant[k])


def _tumour_items(tumour: dict[str, Any]) -> list[dict[str, str]]:
    """One item per alteration and tier of each pair, its drugs together."""
    grouped: dict[tuple[str, str, str], list[str]] = {}
    for pair in tumour["pairs"]:
        for variant in pair["actionable"]["variants"]:
            if ACTIONABLE_TIER.fullmatch(variant["tier"]):
                alteration = _alteration(variant)
                if variant.get("kind") in ("copy_number", "fusion"):
                    alteration += " (from DNA sequencing: confirm with the label's test)"
                key = (alteration, variant["tier"], pair["tumor"])
                drugs = grouped.setdefault(key, [])
                drugs += [", ".join(variant["drugs"])] if variant["drugs"] else []
                if variant.get("implication"):  # diagnostic or prognostic: no drugs
                    drugs.append(f"{variant['significance']}: {variant['implication']}")
    return [
        {
            "area": "tumour",
            "item": alteration,
            "detail": f"tier {tier} ({tumor}); {'; '.join(drugs) or 'no drug listed'}",
        }
        for (alteration, tier, tumor), drugs in grouped.items()
    ]


def _medicine_items(pgx: dict[str, Any]) -> list[dict[str, str]]:
    return [
        {
            "area": "medicines",
            "item": drug["drug"],
            "detail": "; ".join(f"{g}: {p or 'not called'}" for g, p in drug["genes"].items())
            + f"; CPIC {drug['action']}",
        }
        for drug in pgx["drugs"]
        if drug["act_now"]
    ]


def _hereditary_items(hereditary: dict[str, Any]) -> list[dict[str, str]]:
    return [
        {
            "area": "hereditary",
            "item": " ".join(str(part) for part in (f["gene"], f["hgvsc"], f["hgvsp"]) if part),
            "detail": f"{f['significance'] or 'pathogenic/likely pathogenic'}"
            f" ({f['zygosity'] or 'zygosity not available'});"
            f" {f['condition'] or 'condition not available'}",
        }
        for f in hereditary["findings"]
    ] + [
        {
            "area": "hereditary",
            "item": f"{f['gene']} {f['description']}",
            "detail": f"{f['note']}; {f['evidence']}; {f['condition']}",
        }
        for f in (hereditary["copy_number"] or {}).get("findings", [])
    ]


def _medicine_rest(pgx: dict[str, Any]) -> str:
    if not pgx["assessed"]:
        return pgx["statement"]
    drugs = pgx["drugs"]
    rest = [d for d in drugs if not d["act_now"] and d["recommendation"]]
    unflagged = sorted(
        d["drug"]
        for d in rest
        if d["change"] == "not flagged"
        and (d["classification"] or "").lower() in ("strong", "moderate")
    )
    unknown = sorted(d["drug"] for d in rest if not d["classification"])
    text = (
        f"{pgx['statement']} {len(rest)} drug recommendation(s) without a flagged Strong or"
        " Moderate change, in the section below."
    )
    if unflagged:
        text += (
            " Strong or Moderate recommendations whose change CPIC's data used does not flag"
            f" (read their text): {', '.join(unflagged)}."
        )
    if unknown:
        text += f" Recommendations of unknown classification: {', '.join(unknown)}."
    return text


def not_assessed(report: dict[str, Any]) -> list[str]:
    """The areas the summary cannot speak for, because they were not assessed."""
    missing = []
    if not report["pharmacogenomics"]["assessed"]:
        missing.append("pharmacogenomics")
    if not report["hereditary"]["assessed"]:
        missing.append("hereditary findings")
    pairs = report["tumour"]["pairs"]
    if report["tumour"]["present"] and (
        not pairs or not all(p["assessed"] and p["actionable"]["assessed"] for p in pairs)
    ):
        missing.append("tumour actionability")
    if any(p.get("copy_number", {}).get("status") == "not assessed" for p in pairs):
        missing.append("tumour copy number")
    if any(not p.get("fusions", {}).get("assessed", True) for p in pairs):
        missing.append("tumour gene fusions")
    return missing


def summary_section(report: dict[str, Any]) -> dict[str, Any]:
    """Action now (tumour, medicines, hereditary), then one line per area for the rest."""
    action_now = (
        _tumour_items(report["tumour"])
        + _medicine_items(report["pharmacogenomics"])
        + _hereditary_items(report["hereditary"])
    )
    rest = [
        {"area": "quality", "text": f"{report['qc']['status']} (section Sample quality)."},
        {"area": "tumour", "text": report["tumour"]["statement"]},
        {"area": "medicines", "text": _medicine_rest(report["pharmacogenomics"])},
        {"area": "hereditary", "text": report["hereditary"]["statement"]},
    ]
    statement = (
        f"{len(action_now)} result(s) need action now."
        if action_now
        else "No result needs action now among the results assessed."
    )
    missing = not_assessed(report)
    if missing:
        statement += f" Not assessed: {', '.join(missing)} (see below)."
    return {
        "statement": statement,
        "action_now": action_now,
        "other": rest,
    }

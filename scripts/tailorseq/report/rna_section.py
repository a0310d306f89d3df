"""The tumour RNA part of a pair's report entry (tailorseq.rna's document): expression of the
panel genes, ER/PR/HER2 from RNA, the 21-gene expression profile and the RNA support of the
pair's mutations, every part research use, as the document says."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

NameMutation = Callable[[dict[str, Any]], dict[str, str | None]]

NOT_SEQUENCED = {
    "assessed": False,
    "statement": "No tumour RNA was sequenced for this pair (no tumor_rna sample).",
}


def tumour_rna(document: dict[str, Any] | None, named: NameMutation) -> dict[str, Any]:
    """A pair's RNA results for the report, or that no RNA was sequenced; `named` adds a
    mutation's transcript and HGVS names (the tumour section's)."""
    if document is None:
        return dict(NOT_SEQUENCED)
    salmon = document["salmon"]
    mutations = document["expressed_mutations"]
    return {
        "assessed": True,
        "sample": document["sample"],
        "research_use": document["research_use"],
        "statement": (
            f"{document['sample']}: {salmon['reads_processed']:,} read pairs, "
            f"{salmon['mapping_rate']:.1f}% mapped by salmon {salmon['version']},"
            f" library type {salmon['library_type']}."
        ),
        "reference": document["expression"]["reference"],
        "panel": document["expression"]["panel"],
        "receptors": document["receptors"],
        "profile": document["profile"],
        "mutations": mutations | {"mutations": [m | named(m) for m in mutations["mutations"]]},
        "flags": [m["flag"] for m in mutations["mutations"] if m["flag"]],
    }

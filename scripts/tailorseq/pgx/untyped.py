"""Genes the reads are not typed for here: CYP2D6 (its structure) and HLA-A, HLA-B (HLA typing).
Without an outside call each is "not assessed" with the reason and the drugs whose prescribing
depends on it, read from the recommendation source's structured gene-drug fields (CPIC's file:
each drug's genes; pypgx: its CPIC table), so that a report never reads as if every gene had
been looked at."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, Protocol

from tailorseq.pgx.panel import OUTSIDE_CALL_GENES

OUTSIDE_CALL_FIX = "give an outside call (config pgx.outside_calls)"
HLA_REASON = (
    "HLA alleles are not typed from the reads here; " + OUTSIDE_CALL_FIX + ", e.g. from"
    " OptiType, arcasHLA or a laboratory's HLA typing"
)
REASONS = {
    "CYP2D6": "its structural alleles (the *5 deletion, duplications, CYP2D6/CYP2D7 hybrids)"
    " are not called from short reads here, and its small variants alone do not give a"
    " diplotype; " + OUTSIDE_CALL_FIX + ", e.g. from Cyrius or Aldy",
    "HLA-A": HLA_REASON,
    "HLA-B": HLA_REASON,
}
assert REASONS.keys() >= OUTSIDE_CALL_GENES
NO_RECOMMENDATIONS = "not listed: recommendations were not asked for"


class DrugSource(Protocol):
    """A recommendation source that can say which drugs depend on a gene."""

    drug_source: str

    def drugs_of(self, gene: str) -> list[str]: ...


def not_assessed(
    outside: Collection[str], wanted: list[str] | None, recommender: DrugSource | None
) -> list[dict[str, Any]]:
    """Each untyped gene without an outside call (of the `wanted` genes, when named): why, and
    the drugs it affects with where that list comes from."""
    named = {gene.upper() for gene in wanted or []}
    return [
        {
            "gene": gene,
            "reason": reason,
            "drugs": recommender.drugs_of(gene) if recommender else [],
            "drugs_source": recommender.drug_source if recommender else NO_RECOMMENDATIONS,
        }
        for gene, reason in REASONS.items()
        if gene not in outside and (not named or gene in named)
    ]

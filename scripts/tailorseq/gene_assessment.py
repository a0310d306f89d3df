"""Which genes of a list were assessed: a negative ("no P/LP variant found") is a claim about
what was examined, so it holds only for genes whose coding sequence the sample covers.

A gene is assessed when at least `min_fraction` of its coding bases (CDS of the gene
annotation) reach `min_depth` reads of mapping quality >= `min_mapq` (mosdepth `--mapq`,
duplicates and secondary/supplementary/QC-fail reads excluded), as measured by the gene
coverage rule. Every other listed gene is "not assessed" with its reason. The rule follows
the callable-coverage practice of clinical exome and genome reporting (e.g. the ACMG technical
standard for constitutional NGS testing, Rehder et al., Genet Med 2021;23(8):1399-1415, asks
laboratories to set coverage thresholds and to state the regions that do not meet them).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

NO_CDS = "no coding sequence in the gene annotation of this reference"
NOT_MEASURED = "coverage was not measured (no gene annotation, reference.gff3)"


@dataclass(frozen=True)
class Callable:
    """What makes a coding base callable, and how much of a gene must be (config `findings`
    min_callable_depth and min_callable_fraction; `calling.min_mapq`)."""

    min_depth: int = 20
    min_fraction: float = 0.95
    min_mapq: int = 20

    def describe(self, fraction: float) -> str:
        """'N% of coding bases at >= Dx (mapping quality >= Q)'."""
        return (
            f"{fraction:.0%} of coding bases at >= {self.min_depth}x"
            f" (mapping quality >= {self.min_mapq})"
        )


def assess_genes(
    genes: Iterable[str], coverage: dict[str, dict[str, Any]] | None, rule: Callable
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(assessed, not assessed) over the listed genes, in list order; `coverage` is
    `tailorseq.report.coverage.read_gene_coverage` at `rule.min_depth` (None: not measured)."""
    assessed, not_assessed = [], []
    for name in genes:
        if coverage is None:
            not_assessed.append({"gene": name, "reason": NOT_MEASURED})
            continue
        entry = coverage.get(name)
        if entry is None or not entry["cds_bases"]:
            not_assessed.append({"gene": name, "reason": NO_CDS})
            continue
        fraction = entry["fraction_at_min_depth"]
        facts = {
            "gene": name,
            "cds_bases": entry["cds_bases"],
            "mean_depth": entry["mean_depth"],
            "fraction_callable": fraction,
            "callable": rule.describe(fraction),
        }
        if fraction >= rule.min_fraction:
            assessed.append(facts)
        else:
            reason = f"{rule.describe(fraction)}; needs >= {rule.min_fraction:.0%}"
            not_assessed.append({**facts, "reason": reason})
    return assessed, not_assessed

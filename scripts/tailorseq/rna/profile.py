"""The 21-gene expression profile of a breast tumour from RNA-seq (research use; not Oncotype DX).

Genes, groups and weights are those of Paik et al., N Engl J Med 2004;351:2817-26 (Figure 1),
read from resources/breast_21gene.yaml with their citation. Each gene's value is its
reference-normalised log2 expression (tailorseq.rna.normalise); a group score is its weighted
sum over its divisor, and the profile is the unscaled weighted sum of groups and single genes.

The published floors (GRB7 group 8, proliferation group 6.5) and the 0-100 rescaling are defined
on the RT-qPCR assay's scale, which RNA-seq log2 ratios are not on: the floors are applied only
when a calibration offset to that scale is configured (`rna.profile_calibration_offset`, added to
every gene's value), the rescaling and the assay's risk groups never. Computed only for tumours
of OncoTree tissue Breast, with every panel gene quantified and the reference level measured;
otherwise "not computed" with the reason. With a reference cohort of profile values
(`rna.profile_reference_cohort`, a TSV with a `weighted_sum` column computed the same way) the
value is placed as a percentile of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from scipy.stats import percentileofscore

from tailorseq.errors import InputError
from tailorseq.locations import RESOURCES
from tailorseq.rna.normalise import Reference
from tailorseq.somatic.actionability import Tumour
from tailorseq.somatic.oncotree import load_oncotree

DEFINITION = RESOURCES / "breast_21gene.yaml"
NOT_REPORTED = (
    "no 0-100 rescaling and no risk group: both are defined on the RT-qPCR assay's scale and"
    " validated for that assay only"
)


@dataclass(frozen=True)
class Group:
    """A gene group: sum(weight x gene) / divisor, raised to `floor` on the assay's scale."""

    name: str
    weights: dict[str, float]
    divisor: float
    floor: float | None


@dataclass(frozen=True)
class Definition:
    """The profile as published (resources/breast_21gene.yaml)."""

    label: str
    source: str
    cross_check: str
    verification: str
    population: str
    tissue: str
    reference_genes: tuple[str, ...]
    genes: dict[str, tuple[str, ...]]  # published name -> symbols it is looked up under
    groups: tuple[Group, ...]
    group_weights: dict[str, float]
    gene_weights: dict[str, float]

    def citation(self) -> dict[str, str]:
        """Where the definition comes from, as the document shows it."""
        return {
            "label": self.label,
            "source": self.source,
            "cross_check": self.cross_check,
            "verification": self.verification,
            "population": self.population,
        }


def load_definition(path: Path = DEFINITION) -> Definition:
    """The profile's definition file."""
    data = yaml.safe_load(path.read_text())
    groups = tuple(
        Group(name, dict(group["weights"]), group["divisor"], group.get("floor"))
        for name, group in data["groups"].items()
    )
    return Definition(
        data["label"],
        " ".join(data["source"].split()),
        " ".join(data["cross_check"].split()),
        data["verification"],
        data["population"],
        data["oncotree_tissue"],
        tuple(data["reference_genes"]),
        {name: tuple(symbols) for name, symbols in data["genes"].items()},
        groups,
        dict(data["weighted_sum"]["groups"]),
        dict(data["weighted_sum"]["genes"]),
    )


def place_tumour(tumour_type: str | None, oncotree: Path | None) -> Tumour:
    """The tumour type on OncoTree when both are given (an unknown type is an error)."""
    tree = load_oncotree(oncotree) if oncotree is not None else None
    node = tree.resolve(tumour_type, "samples.tsv") if tree and tumour_type else None
    return Tumour(tumour_type, node, tree)


def not_breast(tumour: Tumour, tissue: str) -> str | None:
    """Why the profile does not apply to this tumour, or None for a tumour of `tissue`."""
    if not tumour.given:
        return "no tumour type given (samples.tsv tumor_type)"
    if tumour.node is None:
        return (
            f"tumour type {tumour.given!r} could not be placed on OncoTree: no OncoTree file"
            " (somatic.oncotree)"
        )
    if tumour.node.tissue.lower() != tissue.lower():
        return (
            f"defined for breast cancer (OncoTree tissue {tissue}); this tumour is"
            f" {tumour.node.name} ({tumour.node.code}), OncoTree tissue {tumour.node.tissue}"
        )
    return None


def gene_symbols(definition: Definition, quantified: set[str]) -> dict[str, str | None]:
    """Each published gene's symbol in the quantification (the first of its names there)."""
    return {
        name: next((symbol for symbol in symbols if symbol in quantified), None)
        for name, symbols in definition.genes.items()
    }


def scores(
    values: dict[str, float], definition: Definition, offset: float | None
) -> dict[str, Any]:
    """Group scores and the weighted sum from each published gene's value (reference-normalised
    log2); with a calibration `offset` the values are moved onto the assay's scale and floored."""
    shift = offset or 0.0
    shifted = {name: value + shift for name, value in values.items()}
    groups, group_scores = [], {}
    for group in definition.groups:
        raw = sum(weight * shifted[name] for name, weight in group.weights.items()) / group.divisor
        floor = group.floor if offset is not None else None
        score = max(raw, floor) if floor is not None else raw
        group_scores[group.name] = score
        groups.append({"name": group.name, "score": round(score, 4), "unfloored": round(raw, 4),
                       "floor": floor, "floored": floor is not None and raw < floor})  # fmt: skip
    total = sum(w * group_scores[name] for name, w in definition.group_weights.items())
    total += sum(w * shifted[name] for name, w in definition.gene_weights.items())
    return {"groups": groups, "weighted_sum": round(total, 4)}


def percentile(value: float, cohort: Path | None) -> dict[str, Any]:
    """Where `value` lies in a reference cohort's profile values (share at or below it, %)."""
    if cohort is None:
        reason = "no reference cohort configured (rna.profile_reference_cohort)"
        return {"value": None, "cohort": None, "size": 0, "reason": reason}
    table = pd.read_csv(cohort, sep="\t")
    if "weighted_sum" not in table.columns or table["weighted_sum"].dropna().empty:
        raise InputError(
            str(cohort),
            "has no `weighted_sum` column with values",
            "give a TSV with one profile value per cohort sample in a `weighted_sum` column",
        )
    values = table["weighted_sum"].dropna()
    share = percentileofscore(values, value, kind="weak")
    return {"value": round(float(share), 1), "cohort": str(cohort), "size": len(values),
            "reason": ""}  # fmt: skip


def scale_text(offset: float | None) -> str:
    """What scale the group scores are on, and whether the floors were applied."""
    if offset is None:
        return (
            "reference-normalised log2 expression from RNA-seq, not the RT-qPCR assay's scale:"
            " the group floors are not applied"
        )
    return (
        "reference-normalised log2 expression from RNA-seq plus the configured calibration offset"
        f" {offset} to the RT-qPCR assay's scale: the group floors are applied"
    )


def expression_profile(
    table: pd.DataFrame,
    reference: Reference,
    tumour: Tumour,
    offset: float | None,
    cohort: Path | None,
    definition: Definition,
) -> dict[str, Any]:
    """The profile section of the rna document: computed, or not computed with the reason."""
    section: dict[str, Any] = definition.citation() | {
        "status": "not computed", "reason": "", "scale": scale_text(offset),
        "calibration_offset": offset, "not_reported": NOT_REPORTED,
    }  # fmt: skip
    symbols = gene_symbols(definition, set(table["gene"]))
    missing = [name for name, symbol in symbols.items() if symbol is None]
    reason = not_breast(tumour, definition.tissue)
    if reason is None and missing:
        named = ", ".join(f"{name} ({'/'.join(definition.genes[name])})" for name in missing)
        reason = f"panel gene(s) not in the quantification: {named}"
    if reason is None and reference.mean_log2 is None:
        reason = f"reference level not assessed: {reference.reason}"
    if reason is not None:
        return section | {"reason": reason}
    tpm = table.set_index("gene")["tpm"]
    values = {name: reference.normalised(float(tpm[symbol])) for name, symbol in symbols.items()}
    found = scores(values, definition, offset)
    genes = [{"name": name, "symbol": symbols[name], "value": round(value, 4)}
             for name, value in values.items()]  # fmt: skip
    return section | found | {
        "status": "computed",
        "genes": genes,
        "percentile": percentile(found["weighted_sum"], cohort),
    }  # fmt: skip

"""ER, PR and HER2 status from tumour RNA (research use): the reference-normalised expression
(tailorseq.rna.normalise) of ESR1, PGR and ERBB2 against cut-offs the config gives per gene with
their source (`rna.receptor_thresholds`). No cut-off configured: not assessed, never a default
call. HER2 is shown with the pair's DNA copy-number call of ERBB2 (cnv.json) when there is one."""

from typing import Any

import pandas as pd

from tailorseq.rna.normalise import Reference
from tailorseq.rna.settings import BASIS, Threshold
from tailorseq.somatic.alterations import CNV_CAVEAT

RECEPTORS = {"ESR1": "ER", "PGR": "PR", "ERBB2": "HER2"}
NO_THRESHOLD = "no validated RNA-seq threshold configured"
NOT_THE_TEST = (
    "RNA expression is not the test that defines receptor status: ER and PR by"
    " immunohistochemistry (ASCO/CAP, Allison et al., J Clin Oncol 2020;38:1346-66), HER2 by"
    " immunohistochemistry or in situ hybridisation (ASCO/CAP, Wolff et al., J Clin Oncol"
    " 2018;36:2105-22)"
)


def level(value: float, threshold: Threshold) -> str:
    """'high' at or above the cut-off, 'equivocal' in the band below it, else 'low'."""
    if value >= threshold.high_at:
        return "high"
    if threshold.equivocal_at is not None and value >= threshold.equivocal_at:
        return "equivocal"
    return "low"


def receptor(
    gene: str, tpm: pd.Series, reference: Reference, threshold: Threshold | None
) -> dict[str, Any]:
    """One receptor's expression and status, or why it is not assessed."""
    entry: dict[str, Any] = {
        "receptor": RECEPTORS[gene],
        "gene": gene,
        "basis": BASIS,
        "tpm": None,
        "log2_normalised": None,
        "threshold": threshold.as_dict() if threshold else None,
        "status": "not assessed",
        "reason": "",
    }
    if gene not in tpm.index:
        return entry | {"reason": f"{gene} is not in the quantification"}
    entry["tpm"] = round(float(tpm[gene]), 4)
    if reference.mean_log2 is None:
        return entry | {"reason": f"reference level not assessed: {reference.reason}"}
    value = reference.normalised(float(tpm[gene]))
    entry["log2_normalised"] = round(value, 4)
    if threshold is None:
        return entry | {"reason": NO_THRESHOLD}
    return entry | {"status": level(value, threshold)}


def dna_copy_number(cnv: dict[str, Any] | None, gene: str = "ERBB2") -> dict[str, Any]:
    """The pair's DNA copy-number call of `gene` (cnv.json), or why there is none."""
    if cnv is None:
        return {"status": "not available", "copy_number": None,
                "text": "DNA copy number not available"}  # fmt: skip
    if cnv["status"] != "assessed":
        return {"status": "not assessed", "copy_number": None,
                "text": f"DNA copy number not assessed: {cnv['reason']}"}  # fmt: skip
    calls = [row for row in cnv["altered_genes"] if row["gene"] == gene]
    if not calls:
        return {"status": "not altered", "copy_number": None,
                "text": f"DNA: no {gene} copy-number change called (not among the pair's altered"
                " genes)", "caveat": CNV_CAVEAT}  # fmt: skip
    found = max(calls, key=lambda row: row["copy_number"])
    return {
        "status": found["call"],
        "copy_number": found["copy_number"],
        "text": f"DNA: {gene} {found['call'].replace('_', ' ')}, {found['copy_number']} copies",
        "caveat": CNV_CAVEAT,
    }


def receptor_status(
    table: pd.DataFrame,
    reference: Reference,
    thresholds: dict[str, Threshold],
    cnv: dict[str, Any] | None,
) -> dict[str, Any]:
    """ER, PR and HER2 (with ERBB2's DNA copy number beside it), each labelled research use."""
    tpm = table.set_index("gene")["tpm"]
    found = [receptor(gene, tpm, reference, thresholds.get(gene)) for gene in RECEPTORS]
    for entry in found:
        if entry["gene"] == "ERBB2":
            entry["dna_copy_number"] = dna_copy_number(cnv)
    return {"basis": BASIS, "caveat": NOT_THE_TEST, "receptors": found}

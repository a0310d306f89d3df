"""Expression relative to reference genes, as the 21-gene assay measures it (Paik et al., N Engl
J Med 2004;351:2817-26: each gene relative to the mean of ACTB, GAPDH, RPLP0, GUSB and TFRC,
one unit a two-fold difference): on RNA-seq, a gene's log2(TPM + pseudocount) minus the mean
log2(TPM + pseudocount) of the reference genes. Not assessed, with the reason, when a reference
gene is not quantified or has no expression (TPM 0)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd


@dataclass(frozen=True)
class Reference:
    """The reference level of one sample: the mean log2 expression of the reference genes, or
    why it could not be measured."""

    genes: tuple[str, ...]
    pseudocount: float
    mean_log2: float | None
    reason: str = ""

    def normalised(self, tpm: float) -> float:
        """A TPM relative to the reference level (log2)."""
        if self.mean_log2 is None:
            raise ValueError(f"reference level not assessed: {self.reason}")
        return math.log2(tpm + self.pseudocount) - self.mean_log2

    def as_dict(self) -> dict[str, Any]:
        """The reference as the document shows it."""
        return {
            "status": "not assessed" if self.mean_log2 is None else "assessed",
            "reason": self.reason,
            "genes": list(self.genes),
            "pseudocount": self.pseudocount,
            "mean_log2": None if self.mean_log2 is None else round(self.mean_log2, 4),
            "method": (
                f"log2(TPM + {self.pseudocount}) of a gene minus the mean log2(TPM +"
                f" {self.pseudocount}) of {', '.join(self.genes)} (the reference genes of Paik"
                " et al., N Engl J Med 2004); one unit is a two-fold difference"
            ),
        }


def reference_level(table: pd.DataFrame, genes: tuple[str, ...], pseudocount: float) -> Reference:
    """The sample's reference level from its gene expression table (tailorseq.rna.expression)."""
    tpm = table.set_index("gene")["tpm"]
    missing = [gene for gene in genes if gene not in tpm.index]
    if missing:
        reason = f"reference gene(s) not in the quantification: {', '.join(missing)}"
        return Reference(genes, pseudocount, None, reason)
    silent = [gene for gene in genes if tpm[gene] <= 0]
    if silent:
        reason = f"reference gene(s) not expressed (TPM 0): {', '.join(silent)}"
        return Reference(genes, pseudocount, None, reason)
    mean = sum(math.log2(tpm[gene] + pseudocount) for gene in genes) / len(genes)
    return Reference(genes, pseudocount, mean)

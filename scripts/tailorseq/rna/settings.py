"""The config's `rna` section (defaults in workflow/schemas/config.schema.yaml) as the library
reads it, and the research-use wording every RNA-based result carries."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tailorseq.errors import InputError

BASIS = "RNA-based, research use"
RESEARCH_USE = (
    "Research use only: expression, receptor status and the 21-gene expression profile are"
    " measured from tumour RNA sequencing (salmon), are not validated clinical tests, and must"
    " not be used for diagnosis or treatment decisions."
)


@dataclass(frozen=True)
class Threshold:
    """A receptor gene's configured cut-offs on the reference-normalised log2 scale: at or above
    `high_at` "high", from `equivocal_at` up to it "equivocal", below "low"; `source` says where
    the cut-offs come from."""

    high_at: float
    source: str
    equivocal_at: float | None = None

    def as_dict(self) -> dict[str, Any]:
        """The threshold as the document shows it."""
        return {"high_at": self.high_at, "equivocal_at": self.equivocal_at, "source": self.source}


@dataclass(frozen=True)
class RnaSettings:
    """What the RNA summary needs of config `rna`."""

    min_depth: int
    min_alt_reads: int
    min_mapq: int
    min_base_quality: int
    pseudocount: float
    receptor_thresholds: dict[str, Threshold]
    profile_calibration_offset: float | None
    profile_reference_cohort: Path | None

    @classmethod
    def from_config(cls, section: dict[str, Any]) -> RnaSettings:
        """The settings of a (schema-validated, defaults-filled) `rna` section; an InputError
        when an equivocal band does not lie below its high cut-off."""
        thresholds = {
            gene: Threshold(given["high_at"], given["source"], given.get("equivocal_at"))
            for gene, given in section["receptor_thresholds"].items()
        }
        for gene, threshold in thresholds.items():
            if threshold.equivocal_at is not None and threshold.equivocal_at >= threshold.high_at:
                raise InputError(
                    "config rna.receptor_thresholds",
                    f"{gene}: equivocal_at {threshold.equivocal_at} is not below high_at "
                    f"{threshold.high_at}",
                    "set equivocal_at below high_at, or leave it out",
                )
        cohort = section["profile_reference_cohort"]
        return cls(
            section["min_depth"],
            section["min_alt_reads"],
            section["min_mapq"],
            section["min_base_quality"],
            section["pseudocount"],
            thresholds,
            section["profile_calibration_offset"],
            Path(cohort) if cohort else None,
        )

    def as_dict(self) -> dict[str, Any]:
        """The settings as the document records them."""
        return {
            "min_depth": self.min_depth,
            "min_alt_reads": self.min_alt_reads,
            "min_mapq": self.min_mapq,
            "min_base_quality": self.min_base_quality,
            "pseudocount": self.pseudocount,
            "receptor_thresholds": {g: t.as_dict() for g, t in self.receptor_thresholds.items()},
            "profile_calibration_offset": self.profile_calibration_offset,
            "profile_reference_cohort": (
                str(self.profile_reference_cohort) if self.profile_reference_cohort else None
            ),
        }

"""A tumour/normal pair's biomarkers document: TMB (tailorseq.somatic.tmb) and MSI
(tailorseq.somatic.msi), declared by resources/biomarkers.schema.json and validated on write and
on read (tailorseq.documents).

Readers use the status fields: `tmb.status` ("high", "not high", "not assessed", with `reason`)
and `msi.status` ("MSI-high", "MSS", "not assessed", with `reason`). `tmb.tmb_high`,
`tmb.assessed`, `msi.msi_high` and `msi.assessed` are kept, derived from the statuses, for the
readers that still use them.
"""

from pathlib import Path

from tailorseq import documents
from tailorseq.somatic.tmb import TmbSettings, tmb_section, without_annotation

KIND = "biomarkers"


def msi_not_scored() -> dict:
    """The `msi` part when no MSI document was given."""
    return {
        "status": "not assessed",
        "assessed": False,
        "msi_high": False,
        "score": None,
        "reason": "MSI was not scored",
    }


def document(
    vcf: Path | None,
    callable_file: Path | None,
    settings: TmbSettings,
    purity: float | None = None,
    pair_summary: dict | None = None,
    msi: dict | None = None,
) -> dict:
    """The biomarkers document of a pair, validated; without an annotated VCF and callable
    coding bases (no gene annotation) TMB is not assessed."""
    result = {
        "schema": documents.IDS[KIND],
        "tumor": pair_summary["tumor"] if pair_summary else None,
        "normal": pair_summary["normal"] if pair_summary else None,
        "purity": purity,
        "tmb": tmb_section(vcf, callable_file, settings)
        if vcf is not None and callable_file is not None
        else without_annotation(settings),
        "msi": msi if msi is not None else msi_not_scored(),
    }
    if pair_summary is not None:
        result["concordance"] = pair_summary["concordance"]
    documents.validate(KIND, result, "biomarkers document")
    return result

"""A tumour/normal pair's biomarkers document: TMB (tailorseq.somatic.tmb) and MSI
(tailorseq.somatic.msi), declared by resources/biomarkers.schema.json and validated on write and
on read.

Readers use the status fields: `tmb.status` ("high", "not high", "not assessed", with `reason`)
and `msi.status` ("MSI-high", "MSS", "not assessed", with `reason`). `tmb.tmb_high`,
`tmb.assessed`, `msi.msi_high` and `msi.assessed` are kept, derived from the statuses, for the
readers that still use them.
"""

import json
from pathlib import Path

import jsonschema

from tailorseq.files import write_atomic
from tailorseq.somatic.tmb import TmbSettings, tmb_section, without_annotation

SCHEMA = Path(__file__).resolve().parents[3] / "resources" / "biomarkers.schema.json"


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
        "tumor": (pair_summary or {}).get("tumor"),
        "normal": (pair_summary or {}).get("normal"),
        "purity": purity,
        "tmb": tmb_section(vcf, callable_file, settings)
        if vcf is not None and callable_file is not None
        else without_annotation(settings),
        "msi": msi if msi is not None else msi_not_scored(),
    }
    if pair_summary is not None:
        result["concordance"] = pair_summary.get("concordance")
    validate(result, "biomarkers document")
    return result


def validate(data: dict, where: str) -> None:
    """Raise ValueError naming `where` and the field when `data` breaks the declared shape."""
    schema = json.loads(SCHEMA.read_text())
    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(schema).iter_errors(data)
    )
    if error is not None:
        field = "/".join(str(part) for part in error.absolute_path) or "(top)"
        raise ValueError(f"{where}: {field}: {error.message} ({SCHEMA.name})")


def write(data: dict, path: Path) -> None:
    """Validate and write a biomarkers document."""
    validate(data, str(path))
    write_atomic(path, json.dumps(data, indent=2) + "\n")


def load(path: Path) -> dict:
    """Read and validate a biomarkers document."""
    data = json.loads(Path(path).read_text())
    validate(data, str(path))
    return data

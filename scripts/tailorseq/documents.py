"""The declared shape of every JSON document one stage writes for another, validated when written
and when read, so a reader takes a required field as given (`document["field"]`).

Each kind is a JSON Schema `resources/<kind>.schema.json` and an id `tailorseq-<kind>/<version>`
that the document carries in its `schema` field:

- `findings`: a sample's hereditary findings (tailorseq.findings), `{pid}.findings.json`;
- `sex`: a sample's sex check (tailorseq.sex), `{pid}.sex.json`;
- `pgx`: a sample's PGx calls, phenotypes and recommendations (tailorseq.pgx.pipeline);
- `somatic`: a tumour/normal pair's calling summary (tailorseq.somatic.caller),
  `{pid}.somatic.json`;
- `biomarkers`: a pair's TMB and MSI (tailorseq.somatic.biomarkers);
- `actionable`: a pair's tiers and matching drugs (tailorseq.somatic.actionability);
- `cnv`: a pair's somatic copy number, assessed or why not (scripts/somatic_cnv.py);
- `sv`: a pair's somatic structural variants and gene fusions (scripts/somatic_sv.py);
- `germline_cnv`: a germline sample's exon-level copy number (tailorseq.germline_cnv);
- `rna`: a tumour RNA sample's expression, receptor status, 21-gene expression profile and
  expressed mutations, research use (tailorseq.rna.summary), `{pid}.rna.json`;
- `versions`: one conda env's tool versions probed from inside it (tailorseq.versions),
  `results/run/versions/{env}.json`.

Documents in another program's format carry no `schema` field (that program reads them as its
own) but are declared and validated on write all the same (`EXTERNAL`, `validate_external`):
- `pharmcat_phenotype`: a sample's PGx calls as PharmCAT v3.1's phenotyper JSON
  (tailorseq.pgx.pharmcat_files), `<sample>.pgx.phenotype.json`.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from tailorseq.files import write_atomic
from tailorseq.locations import RESOURCES

#: The current id of each kind: a writer stamps it, a reader accepts only it.
IDS = {
    "findings": "tailorseq-findings/4",
    "sex": "tailorseq-sex/1",
    "pgx": "tailorseq-pgx/2",
    "somatic": "tailorseq-somatic/1",
    "biomarkers": "tailorseq-biomarkers/1",
    "actionable": "tailorseq-actionable/1",
    "cnv": "tailorseq-cnv/3",
    "cnv_reference": "tailorseq-cnv_reference/1",
    "sv": "tailorseq-sv/1",
    "germline_cnv": "tailorseq-germline_cnv/2",
    "rna": "tailorseq-rna/1",
    "versions": "tailorseq-versions/1",
}


#: Documents in another program's format, without our `schema` stamp (so that program reads
#: them as its own), declared and validated on write all the same: kind -> what it is.
EXTERNAL = {
    "pharmcat_phenotype": "PharmCAT v3.1 phenotyper output, the fields tailorseq writes "
    "(tailorseq.pgx.pharmcat_files)",
}


class DocumentError(ValueError):
    """A document that breaks its declared shape: names the file, the field and the schema."""


def schema_file(kind: str) -> Path:
    """The JSON Schema of a kind of document."""
    if kind not in IDS and kind not in EXTERNAL:
        raise KeyError(f"no declared document kind {kind!r}; known: {', '.join(IDS)}")
    return RESOURCES / f"{kind}.schema.json"


@cache
def _validator(kind: str) -> jsonschema.Draft202012Validator:
    schema = json.loads(schema_file(kind).read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def validate(kind: str, data: Any, where: str) -> None:
    """Raise DocumentError naming `where` and the field when `data` breaks the kind's shape."""
    error = jsonschema.exceptions.best_match(_validator(kind).iter_errors(data))
    if error is not None:
        field = "/".join(str(part) for part in error.absolute_path) or "(top)"
        raise DocumentError(f"{where}: {field}: {error.message} ({schema_file(kind).name})")


def validate_external(kind: str, data: Any, where: str) -> None:
    """`validate` for a document in another program's format (EXTERNAL)."""
    if kind not in EXTERNAL:
        raise KeyError(f"no declared external document kind {kind!r}; known: {', '.join(EXTERNAL)}")
    validate(kind, data, where)


def stamped(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """The document with its `schema` field first: its kind's id unless it names one itself
    (which validation then checks)."""
    return {"schema": IDS[kind]} | data


def write(kind: str, data: dict[str, Any], path: Path, indent: int = 2) -> dict[str, Any]:
    """Stamp, validate and write (atomically) a document; returns what was written."""
    document = stamped(kind, data)
    validate(kind, document, str(path))
    write_atomic(Path(path), json.dumps(document, indent=indent) + "\n")
    return document


def load(kind: str, path: Path | str) -> dict[str, Any]:
    """Read and validate a document."""
    data = json.loads(Path(path).read_text())
    validate(kind, data, str(path))
    return data


def load_optional(kind: str, path: Path | str | None) -> dict[str, Any] | None:
    """`load`, or None when the stage did not produce the document (no path)."""
    return load(kind, path) if path else None

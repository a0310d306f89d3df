"""The FHIR export of a patient's report: an HL7 FHIR R4 Bundle following the Genomics Reporting
IG STU2 (2.0.0), built from the report document alone (resources/report.schema.json).

The Bundle is a `collection`, not a `document`: a document Bundle opens with a Composition and
stands for an attested, signed clinical document, which this research-use report with blank
sign-off fields is not; the IG's root is the DiagnosticReport, which a collection carries as it is.
The Patient carries the report's identifier (patient id or its pseudonym) and nothing else; no
sample names are exported. The library (fhir.resources, R4B models: see `validated`) checks every
resource's structure before the file is written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fhir.resources.R4B.bundle import Bundle

from tailorseq.export import codes
from tailorseq.export.fhir_parts import (
    Collection,
    Json,
    absent,
    concept,
    loinc_answer,
    notes,
    profile,
    region_studied,
)
from tailorseq.export.fhir_pgx import pgx_results
from tailorseq.export.fhir_variants import (
    diagnostic_implication,
    germline_finding,
    somatic_mutation,
)
from tailorseq.files import write_atomic
from tailorseq.report.pgx_section import untyped_statement

#: The statuses this export writes (fhir.resources does not check codes against value sets).
STATUSES = ("final",)


class ExportError(ValueError):
    """An export that fails its checks: names the file and what is wrong."""


def _variant_key(prefix: str, variant: dict[str, Any]) -> str:
    return f"{prefix}:{variant['contig']}:{variant['pos']}:{variant['ref']}:{variant['alt']}"


def hereditary_results(collection: Collection, section: dict, build: str | None) -> list[Json]:
    """Each hereditary finding (variant + diagnostic implication) and a region studied per listed
    gene: assessed, or not assessed with the reason; one region stating why when not assessed."""
    if not section["assessed"]:
        statement = section["statement"]
        return [region_studied(collection, "hereditary", statement, None, statement)]
    results = []
    for finding in section["findings"]:
        key = _variant_key("hereditary", finding)
        variant = germline_finding(collection, key, finding, build)
        implication = diagnostic_implication(
            collection, f"{key}:implication", finding, variant, section["clinvar"]
        )
        results += [variant, implication]
    name = section["gene_list"]["name"]
    for gene in section["genes_assessed"]:
        text = f"hereditary findings ({name}): {gene} assessed (callable coding sequence)"
        results.append(region_studied(collection, f"hereditary:{gene}", text, gene, None))
    for gene in section["genes_not_assessed"]:
        text = f"hereditary findings ({name}): {gene['gene']} not assessed: {gene['reason']}"
        key = f"hereditary:{gene['gene']}"
        results.append(region_studied(collection, key, text, gene["gene"], text))
    return results


def tmb_observation(collection: Collection, key: str, tmb: dict[str, Any]) -> Json:
    """The pair's `tmb` Observation: the rate (interpretation High when TMB-high), or
    dataAbsentReason with the reason when not assessed."""
    if not tmb["assessed"]:
        reason = absent(f"TMB not assessed: {tmb['reason']}")
        return collection.observation(
            key, "tmb", codes.TMB_CODE, dataAbsentReason=reason, note=notes(tmb["definition"])
        )
    rate = {"value": tmb["mutations_per_mb"], "system": codes.UCUM, "code": "1/1000000{Base}"}
    high = [concept((codes.INTERPRETATION, "H", "High"))] if tmb["tmb_high"] else None
    return collection.observation(
        key,
        "tmb",
        codes.TMB_CODE,
        valueQuantity=rate | {"unit": "Mutations/Megabase"},
        interpretation=high,
        note=notes(tmb["definition"], tmb["caveat"], tmb["fda_statement"]),
    )


def msi_observation(collection: Collection, key: str, msi: dict[str, Any]) -> Json:
    """The pair's `msi` Observation: MSI-H or Stable (LOINC LL3994-2) with the method, score and
    cut-off, or dataAbsentReason with the reason when not assessed."""
    if not msi["assessed"]:
        reason = absent(f"MSI not assessed: {msi['reason']}")
        return collection.observation(key, "msi", codes.MSI_CODE, dataAbsentReason=reason)
    answer = codes.MSI_VALUE.get(msi["status"])
    if answer is None:
        raise ExportError(f"MSI status {msi['status']!r} has no LOINC answer (codes.MSI_VALUE)")
    method = (
        f"{msi['method_name']}: score {msi['score']}% (unstable share of"
        f" {msi['sites_used']} microsatellites); MSI-high at >= {msi['cutoff']}%"
        f" ({msi['cutoff_source']})"
    )
    return collection.observation(
        key,
        "msi",
        codes.MSI_CODE,
        valueCodeableConcept=loinc_answer(answer),
        note=notes(method, msi.get("purity_note")),
    )


def tumour_results(
    collection: Collection, section: dict, build: str | None, targets: str
) -> list[Json]:
    """Each pair's somatic mutations, what was examined, TMB and MSI; a region stating why for a
    pair without somatic results."""
    results = []
    for index, pair in enumerate(section["pairs"]):
        prefix = f"tumour{index}"
        if not pair["assessed"]:
            statement = pair["statement"]
            results.append(region_studied(collection, prefix, statement, None, statement))
            continue
        examined = f"somatic SNVs and small indels, tumour against its normal: {targets}"
        results.append(region_studied(collection, f"{prefix}:region", examined, None, None))
        for mutation in pair["mutations"]:
            key = _variant_key(prefix, mutation)
            results.append(somatic_mutation(collection, key, mutation, build))
        results.append(tmb_observation(collection, f"{prefix}:tmb", pair["tmb"]))
        results.append(msi_observation(collection, f"{prefix}:msi", pair["msi"]))
    return results


def conclusion(document: dict[str, Any]) -> str:
    """The report's use statement and what each area found, without sample names."""
    pgx, tumour = document["pharmacogenomics"], document["tumour"]
    if pgx["assessed"]:
        called = sum(gene["called"] for gene in pgx["genes"])
        pgx_text = f"Pharmacogenomics: {called} of {len(pgx['genes'])} genes called."
        pgx_text += untyped_statement(pgx["not_assessed"])
    else:
        pgx_text = pgx["statement"]
    pairs = f"Tumour: {len(tumour['pairs'])} tumour/normal pair(s)." if tumour["present"] else ""
    parts = (document["header"]["use_statement"], pgx_text, document["hereditary"]["statement"])
    return " ".join(part for part in (*parts, pairs) if part)


def bundle(document: dict[str, Any]) -> Json:
    """The Bundle of one report: Patient, DiagnosticReport, then the Observations it refers to."""
    header = document["header"]
    build = header["reference_build"]
    collection = Collection(header["identifier"])
    identifier = {"type": {"text": "tailorseq report identifier"}, "value": header["identifier"]}
    collection.add("patient", {"resourceType": "Patient", "identifier": [identifier]})
    results = pgx_results(collection, document["pharmacogenomics"])
    results += hereditary_results(collection, document["hereditary"], build)
    targets = document["methods"]["targets_statement"]
    results += tumour_results(collection, document["tumour"], build, targets)
    report = {
        "resourceType": "DiagnosticReport",
        "meta": profile("genomics-report"),
        "status": "final",
        "category": [concept((codes.DIAGNOSTIC_SERVICE, "GE", "Genetics"))],
        "code": concept(codes.REPORT_CODE),
        "subject": collection.patient,
        "issued": header["generated"],
        "result": results,
        "conclusion": conclusion(document),
    }
    collection.add("report", report)
    patient, *observations, diagnostic = collection.entries
    return {
        "resourceType": "Bundle",
        "identifier": {"system": "urn:ietf:rfc:3986", "value": collection.url("bundle")},
        "type": "collection",
        "timestamp": header["generated"],
        "entry": [patient, diagnostic, *observations],
    }


def references(node: Any) -> list[str]:
    """Every `reference` value in a JSON tree."""
    if isinstance(node, dict):
        found = [node["reference"]] if isinstance(node.get("reference"), str) else []
        return found + [ref for value in node.values() for ref in references(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in references(value)]
    return []


def problems(data: Json) -> list[str]:
    """What the library does not check: references that do not resolve inside the bundle,
    statuses, and FHIR's obs-6 (dataAbsentReason only without a value)."""
    urls = {entry["fullUrl"] for entry in data["entry"]}
    found = [f"reference {ref} does not resolve" for ref in references(data) if ref not in urls]
    for entry in data["entry"]:
        resource = entry["resource"]
        status = resource.get("status")
        if status is not None and status not in STATUSES:
            found.append(f"{entry['fullUrl']}: status {status}")
        has_value = any(key.startswith("value") for key in resource)
        if has_value and "dataAbsentReason" in resource:
            found.append(f"{entry['fullUrl']}: a value and a dataAbsentReason (obs-6)")
    return found


def validated(data: Json, where: str) -> str:
    """The bundle as JSON text once fhir.resources parses it and `problems` finds nothing.

    The library checks structure, types and cardinality against FHIR R4B (4.3.0) models: its
    releases for pydantic 2 have no R4 (4.0.1) ones, and R4B's changes are limited to other
    areas (medication definition, evidence, subscriptions: https://hl7.org/fhir/R4B/history.html),
    so Bundle, Patient, DiagnosticReport and Observation are R4's."""
    try:
        text = Bundle.model_validate(data).model_dump_json(indent=2)
    except ValueError as error:
        raise ExportError(f"{where}: not a valid FHIR Bundle: {error}") from error
    found = problems(json.loads(text))
    if found:
        raise ExportError(f"{where}: {'; '.join(found)}")
    return text + "\n"


def write_fhir(document: dict[str, Any], path: Path) -> Json:
    """Build, validate and write (atomically) the report's FHIR Bundle; returns it."""
    text = validated(bundle(document), str(path))
    write_atomic(path, text)
    return json.loads(text)

"""`variant` Observations of the FHIR export (hereditary findings and somatic mutations, from the
report document) and the `diagnostic-implication` of each hereditary finding (ClinVar's
classification, the gene list's condition and inheritance)."""

from __future__ import annotations

from typing import Any

from tailorseq.export import codes
from tailorseq.export.fhir_parts import (
    Collection,
    Json,
    component,
    concept,
    loinc_answer,
    notes,
    text_component,
)


def _hgvs(slice_name: str, expression: str | None) -> list[Json]:
    """An HGVS component (c. or p.) as the report names it; none when the report has no name."""
    if not expression:
        return []
    return [component(slice_name, valueCodeableConcept=concept((codes.HGVS, expression)))]


def _assembly(build: str | None) -> list[Json]:
    """The reference build: a LOINC answer for GRCh37/GRCh38, else its name as text."""
    if not build:
        return []
    answer = codes.ASSEMBLY.get(build)
    value = loinc_answer(answer) if answer else concept(text=build)
    return [component("reference-sequence-assembly", valueCodeableConcept=value)]


def _frequency(fraction: float | None) -> list[Json]:
    """The allele fraction in the sample (UCUM unit 1), when measured."""
    if fraction is None:
        return []
    quantity = {"value": fraction, "system": codes.UCUM, "code": "1", "unit": "relative frequency"}
    return [component("sample-allelic-frequency", valueQuantity=quantity)]


def variant_components(variant: dict[str, Any], build: str | None, source: str) -> list[Json]:
    """The IG's components of a small variant: gene, HGVS, transcript, position on the reference
    (1-based, VCF alleles), build, germline or somatic."""
    end = variant["pos"] + len(variant["ref"]) - 1
    position = {"low": {"value": variant["pos"]}, "high": {"value": end}}
    transcript = variant.get("transcript")
    return [
        text_component("gene-studied", variant["gene"]),
        *_hgvs("coding-hgvs", variant.get("hgvsc")),
        *_hgvs("protein-hgvs", variant.get("hgvsp")),
        *([text_component("transcript-ref-seq", transcript)] if transcript else []),
        text_component("genomic-ref-seq", variant["contig"]),
        *_assembly(build),
        component("coordinate-system", valueCodeableConcept=loinc_answer(codes.ONE_BASED)),
        component("exact-start-end", valueRange=position),
        component("ref-allele", valueString=variant["ref"]),
        component("alt-allele", valueString=variant["alt"]),
        component(
            "genomic-source-class", valueCodeableConcept=loinc_answer(codes.SOURCE_CLASS[source])
        ),
    ]


def variant_observation(
    collection: Collection, key: str, parts: list[Json], note: list[Json]
) -> Json:
    """A `variant` Observation: present, found by sequencing."""
    return collection.observation(
        key,
        "variant",
        codes.VARIANT_CODE,
        valueCodeableConcept=loinc_answer(codes.PRESENT),
        method=loinc_answer(codes.SEQUENCING),
        component=parts,
        note=note,
    )


def germline_finding(collection: Collection, key: str, finding: dict, build: str | None) -> Json:
    """A hereditary finding's `variant` Observation: allelic state, allele fraction, ClinVar id."""
    parts = variant_components(finding, build, "germline") + _frequency(finding["allele_fraction"])
    state = codes.ALLELIC_STATE.get(finding["zygosity"] or "")
    if state:
        parts.append(component("allelic-state", valueCodeableConcept=loinc_answer(state)))
    if finding["clinvar_id"]:
        clinvar = concept(
            (codes.CLINVAR, finding["clinvar_id"]), f"ClinVar {finding['clinvar_id']}"
        )
        parts.append(component("variation-code", valueCodeableConcept=clinvar))
    depth = f"read depth {finding['depth']}" if finding["depth"] is not None else None
    return variant_observation(collection, key, parts, notes(depth))


def diagnostic_implication(
    collection: Collection, key: str, finding: dict, variant: Json, clinvar: dict | None
) -> Json:
    """A hereditary finding's `diagnostic-implication`: ClinVar's classification (coded when it
    is Pathogenic or Likely pathogenic, in ClinVar's words always), condition, inheritance."""
    words = finding["significance"]
    parts = []
    if words:
        answer = codes.SIGNIFICANCE.get(words)
        value = concept((codes.LOINC, *answer) if answer else None, f"{words} (ClinVar)")
        parts.append(component("clinical-significance", valueCodeableConcept=value))
    if finding["condition"]:
        parts.append(text_component("associated-phenotype", finding["condition"]))
    if finding["inheritance"]:
        inheritance = codes.INHERITANCE.get(finding["inheritance"], finding["inheritance"])
        parts.append(text_component("mode-of-inheritance", inheritance))
    release = f", ClinVar file {clinvar['file_date']}" if clinvar else ""
    stars = finding["review_stars"]
    review = f"ClinVar review status: {stars} star(s){release}" if stars is not None else None
    return collection.observation(
        key,
        "diagnostic-implication",
        codes.DIAGNOSTIC_IMPLICATION_CODE,
        derivedFrom=[variant],
        component=parts,
        note=notes(review, finding["note"]),
    )


def somatic_mutation(collection: Collection, key: str, mutation: dict, build: str | None) -> Json:
    """A somatic mutation's `variant` Observation with its allele fraction in the tumour."""
    parts = variant_components(mutation, build, "somatic") + _frequency(mutation["vaf"])
    reading = mutation.get("vaf_reading")
    return variant_observation(
        collection, key, parts, notes(f"tumour allele fraction: {reading}" if reading else None)
    )

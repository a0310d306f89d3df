"""Pharmacogenomics in the FHIR export, from the report's pharmacogenomics section: a `genotype`
Observation per called gene (its diplotype), a `therapeutic-implication` with CPIC's metabolizer
phenotype (LOINC 53040-2, effect on drug metabolism), and a `region-studied` per gene saying
whether it was called, examined without a call, or not assessed."""

from __future__ import annotations

from typing import Any

from tailorseq.export import codes
from tailorseq.export.fhir_parts import (
    Collection,
    Json,
    concept,
    notes,
    region_studied,
    text_component,
)

#: CPIC phenotypes that are a drug-metabolism status end in this word (e.g. CYP2C19 Poor
#: Metabolizer); others (SLCO1B1 Normal Function, G6PD Normal, MT-RNR1 risks) are not one.
METABOLIZER = "Metabolizer"


def _genotype(collection: Collection, gene: dict[str, Any], phenotype_note: str | None) -> Json:
    """The gene's `genotype` Observation: the diplotype as the report names it."""
    name = gene["gene"]
    return collection.observation(
        f"pgx:genotype:{name}",
        "genotype",
        codes.GENOTYPE_CODE,
        valueCodeableConcept=concept(text=f"{name} {gene['diplotype']}"),
        component=[text_component("gene-studied", name)],
        note=notes(phenotype_note),
    )


def _metabolism(collection: Collection, gene: dict[str, Any], genotype: Json, source: str) -> Json:
    """A `therapeutic-implication`: the gene's CPIC metabolizer phenotype, from its genotype."""
    score = gene["activity_score"]
    return collection.observation(
        f"pgx:phenotype:{gene['gene']}",
        "therapeutic-implication",
        codes.THERAPEUTIC_IMPLICATION_CODE,
        derivedFrom=[genotype],
        component=[text_component("effect-medication-metabolism", gene["phenotype"])],
        note=notes(
            f"{gene['gene']} phenotype from {source}",
            f"activity score {score}" if score is not None else None,
        ),
    )


def called_gene(collection: Collection, gene: dict[str, Any], source: str) -> list[Json]:
    """A called gene's genotype and, for a metabolizer phenotype, its implication; another
    phenotype is named in the genotype's note."""
    phenotype = gene["phenotype"]
    metabolizer = bool(phenotype) and phenotype.endswith(METABOLIZER)
    other = None
    if phenotype and not metabolizer:
        other = f"CPIC phenotype: {phenotype} (not a drug-metabolism status: not coded as 53040-2)"
    genotype = _genotype(collection, gene, other)
    if not metabolizer:
        return [genotype]
    return [genotype, _metabolism(collection, gene, genotype, source)]


def pgx_results(collection: Collection, section: dict[str, Any]) -> list[Json]:
    """The PGx Observations and a region studied per gene (the section's genes, then those not
    assessed at all); one region stating why when PGx was not assessed."""
    if not section["assessed"]:
        return [region_studied(collection, "pgx", section["statement"], None, section["statement"])]
    source = section["knowledge"]["phenotypes"] or "the PGx knowledge used"
    results: list[Json] = []
    for gene in section["genes"]:
        name = gene["gene"]
        if gene["called"]:
            results += called_gene(collection, gene, source)
            examined = f"pharmacogenomics: {name} genotyped from the reads, diplotype called"
        else:
            examined = (
                f"pharmacogenomics: {name} examined, no diplotype called:"
                f" {gene['not_called_reason']}"
            )
        results.append(region_studied(collection, f"pgx:region:{name}", examined, name, None))
    for gene in section["not_assessed"]:
        reason = f"pharmacogenomics: {gene['gene']} not assessed: {gene['reason']}"
        key = f"pgx:region:{gene['gene']}"
        results.append(region_studied(collection, key, reason, gene["gene"], reason))
    return results

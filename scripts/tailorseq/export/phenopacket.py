"""The Phenopacket export of a patient's report: a GA4GH Phenopacket v2 (schema 2.0, the
`phenopackets` package's protobuf classes, canonical JSON by google.protobuf.json_format) of the
hereditary findings, built from the report document alone.

One interpretation per pathogenic or likely pathogenic finding: its variant (gene, HGVS, VCF record
with the build, allelic state as a GENO term) and ClinVar's classification as the ACMG class.
Without consent, or without findings, the phenopacket has no interpretation and its reference to
the report says why: it never implies a negative, and genes not assessed are named in the report
only. Not carried (the report has no identifier for them): the condition's ontology id (its name is
the disease's label) and the gene's HGNC id (its symbol is given).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import phenopackets as pp
from google.protobuf import json_format
from google.protobuf.timestamp_pb2 import Timestamp

from tailorseq.files import write_atomic
from tailorseq.report.assemble import GERMLINE_KINDS

SCHEMA_VERSION = "2.0"
#: Allelic states (GENO, the Genotype Ontology) by the report's zygosity.
ALLELIC_STATE = {
    "het": ("GENO:0000135", "heterozygous"),
    "hom": ("GENO:0000136", "homozygous"),
    "hemi": ("GENO:0000134", "hemizygous"),
}
#: A heterozygous finding whose partner in the gene is in trans from the reads (report `phase`
#: status trans): GENO's compound heterozygous. Unknown phase stays heterozygous (never a
#: compound heterozygote that was not shown); in cis is not a finding.
COMPOUND_HETEROZYGOUS = ("GENO:0000402", "compound heterozygous")
#: GENO as a phenopacket resource. Version: the release named by the Phenopacket v2
#: documentation's examples (phenopacket-schema, docs); later releases not checked offline.
GENO = pp.Resource(
    id="geno",
    name="Genotype Ontology",
    url="http://purl.obolibrary.org/obo/geno.owl",
    version="2020-03-08",
    namespace_prefix="GENO",
    iri_prefix="http://purl.obolibrary.org/obo/GENO_",
)
#: ClinVar's classification (the findings' words) as the ACMG class; ClinVar's aggregate
#: "Pathogenic/Likely pathogenic" (submitters said one or the other) is at least likely
#: pathogenic.
ACMG = {
    "Pathogenic": pp.PATHOGENIC,
    "Likely pathogenic": pp.LIKELY_PATHOGENIC,
    "Pathogenic/Likely pathogenic": pp.LIKELY_PATHOGENIC,
}
SEX = {"female": pp.FEMALE, "male": pp.MALE}


class PhenopacketError(ValueError):
    """A phenopacket that fails its checks: names the file and what is wrong."""


def patient_sex(header: dict[str, Any]) -> int:
    """The sex of the sample that stands for the patient's germline (the report's sex: the
    sheet's, else the one the reads show), UNKNOWN_SEX when neither tells."""
    for kind in GERMLINE_KINDS:
        for sample in header["samples"]:
            if sample["kind"] == kind:
                return SEX.get(sample["sex"] or "", pp.UNKNOWN_SEX)
    return pp.UNKNOWN_SEX


def variation(finding: dict[str, Any], build: str | None) -> pp.VariationDescriptor:
    """A finding's variant: gene symbol, HGVS names, VCF record with the build, allelic state
    (compound heterozygous only when the reads put its partner in trans), ClinVar id."""
    expressions = [
        pp.Expression(syntax=syntax, value=finding[key])
        for syntax, key in (("hgvs.c", "hgvsc"), ("hgvs.p", "hgvsp"))
        if finding[key]
    ]
    state = ALLELIC_STATE.get(finding["zygosity"] or "")
    if state and finding["zygosity"] == "het" and (finding["phase"] or {}).get("status") == "trans":
        state = COMPOUND_HETEROZYGOUS
    transcript = finding["transcript"]
    return pp.VariationDescriptor(
        id=f"{finding['contig']}-{finding['pos']}-{finding['ref']}-{finding['alt']}",
        label=" ".join(part for part in (finding["gene"], finding["hgvsp"]) if part),
        description=f"reporting transcript {transcript}" if transcript else "",
        gene_context=pp.GeneDescriptor(symbol=finding["gene"]),
        expressions=expressions,
        vcf_record=pp.VcfRecord(
            genome_assembly=build or "",
            chrom=finding["contig"],
            pos=finding["pos"],
            ref=finding["ref"],
            alt=finding["alt"],
        ),
        xrefs=[f"clinvar:{finding['clinvar_id']}"] if finding["clinvar_id"] else [],
        molecule_context=pp.genomic,
        allelic_state=pp.OntologyClass(id=state[0], label=state[1]) if state else None,
    )


def interpretation(
    identifier: str, index: int, finding: dict[str, Any], section: dict[str, Any], build: str | None
) -> pp.Interpretation:
    """A finding as one interpretation: its condition (the gene list's name, not coded), the
    variant and ClinVar's classification; not a diagnosis, so its status is left unknown."""
    clinvar = section["clinvar"] or {}
    words = finding["significance"] or "not classified"
    stars = finding["review_stars"]
    summary = (
        f"Secondary finding ({section['gene_list']['name']}): {finding['gene']} {words} in ClinVar"
        f" (file {clinvar.get('file_date', 'not stated')}, review stars"
        f" {'not stated' if stars is None else stars}); inheritance"
        f" {finding['inheritance'] or 'not stated'}. Not a diagnosis: its relation to the"
        " patient's health was not assessed."
    )
    genomic = pp.GenomicInterpretation(
        subject_or_biosample_id=identifier,
        interpretation_status=pp.GenomicInterpretation.UNKNOWN_STATUS,
        variant_interpretation=pp.VariantInterpretation(
            acmg_pathogenicity_classification=ACMG.get(words, pp.NOT_PROVIDED),
            variation_descriptor=variation(finding, build),
        ),
    )
    return pp.Interpretation(
        id=f"{identifier}-{finding['gene']}-{index}",
        progress_status=pp.Interpretation.COMPLETED,
        diagnosis=pp.Diagnosis(
            disease=pp.OntologyClass(label=finding["condition"] or "not stated"),
            genomic_interpretations=[genomic],
        ),
        summary=summary,
    )


def statement(section: dict[str, Any]) -> str:
    """What the phenopacket's reference to the report says: what was assessed and found."""
    return (
        f"Hereditary findings: {section['statement']} Only the genes this statement names as"
        " assessed were examined; the report lists the others with the reason."
    )


def phenopacket(document: dict[str, Any]) -> pp.Phenopacket:
    """The phenopacket of one report's hereditary findings."""
    header, section = document["header"], document["hereditary"]
    identifier = header["identifier"]
    findings = section["findings"] if section["assessed"] else []
    created = Timestamp()
    created.FromDatetime(datetime.fromisoformat(header["generated"]))
    return pp.Phenopacket(
        id=f"{identifier}-hereditary",
        subject=pp.Individual(id=identifier, sex=patient_sex(header)),
        interpretations=[
            interpretation(identifier, index, finding, section, header["reference_build"])
            for index, finding in enumerate(findings, start=1)
        ],
        meta_data=pp.MetaData(
            created=created,
            created_by=f"tailorseq {header['pipeline']}",
            resources=[GENO] if findings else [],
            phenopacket_schema_version=SCHEMA_VERSION,
            external_references=[
                pp.ExternalReference(
                    id=f"tailorseq-report:{identifier}",
                    reference=f"{identifier}.report.json",
                    description=statement(section),
                )
            ],
        ),
    )


def problems(packet: pp.Phenopacket) -> list[str]:
    """What protobuf does not check: each interpretation's variant has its VCF record and
    build, a GENO allelic state, and an ACMG class; the subject is the interpretations'."""
    found = []
    for item in packet.interpretations:
        for genomic in item.diagnosis.genomic_interpretations:
            variant = genomic.variant_interpretation
            record = variant.variation_descriptor.vcf_record
            if not (record.chrom and record.pos and record.genome_assembly):
                found.append(f"{item.id}: VCF record without position or build")
            if not variant.variation_descriptor.allelic_state.id.startswith("GENO:"):
                found.append(f"{item.id}: no GENO allelic state")
            if variant.acmg_pathogenicity_classification == pp.NOT_PROVIDED:
                found.append(f"{item.id}: no ACMG class")
            if genomic.subject_or_biosample_id != packet.subject.id:
                found.append(f"{item.id}: another subject")
    return found


def validated(packet: pp.Phenopacket, where: str) -> str:
    """The phenopacket as canonical JSON once it parses back to the same message and `problems`
    finds nothing."""
    text = json_format.MessageToJson(packet, indent=2)
    if json_format.Parse(text, pp.Phenopacket()) != packet:
        raise PhenopacketError(f"{where}: the JSON does not parse back to the phenopacket")
    found = problems(packet)
    if found:
        raise PhenopacketError(f"{where}: {'; '.join(found)}")
    return text + "\n"


def write_phenopacket(document: dict[str, Any], path: Path) -> pp.Phenopacket:
    """Build, validate and write (atomically) the report's phenopacket; returns it."""
    packet = phenopacket(document)
    write_atomic(path, validated(packet, str(path)))
    return packet

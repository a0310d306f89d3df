"""The Phenopacket export (tailorseq.export.phenopacket) of a hand-made report document, loaded
back with the phenopackets package: subject, one interpretation per hereditary finding with its
variant, allelic state and ACMG class, metadata, and a phenopacket that says why it has no
interpretation when there was no consent or no finding."""

import json
from pathlib import Path

import phenopackets as pp
import pytest
from export_helpers import BRCA1, HFE, IDENTIFIER, PRIVATE, document, finding, no_consent
from google.protobuf import json_format

from tailorseq.export.phenopacket import PhenopacketError, phenopacket, write_phenopacket


def written(tmp_path: Path, doc: dict) -> pp.Phenopacket:
    """The document's phenopacket as written, parsed back from its JSON."""
    path = tmp_path / f"{IDENTIFIER}.phenopacket.json"
    write_phenopacket(doc, path)
    return json_format.Parse(path.read_text(), pp.Phenopacket())


def variants(packet: pp.Phenopacket) -> dict[str, pp.VariantInterpretation]:
    """The interpretations' variants by gene."""
    return {
        g.variant_interpretation.variation_descriptor.gene_context.symbol: g.variant_interpretation
        for item in packet.interpretations
        for g in item.diagnosis.genomic_interpretations
    }


def test_subject_and_metadata(tmp_path: Path) -> None:
    packet = written(tmp_path, document())
    assert packet.subject.id == IDENTIFIER and packet.subject.sex == pp.FEMALE
    meta = packet.meta_data
    assert meta.phenopacket_schema_version == "2.0"
    assert meta.created_by == "tailorseq 0.1.0"
    assert meta.created.ToJsonString() == "2026-12-06T04:15:26Z"
    (geno,) = meta.resources
    assert (geno.namespace_prefix, geno.iri_prefix) == (
        "GENO",
        "http://purl.obolibrary.org/obo/GENO_",
    )
    assert geno.version


def test_one_interpretation_per_finding(tmp_path: Path) -> None:
    packet = written(tmp_path, document())
    assert [i.diagnosis.disease.label for i in packet.interpretations] == [
        "Hereditary breast and ovarian cancer",
        "HFE hemochromatosis",
    ]
    found = variants(packet)
    brca1, hfe = found["BRCA1"], found["HFE"]
    assert brca1.acmg_pathogenicity_classification == pp.PATHOGENIC
    # ClinVar's "Pathogenic/Likely pathogenic": at least likely pathogenic
    assert hfe.acmg_pathogenicity_classification == pp.LIKELY_PATHOGENIC
    descriptor = brca1.variation_descriptor
    assert descriptor.allelic_state.id == "GENO:0000135"
    assert hfe.variation_descriptor.allelic_state.id == "GENO:0000136"
    assert {(e.syntax, e.value) for e in descriptor.expressions} == {
        ("hgvs.c", "c.68_69del"),
        ("hgvs.p", "p.Glu23ValfsTer17"),
    }
    record = descriptor.vcf_record
    assert (record.genome_assembly, record.chrom, record.pos, record.ref, record.alt) == (
        "GRCh38",
        "chr17",
        43124027,
        "ACT",
        "A",
    )
    assert list(descriptor.xrefs) == ["clinvar:17662"]
    assert all(
        g.subject_or_biosample_id == IDENTIFIER
        for i in packet.interpretations
        for g in i.diagnosis.genomic_interpretations
    )


def test_hemizygous_finding(tmp_path: Path) -> None:
    otc = finding("OTC", "hemi", ("chrX", 38396000, "C", "T"), inheritance="XL")
    doc = document()
    doc["hereditary"]["findings"] = [otc]
    assert variants(written(tmp_path, doc))["OTC"].variation_descriptor.allelic_state.id == (
        "GENO:0000134"
    )


def test_no_consent_says_why_without_interpretations(tmp_path: Path) -> None:
    packet = written(tmp_path, no_consent())
    assert not packet.interpretations and not packet.meta_data.resources
    (reference,) = packet.meta_data.external_references
    assert "did not consent" in reference.description
    assert reference.reference == f"{IDENTIFIER}.report.json"


def test_no_findings_is_not_an_implied_negative(tmp_path: Path) -> None:
    doc = document()
    doc["hereditary"] |= {
        "findings": [],
        "statement": "No pathogenic or likely pathogenic variant found in the 2 assessed gene(s).",
    }
    packet = written(tmp_path, doc)
    assert not packet.interpretations
    description = packet.meta_data.external_references[0].description
    assert "2 assessed gene(s)" in description
    assert "the report lists the others" in description


def test_no_names_beyond_the_identifier(tmp_path: Path) -> None:
    text = json_format.MessageToJson(written(tmp_path, document()))
    assert IDENTIFIER in text
    for name in PRIVATE:
        assert name not in text


def test_a_finding_without_an_acmg_class_is_not_written(tmp_path: Path) -> None:
    doc = document()
    doc["hereditary"]["findings"] = [BRCA1 | {"significance": "Uncertain significance"}, HFE]
    path = tmp_path / "x.phenopacket.json"
    with pytest.raises(PhenopacketError, match="no ACMG class"):
        write_phenopacket(doc, path)
    assert not path.exists()


def test_canonical_json() -> None:
    text = json_format.MessageToJson(phenopacket(document()))
    assert '"phenopacketSchemaVersion": "2.0"' in text and "meta_data" not in text
    assert json.loads(text)["subject"] == {"id": IDENTIFIER, "sex": "FEMALE"}

"""The FHIR export (tailorseq.export.fhir) of a hand-made report document, loaded back with
fhir.resources: the IG's required elements of every profile it claims, codes and values of the
findings, PGx, TMB and MSI, references resolved inside the bundle, and no name but the report's
identifier."""

import copy
import json
from pathlib import Path

import jsonschema
import pytest
from export_helpers import BRCA1, DOCUMENT, HFE, IDENTIFIER, PRIVATE, document, no_consent
from fhir.resources.R4B.bundle import Bundle

from fhir_helpers import LOINC, PROFILE, by_gene, codings, component, resources
from helpers import ROOT
from tailorseq.export import codes
from tailorseq.export.fhir import ExportError, bundle, problems, write_fhir

LAB = ("http://terminology.hl7.org/CodeSystem/observation-category", "laboratory")
TBD = "http://hl7.org/fhir/uv/genomics-reporting/CodeSystem/tbd-codes"
# The IG's required elements of each profile claimed, from Genomics Reporting STU2 (2.0.0),
# http://hl7.org/fhir/uv/genomics-reporting/STU2/artifacts.html (profiles' differentials, FSH
# source input/fsh/CGGeneral.fsh, CGFindings.fsh, CGImplications.fsh), on top of FHIR R4's own
# (Observation.status, .code; DiagnosticReport.status, .code):
# - every Observation profile derives from GenomicsBase: category 1..* with a slice
#   `labCategory` 1..1 = observation-category#laboratory;
# - genomics-report: category slice `Genetics` 1..1 = v2-0074#GE;
# - a fixed code per profile (below); genotype: value[x] CodeableConcept 1..1;
#   region-studied: value[x] 0..0; the implications: value[x] 0..0, derivedFrom 1..*;
#   tmb: valueQuantity = UCUM#1/1000000{Base};
# - every component slice used has value[x] 1..1.
FIXED_CODE = {
    "variant": (LOINC, "69548-6"),
    "genotype": (LOINC, "84413-4"),
    "region-studied": (LOINC, "53041-0"),
    "tmb": (LOINC, "94076-7"),
    "msi": (LOINC, "81695-9"),
    "diagnostic-implication": (TBD, "diagnostic-implication"),
    "therapeutic-implication": (TBD, "therapeutic-implication"),
}
NO_VALUE = ("region-studied", "diagnostic-implication", "therapeutic-implication")


@pytest.fixture
def written(tmp_path: Path) -> dict:
    """The hand-made document's bundle as written and loaded back with the library."""
    path = tmp_path / f"{IDENTIFIER}.fhir.json"
    write_fhir(document(), path)
    return json.loads(Bundle.model_validate_json(path.read_text()).model_dump_json())


def test_hand_made_parts_follow_the_report_schema() -> None:
    schema = json.loads((ROOT / "resources" / "report.schema.json").read_text())
    hereditary = schema["properties"]["hereditary"]["properties"]
    for item in (BRCA1, HFE):
        jsonschema.validate(item, hereditary["findings"]["items"])
    pgx = schema["properties"]["pharmacogenomics"]["properties"]
    for gene in DOCUMENT["pharmacogenomics"]["genes"]:
        jsonschema.validate(gene, pgx["genes"]["items"])


def test_bundle_is_a_collection_led_by_patient_and_report(written: dict) -> None:
    assert written["type"] == "collection"
    patient, report = (entry["resource"] for entry in written["entry"][:2])
    assert patient == {
        "resourceType": "Patient",
        "id": patient["id"],
        "identifier": [{"type": {"text": "tailorseq report identifier"}, "value": IDENTIFIER}],
    }
    assert report["resourceType"] == "DiagnosticReport" and report["status"] == "final"
    assert codings(report["code"]) == {(LOINC, "81247-9")}
    assert report["meta"]["profile"] == [PROFILE.format("genomics-report")]
    observations = [e["fullUrl"] for e in written["entry"][2:]]
    assert [r["reference"] for r in report["result"]] == observations


def test_every_reference_resolves_inside_the_bundle(written: dict) -> None:
    urls = {entry["fullUrl"] for entry in written["entry"]}
    text = json.dumps(written)
    assert text.count('"reference"') > len(urls)
    assert problems(written) == []
    tampered = copy.deepcopy(written)
    tampered["entry"][1]["resource"]["result"].append({"reference": "urn:uuid:elsewhere"})
    assert problems(tampered) == ["reference urn:uuid:elsewhere does not resolve"]


def test_required_elements_of_every_claimed_profile(written: dict) -> None:
    claimed = set()
    for resource in resources(written)[1:]:
        (profile,) = resource["meta"]["profile"]
        name = profile.removeprefix(codes.PROFILE_BASE).removesuffix("|2.0.0")
        claimed.add(name)
        assert resource["status"] == "final" and resource["code"]["coding"]
        if name == "genomics-report":
            assert ("http://terminology.hl7.org/CodeSystem/v2-0074", "GE") in {
                pair for concept in resource["category"] for pair in codings(concept)
            }
            continue
        assert LAB in {pair for concept in resource["category"] for pair in codings(concept)}
        assert FIXED_CODE[name] in codings(resource["code"]), name
        values = [key for key in resource if key.startswith("value")]
        if name == "genotype":
            assert values == ["valueCodeableConcept"]
        if name in NO_VALUE:
            assert values == []
        if name.endswith("implication"):
            assert resource["derivedFrom"]
        if name == "tmb" and "valueQuantity" in resource:
            assert resource["valueQuantity"]["code"] == "1/1000000{Base}"
        for part in resource.get("component", []):
            assert any(key.startswith("value") for key in part), (name, part["code"])
    assert claimed == set(codes.PROFILES)


def test_germline_findings_het_and_hom(written: dict) -> None:
    variants = by_gene(written, "variant")
    brca1, hfe = variants["BRCA1"], variants["HFE"]
    assert codings(component(brca1, "53034-5")["valueCodeableConcept"]) == {(LOINC, "LA6706-1")}
    assert codings(component(hfe, "53034-5")["valueCodeableConcept"]) == {(LOINC, "LA6705-3")}
    assert codings(component(brca1, "48004-6")["valueCodeableConcept"]) == {
        ("http://varnomen.hgvs.org", "c.68_69del")
    }
    assert component(brca1, "48005-3")["valueCodeableConcept"]["coding"][0]["code"] == (
        "p.Glu23ValfsTer17"
    )
    assert component(brca1, "81254-5")["valueRange"] == {
        "low": {"value": 43124027},
        "high": {"value": 43124029},
    }
    assert (
        component(brca1, "69547-8")["valueString"],
        component(brca1, "69551-0")["valueString"],
    ) == ("ACT", "A")
    assert component(brca1, "48013-7")["valueCodeableConcept"]["text"] == "chr17"
    assert codings(component(brca1, "62374-4")["valueCodeableConcept"]) == {(LOINC, "LA26806-2")}
    assert codings(component(brca1, "48002-0")["valueCodeableConcept"]) == {(LOINC, "LA6683-2")}
    assert component(brca1, "81258-6")["valueQuantity"]["value"] == 0.48
    assert codings(component(brca1, "81252-9")["valueCodeableConcept"]) == {
        ("http://www.ncbi.nlm.nih.gov/clinvar", "17662")
    }
    implications = {
        r["derivedFrom"][0]["reference"]: r for r in resources(written, "diagnostic-implication")
    }
    urls = {e["resource"]["id"]: e["fullUrl"] for e in written["entry"]}
    brca1_significance = component(implications[urls[brca1["id"]]], "53037-8")
    assert codings(brca1_significance["valueCodeableConcept"]) == {(LOINC, "LA6668-3")}
    # ClinVar's aggregate words are kept as text, not coded as one of the two
    hfe_significance = component(implications[urls[hfe["id"]]], "53037-8")["valueCodeableConcept"]
    assert hfe_significance == {"text": "Pathogenic/Likely pathogenic (ClinVar)"}


def test_somatic_mutation_with_hgvs(written: dict) -> None:
    egfr = by_gene(written, "variant")["EGFR"]
    assert codings(component(egfr, "48002-0")["valueCodeableConcept"]) == {(LOINC, "LA6684-0")}
    assert component(egfr, "53034-5") is None  # no allelic state for a somatic mutation
    assert component(egfr, "48005-3")["valueCodeableConcept"]["coding"][0]["code"] == "p.Leu858Arg"
    assert component(egfr, "48004-6")["valueCodeableConcept"]["coding"][0]["code"] == "c.2573T>G"
    assert component(egfr, "81258-6")["valueQuantity"] == {
        "value": 0.31,
        "system": "http://unitsofmeasure.org",
        "code": "1",
        "unit": "relative frequency",
    }


def test_pgx_called_and_uncalled_genes(written: dict) -> None:
    genotypes = by_gene(written, "genotype")
    assert set(genotypes) == {"CYP2C19", "SLCO1B1"}  # DPYD was not called: no genotype
    assert genotypes["CYP2C19"]["valueCodeableConcept"] == {"text": "CYP2C19 *2/*17"}
    (implication,) = resources(written, "therapeutic-implication")
    assert component(implication, "53040-2")["valueCodeableConcept"] == {
        "text": "Intermediate Metabolizer"
    }
    urls = {e["resource"]["id"]: e["fullUrl"] for e in written["entry"]}
    assert implication["derivedFrom"] == [{"reference": urls[genotypes["CYP2C19"]["id"]]}]
    # SLCO1B1's phenotype is not a drug-metabolism status: named, not coded as 53040-2
    assert "Normal Function" in genotypes["SLCO1B1"]["note"][0]["text"]
    regions = by_gene(written, "region-studied")
    dpyd, cyp2d6 = regions["DPYD"], regions["CYP2D6"]
    assert "no diplotype called" in component(dpyd, "81293-3")["valueString"]
    assert "dataAbsentReason" not in dpyd  # examined, without a call
    assert codings(cyp2d6["dataAbsentReason"]) == {
        ("http://terminology.hl7.org/CodeSystem/data-absent-reason", "not-performed")
    }


def test_tmb_not_assessed_and_msi_high(written: dict) -> None:
    (tmb,) = resources(written, "tmb")
    assert "valueQuantity" not in tmb
    assert tmb["dataAbsentReason"]["text"].startswith("TMB not assessed: only 40,064")
    (msi,) = resources(written, "msi")
    assert codings(msi["valueCodeableConcept"]) == {(LOINC, "LA26203-2")}
    assert "35.14%" in msi["note"][0]["text"]


def test_assessed_tmb_has_its_rate(tmp_path: Path) -> None:
    doc = document()
    doc["tumour"]["pairs"][0]["tmb"] |= {
        "assessed": True,
        "tmb_high": True,
        "mutations_per_mb": 12.5,
    }
    (tmb,) = resources(bundle(doc), "tmb")
    assert tmb["valueQuantity"]["value"] == 12.5
    assert tmb["interpretation"][0]["coding"][0]["code"] == "H"


def test_msi_not_assessed_has_no_value_and_an_unknown_status_stops() -> None:
    doc = document()
    msi = doc["tumour"]["pairs"][0]["msi"]
    msi |= {"assessed": False, "status": "not assessed", "reason": "no microsatellite covered"}
    (observation,) = resources(bundle(doc), "msi")
    assert "valueCodeableConcept" not in observation
    assert observation["dataAbsentReason"]["text"] == "MSI not assessed: no microsatellite covered"
    msi |= {"assessed": True, "status": "MSI-low"}
    with pytest.raises(ExportError, match="MSI-low"):
        bundle(doc)


def test_genes_not_assessed_are_stated(written: dict) -> None:
    regions = by_gene(written, "region-studied")
    assert "dataAbsentReason" not in regions["BRCA1"]
    pms2 = regions["PMS2"]
    assert pms2["dataAbsentReason"]["text"].endswith(
        "PMS2 not assessed: fewer than 95% of coding bases at 20x"
    )


def test_no_consent_exports_no_finding_and_says_why() -> None:
    data = bundle(no_consent())
    sources = [component(r, "48002-0")["valueCodeableConcept"] for r in resources(data, "variant")]
    assert (LOINC, "LA6683-2") not in {pair for source in sources for pair in codings(source)}
    assert not resources(data, "diagnostic-implication")
    unnamed = [r for r in resources(data, "region-studied") if component(r, "48018-6") is None]
    reasons = [r["dataAbsentReason"]["text"] for r in unnamed if "dataAbsentReason" in r]
    assert any("did not consent" in reason for reason in reasons)


def test_no_names_beyond_the_identifier(written: dict) -> None:
    text = json.dumps(written)
    assert IDENTIFIER in text
    for name in PRIVATE:
        assert name not in text


def test_same_report_same_bundle() -> None:
    assert bundle(document()) == bundle(document())


def test_an_invalid_bundle_is_not_written(tmp_path: Path) -> None:
    doc = document()
    doc["hereditary"]["findings"][0]["allele_fraction"] = "about half"
    path = tmp_path / "x.fhir.json"
    with pytest.raises(ExportError, match="not a valid FHIR Bundle"):
        write_fhir(doc, path)
    assert not path.exists()

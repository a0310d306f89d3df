"""CPIC recommendations with their classification, looked up in a CPIC recommendation file
(PharmCAT's drugs.json format; fixture: real records, see tests/fixtures/cpic/README.md)."""

import hashlib
import json

import pytest
from test_report import assert_clean, germline, pgx_document, validate

from helpers import CPIC_FILE, shared
from tailorseq.cli import main
from tailorseq.errors import InputError
from tailorseq.pgx.cpic import CpicRecommendations, GeneResult, key_fit
from tailorseq.pgx.pipeline import recommendation_source
from tailorseq.pgx.pypgx_tables import pypgx_available
from tailorseq.pgx.recommendations import NO_CLASSIFICATION
from tailorseq.report.assemble import Settings, assemble
from tailorseq.report.render import render


@pytest.fixture(scope="module")
def cpic():
    return CpicRecommendations(CPIC_FILE)


def for_drug(recommendations, drug):
    return [r.to_json() for r in recommendations if r.drug == drug]


def test_lookup_by_phenotype(cpic):
    found = cpic.recommend({"CYP2C19": GeneResult("Poor Metabolizer")})
    (clopidogrel,) = for_drug(found, "clopidogrel")
    assert clopidogrel["classification"] == "Strong"
    assert clopidogrel["recommendation"].startswith("Alternative antiplatelet therapy")
    assert clopidogrel["implications"]["CYP2C19"].startswith("Significantly reduced platelet")
    assert clopidogrel["genes"] == {"CYP2C19": "Poor Metabolizer"}
    assert clopidogrel["guideline"].endswith("guideline-for-clopidogrel-and-cyp2c19/")
    assert clopidogrel["guideline_name"] == "CYP2C19 and Clopidogrel"
    assert clopidogrel["pmids"] == ["21716271", "23698643"]
    assert (clopidogrel["population"], clopidogrel["cpic_version"]) == ("general", "v1.10")
    moderate = for_drug(cpic.recommend({"CYP2C19": GeneResult("intermediate metabolizer")}),
                        "clopidogrel")  # fmt: skip
    assert [r["classification"] for r in moderate] == ["Moderate"]
    # CPIC's "No Recommendation" class and "n/a" texts (left out) for Indeterminate
    (indeterminate,) = for_drug(cpic.recommend({"CYP2C19": GeneResult("Indeterminate")}),
                                "clopidogrel")  # fmt: skip
    assert indeterminate["classification"] == "No Recommendation"
    assert "implications" not in indeterminate and "comments" not in indeterminate


@pytest.mark.parametrize(
    ("score", "key", "classification"),
    [(0.0, "0", "Strong"), (1.0, "1", "Strong"), (1.5, "1.5", "Moderate"), (2.0, "2", "Strong")],
)
def test_lookup_by_activity_score(cpic, score, key, classification):
    phenotype = "Normal Metabolizer" if score == 2.0 else "Intermediate Metabolizer"
    (capecitabine,) = for_drug(cpic.recommend({"DPYD": GeneResult(phenotype, score)}),
                               "capecitabine")  # fmt: skip
    assert capecitabine["lookup_key"] == {"DPYD": key}
    assert capecitabine["classification"] == classification


def test_activity_score_keys():
    scored = GeneResult("Ultrarapid Metabolizer", 3.5)
    assert key_fit("1.0", GeneResult("x", 1.0)) == key_fit("1", GeneResult("x", 1.0)) == (2, 0.0)
    assert key_fit("≥3", scored) == (1, 3.0) and key_fit("≥3.25", scored) == (1, 3.25)
    assert key_fit("≥4", scored) is None and key_fit("3", scored) is None
    assert key_fit("n/a", GeneResult("Indeterminate")) == (2, 0.0)
    assert key_fit("n/a", GeneResult("Normal Metabolizer")) is None


def test_lookup_by_allele_status(cpic):
    def abacavir(*haplotypes):
        found = cpic.recommend({"HLA-B": GeneResult(None, None, haplotypes)})
        return [r["recommendation"] for r in for_drug(found, "abacavir")]

    assert abacavir("*57:01", "*08:01") == ["Abacavir is not recommended"]
    assert abacavir("HLA-B*57:01:01", "*08:01") == ["Abacavir is not recommended"]
    assert abacavir("*07:02", "*08:01") == ["Use abacavir per standard dosing guidelines"]
    assert abacavir("*57:02", "*57:03") == ["Use abacavir per standard dosing guidelines"]


def test_two_genes_and_the_most_specific_score(cpic):
    def amitriptyline(score, cyp2c19):
        results = {"CYP2D6": GeneResult("x", score), "CYP2C19": GeneResult(cyp2c19)}
        return for_drug(cpic.recommend(results), "amitriptyline")

    (poor,) = amitriptyline(0.0, "Indeterminate")
    assert poor["lookup_key"] == {"CYP2D6": "0", "CYP2C19": "Indeterminate"}
    assert poor["classification"] == "Strong" and poor["recommendation"].startswith("Avoid")
    (exact,) = amitriptyline(3.0, "Intermediate Metabolizer")  # `3` wins over `≥3`
    assert exact["lookup_key"]["CYP2D6"] == "3" and exact["classification"] == "Optional"
    (above,) = amitriptyline(3.5, "Intermediate Metabolizer")
    assert above["lookup_key"]["CYP2D6"] == "≥3"


def test_no_match_and_no_result(cpic):
    # CYP2D6 has no result: amitriptyline's file records need one (left out of the fixture)
    found = cpic.recommend({"CYP2C19": GeneResult("Normal Metabolizer")})
    (amitriptyline,) = for_drug(found, "amitriptyline")
    assert amitriptyline["recommendation"] is None and amitriptyline["classification"] is None
    assert "no recommendation of the CPIC file fits" in amitriptyline["note"]
    assert amitriptyline["genes"] == {"CYP2C19": "Normal Metabolizer", "CYP2D6": None}
    # drugs none of whose genes has a result are not listed
    assert {r.drug for r in found} == {"amitriptyline", "clopidogrel"}
    assert cpic.recommend({"CYP2C19": GeneResult(None)}) == []


def test_every_population_is_reported(cpic):
    negative = {"HLA-A": GeneResult(None, None, ("*02:01", "*24:02")),
                "HLA-B": GeneResult(None, None, ("*07:02", "*08:01"))}  # fmt: skip
    found = for_drug(cpic.recommend(negative), "carbamazepine")
    assert sorted(r["population"] for r in found) == [
        "CBZ naive",
        "CBZ use >3mos",
        "CBZ-no alternatives",
    ]
    assert {r["classification"] for r in found} == {"Strong"}
    # HLA-A not typed: the `No *31:01 Result` record
    (naive,) = for_drug(cpic.recommend({"HLA-B": negative["HLA-B"]}), "carbamazepine")
    assert naive["lookup_key"] == {"HLA-A": "No *31:01 Result", "HLA-B": "*15:02 negative"}
    assert naive["population"] == "CBZ naive"


def test_source_is_recorded_and_pypgx_says_it_has_no_classification(cpic):
    assert cpic.info["sha256"] == hashlib.sha256(CPIC_FILE.read_bytes()).hexdigest()
    assert cpic.info["version"] == "v1.10" and cpic.info["drugs"] == 5
    if not pypgx_available():
        pytest.skip("needs pypgx (pip install --no-deps pypgx==0.27.0)")
    assert recommendation_source(None, None).info["note"] == NO_CLASSIFICATION


def test_bad_file_names_file_row_and_fix(tmp_path):
    drugs = json.loads(CPIC_FILE.read_text())
    del drugs[2]["recommendations"][1]["lookupkey"]
    bad = tmp_path / "drugs.json"
    bad.write_text(json.dumps(drugs))
    with pytest.raises(InputError, match=r"drugs\.json, row 3: recommendation 2 of capecitabine "
                       r"has no lookupkey.*Fix: give a CPIC recommendation file"):  # fmt: skip
        CpicRecommendations(bad)
    bad.write_text("{not json")
    with pytest.raises(InputError, match=r"drugs\.json: not JSON"):
        CpicRecommendations(bad)


@pytest.mark.shared
def test_cli_example_vcf_gets_the_clopidogrel_classification(tmp_path, capsys):
    out = tmp_path / "example.pgx.json"
    pharmcat = shared("pharmcat")
    status = main(["pgx", "--vcf", str(pharmcat / "examples" / "pharmcat.example.vcf"),
                   "--definitions", str(pharmcat / "definition" / "alleles"),
                   "--phenotypes", str(pharmcat / "phenotype"), "--build", "GRCh38",
                   "--genes", "CYP2C19,DPYD", "--recommendations", str(CPIC_FILE),
                   "--out", str(out)])  # fmt: skip
    assert status == 0
    document = json.loads(out.read_text())
    assert document["genes"]["CYP2C19"]["phenotype"]["phenotype"] == "Normal Metabolizer"
    by_drug = {r["drug"]: r for r in document["recommendations"]}
    assert by_drug["clopidogrel"]["classification"] == "Strong"
    assert by_drug["clopidogrel"]["recommendation"].startswith("Clopidogrel: label-recommended")
    assert by_drug["capecitabine"]["lookup_key"] == {"DPYD": "2"}
    assert document["knowledge"]["recommendations"]["file"] == str(CPIC_FILE)


def test_report_shows_classification_and_population(cpic, tmp_path):
    document = pgx_document()
    results = {"CYP2C19": GeneResult("Poor Metabolizer"),
               "HLA-B": GeneResult(None, None, ("*07:02", "*08:01"))}  # fmt: skip
    document["recommendations"] = [r.to_json() for r in cpic.recommend(results)]
    report = assemble("P1", "p0123456789", [germline(tmp_path, pgx=document)], [], Settings())
    validate(report)
    drugs = {(d["drug"], d["note"]): d for d in report["pharmacogenomics"]["drugs"]}
    assert drugs[("clopidogrel", None)]["classification"] == "Strong"
    assert drugs[("carbamazepine", "population: CBZ naive")]["classification"] == "Strong"
    html = render(report)
    assert_clean(html)
    assert "Strong" in html and "population: CBZ naive" in html
    assert "The classification (Strong, Moderate, Optional, No recommendation) is CPIC's" in html
    assert "where the data used has no flags it says so" in html

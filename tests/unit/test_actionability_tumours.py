"""Actionability by the patient's tumour type (OncoTree): the situations of issue 12 - a
leukaemia with a solid-tumour indication, a tumour of no stated type, colorectal BRAF and RAS
tumours, a breast tumour against CIViC's "Breast Cancer" - and tier III's cancer genes."""

import pytest
from actionability_helpers import (
    CURATED,
    ONCOTREE,
    by_drug,
    by_variant,
    civic_row,
    csq,
    record,
    run,
    write_biomarkers,
    write_civic,
    write_vcf,
)

from tailorseq.somatic.actionability import KnowledgeFiles, actionability
from tailorseq.somatic.knowledge import KnowledgeError

MSI_HIGH = {"status": "MSI-high", "assessed": True, "score": 40.0, "cutoff": 20}
TMB_HIGH = {"status": "high", "assessed": True, "mutations_per_mb": 25.0, "cutoff": 10}
BRAF_V600E = record("BRAF", 1000, "A", "T", csq("missense", "BRAF", "600V>600E"), 0.3)
KRAS_G12C = record("KRAS", 20351, "C", "A", csq("missense", "KRAS", "12G>12C"), 0.2)
KRAS_G13D = record("KRAS", 20348, "C", "T", csq("missense", "KRAS", "13G>13D"), 0.2)
NRAS_Q61K = record("NRAS", 3000, "G", "T", csq("missense", "NRAS", "61Q>61K"), 0.25)


@pytest.mark.parametrize("tumour", ["AML", "acute myeloid leukemia"])
def test_a_leukaemia_gets_no_solid_tumour_biomarker_indication(tmp_path, tumour) -> None:
    document = run(tmp_path, [], tumour=tumour, tmb=TMB_HIGH, msi=MSI_HIGH)
    assert document["tumor_type_oncotree"]["code"] == "AML"
    assert document["tumor_type_oncotree"]["haematological"] is True
    found = by_variant(document)
    assert {m["tier"] for m in found["TMB-high"] + found["MSI-high"]} == {"II"}
    assert all(m["tumor_type_matches"] is False for m in document["matches"])


def test_a_solid_tumour_gets_the_biomarker_indications_when_assessed(tmp_path) -> None:
    found = by_variant(run(tmp_path, [], tumour="COAD", tmb=TMB_HIGH, msi=MSI_HIGH))
    assert found["TMB-high"][0]["tier"] == found["MSI-high"][0]["tier"] == "I"
    assert found["MSI-high"][0]["indication_oncotree"] == ["solid"]


@pytest.mark.parametrize(
    ("tmb", "msi"),
    [
        ({"status": "not assessed", "tmb_high": True, "reason": "too few bases"}, {}),
        ({"status": "not high", "mutations_per_mb": 4.0}, {"status": "MSS", "score": 2.0}),
        ({}, {"status": "not assessed", "msi_high": True}),
    ],
)
def test_biomarkers_not_high_or_not_assessed_match_nothing(tmp_path, tmb, msi) -> None:
    document = run(tmp_path, [], tumour="LUAD", tmb=tmb or {"status": "not assessed"}, msi=msi)
    assert document["matches"] == []


def test_no_tumour_type_means_no_tier_one(tmp_path) -> None:
    document = run(tmp_path, [BRAF_V600E], tumour=None, tmb=TMB_HIGH, msi=MSI_HIGH)
    assert document["matches"] and {m["tier"] for m in document["matches"]} == {"II"}


def test_braf_v600e_colorectal_gets_encorafenib_cetuximab_not_the_agnostic_label(tmp_path):
    document = run(tmp_path, [BRAF_V600E], tumour="COADREAD")
    braf = by_drug(by_variant(document)["V600E"])
    assert braf["encorafenib + cetuximab"]["tier"] == "I"
    assert "2020-04-08" in braf["encorafenib + cetuximab"]["sources"][0]
    agnostic = [m for m in by_variant(document)["V600E"] if m["indication_oncotree"] == ["solid"]]
    (dabrafenib,) = agnostic
    assert dabrafenib["drugs"] == ["dabrafenib + trametinib"]
    assert dabrafenib["tumor_type_matches"] is False and dabrafenib["tier"] == "II"
    assert dabrafenib["indication_excludes"] == ["CMC", "COADREAD"]


def test_braf_v600e_in_another_solid_tumour_gets_the_agnostic_label(tmp_path) -> None:
    document = run(tmp_path, [BRAF_V600E], tumour="Invasive Breast Carcinoma")
    variants = [m for m in document["matches"] if m["kind"] == "variant"]
    (agnostic,) = [m for m in variants if m["indication_oncotree"] == ["solid"]]
    assert agnostic["tier"] == "I" and agnostic["drugs"] == ["dabrafenib + trametinib"]


def test_kras_g12c_colorectal_gets_both_combinations_and_anti_egfr_resistance(tmp_path):
    found = by_drug(by_variant(run(tmp_path, [KRAS_G12C], tumour="READ"))["G12C"])
    assert found["adagrasib + cetuximab"]["tier"] == "I"
    assert found["sotorasib + panitumumab"]["tier"] == "I"
    resistance = found["cetuximab; panitumumab"]
    assert (resistance["tier"], resistance["significance"]) == ("I", "resistance")
    assert resistance["matched_by"] == ["gene + codon"]
    assert found["sotorasib"]["tier"] == "II"  # the lung label


@pytest.mark.parametrize(
    ("variant", "name"), [(KRAS_G13D, "G13D"), (NRAS_Q61K, "Q61K")], ids=["KRAS", "NRAS"]
)
def test_ras_mutant_colorectal_cancer_is_resistant_to_anti_egfr_antibodies(tmp_path, variant, name):
    (match,) = by_variant(run(tmp_path, [variant], tumour="COADREAD"))[name]
    assert match["drugs"] == ["cetuximab", "panitumumab"]
    assert (match["tier"], match["significance"]) == ("I", "resistance")
    assert any("J Clin Oncol 2016, 34(2):179-185" in s for s in match["sources"])


@pytest.mark.parametrize("tumour", ["BRCA", "invasive breast carcinoma", "IDC"])
def test_a_breast_tumour_matches_civics_breast_cancer(tmp_path, tumour) -> None:
    vcf = write_vcf(tmp_path / "somatic.vcf", [KRAS_G12C])
    biomarkers = write_biomarkers(tmp_path / "biomarkers.json", tmb_high=False)
    civic = write_civic(
        tmp_path / "civic.tsv",
        [
            civic_row(
                molecular_profile="KRAS G12C",
                disease="Breast Cancer",
                doid="1612",
                therapies="Sotorasib",
                evidence_level="B",
                significance="Sensitivity/Response",
                evidence_id="3001",
            )
        ],
    )
    files = KnowledgeFiles(CURATED, ONCOTREE, civic=civic)
    document = actionability(vcf, biomarkers, "demo", tumour, files)
    (match,) = [m for m in document["matches"] if m["knowledge"] == "civic"]
    assert match["indication_oncotree"] == ["BREAST"]
    assert (match["tier"], match["amp_level"], match["tumor_type_matches"]) == ("I", "B", True)


def test_an_unknown_tumour_type_is_refused_with_a_did_you_mean(tmp_path) -> None:
    with pytest.raises(KnowledgeError, match=r"Invasive Breast Carcinoma \(BRCA\)"):
        run(tmp_path, [], tumour="breast carcinoma")


def test_a_tumour_type_without_an_oncotree_file_is_refused(tmp_path) -> None:
    vcf = write_vcf(tmp_path / "somatic.vcf", [])
    biomarkers = write_biomarkers(tmp_path / "biomarkers.json")
    with pytest.raises(KnowledgeError, match=r"somatic\.oncotree"):
        actionability(vcf, biomarkers, "demo", "LUAD", KnowledgeFiles(CURATED))


def test_tier_three_only_for_protein_altering_changes_of_cancer_genes(tmp_path) -> None:
    records = [
        record("KRAS", 100, "C", "T", csq("synonymous", "KRAS", "20A"), 0.3),
        record("KRAS", 110, "C", "T", csq("missense", "KRAS", "25Q>25H"), 0.3),
        record("BRCA1", 120, "C", "A", csq("stop_gained", "BRCA1", "300E>300*"), 0.3),
        record("chr7", 1000, "C", "T", csq("missense", "ZNF117", "40R>40W"), 0.3),
    ]
    unknown = run(tmp_path, records)["unknown_significance"]
    assert {(m["gene"], m["variant"]) for m in unknown} == {("KRAS", "Q25H"), ("BRCA1", "E300*")}
    sources = {m["gene"]: m["cancer_gene_source"] for m in unknown}
    assert sources["KRAS"] == "curated table (FDA labels)"
    assert sources["BRCA1"] == "ACMG SF v3.2 cancer-predisposition genes"

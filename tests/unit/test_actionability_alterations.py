"""Copy-number and fusion actionability: an ERBB2 amplification in the tumour's cnv.json matched
to the HER2 labels in breast cancer (tier I), elsewhere at most tier II, never from a gain, a
segment too short to name its genes, or copy number that was not assessed; an EML4::ALK fusion in
its sv.json matched to the ALK labels in lung cancer, never its reciprocal; ROS1 and RET fusions
to their lung labels, NTRK and RET fusions to the tumour-agnostic ones in solid tumours only.
Each match says that a sequencing result is not the test the label names. MET amplification:
crizotinib at tier II (a trial cohort) in lung cancer; EGFR amplification and CDKN2A homozygous
deletion: their WHO CNS5 meaning in adult diffuse gliomas only, else tier III."""

from pathlib import Path

import pytest
from actionability_helpers import FILES, by_drug, write_biomarkers, write_vcf

from tailorseq import documents
from tailorseq.somatic import cnv_reference, purity
from tailorseq.somatic.actionability import actionability

ERBB2 = {"gene": "ERBB2", "contig": "chr17", "start": 39_600_000, "end": 39_800_000, "probes": 40}


def write_cnv(path: Path, altered: list[dict], status: str = "assessed", reason: str = "") -> Path:
    document = {
        "schema": documents.IDS["cnv"],
        "status": status,
        "reason": reason,
        "tool": {"name": "CNVkit", "version": "0.9.14"},
        "settings": {},
        "reference": cnv_reference.paired(),
        "purity": purity.resolve(0.6, purity.not_estimated("too few SNVs")),
        "sex": "female",
        "territory": {"bases": 3_000_000, "contigs": 3},
        "altered_genes": altered,
    }
    documents.write("cnv", document, path)
    return path


def write_sv(path: Path, fusions: list[dict], genes_annotated: bool = True) -> Path:
    document = {
        "schema": documents.IDS["sv"],
        "tool": {"name": "DELLY", "version": "1.1.6"},
        "settings": {},
        "tumor": "t1",
        "normal": "n1",
        "pass_by_type": {"BND": len(fusions)},
        "genes_annotated": genes_annotated,
        "fusions": fusions,
    }
    documents.write("sv", document, path)
    return path


def fusion(five: str, three: str, pos5: str, pos3: str) -> dict:
    return {"name": f"{five}::{three}", "five_prime": five, "three_prime": three,
            "five_prime_breakpoint": pos5, "three_prime_breakpoint": pos3, "sv_id": "BND1",
            "svtype": "BND", "frame": "not assessed"}  # fmt: skip


EML4_ALK = fusion("EML4", "ALK", "chr2:42295000", "chr2:29223000")
ALK_EML4 = fusion("ALK", "EML4", "chr2:29223002", "chr2:42295001")


def run(tmp_path: Path, tumour: str, altered: list[dict], fusions=(), **status) -> dict:
    vcf = write_vcf(tmp_path / "somatic.vcf", [])
    biomarkers = write_biomarkers(tmp_path / "biomarkers.json", tmb_high=False)
    cnv = write_cnv(tmp_path / "cnv.json", altered, **status)
    sv = write_sv(tmp_path / "sv.json", list(fusions))
    return actionability(vcf, biomarkers, "GRCh38", tumour, FILES, cnv, sv)


def copy_number_matches(document: dict) -> list[dict]:
    return [m for m in document["matches"] if m["kind"] == "copy_number"]


def test_an_erbb2_amplified_breast_carcinoma_gets_the_her2_labels_at_tier_one(tmp_path) -> None:
    document = run(tmp_path, "IDC", [{**ERBB2, "call": "amplification", "copy_number": 9}])
    found = by_drug([m for m in copy_number_matches(document) if m["tumor_type_matches"]])
    assert set(found) == {"trastuzumab", "fam-trastuzumab deruxtecan"}
    for match in found.values():
        assert (match["tier"], match["gene"], match["variant"]) == ("I", "ERBB2", "amplification")
        assert (match["value"], match["unit"], match["contig"], match["pos"]) == (
            9, "copies", "chr17", 39_600_001
        )  # fmt: skip
        assert "FDA label" in "; ".join(match["sources"])
        assert "not the test the indication names" in match["caveat"]
    assert document["copy_number"]["assessed"] is True


def test_an_erbb2_amplified_lung_adenocarcinoma_gets_them_only_as_other_tumour_evidence(
    tmp_path,
) -> None:
    document = run(tmp_path, "LUAD", [{**ERBB2, "call": "amplification", "copy_number": 8}])
    matches = copy_number_matches(document)
    assert matches and {m["tier"] for m in matches} == {"II"}
    assert not any(m["tumor_type_matches"] for m in matches)


@pytest.mark.parametrize(
    ("altered", "status"),
    [
        ([{**ERBB2, "call": "gain", "copy_number": 4}], {}),
        ([{**ERBB2, "call": "deep_deletion", "copy_number": 0}], {}),
        ([], {"status": "not assessed", "reason": "the normal's median depth is 4.0x"}),
    ],
)
def test_a_gain_a_deletion_or_copy_number_not_assessed_match_no_her2_label(
    tmp_path, altered, status
) -> None:
    document = run(tmp_path, "IDC", altered, **status)
    assert copy_number_matches(document) == []
    if status:
        assert document["copy_number"] == {
            "assessed": False, "reason": status["reason"], "altered_genes": []
        }  # fmt: skip


def test_without_copy_number_the_document_says_it_was_not_called(tmp_path) -> None:
    vcf = write_vcf(tmp_path / "somatic.vcf", [])
    biomarkers = write_biomarkers(tmp_path / "biomarkers.json", tmb_high=False)
    document = actionability(vcf, biomarkers, "GRCh38", "IDC", FILES)
    assert document["copy_number"]["assessed"] is False
    assert "cnv.enabled" in document["copy_number"]["reason"]


def test_an_eml4_alk_lung_adenocarcinoma_gets_the_alk_inhibitors_at_tier_one(tmp_path) -> None:
    document = run(tmp_path, "LUAD", [], fusions=[EML4_ALK, ALK_EML4])
    found = [m for m in document["matches"] if m["kind"] == "fusion"]
    assert {m["drugs"][0] for m in found} == {"alectinib", "lorlatinib", "brigatinib", "crizotinib"}
    for match in found:
        assert (match["tier"], match["gene"], match["variant"]) == ("I", "ALK", "EML4::ALK")
        assert (match["contig"], match["pos"]) == ("chr2", 29_223_000)
        assert "reading frame was not assessed" in match["caveat"]
    assert document["fusions"]["assessed"] is True


def test_fusions_match_nothing_without_the_kinase_as_3prime_partner_or_gene_names(tmp_path) -> None:
    assert [m for m in run(tmp_path, "LUAD", [], fusions=[ALK_EML4])["matches"]] == []
    vcf = write_vcf(tmp_path / "somatic.vcf", [])
    biomarkers = write_biomarkers(tmp_path / "biomarkers.json", tmb_high=False)
    sv = write_sv(tmp_path / "sv.json", [], genes_annotated=False)
    document = actionability(vcf, biomarkers, "GRCh38", "LUAD", FILES, None, sv)
    assert document["fusions"]["assessed"] is False
    assert "reference.gff3" in document["fusions"]["reason"]


ETV6_NTRK3 = fusion("ETV6", "NTRK3", "chr12:11869000", "chr15:87940000")
CD74_ROS1 = fusion("CD74", "ROS1", "chr5:150404000", "chr6:117324000")
KIF5B_RET = fusion("KIF5B", "RET", "chr10:32017000", "chr10:43114000")


def fusion_drugs(document: dict) -> dict[str, set[str]]:
    """Drugs of the fusion matches by tier, only those whose indication covers the tumour."""
    found: dict[str, set[str]] = {}
    for match in document["matches"]:
        if match["kind"] == "fusion" and match["tumor_type_matches"]:
            found.setdefault(match["tier"], set()).update(match["drugs"])
    return found


@pytest.mark.parametrize("tumour", ["IDC", "COAD", "LUAD"])
def test_an_ntrk_fusion_in_any_solid_tumour_gets_the_tumour_agnostic_trk_inhibitors(
    tmp_path, tumour
) -> None:
    document = run(tmp_path, tumour, [], fusions=[ETV6_NTRK3])
    assert fusion_drugs(document) == {"I": {"larotrectinib", "entrectinib", "repotrectinib"}}


def test_an_ntrk_fusion_in_a_leukaemia_gets_no_solid_tumour_indication(tmp_path) -> None:
    """ETV6::NTRK3 occurs in acute myeloid leukaemia too; the labels are for solid tumours."""
    document = run(tmp_path, "AML", [], fusions=[ETV6_NTRK3])
    fusions = [m for m in document["matches"] if m["kind"] == "fusion"]
    assert fusions and not any(m["tumor_type_matches"] for m in fusions)
    assert {m["tier"] for m in fusions} == {"II"}


def test_ros1_and_ret_fusions_in_lung_cancer_get_their_labels(tmp_path) -> None:
    ros1 = run(tmp_path, "LUAD", [], fusions=[CD74_ROS1])
    assert fusion_drugs(ros1) == {"I": {"crizotinib", "entrectinib", "repotrectinib"}}
    ret = run(tmp_path, "LUAD", [], fusions=[KIF5B_RET])
    assert fusion_drugs(ret) == {"I": {"selpercatinib", "pralsetinib"}}


def test_a_ret_fusion_outside_the_lung_gets_only_the_tumour_agnostic_label(tmp_path) -> None:
    document = run(tmp_path, "COAD", [], fusions=[KIF5B_RET])
    assert fusion_drugs(document) == {"I": {"selpercatinib"}}
    (agnostic,) = [m for m in document["matches"] if m["tumor_type_matches"]]
    assert agnostic["indication_oncotree"] == ["solid"]


PTEN = {"gene": "PTEN", "contig": "chr10", "start": 87_860_000, "end": 87_980_000, "probes": 12}


def test_a_pten_homozygous_deletion_in_breast_cancer_meets_the_capivasertib_label(tmp_path) -> None:
    document = run(tmp_path, "IDC", [{**PTEN, "call": "deep_deletion", "copy_number": 0}])
    (match,) = [m for m in copy_number_matches(document) if m["tumor_type_matches"]]
    assert (match["tier"], match["drugs"], match["value"]) == (
        "I",
        ["capivasertib + fulvestrant"],
        0,
    )
    assert "HR-positive, HER2-negative" in match["indication"]


def test_a_one_copy_pten_loss_is_not_a_deletion_the_label_covers(tmp_path) -> None:
    document = run(tmp_path, "IDC", [{**PTEN, "call": "loss", "copy_number": 1}])
    assert copy_number_matches(document) == []


EGFR = {"gene": "EGFR", "contig": "chr7", "start": 55_000_000, "end": 55_300_000, "probes": 30}
CDKN2A = {"gene": "CDKN2A", "contig": "chr9", "start": 21_900_000, "end": 22_000_000, "probes": 8}
MET = {"gene": "MET", "contig": "chr7", "start": 116_600_000, "end": 116_800_000, "probes": 25}


def tier_three(document: dict) -> list[tuple[str, str, int]]:
    return [(u["gene"], u["variant"], u["value"]) for u in document["unknown_significance"]
            if u["kind"] == "copy_number"]  # fmt: skip


@pytest.mark.parametrize("tumour", ["GB", "ADIFG"])
def test_egfr_amplification_in_an_adult_diffuse_glioma_means_glioblastoma(tmp_path, tumour) -> None:
    document = run(tmp_path, tumour, [{**EGFR, "call": "amplification", "copy_number": 12}])
    (match,) = copy_number_matches(document)
    assert (match["tier"], match["significance"], match["drugs"], match["value"]) == (
        "I", "diagnostic", [], 12
    )  # fmt: skip
    assert match["implication"].startswith("glioblastoma, IDH-wildtype, CNS WHO grade 4")
    assert "IDH and H3 status are not assessed" in match["implication"]
    assert match["tumor_type_matches"] and "Louis DN" in "; ".join(match["sources"])
    assert tier_three(document) == []


@pytest.mark.parametrize("tumour", ["ASTR", "ODG", "LUAD", "IDC", "AML"])
def test_egfr_amplification_elsewhere_is_of_unknown_significance(tmp_path, tumour) -> None:
    """IDH-mutant gliomas are excluded by the source; other tissues are not its subject."""
    document = run(tmp_path, tumour, [{**EGFR, "call": "amplification", "copy_number": 12}])
    assert copy_number_matches(document) == []
    assert tier_three(document) == [("EGFR", "amplification", 12)]


def test_an_egfr_gain_in_a_glioblastoma_is_neither_matched_nor_listed(tmp_path) -> None:
    document = run(tmp_path, "GB", [{**EGFR, "call": "gain", "copy_number": 4}])
    assert copy_number_matches(document) == [] and tier_three(document) == []


def test_cdkn2a_homozygous_deletion_makes_an_idh_mutant_astrocytoma_grade_4(tmp_path) -> None:
    document = run(tmp_path, "ASTR3", [{**CDKN2A, "call": "deep_deletion", "copy_number": 0}])
    (match,) = copy_number_matches(document)
    assert (match["tier"], match["significance"], match["drugs"], match["gene"]) == (
        "I", "prognostic", [], "CDKN2A"
    )  # fmt: skip
    assert match["implication"].startswith("CNS WHO grade 4")


def test_a_one_copy_cdkn2a_loss_in_an_astrocytoma_is_not_the_homozygous_deletion(tmp_path) -> None:
    document = run(tmp_path, "ASTR3", [{**CDKN2A, "call": "loss", "copy_number": 1}])
    assert copy_number_matches(document) == [] and tier_three(document) == []


@pytest.mark.parametrize("tumour", ["GB", "LUAD", "AML"])
def test_cdkn2a_homozygous_deletion_outside_the_astrocytoma_is_tier_three(tmp_path, tumour) -> None:
    document = run(tmp_path, tumour, [{**CDKN2A, "call": "deep_deletion", "copy_number": 0}])
    assert copy_number_matches(document) == []
    assert tier_three(document) == [("CDKN2A", "deep_deletion", 0)]


def test_met_amplification_in_lung_cancer_is_tier_two_crizotinib(tmp_path) -> None:
    document = run(tmp_path, "LUAD", [{**MET, "call": "amplification", "copy_number": 10}])
    (match,) = copy_number_matches(document)
    assert (match["tier"], match["amp_level"], match["drugs"]) == ("II", "C", ["crizotinib"])
    assert match["tumor_type_matches"] and "no FDA-approved indication" in match["indication"]
    assert "Camidge DR" in "; ".join(match["sources"])
    gain = run(tmp_path, "LUAD", [{**MET, "call": "gain", "copy_number": 4}])
    assert copy_number_matches(gain) == [] and tier_three(gain) == []


@pytest.mark.parametrize("tumour", ["IDC", "AML"])
def test_met_amplification_outside_the_lung_never_meets_the_indication(tmp_path, tumour) -> None:
    document = run(tmp_path, tumour, [{**MET, "call": "amplification", "copy_number": 10}])
    (match,) = copy_number_matches(document)
    assert not match["tumor_type_matches"] and match["tier"] == "II"

"""Copy-number and fusion actionability: an ERBB2 amplification in the tumour's cnv.json matched
to the HER2 labels in breast cancer (tier I), elsewhere at most tier II, never from a gain, a
segment too short to name its genes, or copy number that was not assessed; an EML4::ALK fusion in
its sv.json matched to the ALK labels in lung cancer, never its reciprocal. Each match says that
a sequencing result is not the test the label names."""

from pathlib import Path

import pytest
from actionability_helpers import FILES, by_drug, write_biomarkers, write_vcf

from tailorseq import documents
from tailorseq.somatic.actionability import actionability

ERBB2 = {"gene": "ERBB2", "contig": "chr17", "start": 39_600_000, "end": 39_800_000, "probes": 40}


def write_cnv(path: Path, altered: list[dict], status: str = "assessed", reason: str = "") -> Path:
    document = {
        "schema": documents.IDS["cnv"],
        "status": status,
        "reason": reason,
        "tool": {"name": "CNVkit", "version": "0.9.14"},
        "settings": {},
        "purity": {"value": 0.6, "source": "samples.tsv"},
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

"""The demo's tumour (patient3, lung adenocarcinoma): drivers, TMB and MSI matched to therapies
(on the session's demo run)."""

import csv
import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

PATIENT = "patient3"


@pytest.fixture(scope="module")
def actionable(demo_results: Path) -> tuple[Path, dict]:
    """patient3's published actionability (JSON document) and the run's directory."""
    path = demo_results / f"results/{PATIENT}/{PATIENT}.actionable.json"
    return demo_results, json.loads(path.read_text())


def biomarkers(workdir: Path) -> dict:
    return json.loads((workdir / f"results/{PATIENT}/{PATIENT}.biomarkers.json").read_text())


def matches_of(document: dict, variant: str) -> list[dict]:
    return [m for m in document["matches"] if m["variant"] == variant]


def test_egfr_l858r_osimertinib_tier_one_in_lung_adenocarcinoma(actionable) -> None:
    _, document = actionable
    (egfr,) = [m for m in matches_of(document, "L858R") if m["drugs"] == ["osimertinib"]]
    assert egfr["gene"] == "EGFR"
    assert document["tumor_type_oncotree"]["code"] == "LUAD"
    assert (egfr["tier"], egfr["amp_level"]) == ("I", "A")
    assert egfr["tumor_type"] == "lung adenocarcinoma" and egfr["tumor_type_matches"] is True
    assert egfr["protein_change"] == "858L>858R"
    assert set(egfr["matched_by"]) == {"gene + protein change", "genomic allele"}
    assert any("TAGRISSO" in source for source in egfr["sources"])


def test_kras_g12c_sotorasib_tier_one(actionable) -> None:
    _, document = actionable
    (kras,) = [m for m in matches_of(document, "G12C") if m["drugs"] == ["sotorasib"]]
    assert kras["tier"] == "I"
    assert set(kras["matched_by"]) == {"gene + protein change", "genomic allele"}


def test_no_tmb_indication_when_tmb_is_not_assessed(actionable) -> None:
    # The demo's few thousand callable coding bases are below the 1 Mb TMB minimum: no rate,
    # so no TMB-high pembrolizumab.
    workdir, document = actionable
    assert biomarkers(workdir)["tmb"]["status"] == "not assessed"
    assert not matches_of(document, "TMB-high")
    assert document["biomarkers"]["TMB-high"]["high"] is False


def test_msi_high_pembrolizumab_in_the_actionable_output_and_the_report(actionable) -> None:
    workdir, document = actionable
    (msi,) = matches_of(document, "MSI-high")
    assert msi["drugs"] == ["pembrolizumab"] and (msi["tier"], msi["amp_level"]) == ("I", "A")
    assert msi["value"] == biomarkers(workdir)["msi"]["score"] >= msi["cutoff"] == 3.5
    assert any("MSI-H" in source for source in msi["sources"])
    report = json.loads((workdir / f"results/{PATIENT}/{PATIENT}.report.json").read_text())
    (pair,) = report["tumour"]["pairs"]
    listed = {(v["variant"], v["tier"], tuple(v["drugs"])) for v in pair["actionable"]["variants"]}
    assert ("MSI-high", "I", ("pembrolizumab",)) in listed
    assert pair["msi"]["assessed"] is True and pair["msi"]["msi_high"] is True


def test_the_erbb2_amplification_of_a_lung_tumour_gets_the_her2_labels_only_at_tier_two(
    actionable,
) -> None:
    """Trastuzumab and T-DXd are labelled for HER2-positive breast and gastric cancer: in this
    lung adenocarcinoma the amplification (8 copies from the reads) is tier II evidence, with the
    caveat that a sequencing copy number is not the label's HER2 test."""
    _, document = actionable
    found = matches_of(document, "amplification")
    assert {tuple(m["drugs"]) for m in found} >= {("trastuzumab",), ("fam-trastuzumab deruxtecan",)}
    for match in found:
        assert (match["kind"], match["gene"], match["value"]) == ("copy_number", "ERBB2", 8)
        assert match["tier"] == "II" and match["tumor_type_matches"] is False
        assert "not the test the indication names" in match["caveat"]
    assert document["copy_number"]["assessed"] is True


def test_the_eml4_alk_fusion_gets_the_alk_inhibitors_at_tier_one(actionable) -> None:
    """The fusion DELLY found in the reads (ALK the 3' partner) meets the ALK labels in NSCLC;
    its reciprocal ALK::EML4 meets nothing."""
    _, document = actionable
    found = matches_of(document, "EML4::ALK")
    assert {m["drugs"][0] for m in found} == {"alectinib", "lorlatinib", "brigatinib", "crizotinib"}
    assert {(m["kind"], m["gene"], m["tier"]) for m in found} == {("fusion", "ALK", "I")}
    assert all("reading frame was not assessed" in m["caveat"] for m in found)
    assert matches_of(document, "ALK::EML4") == []
    assert document["fusions"]["assessed"] is True


def test_passengers_are_tier_three_and_the_tsv_lists_every_row(actionable) -> None:
    workdir, document = actionable
    passengers = {m["variant"] for m in document["unknown_significance"]}
    assert passengers == {"A420V", "S610N", "E130K", "R300H"}
    with open(workdir / f"results/{PATIENT}/{PATIENT}.actionable.tsv") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    assert len(rows) == len(document["matches"]) + len(passengers)
    tier_one = {r["variant"] for r in rows if r["tier"] == "I"}
    assert tier_one == {"L858R", "G12C", "MSI-high", "EML4::ALK"}
    assert document["knowledge"]["curated"]["version"].startswith("5")
    assert document["knowledge"]["oncotree"]["nodes"] == 9  # the demo's OncoTree subset


def test_no_patient_or_sample_name_in_actionability_working_paths(actionable) -> None:
    workdir, _ = actionable
    for folder in ("work", "logs", "benchmarks"):
        for path in (workdir / folder).rglob("*actionab*"):
            relative = str(path.relative_to(workdir))
            if not relative.startswith("logs/publish_"):
                assert PATIENT not in relative and "demo3" not in relative

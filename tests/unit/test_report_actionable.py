"""Diagnostic and prognostic evidence where a reader sees it: a glioblastoma's EGFR amplification
shows its WHO CNS5 meaning instead of drugs, in the tumour table and in the summary's action-now
items; a therapy match still shows its drugs."""

from pathlib import Path

from test_report import (
    CONFIGURED,
    SampleFiles,
    TumourFiles,
    assemble,
    msi_part,
    render,
    section,
    text_of,
    tmb_part,
    validate,
    write_document,
)

EGFR_AMP = {
    "kind": "copy_number", "gene": "EGFR", "variant": "amplification", "contig": "chr7",
    "pos": 55_000_001, "value": 12, "unit": "copies", "tier": "I", "drugs": [],
    "significance": "diagnostic", "evidence_level": "A", "knowledge": "curated",
    "indication": "adult-type diffuse astrocytic glioma, IDH-wildtype and H3-wildtype",
    "implication": "glioblastoma, IDH-wildtype, CNS WHO grade 4: EGFR amplification ...",
    "caveat": "copy number from sequencing",
}  # fmt: skip
MET_AMP = EGFR_AMP | {
    "gene": "MET", "tier": "II", "drugs": ["crizotinib"], "significance": "sensitivity",
    "evidence_level": "C", "indication": "non-small cell lung cancer", "implication": None,
}  # fmt: skip


def pair(tmp_path: Path, matches: list[dict]) -> TumourFiles:
    actionable = write_document(
        "actionable",
        tmp_path / "a.json",
        {
            "tumor": "T1", "normal": "S1", "tumor_type": "GB", "build": "GRCh38",
            "knowledge": {"curated": {"version": "5", "sha256": "ab" * 32}, "civic": None},
            "tiers": {}, "unknown_significance": [], "biomarkers": {}, "pass_variants": 0,
            "matches": [{k: v for k, v in m.items() if v is not None} for m in matches],
        },
    )  # fmt: skip
    document = {"tumor": "T1", "normal": "S1", "purity": 0.6,
                "tmb": tmb_part(6, 4_626), "msi": msi_part(27, 69)}  # fmt: skip
    biomarkers = write_document("biomarkers", tmp_path / "b.json", document)
    return TumourFiles("T1", "S1", biomarkers, None, actionable)


def test_a_diagnostic_match_shows_its_meaning_where_drugs_would_be(tmp_path: Path) -> None:
    tumour = SampleFiles(name="T1", kind="tumor", purity=0.6)
    report = assemble(
        "P1", "p0123456789", [tumour], [pair(tmp_path, [EGFR_AMP, MET_AMP])], CONFIGURED
    )
    validate(report)
    rows = {v["gene"]: v for v in report["tumour"]["pairs"][0]["actionable"]["variants"]}
    assert rows["EGFR"]["significance"] == "diagnostic" and rows["EGFR"]["drugs"] == []
    html = render(report)
    tumour_text = text_of(section(html, "tumour"))
    assert "diagnostic: glioblastoma, IDH-wildtype, CNS WHO grade 4" in tumour_text
    assert "crizotinib" in tumour_text
    summary = text_of(section(html, "summary"))
    assert "tier I (T1); diagnostic: glioblastoma, IDH-wildtype" in summary
    assert "no drug listed" not in summary

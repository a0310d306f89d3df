"""Diagnostic and prognostic evidence where a reader sees it: a glioblastoma's EGFR amplification
shows its WHO CNS5 meaning instead of drugs, in the tumour table and in the summary's action-now
items; a therapy match still shows its drugs. The genomic scar counts are shown as research use,
never in the summary."""

from pathlib import Path

from rna_helpers import cnv_document
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


def pair(tmp_path: Path, matches: list[dict], cnv: Path | None = None) -> TumourFiles:
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
    return TumourFiles("T1", "S1", biomarkers, None, actionable, cnv=cnv)


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


def test_the_scar_counts_are_shown_as_research_use_and_never_as_an_action(tmp_path: Path) -> None:
    scar = {"status": "assessed", "reason": "", "loh": 9, "tai": 12, "lst": 15, "sum": 36,
            "research_use": "... not an HRD test result", "segments": []}  # fmt: skip
    cnv = write_document("cnv", tmp_path / "c.json", cnv_document([]) | {"scar": scar})
    tumour = SampleFiles(name="T1", kind="tumor", purity=0.6)
    report = assemble("P1", "p0123456789", [tumour], [pair(tmp_path, [], cnv)], CONFIGURED)
    validate(report)
    html = render(report)
    tumour_text = text_of(section(html, "tumour"))
    assert "Genomic scar counts ( research use only ): LOH 9, TAI 12, LST 15 (sum 36)" in (
        tumour_text
    )
    assert "not an HRD test result" in tumour_text and "Popova et al. 2012" in tumour_text
    assert "scar" not in text_of(section(html, "summary")).lower()

"""The findings' phase (tailorseq.findings_phase) where a reader sees it: the clinician page and
its statement say whether the phase of two recessive-gene variants came from the reads (and with
which tool) or why it was not determined, the plain-language page says it in words, and the
phenopacket calls a finding compound heterozygous only when the reads put it in trans."""

from html import unescape
from pathlib import Path

from export_helpers import HFE, document, finding
from test_export_phenopacket import variants, written
from test_report import BRCA1, Settings, assemble, germline, render, text_of, validate

TRANS = {"status": "trans", "basis": "reads (WhatsHap 2.8)"}
UNKNOWN = {
    "status": "unknown",
    "basis": "not determined: the variants are in different phase sets (no chain of reads or"
    " read pairs joins them: too far apart for the fragments, or no informative reads between"
    " them)",
}


def mutyh_pair(phase: dict) -> list[dict]:
    """Two MUTYH (AR) findings of the findings document with this phase."""
    entry = {"gene": "MUTYH", "condition": "MUTYH-associated polyposis", "inheritance": "AR"}
    note = (
        "compound heterozygote, in trans (phase from reads)"
        if phase["status"] == "trans"
        else "possible compound heterozygote (2 P/LP variants), phase unknown (...)"
    )
    common = {"gene": "MUTYH", "contig": "chr1", "gene_list_entry": entry, "note": note}
    return [
        {**BRCA1, **common, "pos": pos, "ref": "C", "alt": "T", "phase": phase}
        for pos in (45331556, 45332803)
    ]


def test_phase_from_the_reads_is_said_on_the_page_and_in_the_statement(tmp_path: Path) -> None:
    report = assemble(
        "P1", "p0123456789", [germline(tmp_path, findings=mutyh_pair(TRANS))], [], Settings()
    )
    validate(report)
    assert report["hereditary"]["findings"][0]["phase"] == TRANS
    statement = report["hereditary"]["statement"]
    assert "MUTYH: the variants are on different copies of the gene (in trans" in statement
    assert "determined from the reads (WhatsHap 2.8)" in statement
    page = text_of(unescape(render(report)))
    assert "Phase: in trans (compound heterozygote); determined from the reads (WhatsHap 2.8)" in (
        page
    )
    assert "one on each of your two copies of the gene" in page


def test_phase_not_determined_is_said_with_the_reason(tmp_path: Path) -> None:
    sample = germline(tmp_path, findings=mutyh_pair(UNKNOWN))
    report = assemble("P1", "p0123456789", [sample], [], Settings())
    validate(report)
    statement = report["hereditary"]["statement"]
    assert "MUTYH: whether the variants are on different copies" in statement
    assert "was not determined from the reads (the variants are in different phase sets" in (
        statement
    )
    page = text_of(unescape(render(report)))
    assert "Phase: unknown; not determined: the variants are in different phase sets" in page
    assert "could not show whether they are on the same copy" in page
    assert "one on each of your two copies" not in page


def test_no_phase_sentence_without_a_phased_pair(tmp_path: Path) -> None:
    report = assemble("P1", "p0123456789", [germline(tmp_path, findings=[BRCA1])], [], Settings())
    assert "Phase" not in report["hereditary"]["statement"]
    assert "Phase:" not in text_of(render(report))


def test_phenopacket_compound_heterozygous_only_in_trans(tmp_path: Path) -> None:
    doc = document()
    pair = [
        finding("MUTYH", "het", ("chr1", pos, "C", "T"), inheritance="AR", phase=TRANS)
        for pos in (45331556, 45332803)
    ]
    doc["hereditary"]["findings"] = [*pair, HFE]
    packet = written(tmp_path, doc)
    states = {
        g.variant_interpretation.variation_descriptor.id: (
            g.variant_interpretation.variation_descriptor.allelic_state.id
        )
        for item in packet.interpretations
        for g in item.diagnosis.genomic_interpretations
    }
    assert states["chr1-45331556-C-T"] == states["chr1-45332803-C-T"] == "GENO:0000402"
    assert states["chr6-26092913-G-A"] == "GENO:0000136"  # homozygous stays homozygous
    for item in pair:
        item["phase"] = UNKNOWN  # not shown in trans: heterozygous, never compound
    assert variants(written(tmp_path, doc))["MUTYH"].variation_descriptor.allelic_state.id == (
        "GENO:0000135"
    )

"""Actionability: protein/allele normalisation, CIViC's evidence TSV (a fixture with CIViC's
real column names), the download rule and the matching itself on the demo tumour's variants."""

import json

import pytest
from actionability_helpers import (
    CIVIC_ROWS,
    CURATED,
    DEMO_RECORDS,
    ONCOTREE,
    by_drug,
    by_variant,
    csq,
    record,
    run,
    write_biomarkers,
    write_civic,
    write_vcf,
)

from tailorseq.download import store
from tailorseq.somatic.actionability import KnowledgeFiles, actionability, write_outputs
from tailorseq.somatic.civic import load_civic
from tailorseq.somatic.curated import load_curated
from tailorseq.somatic.knowledge import (
    Allele,
    KnowledgeError,
    normalise_allele,
    protein_key,
    protein_start,
)


# ---------------------------------------------------------------- normalisation
@pytest.mark.parametrize(
    ("change", "key"),
    [
        ("858L>858R", "L858R"),
        ("p.L858R", "L858R"),
        ("L858R", "L858R"),
        ("p.Leu858Arg", "L858R"),
        ("p.(Gly12Cys)", "G12C"),
        ("p.Arg300Ter", "R300*"),
        ("12G>12C", "G12C"),
        ("200L", None),
        ("23E>23VSHLSGVDQGTCLHKV*", None),
        ("746ELREA>746-", None),
        ("Exon 19 Deletion", None),
        ("L858L", None),
    ],
)
def test_protein_key_accepts_hgvs_one_and_three_letter_and_csq(change, key) -> None:
    assert protein_key(change) == key


def test_protein_start_of_csq_changes() -> None:
    assert protein_start("746ELREA>746-") == 746
    assert protein_start("858L>858R") == 858
    assert protein_start("p.Leu858Arg") == 858


def test_alleles_are_trimmed_and_named_without_chr() -> None:
    assert normalise_allele("chr7", 55191822, "T", "G") == Allele("7", 55191822, "T", "G")
    assert normalise_allele("7", 100, "CAT", "CGT") == Allele("7", 101, "A", "G")
    assert normalise_allele("chrX", 10, "ACTT", "AT") == Allele("X", 10, "ACT", "A")
    assert normalise_allele("EGFR", 21822, "t", "g") == Allele("EGFR", 21822, "T", "G")


# ---------------------------------------------------------------- matching
def test_demo_drivers_and_tmb_high_are_tier_one_in_lung_adenocarcinoma(tmp_path) -> None:
    document = run(tmp_path)
    found = by_variant(document)
    egfr = by_drug(found["L858R"])
    assert set(egfr) == {"osimertinib", "erlotinib", "gefitinib", "afatinib", "dacomitinib"}
    osimertinib = egfr["osimertinib"]
    assert osimertinib["gene"] == "EGFR" and (osimertinib["tier"], osimertinib["amp_level"]) == (
        "I",
        "A",
    )
    assert osimertinib["matched_by"] == ["gene + protein change", "genomic allele"]
    assert osimertinib["protein_change"] == "858L>858R" and osimertinib["vaf"] == pytest.approx(0.3)
    assert osimertinib["source_date"] == "2018-04-18"
    assert document["tumor_type_oncotree"]["code"] == "LUAD"
    kras = by_drug(found["G12C"])
    assert kras["sotorasib"]["tier"] == kras["adagrasib"]["tier"] == "I"
    # Colorectal indications of the same variant: tier II (level A in another tumour type).
    assert kras["adagrasib + cetuximab"]["tier"] == "II"
    assert kras["cetuximab; panitumumab"]["significance"] == "resistance"
    assert kras["cetuximab; panitumumab"]["tier"] == "II"
    (tmb,) = found["TMB-high"]
    assert tmb["drugs"] == ["pembrolizumab"] and tmb["tier"] == "I" and tmb["value"] == 12.5
    assert "MSI-high" not in found
    assert document["biomarkers"]["MSI-high"]["assessed"] is False
    unknown = {(m["gene"], m["variant"]) for m in document["unknown_significance"]}
    assert unknown == {("EGFR", "A420V"), ("BRCA1", "R300H")}  # LowVAF record not counted
    assert all(m["tier"] == "III" for m in document["unknown_significance"])


def test_other_tumour_type_gives_tier_two_and_none_gives_no_tier_one(tmp_path) -> None:
    melanoma = by_variant(run(tmp_path, tumour="melanoma"))
    osimertinib = by_drug(melanoma["L858R"])["osimertinib"]
    assert (osimertinib["tier"], osimertinib["amp_level"]) == ("II", "C")
    assert osimertinib["tumor_type_matches"] is False
    assert melanoma["TMB-high"][0]["tier"] == "I"  # solid tumours: melanoma is one
    untyped = run(tmp_path, tumour=None)
    assert untyped["tumor_type_oncotree"] is None
    assert by_variant(untyped)["G12C"][0]["tier"] == "II"
    # No tumour type, no tier I: not even a tumour-agnostic indication.
    assert by_variant(untyped)["TMB-high"][0]["tier"] == "II"
    assert [m for m in untyped["matches"] if m["tier"] == "I"] == []


def test_no_biomarker_match_without_tmb_high_and_msi_high_matches(tmp_path) -> None:
    msi = {"assessed": True, "score": 35.0, "msi_high": True, "cutoff": 20}
    found = by_variant(run(tmp_path, tmb_high=False, msi=msi))
    assert "TMB-high" not in found
    (match,) = found["MSI-high"]
    assert match["drugs"] == ["pembrolizumab"] and match["value"] == 35.0


def test_a_grch38_allele_matches_without_annotation(tmp_path) -> None:
    records = [record("chr7", 55191822, "T", "G", "", 0.25)]
    found = by_variant(run(tmp_path, records, build="GRCh38"))
    assert {m["drugs"][0] for m in found["L858R"]} >= {"osimertinib", "erlotinib"}
    assert all(m["matched_by"] == ["genomic allele"] for m in found["L858R"])
    # The same allele does not match on another build's coordinates.
    assert "L858R" not in by_variant(run(tmp_path, records, build="GRCh37"))


def test_exon_19_in_frame_deletion_matches_the_region_rule(tmp_path) -> None:
    records = [
        record(
            "EGFR",
            15000,
            "AGGAATTAAGAGAAGC",
            "A",
            csq("inframe_deletion", "EGFR", "746ELREA>746A"),
            0.4,
        ),
        record("EGFR", 15500, "AG", "A", csq("frameshift", "EGFR", "750A>750X"), 0.4),
    ]
    document = run(tmp_path, records)
    matches = [m for m in document["matches"] if m["kind"] == "variant"]
    assert len(matches) == 5  # osimertinib, erlotinib, gefitinib, afatinib, dacomitinib
    for match in matches:
        assert match["knowledge_variant"] == "exon 19 deletion"
        assert match["matched_by"] == ["gene + protein region"] and match["tier"] == "I"
        assert match["pos"] == 15000
    # The frameshift in the region is not an in-frame deletion: tier III, not exon 19.
    assert [m["pos"] for m in document["unknown_significance"]] == [15500]


# ---------------------------------------------------------------- CIViC
def test_civic_evidence_is_filtered_and_parsed(tmp_path) -> None:
    curated, _ = load_curated(CURATED)
    civic = write_civic(tmp_path / "civic.tsv", CIVIC_ROWS)
    entries, version, genes = load_civic(civic, curated)
    ids = {entry.ids[0]: entry for entry in entries}
    assert set(ids) == {"EID1001", "EID1002", "EID1003", "EID1004", "EID1005"}
    assert version["predictive_not_matchable"] == 2  # the compound and gene-level profiles
    assert genes == {"EGFR", "KRAS"}  # every gene CIViC names, any profile
    assert ids["EID1001"].indication.codes == {"NSCLC"}
    assert ids["EID1002"].indication.codes == {"GB"}
    assert ids["EID1003"].drugs == ["Sotorasib + Panitumumab"]
    assert ids["EID1004"].rule == "codon" and ids["EID1004"].significance == "resistance"
    assert ids["EID1005"].rule == "region" and ids["EID1005"].region == (729, 761)
    assert "PubMed 29151359" in ids["EID1001"].sources[1]
    assert version["file_date"] and len(version["sha256"]) == 64


def test_civic_matches_are_tiered_by_tumour_type(tmp_path) -> None:
    vcf = write_vcf(tmp_path / "somatic.vcf", DEMO_RECORDS)
    biomarkers = write_biomarkers(tmp_path / "biomarkers.json")
    civic = write_civic(tmp_path / "civic.tsv", CIVIC_ROWS)
    files = KnowledgeFiles(CURATED, ONCOTREE, civic=civic)
    document = actionability(vcf, biomarkers, "demo", "lung adenocarcinoma", files)
    civic_matches = {
        m["evidence_ids"][0]: m for m in document["matches"] if m["knowledge"] == "civic"
    }
    assert set(civic_matches) == {"EID1001", "EID1002", "EID1003", "EID1004"}
    assert (civic_matches["EID1001"]["tier"], civic_matches["EID1001"]["amp_level"]) == ("I", "A")
    assert (civic_matches["EID1002"]["tier"], civic_matches["EID1002"]["amp_level"]) == ("II", "C")
    assert civic_matches["EID1003"]["drugs"] == ["Sotorasib + Panitumumab"]
    assert civic_matches["EID1004"]["matched_by"] == ["gene + codon"]
    assert civic_matches["EID1004"]["significance"] == "resistance"
    # Tier I first, curated before CIViC.
    assert [m["tier"] for m in document["matches"]] == sorted(
        m["tier"] for m in document["matches"]
    )
    assert document["matches"][0]["knowledge"] == "curated"


def test_civic_items_of_one_variant_disease_and_drug_are_merged(tmp_path) -> None:
    rows = [
        CIVIC_ROWS[0],
        {**CIVIC_ROWS[0], "evidence_id": "2001", "evidence_level": "B"},
    ]
    vcf = write_vcf(tmp_path / "somatic.vcf", DEMO_RECORDS[:1])
    biomarkers = write_biomarkers(tmp_path / "biomarkers.json", tmb_high=False)
    civic = write_civic(tmp_path / "civic.tsv", rows)
    files = KnowledgeFiles(CURATED, ONCOTREE, civic=civic)
    document = actionability(vcf, biomarkers, "demo", "lung adenocarcinoma", files)
    (match,) = [m for m in document["matches"] if m["knowledge"] == "civic"]
    assert match["evidence_ids"] == ["EID1001", "EID2001"] and match["amp_level"] == "A"


def test_a_file_that_is_not_civic_is_refused(tmp_path) -> None:
    (tmp_path / "other.tsv").write_text("gene\tdrug\nEGFR\tosimertinib\n")
    with pytest.raises(KnowledgeError, match="not a CIViC ClinicalEvidenceSummaries"):
        load_civic(tmp_path / "other.tsv", [])


def test_download_record_is_the_knowledge_version(tmp_path) -> None:
    source = write_civic(tmp_path / "source.tsv", CIVIC_ROWS[:1])
    out, record_file = tmp_path / "cache" / "civic.tsv", tmp_path / "cache" / "civic.tsv.json"
    document = store(source, source.as_uri(), out, record_file)
    assert out.read_text() == source.read_text()
    _, version, _ = load_civic(out, [], record_file)
    assert version["downloaded"] == document["downloaded"] and version["url"] == source.as_uri()


def test_outputs_json_and_tsv(tmp_path) -> None:
    document = run(tmp_path)
    write_outputs(document, tmp_path / "a.json", tmp_path / "a.tsv")
    assert json.loads((tmp_path / "a.json").read_text())["matches"]
    lines = (tmp_path / "a.tsv").read_text().splitlines()
    header = lines[0].split("\t")
    rows = [dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:]]
    assert {r["tier"] for r in rows} == {"I", "II", "III"}
    egfr = next(r for r in rows if r["variant"] == "L858R")
    assert egfr["drugs"] == "osimertinib" and egfr["tumor_type_matches"] == "yes"
    resistance = next(r for r in rows if r["significance"] == "resistance")
    assert resistance["drugs"] == "cetuximab; panitumumab"

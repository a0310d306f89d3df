"""Actionability: protein/allele normalisation, disease matching, tiers, the curated table,
CIViC's evidence TSV (a fixture with CIViC's real column names) and the matching itself."""

import json
from pathlib import Path

import pytest
import yaml

from tailorseq.somatic.actionability import (
    CIVIC_COLUMNS,
    Allele,
    KnowledgeError,
    actionability,
    amp_tier,
    disease_matches,
    download_civic,
    load_civic,
    load_curated,
    normalise_allele,
    protein_key,
    protein_start,
    write_outputs,
)

ROOT = Path(__file__).resolve().parents[2]
CURATED = ROOT / "resources" / "actionable_variants.tsv"

VCF_HEADER = """##fileformat=VCFv4.2
##FILTER=<ID=PASS,Description="All filters passed">
##FILTER=<ID=LowVAF,Description="low VAF">
##contig=<ID=EGFR,length=30000>
##contig=<ID=KRAS,length=30000>
##contig=<ID=BRCA1,length=30000>
##contig=<ID=chr7,length=159345973>
##INFO=<ID=BCSQ,Number=.,Type=String,Description="csq">
##FORMAT=<ID=AF,Number=A,Type=Float,Description="VAF">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\ttumor\tnormal
"""


def record(contig: str, pos: int, ref: str, alt: str, bcsq: str, vaf: float, filt="PASS") -> str:
    info = f"BCSQ={bcsq}" if bcsq else "."
    return f"{contig}\t{pos}\t.\t{ref}\t{alt}\t60\t{filt}\t{info}\tAF\t{vaf}\t0\n"


def csq(consequence: str, gene: str, change: str) -> str:
    return f"{consequence}|{gene}|{gene}-201|protein_coding|+|{change}|1A>C"


DEMO_RECORDS = [
    record("EGFR", 21822, "T", "G", csq("missense", "EGFR", "858L>858R"), 0.3),
    record("KRAS", 20351, "C", "A", csq("missense", "KRAS", "12G>12C"), 0.2),
    record("EGFR", 16908, "C", "T", csq("missense", "EGFR", "420A>420V"), 0.3),
    record("BRCA1", 17898, "C", "T", csq("missense", "BRCA1", "300R>300H"), 0.3),
    record("BRCA1", 17000, "C", "T", csq("missense", "BRCA1", "100R>100H"), 0.02, "LowVAF"),
]


def write_vcf(path: Path, records: list[str]) -> Path:
    path.write_text(VCF_HEADER + "".join(records))
    return path


def write_biomarkers(path: Path, tmb_high: bool = True, msi: dict | None = None) -> Path:
    document = {
        "tumor": "t1",
        "normal": "n1",
        "tmb": {"assessed": True, "tmb_high": tmb_high, "mutations_per_mb": 12.5, "cutoff": 10},
        "msi": msi or {"assessed": False, "reason": "not implemented"},
    }
    path.write_text(json.dumps(document))
    return path


def civic_row(**values: str) -> dict[str, str]:
    row = dict.fromkeys(CIVIC_COLUMNS, "")
    row.update(
        evidence_type="Predictive",
        evidence_direction="Supports",
        evidence_status="accepted",
        variant_origin="Somatic",
        is_flagged="false",
        source_type="PubMed",
        therapy_interaction_type="",
    )
    row.update(values)
    return row


def write_civic(path: Path, rows: list[dict[str, str]]) -> Path:
    lines = ["\t".join(CIVIC_COLUMNS)]
    lines += ["\t".join(row[c] for c in CIVIC_COLUMNS) for row in rows]
    path.write_text("\n".join(lines) + "\n")
    return path


CIVIC_ROWS = [
    civic_row(
        molecular_profile="EGFR L858R",
        disease="Lung Non-small Cell Carcinoma",
        therapies="Osimertinib",
        evidence_level="A",
        significance="Sensitivity/Response",
        evidence_id="1001",
        citation_id="29151359",
        citation="Soria et al., 2018",
    ),
    civic_row(
        molecular_profile="EGFR L858R",
        disease="Glioblastoma",
        therapies="Erlotinib",
        evidence_level="B",
        significance="Sensitivity/Response",
        evidence_id="1002",
    ),
    civic_row(
        molecular_profile="KRAS G12C",
        disease="Colorectal Cancer",
        therapies="Sotorasib,Panitumumab",
        therapy_interaction_type="Combination",
        evidence_level="B",
        significance="Sensitivity/Response",
        evidence_id="1003",
    ),
    civic_row(
        molecular_profile="KRAS G12",
        disease="Lung Adenocarcinoma",
        therapies="Cetuximab",
        evidence_level="C",
        significance="Resistance",
        evidence_id="1004",
    ),
    civic_row(
        molecular_profile="EGFR Exon 19 Deletion",
        disease="Lung Non-small Cell Carcinoma",
        therapies="Gefitinib",
        evidence_level="A",
        significance="Sensitivity/Response",
        evidence_id="1005",
    ),
    # Not matched: compound and gene-level profiles.
    civic_row(
        molecular_profile="EGFR L858R AND EGFR T790M",
        disease="Lung Non-small Cell Carcinoma",
        therapies="Osimertinib",
        evidence_level="B",
        significance="Sensitivity/Response",
        evidence_id="1006",
    ),
    civic_row(
        molecular_profile="KRAS Mutation",
        disease="Colorectal Cancer",
        therapies="Cetuximab",
        evidence_level="A",
        significance="Resistance",
        evidence_id="1007",
    ),
    # Not used: inferential, diagnostic, not supporting, flagged, submitted, germline.
    civic_row(
        molecular_profile="EGFR L858R",
        disease="Breast Cancer",
        therapies="Afatinib",
        evidence_level="E",
        significance="Sensitivity/Response",
        evidence_id="1008",
    ),
    civic_row(
        molecular_profile="EGFR L858R",
        disease="Lung Adenocarcinoma",
        therapies="",
        evidence_type="Diagnostic",
        evidence_level="B",
        significance="Positive",
        evidence_id="1009",
    ),
    civic_row(
        molecular_profile="EGFR L858R",
        disease="Lung Adenocarcinoma",
        therapies="Gefitinib",
        evidence_direction="Does Not Support",
        evidence_level="B",
        significance="Sensitivity/Response",
        evidence_id="1010",
    ),
    civic_row(
        molecular_profile="EGFR L858R",
        disease="Lung Adenocarcinoma",
        therapies="Erlotinib",
        is_flagged="true",
        evidence_level="B",
        significance="Sensitivity/Response",
        evidence_id="1011",
    ),
    civic_row(
        molecular_profile="EGFR L858R",
        disease="Lung Adenocarcinoma",
        therapies="Erlotinib",
        evidence_status="submitted",
        evidence_level="B",
        significance="Sensitivity/Response",
        evidence_id="1012",
    ),
]


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


# ---------------------------------------------------------------- diseases and tiers
@pytest.mark.parametrize(
    ("tumour", "indication", "matches"),
    [
        ("lung adenocarcinoma", "non-small cell lung cancer", True),
        ("Lung Adenocarcinoma", "Lung Non-small Cell Carcinoma", True),
        ("NSCLC", "non-small cell lung cancer", True),
        ("lung squamous cell carcinoma", "Lung Non-small Cell Carcinoma", True),
        ("lung small cell carcinoma", "non-small cell lung cancer", False),
        ("non-small cell lung cancer", "lung adenocarcinoma", False),
        ("skin melanoma", "melanoma", True),
        ("cutaneous melanoma", "Melanoma", True),
        ("lung adenocarcinoma", "melanoma", False),
        ("lung adenocarcinoma", "solid tumor", True),
        ("anything", "Solid Tumour", True),
        (None, "solid tumor", True),
        (None, "non-small cell lung cancer", False),
        ("glioblastoma", "Glioblastoma", True),
    ],
)
def test_tumour_type_matches_its_indication_or_an_ancestor(tumour, indication, matches) -> None:
    assert disease_matches(tumour, indication) is matches


def test_amp_tiers_from_evidence_level_and_tumour_type() -> None:
    assert amp_tier("A", True) == ("I", "A")
    assert amp_tier("B", True) == ("I", "B")
    assert amp_tier("A", False) == ("II", "C")
    assert amp_tier("B", False) == ("II", "C")
    assert amp_tier("C", True) == ("II", "C")
    assert amp_tier("D", False) == ("II", "D")
    assert amp_tier("E", True) is None


# ---------------------------------------------------------------- the curated table
def test_curated_table_reads_and_its_tiers_agree_with_the_mapping() -> None:
    entries, version = load_curated(CURATED)
    assert version["version"].startswith("1")
    assert len(version["sha256"]) == 64
    by_id = {entry.ids[0]: entry for entry in entries}
    assert by_id["egfr-l858r-nsclc"].protein == "L858R"
    assert by_id["kras-g12c-nsclc"].drugs == ["sotorasib", "adagrasib"]
    assert by_id["braf-v600e-melanoma"].drugs == ["dabrafenib + trametinib"]
    assert by_id["egfr-exon19del-nsclc"].region == (729, 761)
    assert by_id["egfr-l858r-nsclc"].alleles["GRCh38"] == Allele("7", 55191822, "T", "G")
    assert by_id["kras-g12c-nsclc"].alleles["GRCh38"] == Allele("12", 25245351, "C", "A")
    assert by_id["braf-v600e-nsclc"].alleles["GRCh38"] == Allele("7", 140753336, "A", "T")
    for entry in entries:
        tier, level = amp_tier(entry.evidence_level, disease_matches(entry.disease, entry.disease))
        assert entry.amp_tier == f"{tier}-{level}", entry.ids
        assert entry.sources and entry.drugs


def test_curated_demo_alleles_are_the_demo_plans_grch38_positions_shifted() -> None:
    plan = yaml.safe_load((ROOT / "resources" / "demo_plan.yaml").read_text())
    starts = {contig["name"]: contig["start"] for contig in plan["contigs"]}
    planted = {v["id"]: v for v in plan["variants"]["coding"]}
    entries, _ = load_curated(CURATED)
    by_id = {entry.ids[0]: entry for entry in entries}
    for entry_id, variant_id in (
        ("egfr-l858r-nsclc", "EGFR-L858R"),
        ("kras-g12c-nsclc", "KRAS-G12C"),
    ):
        grch38 = planted[variant_id]["grch38"]
        gene = planted[variant_id]["gene"]
        demo = Allele(gene, grch38["pos"] - starts[gene] + 1, grch38["ref"], grch38["alt"])
        assert by_id[entry_id].alleles["demo"] == demo
        assert by_id[entry_id].alleles["GRCh38"].pos == grch38["pos"]


def test_a_curated_table_without_a_column_or_with_a_bad_allele_is_refused(tmp_path) -> None:
    text = CURATED.read_text()
    (tmp_path / "missing.tsv").write_text(text.replace("\tamp_tier", ""))
    with pytest.raises(KnowledgeError, match="missing column"):
        load_curated(tmp_path / "missing.tsv")
    (tmp_path / "allele.tsv").write_text(text.replace("GRCh38:chr7:55191822:T:G", "chr7-55191822"))
    with pytest.raises(KnowledgeError, match="build:contig:pos:ref:alt"):
        load_curated(tmp_path / "allele.tsv")


# ---------------------------------------------------------------- matching
def run(tmp_path: Path, records=None, tumour="lung adenocarcinoma", build="demo", **kw) -> dict:
    vcf = write_vcf(tmp_path / "somatic.vcf", DEMO_RECORDS if records is None else records)
    biomarkers = write_biomarkers(tmp_path / "biomarkers.json", **kw)
    return actionability(vcf, biomarkers, CURATED, build, tumour)


def by_variant(document: dict) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for match in document["matches"]:
        found.setdefault(match["variant"], []).append(match)
    return found


def test_demo_drivers_and_tmb_high_are_tier_one_in_lung_adenocarcinoma(tmp_path) -> None:
    document = run(tmp_path)
    found = by_variant(document)
    (egfr,) = found["L858R"]
    assert egfr["gene"] == "EGFR" and egfr["drugs"] == ["osimertinib"]
    assert (egfr["tier"], egfr["amp_level"]) == ("I", "A")
    assert egfr["matched_by"] == ["gene + protein change", "genomic allele"]
    assert egfr["protein_change"] == "858L>858R" and egfr["vaf"] == pytest.approx(0.3)
    (kras,) = found["G12C"]
    assert kras["drugs"] == ["sotorasib", "adagrasib"] and kras["tier"] == "I"
    (tmb,) = found["TMB-high"]
    assert tmb["drugs"] == ["pembrolizumab"] and tmb["tier"] == "I" and tmb["value"] == 12.5
    assert "MSI-high" not in found
    assert document["biomarkers"]["MSI-high"]["assessed"] is False
    unknown = {(m["gene"], m["variant"]) for m in document["unknown_significance"]}
    assert unknown == {("EGFR", "A420V"), ("BRCA1", "R300H")}  # LowVAF record not counted
    assert all(m["tier"] == "III" for m in document["unknown_significance"])


def test_other_tumour_type_gives_tier_two_and_none_gives_no_tier_one(tmp_path) -> None:
    melanoma = by_variant(run(tmp_path, tumour="melanoma"))
    assert (melanoma["L858R"][0]["tier"], melanoma["L858R"][0]["amp_level"]) == ("II", "C")
    assert melanoma["L858R"][0]["tumor_type_matches"] is False
    assert melanoma["TMB-high"][0]["tier"] == "I"  # tumour-agnostic
    unknown = by_variant(run(tmp_path, tumour=None))
    assert unknown["G12C"][0]["tier"] == "II"


def test_no_biomarker_match_without_tmb_high_and_msi_high_matches(tmp_path) -> None:
    msi = {"assessed": True, "score": 35.0, "msi_high": True, "cutoff": 20}
    found = by_variant(run(tmp_path, tmb_high=False, msi=msi))
    assert "TMB-high" not in found
    (match,) = found["MSI-high"]
    assert match["drugs"] == ["pembrolizumab"] and match["value"] == 35.0


def test_a_grch38_allele_matches_without_annotation(tmp_path) -> None:
    records = [record("chr7", 55191822, "T", "G", "", 0.25)]
    found = by_variant(run(tmp_path, records, build="GRCh38"))
    (egfr,) = found["L858R"]
    assert egfr["matched_by"] == ["genomic allele"]
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
    (match,) = [m for m in document["matches"] if m["kind"] == "variant"]
    assert match["knowledge_variant"] == "exon 19 deletion"
    assert match["matched_by"] == ["gene + protein region"] and match["tier"] == "I"
    assert match["pos"] == 15000


# ---------------------------------------------------------------- CIViC
def test_civic_evidence_is_filtered_and_parsed(tmp_path) -> None:
    curated, _ = load_curated(CURATED)
    civic = write_civic(tmp_path / "civic.tsv", CIVIC_ROWS)
    entries, version = load_civic(civic, curated)
    ids = {entry.ids[0]: entry for entry in entries}
    assert set(ids) == {"EID1001", "EID1002", "EID1003", "EID1004", "EID1005"}
    assert version["predictive_not_matchable"] == 2  # the compound and gene-level profiles
    assert ids["EID1003"].drugs == ["Sotorasib + Panitumumab"]
    assert ids["EID1004"].rule == "codon" and ids["EID1004"].significance == "resistance"
    assert ids["EID1005"].rule == "region" and ids["EID1005"].region == (729, 761)
    assert "PubMed 29151359" in ids["EID1001"].sources[1]
    assert version["file_date"] and len(version["sha256"]) == 64


def test_civic_matches_are_tiered_by_tumour_type(tmp_path) -> None:
    vcf = write_vcf(tmp_path / "somatic.vcf", DEMO_RECORDS)
    biomarkers = write_biomarkers(tmp_path / "biomarkers.json")
    civic = write_civic(tmp_path / "civic.tsv", CIVIC_ROWS)
    document = actionability(vcf, biomarkers, CURATED, "demo", "lung adenocarcinoma", civic)
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
    document = actionability(vcf, biomarkers, CURATED, "demo", "lung adenocarcinoma", civic)
    (match,) = [m for m in document["matches"] if m["knowledge"] == "civic"]
    assert match["evidence_ids"] == ["EID1001", "EID2001"] and match["amp_level"] == "A"


def test_a_file_that_is_not_civic_is_refused(tmp_path) -> None:
    (tmp_path / "other.tsv").write_text("gene\tdrug\nEGFR\tosimertinib\n")
    with pytest.raises(KnowledgeError, match="not a CIViC ClinicalEvidenceSummaries"):
        load_civic(tmp_path / "other.tsv", [])


def test_download_records_url_date_and_checksum(tmp_path) -> None:
    source = write_civic(tmp_path / "source.tsv", CIVIC_ROWS[:1])
    out, record_file = tmp_path / "cache" / "civic.tsv", tmp_path / "cache" / "civic.tsv.json"
    document = download_civic(source.as_uri(), out, record_file)
    assert out.read_text() == source.read_text()
    recorded = json.loads(record_file.read_text())
    assert recorded == document and recorded["url"] == source.as_uri()
    assert recorded["downloaded"].endswith("Z") and len(recorded["sha256"]) == 64
    _, version = load_civic(out, [], record_file)
    assert version["downloaded"] == recorded["downloaded"]


def test_outputs_json_and_tsv(tmp_path) -> None:
    document = run(tmp_path)
    write_outputs(document, tmp_path / "a.json", tmp_path / "a.tsv")
    assert json.loads((tmp_path / "a.json").read_text())["matches"]
    lines = (tmp_path / "a.tsv").read_text().splitlines()
    header = lines[0].split("\t")
    rows = [dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:]]
    assert {r["tier"] for r in rows} == {"I", "III"}
    egfr = next(r for r in rows if r["variant"] == "L858R")
    assert egfr["drugs"] == "osimertinib" and egfr["tumor_type_matches"] == "yes"

"""The report's drug rows and the patient's medicine text come from CPIC's structured fields
(classification; `dosinginformation`, `alternatedrugavailable`, `otherprescribingguidance`),
never from the words of the recommendation; and our CPIC lookup agrees with PharmCAT's own
report of its example VCF."""

import json
from pathlib import Path

from helpers import CPIC_FILE, shared
from tailorseq.pgx.cpic import CpicRecommendations, GeneResult
from tailorseq.pgx.pipeline import run_pgx
from tailorseq.report.pgx_section import drug_row
from tailorseq.report.plain import pgx_paragraphs

#: CPIC's record for atazanavir and a UGT1A1 normal metabolizer, with the flags PharmCAT's
#: example report (v3.1.1, data 2025-11-05) shows for it.
ATAZANAVIR = {
    "drug": "atazanavir",
    "genes": {"UGT1A1": "Normal Metabolizer"},
    "recommendation": "There is no need to avoid prescribing of atazanavir based on UGT1A1"
    " genetic test result. Inform the patient that some patients stop atazanavir because of"
    " jaundice (yellow eyes and skin), but that this patient's genotype makes this unlikely.",
    "classification": "Strong",
    "dosing_information": False,
    "alternate_drug_available": False,
    "other_prescribing_guidance": True,
}
CLOPIDOGREL_NM = {
    "drug": "clopidogrel",
    "genes": {"CYP2C19": "Normal Metabolizer"},
    "recommendation": "If considering clopidogrel, use at standard dose (75 mg/day)",
    "classification": "Strong",
    "dosing_information": False,
    "alternate_drug_available": False,
    "other_prescribing_guidance": False,
}
CLOPIDOGREL_PM = CLOPIDOGREL_NM | {
    "genes": {"CYP2C19": "Poor Metabolizer"},
    "recommendation": "Avoid standard dose clopidogrel if possible.",
    "alternate_drug_available": True,
}


def pgx(*recs: dict) -> dict:
    drugs = [drug_row(r) for r in recs]
    return {"assessed": True, "genes": [], "not_called": [], "not_assessed": [], "drugs": drugs}


def test_no_need_to_avoid_is_not_a_change() -> None:
    row = drug_row(ATAZANAVIR)
    assert row["change"] == "other guidance" and not row["act_now"]
    assert row["action"] == "Strong: no dose or drug change (other prescribing guidance)"
    assert "change advised" not in json.dumps(row)


def test_standard_dose_is_standard_and_an_alternative_is_a_change() -> None:
    assert drug_row(CLOPIDOGREL_NM)["change"] == "no change"
    assert not drug_row(CLOPIDOGREL_NM)["act_now"]
    row = drug_row(CLOPIDOGREL_PM)
    assert (row["change"], row["act_now"]) == ("alternative drug", True)
    assert row["action"] == "Strong: alternative drug"


def test_without_flags_the_text_is_shown_and_nothing_is_read_into_it() -> None:
    """CPIC's drugs.json as PharmCAT shipped it (v1.10) has no change flags."""
    bare = {
        k: v
        for k, v in CLOPIDOGREL_PM.items()
        if not k.endswith(("information", "available", "guidance"))
    }
    row = drug_row(bare)
    assert row["change"] == "not flagged" and not row["act_now"]
    assert row["recommendation"] == bare["recommendation"]
    assert row["action"] == "Strong: CPIC's data used does not flag a change; read the text"


def test_unknown_classification_shows_the_text_and_says_so() -> None:
    row = drug_row({**CLOPIDOGREL_PM, "classification": None})
    assert row["recommendation"].startswith("Avoid standard dose")
    assert row["classification"] is None and not row["act_now"]
    assert row["action"] == "classification unknown; read the text"
    (paragraph,) = [
        p
        for p in pgx_paragraphs(pgx({**CLOPIDOGREL_PM, "classification": None}))
        if "clopidogrel" in p
    ]
    assert "cannot say how strong" in paragraph and "different" not in paragraph


def test_no_recommendation_text() -> None:
    row = drug_row(
        {
            "drug": "tamoxifen",
            "genes": {"CYP2D6": None},
            "recommendation": None,
            "classification": None,
            "note": "no recommendation of the CPIC file fits",
        }
    )
    assert row["action"] == "no recommendation for these results" and not row["act_now"]


def test_patient_text_follows_the_classification_only() -> None:
    paragraphs = " ".join(pgx_paragraphs(pgx(ATAZANAVIR, CLOPIDOGREL_PM)))
    assert "strongly recommend a different medicine or dose: clopidogrel" in paragraphs
    assert "usual prescription is recommended: atazanavir" in paragraphs
    optional = {**CLOPIDOGREL_PM, "classification": "Optional"}
    text = " ".join(pgx_paragraphs(pgx(optional)))
    assert "optional" in text and "strongly" not in text
    none = {**CLOPIDOGREL_NM, "classification": "No recommendation"}
    text = " ".join(pgx_paragraphs(pgx(none)))
    assert "no recommendation based on your genes for: clopidogrel" in text


def test_cpic_flags_reach_the_recommendation(tmp_path: Path) -> None:
    drugs = json.loads(CPIC_FILE.read_text())
    clopidogrel = next(d for d in drugs if d["drugname"] == "clopidogrel")
    for rec in clopidogrel["recommendations"]:
        rec |= {
            "dosinginformation": False,
            "alternatedrugavailable": True,
            "otherprescribingguidance": False,
        }
    path = tmp_path / "drugs.json"
    path.write_text(json.dumps([clopidogrel]))
    (rec,) = CpicRecommendations(path).recommend({"CYP2C19": GeneResult("Poor Metabolizer")})
    assert rec.to_json()["alternate_drug_available"] is True
    assert drug_row(rec.to_json())["act_now"]
    bare = CpicRecommendations(CPIC_FILE).recommend({"CYP2C19": GeneResult("Poor Metabolizer")})
    assert "alternate_drug_available" not in bare[0].to_json()


# ---------------------------------------------------------------- against PharmCAT's own report
def pharmcat_annotations(report: dict) -> dict[str, list[dict]]:
    """PharmCAT's CPIC annotations by drug: classification and implications (gene -> text)."""
    found = {}
    for name, drug in report["drugs"]["CPIC Guideline Annotation"].items():
        for guideline in drug["guidelines"]:
            for annotation in guideline["annotations"]:
                # "GENE: text" (a few without a gene prefix are kept whole under "")
                implications = {}
                for line in annotation.get("implications") or []:
                    gene, sep, text = line.partition(": ")
                    implications[gene if sep else ""] = text if sep else line
                found.setdefault(name, []).append(
                    {
                        "classification": annotation.get("classification"),
                        "implications": implications,
                    }
                )
    return found


def test_agrees_with_pharmcats_example_report() -> None:
    """Every drug of the fixture we recommend for PharmCAT's example VCF: classification as
    PharmCAT reports it; implications too where the fixture's CPIC text is the current one
    (the fixture holds CPIC v1.10 records: clopidogrel's implications were reworded by CPIC's
    2022 guideline update, which PharmCAT's 2025 data uses)."""
    folder = shared("pharmcat")
    example = folder / "examples"
    result = run_pgx(
        example / "pharmcat.example.vcf",
        folder / "definition" / "alleles",
        build="GRCh38",
        phenotypes=folder / "phenotype",
        cpic_file=CPIC_FILE,
    )
    theirs = pharmcat_annotations(
        json.loads((example / "pharmcat.example.report.json").read_text())
    )
    ours = [r for r in result["recommendations"] if r["recommendation"]]
    compared = {}
    for rec in ours:
        annotations = theirs[rec["drug"]]
        compared[rec["drug"]] = (
            any(a["classification"] == rec["classification"] for a in annotations),
            any(a["implications"] == rec["implications"] for a in annotations),
        )
    assert compared == {"capecitabine": (True, True), "clopidogrel": (True, False)}

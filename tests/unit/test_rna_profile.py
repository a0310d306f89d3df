"""The 21-gene expression profile (tailorseq.rna.profile): the published definition, group
scores and weighted sum on hand-computed numbers, floors only with a calibration offset, breast
tumours only (OncoTree tissue), missing genes named, and the cohort percentile."""

import json
from pathlib import Path

import pytest
from actionability_helpers import ONCOTREE
from rna_helpers import PANEL_LOG2, panel_tpm, table_of

from tailorseq.errors import InputError
from tailorseq.rna.normalise import reference_level
from tailorseq.rna.profile import expression_profile, load_definition, place_tumour, scores
from tailorseq.somatic.knowledge import KnowledgeError

DEFINITION = load_definition()
# published name -> value (PANEL_LOG2 by symbol)
VALUES = {
    "GRB7": 2, "HER2": 4, "ER": 1, "PGR": -1, "BCL2": 0.5, "SCUBE2": -0.5, "Survivin": 3,
    "KI67": 2, "MYBL2": 1, "CCNB1": 0.25, "STK15": -1, "CTSL2": 1, "MMP11": 3, "CD68": 2,
    "GSTM1": -2, "BAG1": 1,
}  # fmt: skip


def test_the_definition_is_paik_2004_figure_1() -> None:
    groups = {g.name: (g.weights, g.divisor, g.floor) for g in DEFINITION.groups}
    assert groups == {
        "GRB7": ({"GRB7": 0.9, "HER2": 0.1}, 1, 8),
        "ER": ({"ER": 0.8, "PGR": 1.2, "BCL2": 1, "SCUBE2": 1}, 4, None),
        "proliferation": ({"Survivin": 1, "KI67": 1, "MYBL2": 1, "CCNB1": 1, "STK15": 1}, 5, 6.5),
        "invasion": ({"CTSL2": 1, "MMP11": 1}, 2, None),
    }
    assert DEFINITION.group_weights == {
        "GRB7": 0.47,
        "ER": -0.34,
        "proliferation": 1.04,
        "invasion": 0.10,
    }
    assert DEFINITION.gene_weights == {"CD68": 0.05, "GSTM1": -0.08, "BAG1": -0.07}
    assert DEFINITION.reference_genes == ("ACTB", "GAPDH", "RPLP0", "GUSB", "TFRC")
    assert "N Engl J Med 2004;351:2817-26" in DEFINITION.source
    assert "Breast Cancer Res 2006;8:R25" in DEFINITION.cross_check
    assert (
        DEFINITION.verification
        == "weights as published; not checked offline against the paper's figure"
    )
    assert DEFINITION.tissue == "Breast"


def test_group_scores_and_weighted_sum_by_hand() -> None:
    found = scores(VALUES, DEFINITION, None)
    # GRB7 0.9*2 + 0.1*4 = 2.2; ER (0.8*1 + 1.2*-1 + 0.5 - 0.5)/4 = -0.1;
    # proliferation (3 + 2 + 1 + 0.25 - 1)/5 = 1.05; invasion (1 + 3)/2 = 2
    assert {g["name"]: g["score"] for g in found["groups"]} == {
        "GRB7": 2.2, "ER": -0.1, "proliferation": 1.05, "invasion": 2,
    }  # fmt: skip
    assert all(g["floor"] is None and not g["floored"] for g in found["groups"])
    # 0.47*2.2 - 0.34*-0.1 + 1.04*1.05 + 0.10*2 + 0.05*2 - 0.08*-2 - 0.07*1
    assert found["weighted_sum"] == pytest.approx(1.034 + 0.034 + 1.092 + 0.2 + 0.1 + 0.16 - 0.07)


def test_floors_apply_only_on_the_calibrated_scale() -> None:
    found = scores(VALUES, DEFINITION, 5)
    groups = {g["name"]: g for g in found["groups"]}
    assert (groups["GRB7"]["score"], groups["GRB7"]["unfloored"], groups["GRB7"]["floored"]) == (
        8, 7.2, True,
    )  # fmt: skip
    assert (groups["proliferation"]["score"], groups["proliferation"]["unfloored"]) == (6.5, 6.05)
    assert (groups["ER"]["score"], groups["ER"]["floor"], groups["invasion"]["score"]) == (
        4.9,
        None,
        7,
    )
    # 0.47*8 - 0.34*4.9 + 1.04*6.5 + 0.10*7 + 0.05*7 - 0.08*3 - 0.07*6
    assert found["weighted_sum"] == pytest.approx(3.76 - 1.666 + 6.76 + 0.7 + 0.35 - 0.24 - 0.42)


def profile(tpm: dict, tumour_type: str | None = "IDC", offset=None, cohort=None) -> dict:
    table = table_of(tpm)
    reference = reference_level(table, DEFINITION.reference_genes, 1)
    tumour = place_tumour(tumour_type, ONCOTREE)
    return expression_profile(table, reference, tumour, offset, cohort, DEFINITION)


def test_a_breast_tumour_gets_the_profile_labelled_research_use() -> None:
    found = profile(panel_tpm())
    assert found["status"] == "computed" and found["reason"] == ""
    assert found["label"] == "21-gene expression profile (RNA-seq, research use; not Oncotype DX)"
    assert found["weighted_sum"] == scores(VALUES, DEFINITION, None)["weighted_sum"]
    assert {g["name"]: g["value"] for g in found["genes"]} == VALUES
    assert {g["name"]: g["symbol"] for g in found["genes"]}["STK15"] == "AURKA"
    assert "floors are not applied" in found["scale"]
    assert (
        found["percentile"]["value"] is None
        and "no reference cohort" in found["percentile"]["reason"]
    )
    assert "recurrence score" not in json.dumps(found).lower()


def test_a_lung_tumour_gets_no_profile_with_the_reason() -> None:
    found = profile(panel_tpm(), "LUAD")
    assert found["status"] == "not computed" and "weighted_sum" not in found
    assert found["reason"] == (
        "defined for breast cancer (OncoTree tissue Breast); this tumour is Lung Adenocarcinoma"
        " (LUAD), OncoTree tissue Lung"
    )


def test_no_tumour_type_or_no_oncotree_gives_no_profile(tmp_path: Path) -> None:
    assert profile(panel_tpm(), None)["reason"] == "no tumour type given (samples.tsv tumor_type)"
    table = table_of(panel_tpm())
    reference = reference_level(table, DEFINITION.reference_genes, 1)
    found = expression_profile(table, reference, place_tumour("IDC", None), None, None, DEFINITION)
    assert found["reason"] == (
        "tumour type 'IDC' could not be placed on OncoTree: no OncoTree file (somatic.oncotree)"
    )
    with pytest.raises(KnowledgeError, match="neither an OncoTree code nor"):
        place_tumour("breast-ish", ONCOTREE)


def test_missing_panel_genes_are_named() -> None:
    tpm = {g: t for g, t in panel_tpm().items() if g not in ("MKI67", "CTSV")}
    found = profile(tpm)
    assert found["status"] == "not computed"
    assert found["reason"] == (
        "panel gene(s) not in the quantification: KI67 (MKI67), CTSL2 (CTSV/CTSL2)"
    )


def test_a_former_symbol_is_found_and_a_missing_reference_stops_the_profile() -> None:
    tpm = panel_tpm()
    tpm["CTSL2"] = tpm.pop("CTSV")
    found = profile(tpm)
    assert {g["name"]: g["symbol"] for g in found["genes"]}["CTSL2"] == "CTSL2"
    without_gusb = {g: t for g, t in panel_tpm().items() if g != "GUSB"}
    assert profile(without_gusb)["reason"] == (
        "reference level not assessed: reference gene(s) not in the quantification: GUSB"
    )


def test_the_profile_is_placed_in_a_reference_cohort(tmp_path: Path) -> None:
    cohort = tmp_path / "cohort.tsv"
    cohort.write_text("sample\tweighted_sum\n" + "".join(f"s{i}\t{i}\n" for i in range(10)))
    found = profile(panel_tpm(), cohort=cohort)  # weighted sum 2.51: 0, 1 and 2 at or below
    assert found["percentile"] == {"value": 30.0, "cohort": str(cohort), "size": 10, "reason": ""}
    (tmp_path / "bad.tsv").write_text("sample\tscore\ns1\t1\n")
    with pytest.raises(InputError, match="weighted_sum"):
        profile(panel_tpm(), cohort=tmp_path / "bad.tsv")


def test_panel_values_round_trip_through_tpm() -> None:
    table = table_of(panel_tpm())
    reference = reference_level(table, DEFINITION.reference_genes, 1)
    tpm = table.set_index("gene")["tpm"]
    assert {g: reference.normalised(tpm[g]) for g in PANEL_LOG2} == pytest.approx(PANEL_LOG2)

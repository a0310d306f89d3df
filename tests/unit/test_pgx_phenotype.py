"""Phenotypes, activity scores, CPIC recommendations and outside calls (knowledge read at run
time from the installed pypgx and from ../shared/data/pharmcat/phenotype)."""

import json
from pathlib import Path

import pytest

from helpers import shared
from tailorseq.pgx import pypgx_tables

pytestmark = pytest.mark.skipif(
    not pypgx_tables.pypgx_available(), reason="needs pypgx (pip install --no-deps pypgx==0.27.0)"
)

from tailorseq.pgx.outside import read_outside_calls  # noqa: E402
from tailorseq.pgx.phenotype import INDETERMINATE, pharmcat_source, pypgx_source  # noqa: E402
from tailorseq.pgx.pipeline import run_pgx  # noqa: E402
from tailorseq.pgx.pypgx_definitions import load_pypgx_definitions  # noqa: E402
from tailorseq.pgx.recommendations import RecommendationTables  # noqa: E402

DPYD_2A = "c.1905+1G>A (*2A)"
CASES = [  # gene, diplotype, phenotype, activity score
    ("CYP2C19", ["*2", "*17"], "Intermediate Metabolizer", None),
    ("CYP2C19", ["*2", "*2"], "Poor Metabolizer", None),
    ("DPYD", ["Reference", DPYD_2A], "Intermediate Metabolizer", 1.0),
    ("TPMT", ["*1", "*3A"], "Intermediate Metabolizer", None),
    # CPIC (2020-) and both sources give CYP2C9*3 activity 0: *1/*3 scores 1.0, *1/*2 1.5
    ("CYP2C9", ["*1", "*3"], "Intermediate Metabolizer", 1.0),
    ("CYP2C9", ["*1", "*2"], "Intermediate Metabolizer", 1.5),
    # PharmCAT names rs4149056 C as SLCO1B1 *5 (checked in its definitions)
    ("SLCO1B1", ["*1", "*5"], "Decreased Function", None),
]


@pytest.fixture(scope="module")
def sources():
    result = {"pypgx": pypgx_source()}
    folder = Path(__file__).resolve().parents[3] / "shared" / "data" / "pharmcat" / "phenotype"
    if folder.is_dir():
        result["pharmcat"] = pharmcat_source(folder)
    return result


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}{'/'.join(c[1])}")
@pytest.mark.parametrize("name", ["pypgx", "pharmcat"])
def test_phenotype(sources, name, case):
    if name not in sources:
        pytest.skip("needs ../shared/data/pharmcat/phenotype")
    gene, diplotype, phenotype, score = case
    result = sources[name].gene_phenotype(gene, [diplotype])
    assert result.phenotype.lower() == phenotype.lower()
    assert result.activity_score == score


def test_haplotype_functions(sources):
    info = sources["pypgx"].diplotype_phenotype("SLCO1B1", ["*1", "*5"]).haplotypes
    assert [h.function for h in info] == ["Normal Function", "No Function"]
    dpyd = sources["pypgx"].diplotype_phenotype("DPYD", ["Reference", DPYD_2A]).haplotypes
    assert [h.activity_value for h in dpyd] == [1.0, 0.0]


def test_disagreeing_diplotypes_are_indeterminate(sources):
    result = sources["pypgx"].gene_phenotype("CYP2C19", [["*1", "*2"], ["*2", "*2"]])
    assert result.phenotype == INDETERMINATE
    assert "*1/*2: Intermediate Metabolizer" in result.note
    assert [d.phenotype for d in result.diplotypes] == [
        "Intermediate Metabolizer",
        "Poor Metabolizer",
    ]
    same = sources["pypgx"].gene_phenotype("CYP2C19", [["*1", "*2"], ["*1", "*3"]])
    assert same.phenotype == "Intermediate Metabolizer"


def test_haploid_g6pd_and_copy_numbers(sources):
    source = sources["pypgx"]
    assert source.gene_phenotype("G6PD", [["B (reference)"]]).phenotype == "G6PD Normal"
    assert source.gene_phenotype("G6PD", [["A- 202A_376G"]]).phenotype == "G6PD Deficient"
    assert source.gene_phenotype("CYP2D6", [["*1", "*1x2"]]).activity_score == 3.0


def test_recommendations():
    tables = RecommendationTables()
    poor = tables.recommend({"CYP2C19": "Poor Metabolizer"})
    clopidogrel = next(r for r in poor if r.drug == "clopidogrel")
    assert clopidogrel.recommendation and "clopidogrel" in clopidogrel.recommendation
    assert clopidogrel.guideline.startswith("https://cpicpgx.org/")
    assert clopidogrel.cpic_level == "A"
    dpyd = tables.recommend({"DPYD": "Intermediate Metabolizer"})
    drugs = {r.drug for r in dpyd if r.recommendation}
    assert {"fluorouracil", "capecitabine"} <= drugs
    # two-gene rows need both phenotypes; without TPMT the thiopurines wait for it
    waiting = [r for r in tables.recommend({"NUDT15": "Normal Metabolizer"}) if r.needs]
    assert {r.drug for r in waiting} >= {"azathioprine"}
    hla = tables.recommend({"HLA-B": None})
    abacavir = next(r for r in hla if r.drug == "abacavir")
    assert abacavir.recommendation is None and "guideline" in abacavir.note
    assert abacavir.guideline.startswith("https://cpicpgx.org/")


def test_outside_calls(tmp_path):
    path = tmp_path / "outside.tsv"
    path.write_text("# comment\nCYP2D6\t*1/*4\nHLA-B\t*57:01/*08:01\tHLA-B*57:01 positive\n")
    calls = read_outside_calls(path)
    assert calls["CYP2D6"].haplotypes == ["*1", "*4"]
    assert calls["HLA-B"].phenotype == "HLA-B*57:01 positive"
    path.write_text("CYP2D6\t*1/*4\nCYP2D6\t*1/*1\n")
    with pytest.raises(Exception, match="twice"):
        read_outside_calls(path)


def test_mt_rnr1_from_pypgx():
    definition = load_pypgx_definitions(["MT-RNR1"])["MT-RNR1"]
    assert definition.chromosome == "chrM"
    assert any(v.position == 1555 for v in definition.variants)  # m.1555A>G
    assert definition.reference_allele.name == "Reference"


def _example(tmp_path, **kwargs):
    folder = shared("pharmcat")
    outside = tmp_path / "outside.tsv"
    outside.write_text("CYP2D6\t*1/*3\nHLA-B\t*57:01/*08:01\n")
    return run_pgx(
        folder / "examples" / "pharmcat.example.vcf",
        folder / "definition" / "alleles",
        out_json=tmp_path / "o.json",
        out_tsv=tmp_path / "o.tsv",
        build="GRCh38",
        outside_calls=outside,
        **kwargs,
    )


def _normal(text: str | None) -> str:
    text = (text or "").strip().lower()
    return text.removeprefix("g6pd ")


@pytest.mark.parametrize("phenotypes", ["pypgx", "pharmcat"])
def test_example_phenotypes_vs_pharmcat_report(tmp_path, phenotypes):
    folder = shared("pharmcat")
    kwargs = {"phenotypes": folder / "phenotype"} if phenotypes == "pharmcat" else {}
    result = _example(tmp_path, **kwargs)
    lines = (folder / "examples" / "pharmcat.example.report.tsv").read_text().splitlines()
    header = lines[1].split("\t")
    report = {f[0]: dict(zip(header, f, strict=False)) for f in (x.split("\t") for x in lines[2:])}
    agree, differ = [], []
    for gene, row in report.items():
        ours = result["genes"][gene]["phenotype"]
        theirs = row["Phenotype"].strip()
        if not theirs or gene == "CYP2D6":  # no PharmCAT phenotype; CYP2D6 is an outside call
            continue
        (agree if _normal(ours["phenotype"]) == _normal(theirs) else differ).append(
            (gene, ours["phenotype"], theirs)
        )
        if row["Activity Score"]:
            assert ours["activity_score"] == float(row["Activity Score"]), gene
    # pypgx 0.27.0 has no diplotype phenotypes for VKORC1, CYP3A4, NAT2 and CFTR (no
    # phenotype, not a different one); PharmCAT's own phenotype files agree wherever the
    # shared folder has the gene's file (it has none for RYR1 and G6PD)
    if phenotypes == "pharmcat":
        assert len(agree) == 15, differ
        assert {(g, ours) for g, ours, _ in differ} == {("RYR1", None), ("G6PD", None)}
    else:
        assert len(agree) == 13, differ
        assert {g for g, ours, _ in differ if ours is None} == {"VKORC1", "CYP3A4", "NAT2", "CFTR"}
        assert all(ours is None for _, ours, _ in differ)


def test_example_json_and_tsv(tmp_path):
    result = _example(tmp_path, sex="female")
    assert result["knowledge"]["phenotypes"]["version"] == "0.27.0"
    assert result["knowledge"]["recommendations"]["name"] == "pypgx"
    assert "PharmCAT" in result["knowledge"]["source"]
    assert result["genes"]["CYP2D6"]["source"] == "outside call"
    assert result["genes"]["CYP2D6"]["phenotype"]["phenotype"] == "Intermediate Metabolizer"
    assert any(r["drug"] == "abacavir" for r in result["recommendations"])
    assert json.loads((tmp_path / "o.json").read_text())["recommendations"]
    rows = {r.split("\t")[0]: r.split("\t") for r in (tmp_path / "o.tsv").read_text().splitlines()}
    assert rows["CYP2C9"][2:4] == ["Normal Metabolizer", "2"]
    assert rows["CYP2D6"][-1] == "outside call"
    assert rows["MT-RNR1"][1] == ""  # the example VCF has no chrM: missing, not reference


def test_male_chrx_and_chrm_calls_are_haploid():
    from tailorseq.pgx.definitions import Variant
    from tailorseq.pgx.genotypes import PositionCall, SampleGenotypes
    from tailorseq.pgx.pipeline import ploidy_adjusted

    x1, x2 = Variant("chrX", 10, None, "A", ("G",)), Variant("chrX", 20, None, "C", ("T",))
    m1 = Variant("chrM", 1555, None, "A", ("G",))
    calls = {("X", 10): PositionCall(x1, ("G", "G")), ("X", 20): PositionCall(x2, ("C", "T")),
             ("M", 1555): PositionCall(m1, ("A", "A"))}  # fmt: skip
    male = ploidy_adjusted(SampleGenotypes("s", dict(calls)), "male")
    assert male.calls[("X", 10)].alleles == ("G",)
    assert male.calls[("X", 20)].missing and "male" in male.warnings[0]
    assert male.calls[("M", 1555)].alleles == ("A",)
    female = ploidy_adjusted(SampleGenotypes("s", dict(calls)), "female")
    assert female.calls[("X", 20)].alleles == ("C", "T")

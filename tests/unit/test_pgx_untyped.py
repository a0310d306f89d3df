"""Genes not typed from the reads (CYP2D6 structure, HLA-A, HLA-B): without an outside call each
is "not assessed" with the reason and the drugs that depend on it, from the recommendation
source's structured gene-drug fields; HLA typers' outputs (OptiType, arcasHLA, T1K) are read
directly as outside calls."""

import json

import pytest

from helpers import CPIC_FILE, shared
from tailorseq.cli import main
from tailorseq.errors import InputError
from tailorseq.pgx import untyped
from tailorseq.pgx.cpic import CpicRecommendations, GeneResult
from tailorseq.pgx.outside import read_outside_calls
from tailorseq.pgx.pypgx_tables import pypgx_available

# CPIC level A gene-drug pairs of HLA-B (cpicpgx.org, as pypgx 0.27.0's cpic-table has them)
HLA_B_LEVEL_A = [
    "abacavir", "allopurinol", "carbamazepine", "fosphenytoin", "oxcarbazepine", "phenytoin"
]  # fmt: skip


@pytest.mark.skipif(not pypgx_available(), reason="pypgx is not installed")
def test_pypgx_lists_the_drugs_each_untyped_gene_decides() -> None:
    from tailorseq.pgx.recommendations import RecommendationTables

    found = {g["gene"]: g for g in untyped.not_assessed(set(), None, RecommendationTables())}
    assert list(found) == ["CYP2D6", "HLA-A", "HLA-B"]
    assert found["HLA-B"]["drugs"] == HLA_B_LEVEL_A
    assert "carbamazepine" in found["HLA-A"]["drugs"]
    assert {"codeine", "tamoxifen", "tramadol"} <= set(found["CYP2D6"]["drugs"])
    assert "citalopram" not in found["CYP2D6"]["drugs"]  # CPIC level C
    assert found["CYP2D6"]["drugs_source"].startswith("pypgx")
    assert "Cyrius or Aldy" in found["CYP2D6"]["reason"]


@pytest.mark.shared
@pytest.mark.skipif(not pypgx_available(), reason="pypgx is not installed")
def test_without_hla_calls_the_report_lists_hla_a_and_b_with_every_drug(tmp_path) -> None:
    """A patient's VCF, no outside calls, pypgx's tables: the report's PGx section says HLA-A
    and HLA-B (and CYP2D6) were not assessed, with every drug their CPIC pairs decide, and never
    that every gene was called."""
    from tailorseq.report.pgx_section import pgx_section

    pharmcat = shared("pharmcat")
    out = tmp_path / "p.pgx.json"
    assert main(["pgx", "--vcf", str(pharmcat / "examples" / "pharmcat.example.vcf"),
                 "--definitions", str(pharmcat / "definition" / "alleles"), "--build", "GRCh38",
                 "--out", str(out)]) == 0  # fmt: skip
    section = pgx_section("p", out)
    untyped_genes = {g["gene"]: g["drugs"] for g in section["not_assessed"]}
    assert list(untyped_genes) == ["CYP2D6", "HLA-A", "HLA-B"]
    assert untyped_genes["HLA-B"] == HLA_B_LEVEL_A
    assert "carbamazepine" in untyped_genes["HLA-A"]
    assert "Not assessed: CYP2D6, HLA-A, HLA-B (no outside call)" in section["statement"]


def test_the_cpic_file_names_the_drugs_by_its_genes_fields() -> None:
    found = untyped.not_assessed({"CYP2D6"}, None, CpicRecommendations(CPIC_FILE))
    assert [(g["gene"], g["drugs"]) for g in found] == [
        ("HLA-A", ["carbamazepine"]),
        ("HLA-B", ["abacavir", "carbamazepine"]),
    ]
    assert found[0]["drugs_source"] == "CPIC recommendation file (v1.10)"


def test_only_named_genes_and_no_drugs_without_recommendations() -> None:
    assert untyped.not_assessed(set(), ["CYP2C19", "DPYD"], None) == []
    (hla_a,) = untyped.not_assessed(set(), ["hla-a"], None)
    assert hla_a["drugs"] == [] and hla_a["drugs_source"] == untyped.NO_RECOMMENDATIONS


@pytest.mark.shared
def test_the_pgx_command_says_which_genes_it_did_not_assess(tmp_path) -> None:
    pharmcat = shared("pharmcat")
    outside = tmp_path / "outside.tsv"
    outside.write_text("HLA-B\t*57:01/*08:01\n")
    out = tmp_path / "example.pgx.json"
    status = main(["pgx", "--vcf", str(pharmcat / "examples" / "pharmcat.example.vcf"),
                   "--definitions", str(pharmcat / "definition" / "alleles"),
                   "--phenotypes", str(pharmcat / "phenotype"), "--build", "GRCh38",
                   "--recommendations", str(CPIC_FILE), "--outside-calls", str(outside),
                   "--out", str(out)])  # fmt: skip
    assert status == 0
    document = json.loads(out.read_text())
    assert [g["gene"] for g in document["not_assessed"]] == ["CYP2D6", "HLA-A"]
    assert document["genes"]["HLA-B"]["source"] == "outside call"


# Typer outputs written here in each tool's documented layout (values are this test's own).
OPTITYPE = (
    "\tA1\tA2\tB1\tB2\tC1\tC2\tReads\tObjective\n"
    "0\tA*31:01\tA*02:01\tB*57:01\tB*57:01\tC*07:01\tC*06:02\t1520.0\t1450.3\n"
)
ARCASHLA = '{"A": ["A*31:01:02", "A*02:01:01"], "B": ["B*57:01:01"], "C": ["C*07:01:01"]}'
T1K = (
    "HLA-A\t2\tHLA-A*31:01:02\t120.5\t60\tHLA-A*02:01:01\t98.1\t55\t.\n"
    "HLA-B\t1\tHLA-B*57:01:01\t210.0\t60\t.\t0\t-1\t.\n"
    "HLA-C\t2\tHLA-C*07:01:01\t80\t40\tHLA-C*06:02:01\t70\t30\t.\n"
)


@pytest.mark.parametrize(
    ("name", "text", "hla_a", "hla_b"),
    [
        ("s_result.tsv", OPTITYPE, "*31:01/*02:01", "*57:01/*57:01"),
        ("s.genotype.json", ARCASHLA, "*31:01:02/*02:01:01", "*57:01:01/*57:01:01"),
        ("s_genotype.tsv", T1K, "*31:01:02/*02:01:01", "*57:01:01/*57:01:01"),
    ],
)
def test_hla_typers_outputs_are_read_directly(tmp_path, name, text, hla_a, hla_b) -> None:
    path = tmp_path / name
    path.write_text(text)
    calls = read_outside_calls(path)
    assert {gene: call.diplotype for gene, call in calls.items()} == {
        "HLA-A": hla_a, "HLA-B": hla_b
    }  # fmt: skip
    assert untyped.not_assessed(calls, None, None)[0]["gene"] == "CYP2D6"


def test_a_t1k_allele_without_confidence_leaves_the_gene_uncalled(tmp_path) -> None:
    path = tmp_path / "s_genotype.tsv"
    path.write_text("HLA-B\t2\tHLA-B*57:01:01\t210.0\t60\tHLA-B*08:01:01\t3.0\t0\t.\n")
    assert read_outside_calls(path) == {}


def test_an_allele_of_another_gene_is_refused_with_the_file(tmp_path) -> None:
    path = tmp_path / "s_result.tsv"
    path.write_text(OPTITYPE.replace("B*57:01\tB*57:01", "C*57:01\tB*57:01"))
    with pytest.raises(InputError, match=r"s_result.tsv.*'C\*57:01' is not an allele of HLA-B"):
        read_outside_calls(path)


def test_an_hla_b_5701_carrier_typed_by_optitype_gets_cpics_abacavir_advice(tmp_path) -> None:
    """The typer's call reaches CPIC's allele-status lookup (HLA-B*57:01 positive)."""
    path = tmp_path / "s_result.tsv"
    path.write_text(OPTITYPE)
    calls = read_outside_calls(path)
    results = {gene: GeneResult(None, None, tuple(c.haplotypes)) for gene, c in calls.items()}
    (abacavir,) = [
        r for r in CpicRecommendations(CPIC_FILE).recommend(results) if r.drug == "abacavir"
    ]
    assert abacavir.lookup_key == {"HLA-B": "*57:01 positive"}
    assert abacavir.classification == "Strong"

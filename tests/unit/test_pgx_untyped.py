"""Genes not typed from the reads (CYP2D6 structure, HLA-A, HLA-B): without an outside call each
is "not assessed" with the reason and the drugs that depend on it, from the recommendation
source's structured gene-drug fields."""

import json

import pytest

from helpers import CPIC_FILE, shared
from tailorseq.cli import main
from tailorseq.pgx import untyped
from tailorseq.pgx.cpic import CpicRecommendations
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

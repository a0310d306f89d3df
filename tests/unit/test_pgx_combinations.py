"""Research mode (PharmCAT's findCombinations): combination and partial alleles, on a synthetic
gene and on PharmCAT's own research-mode tests (../shared/data/pharmcat, read at run time)."""

import json
from functools import cache

import pytest
from test_pgx import write_definitions, write_vcf

from conformance.pharmcat import (
    COMBINATION_CASES,
    COMBINATION_FILES,
    run_combination_cases,
    run_combination_files,
    run_example,
)
from helpers import SHARED_DATA, shared
from tailorseq.cli import main
from tailorseq.pgx import call_gene, load_definitions, read_genotypes
from tailorseq.pgx.combinations import hgvs, is_combination_name
from tailorseq.pgx.definitions import Variant

PHARMCAT = SHARED_DATA / "pharmcat"


@pytest.fixture
def gene(tmp_path):
    return load_definitions(write_definitions(tmp_path / "defs"))["GENEX"]


def _call(tmp_path, gene, genotypes, combinations, edit=None):
    vcf = write_vcf(tmp_path / "in.vcf", genotypes)
    if edit:
        vcf.write_text(edit(vcf.read_text()))
    return call_gene(gene, read_genotypes(vcf, [gene]), find_combinations=combinations)


def test_hgvs_names():
    snv = Variant("chr1", 100, None, "A", ("G",))
    assert hgvs(snv, "T") == "g.100A>T"
    indel = Variant("chr1", 300, None, "CAT", ("C",))
    assert hgvs(indel, "C") == "g.301_302del"
    assert hgvs(indel, "CA") == "g.302del"
    assert hgvs(indel, "CATAT") == "g.302_303insAT"
    assert hgvs(indel, "CGG") == "g.301_302delinsGG"
    assert is_combination_name("[*3 + *6]") and is_combination_name("g.100A>T")
    assert not is_combination_name("*3")


def test_off_by_default_and_combination_when_on(tmp_path, gene):
    # *3 (rs200 T) and *5 (rs300 del) on one strand: no named allele has both
    genotypes = {100: "0|0", 200: "1|0", 300: "1|0"}
    exact = _call(tmp_path, gene, genotypes, False)
    assert exact.diplotypes == [] and exact.mode == "exact"
    research = _call(tmp_path, gene, genotypes, True)
    assert research.mode == "combination"
    # *6 (R at rs100, del at rs300) covers the strand too (its wobble takes the reference A) and,
    # being larger, makes *5 a shell of it: the strand is *3 + *6, as PharmCAT groups them
    assert research.diplotype_names == ["*1/[*3 + *6]"]


def test_exact_match_wins_in_research_mode(tmp_path, gene):
    result = _call(tmp_path, gene, {100: "0/1", 200: "0/0", 300: "0/0"}, True)
    assert result.mode == "exact" and result.diplotype_names == ["*1/*2"]


def test_undocumented_allele_is_a_partial(tmp_path, gene):
    def undocumented(text):
        return text.replace("rs200\tC\tT", "rs200\tC\tA")

    genotypes = {100: "0/0", 200: "0/1", 300: "0/0"}
    assert _call(tmp_path, gene, genotypes, False, undocumented).diplotypes == []
    result = _call(tmp_path, gene, genotypes, True, undocumented)
    assert result.diplotype_names == ["*1/g.200C>A"]


def test_homozygous_partial_on_a_named_allele(tmp_path, gene):
    def undocumented(text):
        return text.replace("rs200\tC\tT", "rs200\tC\tA")

    result = _call(tmp_path, gene, {100: "1/1", 200: "1/1", 300: "0/0"}, True, undocumented)
    assert result.diplotype_names == ["[*2 + g.200C>A]/[*2 + g.200C>A]"]


def test_cli_research_combinations(tmp_path, capsys):
    defs = write_definitions(tmp_path / "defs")
    vcf = write_vcf(tmp_path / "in.vcf", {100: "0|0", 200: "1|0", 300: "1|0"})
    out, tsv = tmp_path / "o.json", tmp_path / "o.tsv"
    base = ["pgx", "--vcf", str(vcf), "--definitions", str(defs), "--out", str(out)]
    assert main(base) == 0
    result = json.loads(out.read_text())
    assert result["matcher"]["find_combinations"] is False
    assert result["genes"]["GENEX"]["diplotypes"] == []
    assert main([*base, "--tsv", str(tsv), "--research", "combinations"]) == 0
    result = json.loads(out.read_text())
    assert result["matcher"]["find_combinations"] is True
    call = result["genes"]["GENEX"]
    assert call["mode"] == "combination"
    assert [d["name"] for d in call["diplotypes"]] == ["*1/[*3 + *6]"]
    # a combination has no phenotype in the knowledge: reported, never guessed
    assert tsv.read_text().splitlines()[1].split("\t")[:3] == ["GENEX", "*1/[*3 + *6]", ""]


@cache
def definitions():
    return load_definitions(shared("pharmcat", "definition", "alleles"))


def _file_ids():
    return sorted(COMBINATION_FILES)


@pytest.mark.shared
@pytest.mark.parametrize("name", _file_ids())
def test_pharmcat_combination_vcfs(name):
    shared("pharmcat", "test-vcfs", name)
    outcomes = {o.id: o for o in run_combination_files(definitions(), PHARMCAT)}
    outcome = outcomes[name]
    assert outcome.agreed, f"expected {outcome.expected}, got {outcome.got}"


@pytest.mark.shared
def test_pharmcat_combination_cases(tmp_path):
    shared("pharmcat", "pharmcat_positions.vcf")
    outcomes = run_combination_cases(definitions(), PHARMCAT, tmp_path)
    assert len(outcomes) == len(COMBINATION_CASES)
    assert [(o.id, o.expected, o.got) for o in outcomes if not o.agreed] == []


@pytest.mark.shared
def test_research_mode_is_needed_for_them(tmp_path):
    """Without research mode (PharmCAT's default) these are no calls, except the baseline."""
    shared("pharmcat", "test-vcfs")
    files = run_combination_files(definitions(), PHARMCAT, find_combinations=False)
    cases = run_combination_cases(definitions(), PHARMCAT, tmp_path, find_combinations=False)
    agreed = {o.id for o in files + cases if o.agreed}
    assert agreed == {"NamedAlleleMatcher-combinationBaseline.vcf"}
    assert all(o.got == [] for o in files + cases if not o.agreed)


@pytest.mark.shared
def test_example_vcf_unchanged_in_research_mode(monkeypatch):
    """Every gene of PharmCAT's example has an exact call: research mode changes nothing."""
    import conformance.pharmcat as validation

    shared("pharmcat", "examples", "pharmcat.example.vcf")
    original = validation.call_gene

    def research(*args, **kwargs):
        return original(*args, **kwargs | {"find_combinations": True})

    monkeypatch.setattr(validation, "call_gene", research)
    outcomes = run_example(definitions(), PHARMCAT)
    assert len(outcomes) == 19
    assert [o.id for o in outcomes if not o.agreed] == []

"""DPYD and RYR1, PharmCAT's lowest-function genes: diplotypes when effectively phased, a list of
haplotypes otherwise, HapB3 called apart, and the phenotype from the two lowest-function
haplotypes; checked on PharmCAT's own DPYD tests and hapb3.tsv table (../shared/data/pharmcat,
read at run time). Also half-missing genotypes (`0/.`)."""

import csv
import json
from functools import cache

import pytest
from test_pgx import write_definitions, write_vcf

from conformance.pharmcat import (
    DPYD_CASES,
    run_dpyd_cases,
    run_dpyd_test_vcfs,
    run_example,
    run_hapb3_table,
)
from helpers import SHARED_DATA, shared
from tailorseq.pgx import call_gene, load_definitions, read_genotypes
from tailorseq.pgx.lowest_function import (
    HAPB3,
    HAPB3_INTRONIC,
    components,
    lowest_function_haplotypes,
)
from tailorseq.pgx.phenotype import pharmcat_source
from tailorseq.pgx.pipeline import run_pgx

PHARMCAT = SHARED_DATA / "pharmcat"


@cache
def definitions():
    return load_definitions(shared("pharmcat", "definition", "alleles"))


@cache
def phenotypes():
    return pharmcat_source(shared("pharmcat", "phenotype"))


def _bad(outcomes):
    return [(o.id, o.expected, o.got, o.note) for o in outcomes if not o.agreed]


@pytest.mark.shared
def test_pharmcat_dpyd_tests(tmp_path):
    """NamedAlleleMatcherTest.testDpyd* and PipelineTest.hapB3AndIntronic* assertions."""
    outcomes = run_dpyd_cases(definitions(), PHARMCAT, tmp_path, phenotypes())
    assert len(outcomes) == len(DPYD_CASES) == 12
    assert _bad(outcomes) == []


@pytest.mark.shared
def test_pharmcat_hapb3_table(tmp_path):
    """Every row of hapb3.tsv, phased and unphased: calls, HapB3 warnings and the haplotypes
    the recommendation is looked up with."""
    shared("pharmcat", "test-vcfs", "DPYD", "hapb3.tsv")
    outcomes = run_hapb3_table(definitions(), PHARMCAT, tmp_path, phenotypes())
    assert len(outcomes) == 218
    assert _bad(outcomes) == []
    lists = [
        o for o in outcomes if o.id.endswith("unphased") and not any("/" in e for e in o.expected)
    ]
    assert len(lists) > 30  # the unphased haplotype-list path is exercised, not only diplotypes


@pytest.mark.shared
def test_dpyd_test_vcfs_and_phenotypes():
    shared("pharmcat", "test-vcfs", "DPYD")
    assert _bad(run_dpyd_test_vcfs(definitions(), PHARMCAT)) == []
    dpyd = definitions()["DPYD"]
    vcf = PHARMCAT / "test-vcfs" / "DPYD" / "s1s2b.vcf"
    call = call_gene(dpyd, read_genotypes(vcf, [dpyd]))
    # two unphased heterozygous variants: no diplotype, the list, and *2A (0) + *5 (1) decide
    assert call.diplotypes == [] and call.called and call.mode == "lowest-function haplotypes"
    lowest = lowest_function_haplotypes(call, phenotypes())
    assert lowest == ["c.1905+1G>A (*2A)", "c.1627A>G (*5)"]
    phenotype = phenotypes().gene_phenotype("DPYD", [lowest])
    assert (phenotype.phenotype, phenotype.activity_score) == ("Intermediate Metabolizer", 1.0)


@pytest.mark.shared
def test_example_vcf_still_agrees():
    outcomes = {o.id: o for o in run_example(definitions(), PHARMCAT)}
    assert outcomes["DPYD"].agreed and outcomes["DPYD"].note == "score 166 vs PharmCAT 166"
    assert outcomes["RYR1"].agreed and outcomes["RYR1"].note == "score 626 vs PharmCAT 626"


@pytest.mark.shared
def test_report_of_an_unphased_dpyd_list(tmp_path):
    """JSON keeps PharmCAT's shape (no diplotype, the haplotype list); the TSV's diplotype is
    the pair the phenotype is looked up with."""
    vcf = shared("pharmcat", "test-vcfs", "DPYD", "c1679c1156.vcf")
    result = run_pgx(
        vcf,
        shared("pharmcat", "definition", "alleles"),
        tmp_path / "out.json",
        tmp_path / "out.tsv",
        genes=["DPYD"],
        phenotypes=shared("pharmcat", "phenotype"),
        recommendations=False,
    )
    dpyd = result["genes"]["DPYD"]
    assert dpyd["called"] and dpyd["diplotypes"] == []
    assert dpyd["haplotype_matches"] == ["c.1156G>T (*12)", "c.1679T>G (*13)"]
    assert dpyd["phenotype"]["phenotype"] == "Poor Metabolizer"
    assert dpyd["phenotype"]["activity_score"] == 0.0
    assert dpyd["phenotype"]["lowest_function"]["from"] == "unphased haplotype list"
    with (tmp_path / "out.tsv").open() as handle:
        row = next(csv.DictReader(handle, delimiter="\t"))
    assert row["diplotype"] == "c.1156G>T (*12)/c.1679T>G (*13)"
    assert row["phenotype"] == "Poor Metabolizer"
    assert json.loads((tmp_path / "out.json").read_text())["genes"]["DPYD"]["called"]


def _dpyd_vcf(tmp_path, genotypes: dict[str, str], default: str = "0/0"):
    """A VCF over DPYD's positions from PharmCAT's positions VCF, GT by rsID (else default)."""
    lines = []
    for line in shared("pharmcat", "pharmcat_positions.vcf").read_text().splitlines():
        if line.startswith("#"):
            lines.append(line)
            continue
        fields = line.split("\t")
        if "DPYD" not in fields[7]:
            continue
        fields[8], fields[9] = "GT", genotypes.get(fields[2], default)
        lines.append("\t".join(fields[:10]))
    path = tmp_path / "dpyd.vcf"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.shared
def test_hapb3_and_homozygous_in_a_list(tmp_path):
    dpyd = definitions()["DPYD"]
    # HapB3 on one chromosome (both positions het), c.61C>T homozygous, c.2846A>T het: unphased
    vcf = _dpyd_vcf(
        tmp_path,
        {"rs56038477": "0/1", "rs75017182": "0/1", "rs72549310": "1/1", "rs67376798": "0/1"},
    )
    call = call_gene(dpyd, read_genotypes(vcf, [dpyd]))
    assert call.haplotype_matches == ["c.61C>T", "c.61C>T", "c.2846A>T", HAPB3]
    assert lowest_function_haplotypes(call, phenotypes()) == ["c.61C>T", "c.61C>T"]
    # phased, the intronic variant alone on one strand is the intronic allele
    vcf = _dpyd_vcf(tmp_path, {"rs75017182": "1|0", "rs3918290": "0|1"}, "0|0")
    call = call_gene(dpyd, read_genotypes(vcf, [dpyd]))
    assert call.diplotype_names == [f"{HAPB3_INTRONIC}/c.1905+1G>A (*2A)"]
    assert components("[c.61C>T + c.2846A>T]") == ["c.61C>T", "c.2846A>T"]


def test_half_missing_genotype_is_no_call_as_pharmcat(tmp_path):
    """PharmCAT makes no call for a gene with a `0/.` genotype (outside research mode); with
    research mode on, the position counts as missing."""
    gene = load_definitions(write_definitions(tmp_path / "defs"))["GENEX"]
    vcf = write_vcf(tmp_path / "in.vcf", {100: "0/0", 200: "0/.", 300: "0/0"})
    genotypes = read_genotypes(vcf, [gene])
    assert [c.half_missing for c in genotypes.for_gene(gene)] == [False, True, False]
    plain = call_gene(gene, genotypes)
    assert not plain.called and "no call" in plain.warnings[0]
    assert [v.position for v in plain.missing_positions] == [200]
    research = call_gene(gene, genotypes, find_combinations=True)
    assert research.called and "treated as missing" in research.warnings[0]
    full = read_genotypes(write_vcf(tmp_path / "b.vcf", {100: "./.", 200: "0/0"}), [gene])
    assert not any(c.half_missing for c in full.for_gene(gene))

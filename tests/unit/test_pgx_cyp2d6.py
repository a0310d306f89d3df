"""CYP2D6 structural calls (tailorseq.pgx.cyp2d6): where Aldy can run and why not, how its
solutions become one call or none, and how that call reaches the PGx document: activity score,
phenotype and CPIC recommendations through the outside-call path, a laboratory's own CYP2D6 call
winning, and the reason kept when CYP2D6 is not called."""

import json

import pytest

from helpers import CPIC_FILE, shared
from tailorseq.pgx import cyp2d6
from tailorseq.pgx.cyp2d6 import StructuralCall, decide, not_callable_reason
from tailorseq.pgx.phenotype import pypgx_source
from tailorseq.pgx.pipeline import run_pgx
from tailorseq.pgx.pypgx_tables import pypgx_available

GRCH38 = {"chr22": 50_818_468, "chr1": 248_956_422}


# CPIC's CYP2D6 activity values (*1, *2 1; *10 0.25; *4, *5, *36 0) summed, a duplication
# counting each copy, and CPIC/DPWG's 2020 translation of the score (Caudle et al., Clin Transl
# Sci 2020;13:116-124: 0 poor, 0.25-1 intermediate, 1.25-2.25 normal, >2.25 ultrarapid), as
# pypgx 0.27.0's tables carry them. *1/*5 (score 1) is Intermediate since that consensus.
@pytest.mark.skipif(not pypgx_available(), reason="pypgx is not installed")
@pytest.mark.parametrize(
    ("diplotype", "score", "phenotype"),
    [
        ("*1/*1", 2.0, "Normal Metabolizer"),
        ("*1/*2x2", 3.0, "Ultrarapid Metabolizer"),
        ("*1/*5", 1.0, "Intermediate Metabolizer"),
        ("*1/*4", 1.0, "Intermediate Metabolizer"),
        ("*4/*5", 0.0, "Poor Metabolizer"),
        ("*10/*36", 0.25, "Intermediate Metabolizer"),
        ("*2x2/*4", 2.0, "Normal Metabolizer"),
    ],
)
def test_structural_diplotypes_get_cpic_activity_and_phenotype(diplotype, score, phenotype):
    found = pypgx_source().gene_phenotype("CYP2D6", [diplotype.split("/")])
    assert (found.activity_score, found.phenotype) == (score, phenotype)


@pytest.mark.parametrize(
    ("build", "contigs", "targeted", "words"),
    [
        ("demo", {"CYP2D6_locus": 30_000}, False, "GRCh38 and GRCh37 only"),
        ("GRCh37", {"20": 63_025_520}, False, "no GRCh37 chromosome 22"),
        ("GRCh38", {"chr22": 1_000_000}, False, "no GRCh38 chromosome 22"),
        ("GRCh38", GRCH38, True, "targeted run"),
    ],
)
def test_runs_aldy_cannot_call_say_why(build, contigs, targeted, words) -> None:
    assert words in not_callable_reason(build, contigs, targeted)


def test_a_grch38_or_grch37_whole_genome_run_is_callable() -> None:
    assert not_callable_reason("GRCh38", GRCH38, False) is None
    assert not_callable_reason("GRCh37", {"22": 51_304_566}, False) is None


def _solution(diplotype: str, function: str, score: float, copies: int = 3) -> dict:
    return {"diplotype": diplotype, "copy_number": copies, "cpic_function": function,
            "cpic_score": score}  # fmt: skip


def test_solutions_that_agree_make_a_call() -> None:
    one = _solution("*1/*2x2", "ultrarapid", 3.0)
    call = decide([one, one | {"minor": ["1.002", "2.001", "2.001"]}])
    assert (call.called, call.diplotype, call.copy_number, call.phenotype) == (
        True, "*1/*2x2", 3, None)  # fmt: skip


def test_solutions_that_differ_give_their_common_activity_or_no_call() -> None:
    """Short reads cannot put the copies' variants on chromosomes: *1/*2x2 and *2+*39/*34
    carry the same ones, and Aldy gives both activity 3 (ultrarapid)."""
    both = decide([_solution("*1/*2x2", "ultrarapid", 3.0),
                   _solution("*2+*39/*34", "ultrarapid", 3.0)])  # fmt: skip
    assert (both.called, both.diplotype, both.activity_score, both.phenotype) == (
        True, None, 3.0, "Ultrarapid Metabolizer")  # fmt: skip
    assert both.reason.startswith("Aldy's optimal solutions differ: *1/*2x2, *2+*39/*34;")
    split = decide([_solution("*1/*2x2", "ultrarapid", 3.0), _solution("*1/*2", "normal", 2.0)])
    assert not split.called and split.reason.endswith("and so do their activities")
    assert decide([]).reason == "Aldy found no solution"


def test_a_solution_with_variants_outside_aldys_alleles_is_not_called() -> None:
    """What Aldy answered for the simulated *10/*36 (exon 9 variants planted in CYP2D6)."""
    call = decide([_solution("*10/*10+42126627.A>C+rs1135837", "indeterminate", None, 2)])
    assert not call.called
    assert call.reason == ("Aldy's solution carries variants that no allele of its database "
                           "explains (42126627.A>C, rs1135837): function unknown")  # fmt: skip


@pytest.mark.parametrize(
    ("aldy", "cpic"),
    [("*1/*2+*2", "*1/*2x2"), ("*1+*1+*1/*4", "*1x3/*4"), ("*10/*36+*10", "*10/*36+*10"),
     ("*1/*5", "*1/*5")],
)  # fmt: skip
def test_aldys_tandems_of_one_allele_are_written_as_copy_numbers(aldy, cpic) -> None:
    assert cyp2d6.cpic_spelling(aldy) == cpic


ALDY_TABLE = """#Sample\tGene\tSolutionID\tMajor\tMinor\tCopy\tAllele\tLocation\tType
#Solution 1: *1.001; gene=CYP2D6-pharmvar-6.2.14 (2025-07-20); cpic=intermediate; cpic_score=1.0
p\tCYP2D6\t1\t*1/*5\t1.001\t0\t1.001\t\t
"""  # Aldy 4.8.3's layout, as it wrote it for the simulated *1/*5 patient (columns cut)


def test_aldys_table_is_read_with_copies_and_activity(tmp_path) -> None:
    path = tmp_path / "p.aldy"
    path.write_text(ALDY_TABLE)
    (solution,) = cyp2d6.parse_aldy(path)
    assert solution["diplotype"] == "*1/*5" and solution["copy_number"] == 1
    assert (solution["cpic_function"], solution["cpic_score"]) == ("intermediate", 1.0)
    assert solution["aldy_note"].startswith("gene=CYP2D6-pharmvar-6.2.14")


def _pgx(tmp_path, call: StructuralCall, laboratory: str | None = None) -> dict:
    """The PharmCAT example VCF through the PGx step with `call` (and a laboratory's file)."""
    pharmcat = shared("pharmcat")
    structural = tmp_path / "s.cyp2d6.json"
    cyp2d6.write_call(call, structural)
    outside = None
    if laboratory:
        outside = tmp_path / "lab.tsv"
        outside.write_text(laboratory)
    return run_pgx(
        pharmcat / "examples" / "pharmcat.example.vcf", pharmcat / "definition" / "alleles",
        out_json=tmp_path / "s.pgx.json", pharmcat_phenotype=tmp_path / "s.phenotype.json",
        pharmcat_outside_calls=tmp_path / "s.outside.tsv", build="GRCh38",
        outside_calls=outside, cpic_file=CPIC_FILE, structural=structural,
    )  # fmt: skip


@pytest.mark.shared
@pytest.mark.skipif(not pypgx_available(), reason="pypgx is not installed")
def test_our_call_becomes_cyp2d6s_activity_score_and_cpic_advice(tmp_path) -> None:
    """CPIC's amitriptyline lookup takes CYP2D6's activity score (3) with CYP2C19's phenotype
    (the laboratory's *1/*2, Intermediate)."""
    call = StructuralCall(True, diplotype="*1/*2x2", copy_number=3, version="4.8.3",
                          solutions=[{"diplotype": "*1/*2x2"}])  # fmt: skip
    document = _pgx(tmp_path, call, laboratory="CYP2C19\t*1/*2\n")
    gene = document["genes"]["CYP2D6"]
    assert gene["source"] == "aldy 4.8.3 (from the reads)"
    assert gene["phenotype"]["phenotype"] == "Ultrarapid Metabolizer"
    assert gene["phenotype"]["activity_score"] == 3.0
    assert gene["structural_call"]["copy_number"] == 3
    assert gene["structural_call"]["used"] is True
    (amitriptyline,) = [r for r in document["recommendations"] if r["drug"] == "amitriptyline"]
    assert amitriptyline["lookup_key"] == {"CYP2D6": "3", "CYP2C19": "Intermediate Metabolizer"}
    assert amitriptyline["classification"] == "Optional"
    assert "CYP2D6" not in [g["gene"] for g in document["not_assessed"]]


@pytest.mark.shared
@pytest.mark.skipif(not pypgx_available(), reason="pypgx is not installed")
def test_solutions_agreeing_on_activity_only_give_it_without_a_diplotype(tmp_path) -> None:
    call = decide([_solution("*1/*2x2", "ultrarapid", 3.0),
                   _solution("*2+*39/*34", "ultrarapid", 3.0)])  # fmt: skip
    document = _pgx(tmp_path, call, laboratory="CYP2C19\t*1/*2\n")
    gene = document["genes"]["CYP2D6"]
    assert gene["diplotypes"] == []
    assert (gene["phenotype"]["phenotype"], gene["phenotype"]["activity_score"]) == (
        "Ultrarapid Metabolizer", 3.0)  # fmt: skip
    (amitriptyline,) = [r for r in document["recommendations"] if r["drug"] == "amitriptyline"]
    assert amitriptyline["lookup_key"]["CYP2D6"] == "3"
    report = json.loads((tmp_path / "s.phenotype.json").read_text())["geneReports"]["CYP2D6"]
    assert report["callSource"] == "OUTSIDE"
    assert report["recommendationDiplotypes"][0]["phenotypes"] == ["Ultrarapid Metabolizer"]
    assert "CYP2D6\t\tUltrarapid Metabolizer\t3.0" in (tmp_path / "s.outside.tsv").read_text()


@pytest.mark.shared
@pytest.mark.skipif(not pypgx_available(), reason="pypgx is not installed")
def test_a_laboratorys_cyp2d6_call_wins_and_ours_is_kept_beside_it(tmp_path) -> None:
    call = StructuralCall(True, diplotype="*1/*2x2", copy_number=3, version="4.8.3")
    document = _pgx(tmp_path, call, laboratory="CYP2D6\t*1/*4\n")
    gene = document["genes"]["CYP2D6"]
    assert gene["source"] == "outside call"
    assert gene["diplotypes"][0]["name"] == "*1/*4"
    assert gene["phenotype"]["phenotype"] == "Intermediate Metabolizer"
    assert (gene["structural_call"]["diplotype"], gene["structural_call"]["used"]) == (
        "*1/*2x2", False)  # fmt: skip


@pytest.mark.shared
@pytest.mark.skipif(not pypgx_available(), reason="pypgx is not installed")
def test_not_called_keeps_the_reason_and_the_drugs(tmp_path) -> None:
    reason = not_callable_reason("GRCh37", {"20": 63_025_520}, False)
    document = _pgx(tmp_path, StructuralCall(False, reason))
    (entry,) = [g for g in document["not_assessed"] if g["gene"] == "CYP2D6"]
    assert entry["reason"] == f"not called from the reads by aldy: {reason}"
    assert entry["drugs"] == ["amitriptyline"]  # the CYP2D6 drug of the test CPIC file
    assert "CYP2D6" not in document["genes"]
    assert json.loads((tmp_path / "s.pgx.json").read_text())["not_assessed"] == document[
        "not_assessed"]  # fmt: skip

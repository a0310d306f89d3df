"""A patient typed by two outside tools (a CYP2D6 caller's file and an HLA typer's file): their
calls merged gene by gene; the same gene called differently in two files stops everything
before compute, naming the sample, both files and the gene, in `tailorseq check` and the
pipeline alike (one check function) and in `tailorseq pgx`."""

from pathlib import Path

import pytest
from preflight_helpers import Project
from test_checks_pgx import pgx_problems, with_pgx

from tailorseq.errors import InputError
from tailorseq.pgx.outside import merge_outside_calls, merged_outside_calls, outside_call_files

ARCASHLA = '{"A": ["A*31:01:02", "A*02:01:01"], "B": ["B*57:01:01", "B*08:01:01"]}'


def files(tmp_path: Path, **texts: str) -> list[Path]:
    paths = []
    for name, text in texts.items():
        path = tmp_path / name.replace("_", ".")
        path.write_text(text)
        paths.append(path)
    return paths


def test_a_cyp2d6_file_and_an_hla_typers_file_are_merged(tmp_path: Path) -> None:
    cyp2d6, hla = files(tmp_path, cyrius_tsv="CYP2D6\t*1/*4\n", s_genotype_json=ARCASHLA)
    merged = merge_outside_calls([cyp2d6, hla], "g1")
    assert {gene: call.diplotype for gene, call in merged.items()} == {
        "CYP2D6": "*1/*4",
        "HLA-A": "*31:01:02/*02:01:01",
        "HLA-B": "*57:01:01/*08:01:01",
    }


def test_one_path_or_a_list(tmp_path: Path) -> None:
    (cyp2d6,) = files(tmp_path, cyrius_tsv="CYP2D6\t*1/*4\n")
    assert outside_call_files(None) == [] and outside_call_files(str(cyp2d6)) == [cyp2d6]
    assert merge_outside_calls(str(cyp2d6)) == merge_outside_calls([str(cyp2d6)])
    assert merge_outside_calls(None) == {}


def test_the_same_call_twice_is_kept_once(tmp_path: Path) -> None:
    one, two = files(tmp_path, a_tsv="CYP2D6\t*1/*4\n", b_tsv="CYP2D6\t*4/*1\n")
    merged, problems = merged_outside_calls([one, two], "g1")
    assert problems == [] and merged["CYP2D6"].diplotype == "*1/*4"


def test_conflicting_calls_name_the_sample_both_files_and_the_gene(tmp_path: Path) -> None:
    one, two = files(tmp_path, lab_tsv="HLA-B\t*57:01/*08:01\n", s_genotype_json=ARCASHLA)
    three, four = files(tmp_path, cyrius_tsv="CYP2D6\t*1/*4\n", aldy_tsv="CYP2D6\t*1/*1\n")
    # a lab's *57:01 and a typer's *57:01:01 are compared as written: the user decides
    (hla_problem,) = merged_outside_calls([one, two], "g1")[1]
    assert "HLA-B is called '*57:01/*08:01'" in str(hla_problem)
    with pytest.raises(InputError) as raised:
        merge_outside_calls([three, four], "g1")
    message = str(raised.value)
    assert "pgx.outside_calls of g1: CYP2D6" in message
    assert str(three) in message and str(four) in message
    assert "'*1/*4'" in message and "'*1/*1'" in message


def test_check_reports_a_conflict_before_any_compute(project: Project) -> None:
    (project.root / "cyrius.tsv").write_text("CYP2D6\t*1/*4\n")
    (project.root / "aldy.tsv").write_text("CYP2D6\t*2/*4\n")
    (project.root / "hla.json").write_text(ARCASHLA)
    with_pgx(project, outside_calls={"g1": ["cyrius.tsv", "hla.json", "aldy.tsv"]})
    (problem,) = pgx_problems(project)
    assert "pgx.outside_calls of g1: CYP2D6 is called '*1/*4' in" in problem
    assert "cyrius.tsv" in problem and "aldy.tsv" in problem
    assert "remove it from one of the two files" in problem


def test_check_passes_a_list_and_names_each_missing_file(project: Project) -> None:
    (project.root / "cyrius.tsv").write_text("CYP2D6\t*1/*4\n")
    (project.root / "hla.json").write_text(ARCASHLA)
    with_pgx(project, outside_calls={"g1": ["cyrius.tsv", "hla.json"]})
    assert pgx_problems(project) == []
    project.config["pgx"]["outside_calls"] = {"g1": ["cyrius.tsv", "gone.json"]}
    (problem,) = pgx_problems(project)
    assert "pgx.outside_calls: the file of g1 (gone.json) does not exist" in problem


def test_check_reads_each_file(project: Project) -> None:
    (project.root / "bad.tsv").write_text("CYP2D6\n")
    with_pgx(project, outside_calls={"g1": ["bad.tsv"]})
    (problem,) = pgx_problems(project)
    assert "bad.tsv" in problem and "pgx.outside_calls of g1: an outside call needs" in problem

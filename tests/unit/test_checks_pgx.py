"""PGx knowledge is checked with everything else before compute: every problem of pgx.* in the one
numbered list that `tailorseq check` and the pipeline print."""

import shutil
from pathlib import Path

import pytest
from preflight_helpers import Project

from tailorseq.checks import inspect_run

CPIC_FILE = Path(__file__).parents[1] / "fixtures" / "cpic" / "drugs.json"


def pgx_folders(project: Project) -> tuple[Path, Path]:
    """A PharmCAT-shaped definitions folder (alleles/<GENE>_translation.json) and phenotypes."""
    definitions = project.root / "pgx" / "definitions"
    (definitions / "alleles").mkdir(parents=True)
    (definitions / "alleles" / "CYP2C19_translation.json").write_text("{}")
    phenotypes = project.root / "pgx" / "phenotypes"
    phenotypes.mkdir()
    (phenotypes / "CYP2C19.json").write_text("{}")
    return definitions, phenotypes


def with_pgx(project: Project, **pgx: object) -> Project:
    """The project with PGx on (local definitions and phenotypes) and these pgx keys."""
    definitions, phenotypes = pgx_folders(project)
    project.config["pgx"] = {
        "definitions": str(definitions.relative_to(project.root)),
        "phenotypes": str(phenotypes.relative_to(project.root)),
        **pgx,
    }
    return project


def pgx_problems(project: Project, *, check_tools: bool = False) -> list[str]:
    """The problems about pgx.* that the one check function finds."""
    project.write()
    findings = inspect_run(project.config, project.root, check_tools=check_tools)
    return [str(p) for p in findings.problems if "pgx" in str(p)]


def test_usable_pgx_knowledge_passes(project: Project) -> None:
    outside = project.root / "g1.outside.tsv"
    outside.write_text("CYP2D6\t*1/*2\n")
    with_pgx(project, outside_calls={"g1": "g1.outside.tsv"}, recommendations=str(CPIC_FILE))
    assert pgx_problems(project) == []


def test_pgx_off_checks_nothing(project: Project) -> None:
    project.config["pgx"] = {"phenotypes": "nowhere", "outside_calls": {"nobody": "x.tsv"}}
    assert pgx_problems(project) == []


def test_every_pgx_problem_is_reported_together(project: Project) -> None:
    """Four things wrong at once: all four listed, each naming its key and the fix."""
    with_pgx(project, outside_calls={"t1": "t1.tsv", "g1": "missing.tsv"})
    shutil.rmtree(project.root / "pgx" / "definitions" / "alleles")
    (project.root / "pgx" / "phenotypes" / "CYP2C19.json").unlink()
    bad_cpic = project.root / "drugs.json"
    bad_cpic.write_text("{not json")
    project.config["pgx"]["recommendations"] = "drugs.json"
    found = pgx_problems(project)
    assert len(found) == 5, found
    definitions, phenotypes, cpic, tumour, missing = found
    assert definitions.startswith("config: pgx.definitions: pgx/definitions holds no PharmCAT")
    assert "Fix: give the build's definition folder, or leave pgx.definitions empty" in definitions
    assert phenotypes.startswith("config: pgx.phenotypes: pgx/phenotypes holds no PharmCAT")
    assert "pgx.recommendations" in cpic and str(bad_cpic) in cpic and "not JSON" in cpic
    assert "pgx.outside_calls: t1 is not a germline or normal sample" in tumour
    assert "name one of g1, n1" in tumour
    assert "pgx.outside_calls: the file of g1 (missing.tsv) does not exist" in missing
    assert "relative to the working directory" in missing


def test_definitions_directly_in_the_folder_are_found(project: Project) -> None:
    definitions, _ = pgx_folders(project)
    (definitions / "alleles" / "CYP2C19_translation.json").rename(
        definitions / "CYP2C19_translation.json"
    )
    (definitions / "alleles").rmdir()
    project.config["pgx"] = {"definitions": str(definitions), "phenotypes": "pgx/phenotypes"}
    assert pgx_problems(project) == []


def test_missing_pypgx_is_a_problem_only_when_tools_are_checked(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without pgx.phenotypes the tables come from pypgx: not installed, the run is refused
    (checked with the tools: under conda the step's own env brings it)."""
    with_pgx(project, phenotypes="")
    monkeypatch.setattr("tailorseq.pgx.pypgx_tables.DISTRIBUTION", "pypgx-not-installed")
    assert pgx_problems(project) == []
    (problem,) = pgx_problems(project, check_tools=True)
    assert "pypgx, which is not installed" in problem
    assert "pip install --no-deps pypgx==0.27.0" in problem


def test_pharmcat_release_by_default_grch38_only(tmp_path: Path) -> None:
    """pgx.definitions defaults to a PharmCAT release: GRCh38 fetches it; any other build is
    told plainly that PharmCAT publishes GRCh38 definitions only (no silent skip)."""
    from tailorseq.config import load_config
    from tailorseq.knowledge_checks import pgx_release_note
    from tailorseq.pgx.releases import DEFAULT

    config = load_config({"samples": "s.tsv", "units": "u.tsv",
                          "reference": {"build": "GRCh37", "fasta": "r.fa"}})  # fmt: skip
    assert config["pgx"]["definitions"] == DEFAULT
    assert "PharmCAT publishes GRCh38 definitions only" in pgx_release_note(DEFAULT, "GRCh37")
    assert "fetched once by URL" in pgx_release_note(DEFAULT, "GRCh38")
    assert pgx_release_note(str(tmp_path), "GRCh37") == ""


def test_ftp_urls_are_refused_by_the_config_check() -> None:
    from tailorseq.config import config_problems

    clinvar = "ftp://ftp.ncbi.nlm.nih.gov/pub/clinvar/c.vcf.gz"
    config = {"samples": "s.tsv", "units": "u.tsv",
              "reference": {"build": "GRCh38", "fasta": "r.fa"},
              "annotation": {"clinvar": clinvar}}  # fmt: skip
    (problem,) = config_problems(config)
    assert "annotation.clinvar: ftp:// URLs are not read" in str(problem)
    assert "https://" in problem.fix
    config["checksums"] = {"annotation.clinvar": "xyz"}
    assert any("checksums" in str(p) for p in config_problems(config))

"""Sample sheets: schema per row, cross-row checks, messages that name file, row and fix."""

import os
from pathlib import Path

import pandas as pd
import pytest
from preflight_helpers import Project, write_tsv
from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

from tailorseq.errors import InputError
from tailorseq.locations import SCHEMAS
from tailorseq.sheets import Problems, load_sheets


def only_problem(project: Project) -> InputError:
    """The one problem load_sheets reports for the project's sheets."""
    project.write()
    with pytest.raises(Problems) as raised:
        load_sheets(project.samples_tsv, project.units_tsv)
    assert len(raised.value.problems) == 1, str(raised.value)
    return raised.value.problems[0]


def assert_problem(problem: InputError, file: Path, row: int, *phrases: str) -> None:
    """The problem names the file and row, says each phrase, and has a fix."""
    assert problem.file == str(file)
    assert problem.row == row
    message = str(problem)
    assert message.startswith(f"{file}, row {row}: ")
    assert ". Fix: " in message and problem.fix
    for phrase in phrases:
        assert phrase in message


# ---------------------------------------------------------------- good path


def test_good_sheets_give_typed_samples_and_units(project: Project) -> None:
    sheet = load_sheets(project.samples_tsv, project.units_tsv)
    assert list(sheet.samples) == ["g1", "t1", "n1"]
    g1, t1, _ = sheet.samples.values()
    assert (g1.kind, g1.sex, g1.purity, g1.secondary_findings, g1.row) == (
        "germline",
        "female",
        None,
        False,
        2,
    )
    assert (t1.sex, t1.purity, t1.row) == ("unknown", 0.6, 3)
    unit = sheet.units["g1"][0]
    assert unit.fq1 == project.root / "data" / "g1_R1.fq.gz"  # relative to units.tsv's folder
    assert unit.fq1.is_absolute() and not unit.is_bam and unit.bam is None
    assert unit.row == 2 and unit.adapters is None
    assert [s.sample for s in sheet.germline_samples()] == ["g1", "n1"]
    assert [(t.sample, n.sample) for t, n in sheet.tumor_normal_pairs()] == [("t1", "n1")]


def test_samples_by_patient_and_pairs_are_answered_from_one_index(project: Project) -> None:
    sheet = load_sheets(project.samples_tsv, project.units_tsv)
    assert [s.sample for s in sheet.patient_samples("p2")] == ["t1", "n1"]  # sheet order
    assert [s.sample for s in sheet.patient_samples("p1")] == ["g1"]
    assert sheet.patient_samples("nobody") == []
    # what a caller does with the lists it gets does not change the sheet's answers
    sheet.patient_samples("p2").clear()
    sheet.tumor_normal_pairs().clear()
    assert [s.sample for s in sheet.patient_samples("p2")] == ["t1", "n1"]
    assert [(t.sample, n.sample) for t, n in sheet.tumor_normal_pairs()] == [("t1", "n1")]


def test_comments_blank_lines_and_optional_columns(project: Project) -> None:
    project.write()
    text = project.samples_tsv.read_text().splitlines()
    project.samples_tsv.write_text("# run 42\n" + "\n".join(text[:2]) + "\n\n")
    write_tsv(
        project.units_tsv,
        ["sample", "unit", "fq1", "fq2", "adapters"],
        [{"sample": "g1", "unit": "L1", "fq1": "/abs/a.fq", "fq2": "b.fq", "adapters": "AGATC"}],
    )
    sheet = load_sheets(project.samples_tsv, project.units_tsv)
    assert sheet.samples["g1"].row == 3  # the file's own line number
    unit = sheet.units["g1"][0]
    assert unit.fq1 == Path("/abs/a.fq") and unit.adapters == "AGATC"


def test_secondary_findings_and_targets(project: Project) -> None:
    project.write()
    write_tsv(
        project.samples_tsv,
        ["sample", "patient", "kind", "targets", "secondary_findings"],
        [
            {"sample": "g1", "patient": "p1", "kind": "germline", "targets": "t.bed"},
            {"sample": "t1", "patient": "p2", "kind": "tumor", "secondary_findings": "yes"},
            {"sample": "n1", "patient": "p2", "kind": "normal"},
        ],
    )
    sheet = load_sheets(project.samples_tsv, project.units_tsv)
    assert sheet.samples["g1"].targets == project.samples_tsv.parent / "t.bed"
    assert sheet.samples["t1"].secondary_findings is True


def test_a_normal_without_tumour_is_fine(project: Project) -> None:
    project.samples[1:2] = []
    project.units[1:2] = []
    sheet = load_sheets(project.write().samples_tsv, project.units_tsv)
    assert sheet.tumor_normal_pairs() == []
    assert [s.sample for s in sheet.germline_samples()] == ["g1", "n1"]


# ---------------------------------------------------------------- single rows


@pytest.mark.parametrize("bad_id", ["demo 1", "../etc", "-x", "a.b", "a/b"])
def test_sample_id_must_be_safe(project: Project, bad_id: str) -> None:
    project.samples[0]["sample"] = bad_id
    project.units[0]["sample"] = bad_id
    project.write()
    with pytest.raises(Problems) as raised:
        load_sheets(project.samples_tsv, project.units_tsv)
    in_samples, in_units = raised.value.problems
    assert_problem(in_samples, project.samples_tsv, 2, f"column 'sample' is '{bad_id}'", "letters")
    assert_problem(in_units, project.units_tsv, 2, f"column 'sample' is '{bad_id}'")


def test_unknown_column_with_suggestion(project: Project) -> None:
    write_tsv(project.samples_tsv, ["sample", "patient", "kind", "purty"], project.samples)
    problem = load_problem(project)
    assert_problem(problem, project.samples_tsv, 1, "column 'purty' is not allowed", "'purity'?")


def load_problem(project: Project) -> InputError:
    """The one problem of sheets already written by the test."""
    with pytest.raises(Problems) as raised:
        load_sheets(project.samples_tsv, project.units_tsv)
    assert len(raised.value.problems) == 1, str(raised.value)
    return raised.value.problems[0]


def test_missing_required_column(project: Project) -> None:
    write_tsv(project.samples_tsv, ["sample", "kind"], project.samples)
    problem = load_problem(project)
    assert_problem(problem, project.samples_tsv, 1, "required column(s) missing: patient")


def test_spaces_instead_of_tabs_are_explained(project: Project) -> None:
    project.samples_tsv.write_text("sample patient kind\ng1 p1 germline\n")
    with pytest.raises(Problems) as raised:
        load_sheets(project.samples_tsv, project.units_tsv)
    assert "separated by tabs" in str(raised.value)


def test_row_with_too_many_cells(project: Project) -> None:
    project.write()
    with project.samples_tsv.open("a") as handle:
        handle.write("g2\tp3\tgermline\t\t\t\t\tx\n")
    problem = load_problem(project)
    assert_problem(problem, project.samples_tsv, 5, "row has 8 cells, the header has 7", "tab")


def test_missing_trailing_cells_are_empty(project: Project) -> None:
    project.write()
    with project.samples_tsv.open("a") as handle:
        handle.write("g2\tp3\n")
    problem = load_problem(project)
    assert_problem(problem, project.samples_tsv, 5, "column 'kind' is missing")


def test_unknown_kind(project: Project) -> None:
    project.samples[0]["kind"] = "blood"
    assert_problem(
        only_problem(project),
        project.samples_tsv,
        2,
        "'blood' (allowed: germline, tumor, normal, tumor_rna)",
    )


@pytest.mark.parametrize("purity", ["0", "1.5", "high", "nan"])
def test_purity_must_be_a_fraction(project: Project, purity: str) -> None:
    project.samples[1]["purity"] = purity
    assert_problem(only_problem(project), project.samples_tsv, 3, "column 'purity'")


def test_purity_only_for_tumours(project: Project) -> None:
    project.samples[2]["purity"] = "0.5"
    problem = only_problem(project)
    assert_problem(problem, project.samples_tsv, 4, "tumour samples only", "leave purity")


def test_unit_needs_fastq_pair_or_bam(project: Project) -> None:
    project.units[0]["bam"] = "x.bam"
    assert_problem(
        only_problem(project), project.units_tsv, 2, "given: sample, unit, fq1, fq2, bam"
    )
    project.units[0] = {"sample": "g1", "unit": "lane1", "fq1": "only_r1.fq"}
    assert_problem(
        only_problem(project), project.units_tsv, 2, "either paired FASTQ", "fq1 and fq2"
    )


def test_adapter_must_be_dna(project: Project) -> None:
    project.units[0]["adapters"] = "agatc"
    assert_problem(only_problem(project), project.units_tsv, 2, "column 'adapters'", "upper-case")


# ---------------------------------------------------------------- across rows


def test_duplicate_sample(project: Project) -> None:
    project.samples.append({"sample": "g1", "patient": "p9", "kind": "germline"})
    problem = only_problem(project)
    assert_problem(problem, project.samples_tsv, 5, "sample 'g1' is already defined in row 2")


def test_duplicate_unit(project: Project) -> None:
    project.units.append(project.units[0] | {"fq1": "x_R1.fq", "fq2": "x_R2.fq"})
    problem = only_problem(project)
    assert_problem(problem, project.units_tsv, 5, "unit 'lane1' of sample 'g1'", "row 2")


def test_unit_for_unknown_sample(project: Project) -> None:
    project.units.append({"sample": "demo9", "unit": "L1", "fq1": "a.fq", "fq2": "b.fq"})
    problem = only_problem(project)
    assert_problem(
        problem,
        project.units_tsv,
        5,
        f"sample 'demo9' is not in {project.samples_tsv} (samples: g1, t1, n1)",
        "add it to samples.tsv or correct the name",
    )


def test_sample_without_units(project: Project) -> None:
    project.samples.append({"sample": "g2", "patient": "p3", "kind": "germline"})
    problem = only_problem(project)
    assert_problem(problem, project.samples_tsv, 5, "sample 'g2' has no unit")


def test_same_fastq_in_two_units(project: Project) -> None:
    (project.root / "data" / "alias.fq.gz").symlink_to(project.root / "data" / "g1_R1.fq.gz")
    project.units[1]["fq1"] = "../data/alias.fq.gz"  # another name, the same file
    problem = only_problem(project)
    assert_problem(problem, project.units_tsv, 3, "is the same file as fq1 of row 2")


def test_r1_equals_r2(project: Project) -> None:
    project.units[0]["fq2"] = project.units[0]["fq1"]
    problem = only_problem(project)
    assert_problem(problem, project.units_tsv, 2, "fq2", "is the same file as fq1", "read-2")


def test_tumour_without_normal(project: Project) -> None:
    project.samples[2]["patient"] = "p3"
    problem = only_problem(project)
    assert_problem(
        problem, project.samples_tsv, 3, "no normal sample of patient 'p2'", "kind normal"
    )


def test_two_normals_for_a_tumour(project: Project) -> None:
    project.samples.append({"sample": "n2", "patient": "p2", "kind": "normal"})
    project.units.append({"sample": "n2", "unit": "L1", "fq1": "n2_1.fq", "fq2": "n2_2.fq"})
    problem = only_problem(project)
    assert_problem(problem, project.samples_tsv, 3, "2 normals", "'n1' (row 4), 'n2' (row 5)")


def add_rna(project: Project, patient: str = "p2", **unit: str) -> None:
    """A tumor_rna sample r1 of `patient`, with one unit (FASTQ unless `unit` says otherwise)."""
    project.samples.append({"sample": "r1", "patient": patient, "kind": "tumor_rna"})
    project.units.append(
        {"sample": "r1", "unit": "L1"} | (unit or {"fq1": "r_1.fq", "fq2": "r_2.fq"})
    )


def test_tumour_rna_belongs_to_its_patients_tumour(project: Project) -> None:
    add_rna(project)
    sheet = load_sheets(project.write().samples_tsv, project.units_tsv)
    rna = sheet.samples["r1"]
    assert [s.sample for s in sheet.rna_samples()] == ["r1"]
    assert [s.sample for s in sheet.dna_samples()] == ["g1", "t1", "n1"]
    assert sheet.rna_tumour(rna).sample == "t1"
    assert "r1" not in [s.sample for s in sheet.germline_samples()]
    assert [(s.sample, s.is_dna) for s in sheet.patient_samples("p2")] == [
        ("t1", True),
        ("n1", True),
        ("r1", False),
    ]


def test_tumour_rna_without_a_tumour(project: Project) -> None:
    add_rna(project, patient="p1")
    problem = only_problem(project)
    assert_problem(
        problem, project.samples_tsv, 5, "tumor_rna sample 'r1' has no tumour sample of patient"
    )


def test_tumour_rna_of_a_patient_with_two_tumours(project: Project) -> None:
    project.samples.append({"sample": "t2", "patient": "p2", "kind": "tumor"})
    project.units.append({"sample": "t2", "unit": "L1", "fq1": "t2_1.fq", "fq2": "t2_2.fq"})
    add_rna(project)
    problem = only_problem(project)
    assert_problem(problem, project.samples_tsv, 6, "2 tumours of patient 'p2' ('t1', 't2')")


def test_tumour_rna_must_be_fastq(project: Project) -> None:
    add_rna(project, bam="r1.bam")
    problem = only_problem(project)
    assert_problem(problem, project.units_tsv, 5, "tumor_rna sample 'r1' is given as BAM/CRAM")


def test_fastq_and_bam_units_not_mixed(project: Project) -> None:
    project.units.append({"sample": "g1", "unit": "lane2", "bam": "g1.bam"})
    problem = only_problem(project)
    assert_problem(
        problem, project.units_tsv, 2, "mixes FASTQ units (row 2) and BAM/CRAM units (row 5)"
    )


def test_all_problems_reported_together_in_file_order(project: Project) -> None:
    project.samples.append({"sample": "g1", "patient": "p9", "kind": "germline"})
    project.units.append({"sample": "demo9", "unit": "L1", "fq1": "a.fq", "fq2": "b.fq"})
    project.samples[0]["sex"] = "f"
    project.write()
    with pytest.raises(Problems) as raised:
        load_sheets(project.samples_tsv, project.units_tsv)
    message = str(raised.value)
    assert message.startswith("3 problems to fix before the run can start:\n  1. ")
    assert [p.row for p in raised.value.problems] == [2, 5, 5]
    assert [p.file for p in raised.value.problems] == [str(project.samples_tsv)] * 2 + [
        str(project.units_tsv)
    ]


def test_missing_sheet(tmp_path: Path) -> None:
    with pytest.raises(Problems) as raised:
        load_sheets(tmp_path / "samples.tsv", tmp_path / "units.tsv")
    assert [p.problem for p in raised.value.problems] == ["file does not exist"] * 2


# ---------------------------------------------------------------- Snakemake can use the schemas


def test_schemas_work_with_snakemake_validate(project: Project) -> None:
    config: dict = {
        "samples": "s.tsv",
        "units": "u.tsv",
        "reference": {"build": "demo", "fasta": "g.fa"},
        "calling": {"joint": True},
    }
    validate(config, str(SCHEMAS / "config.schema.yaml"))
    assert config["calling"] == {
        "joint": True,
        "scatter": 0,
        "filter": "score",
        "score_model": "",
        "bcftools_prior": None,
        "bcftools_min_gapped_reads": None,
        "min_qual": {"bcftools": 15, "freebayes": 1},
        "snv_min_qual_depth": {"bcftools": 25, "freebayes": 0},
        "min_depth": 5,
        "min_mapq": 20,
        "min_baseq": 13,
    }
    assert config["reference"]["sha256"] == ""
    units = pd.read_csv(project.units_tsv, sep="\t", dtype=str)
    validate(units, str(SCHEMAS / "units.schema.yaml"))
    units.loc[0, "bam"] = "x.bam"
    with pytest.raises(WorkflowError):
        validate(units, str(SCHEMAS / "units.schema.yaml"))


def test_every_schema_property_is_described() -> None:
    import yaml

    def properties(schema: dict) -> list[tuple[str, dict]]:
        found = list(schema.get("properties", {}).items())
        return found + [item for _, sub in found for item in properties(sub)]

    for path in SCHEMAS.glob("*.schema.yaml"):
        schema = yaml.safe_load(path.read_text())
        assert schema["additionalProperties"] is False
        for name, sub in properties(schema):
            assert sub.get("description"), f"{path.name}: {name}"
            if sub.get("type") == "object":
                assert sub["additionalProperties"] is False, f"{path.name}: {name}"


def test_paths_are_resolved_from_the_units_folder_not_cwd(project: Project, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    cwd = Path.cwd()
    os.chdir(elsewhere)
    try:
        sheet = load_sheets(project.samples_tsv, project.units_tsv)
    finally:
        os.chdir(cwd)
    assert sheet.units["n1"][0].fq2 == project.root / "data" / "n1_R2.fq"


# ---------------------------------------------------------------- issue 19: bad input


def test_header_only_sample_sheet_is_refused(project: Project) -> None:
    """No sample rows would run nothing and fail late inside MultiQC: stop at the sheet."""
    project.samples, project.units = [], []
    problem = only_problem(project)
    assert problem.file == str(project.samples_tsv) and problem.row is None
    assert "has a header but no sample rows" in str(problem)
    assert "Fix: add one row per sample below the header" in str(problem)


@pytest.mark.parametrize(
    ("column", "given", "meant"),
    [("kind", "tumour", "tumor"), ("sex", "F", "female"), ("sex", "Male", "male")],
)
def test_allowed_values_suggest_the_closest(
    project: Project, column: str, given: str, meant: str
) -> None:
    project.samples[1][column] = given
    (problem,) = [p for p in problems_of(project) if f"column '{column}'" in str(p)]
    assert_problem(problem, project.samples_tsv, 3, f"column '{column}' is '{given}'")
    assert problem.fix == f"use one of the allowed values (did you mean '{meant}'?)"


def test_no_suggestion_when_nothing_is_close(project: Project) -> None:
    project.samples[0]["kind"] = "blood"
    assert only_problem(project).fix == "use one of the allowed values"


def test_sample_ids_differing_only_by_case_are_refused(project: Project) -> None:
    """results/G1 and results/g1 are one folder on a case-insensitive file system."""
    project.samples.append({"sample": "G1", "patient": "p3", "kind": "germline"})
    project.units.append(project.units[0] | {"sample": "G1"})
    found = [str(p) for p in problems_of(project)]
    (collision,) = [p for p in found if "only by case" in p]
    assert collision.startswith(f"{project.samples_tsv}, row 5: ")
    assert "sample 'G1' and sample 'g1' (row 2) differ only by case" in collision
    assert "Fix: give them ids that differ by more than case" in collision


def test_patient_ids_differing_only_by_case_are_refused(project: Project) -> None:
    project.samples[2]["patient"] = "P2"  # the normal of t1's patient p2, written P2
    found = [str(p) for p in problems_of(project)]
    (collision,) = [p for p in found if "only by case" in p]
    assert "patient 'P2' and patient 'p2' (row 3) differ only by case" in collision


def problems_of(project: Project) -> list[InputError]:
    """Every problem load_sheets reports for the project's sheets."""
    project.write()
    with pytest.raises(Problems) as raised:
        load_sheets(project.samples_tsv, project.units_tsv)
    return raised.value.problems

"""Pseudonymised outputs: the renamed sheet, the lab's mapping file and id replacement."""

import os
import stat
from pathlib import Path

import pytest

from tailorseq.errors import TailorseqError
from tailorseq.pseudonym import (
    check_mapping_path,
    mapping_rows,
    patient_pseudonym,
    pseudonym,
    pseudonymised_sheet,
    public_names,
    replace_ids,
    write_mapping,
)
from tailorseq.samples import Sample, SampleSheet, Unit

KEY = b"lab-key"


def sample(name: str, patient: str, kind: str, row: int) -> Sample:
    return Sample(name, patient, kind, "female", None, None, None, True, row)


def sheet(*rows: tuple[str, str, str]) -> SampleSheet:
    samples = {name: sample(name, patient, kind, i) for i, (name, patient, kind) in enumerate(rows)}
    units = {
        name: [Unit(name, "L001", Path(f"reads/{name}_R1.fq.gz"), None, None, None, i)]
        for i, name in enumerate(samples)
    }
    return SampleSheet(samples=samples, units=units)


TWO_PATIENTS = sheet(
    ("P17-blood", "P17", "germline"), ("P18-normal", "P18", "normal"), ("P18-tumor", "P18", "tumor")
)


def test_pseudonymised_sheet_renames_samples_and_patients_only() -> None:
    renamed = pseudonymised_sheet(TWO_PATIENTS, KEY)
    tumour = pseudonym("P18-tumor", KEY)
    assert list(renamed.samples) == [pseudonym(n, KEY) for n in TWO_PATIENTS.samples]
    assert renamed.samples[tumour].patient == patient_pseudonym("P18", KEY)
    assert renamed.samples[tumour].kind == "tumor" and renamed.samples[tumour].row == 2
    assert renamed.units[tumour][0].sample == tumour
    assert renamed.units[tumour][0].fq1 == Path("reads/P18-tumor_R1.fq.gz")  # still staged
    assert [(t.sample, n.sample) for t, n in renamed.tumor_normal_pairs()] == [
        (tumour, pseudonym("P18-normal", KEY))
    ]


def test_public_names_map_lab_ids_to_the_names_outputs_carry() -> None:
    renamed = pseudonymised_sheet(TWO_PATIENTS, KEY)
    assert public_names(TWO_PATIENTS, renamed) == {
        "P17-blood": pseudonym("P17-blood", KEY),
        "P18-normal": pseudonym("P18-normal", KEY),
        "P18-tumor": pseudonym("P18-tumor", KEY),
        "P17": patient_pseudonym("P17", KEY),
        "P18": patient_pseudonym("P18", KEY),
    }
    assert set(public_names(TWO_PATIENTS, TWO_PATIENTS).items()) == {
        (name, name) for name in ("P17-blood", "P18-normal", "P18-tumor", "P17", "P18")
    }


def test_patient_pseudonyms_differ_from_sample_pseudonyms() -> None:
    patient = patient_pseudonym("P17", KEY)
    assert patient != pseudonym("P17", KEY)
    assert patient.startswith("p") and len(patient) == 11
    assert patient != patient_pseudonym("P17", b"other")


def read_rows(path: Path) -> list[list[str]]:
    return [line.split("\t") for line in path.read_text().splitlines()]


def test_mapping_file_is_owner_only_even_under_a_permissive_umask(tmp_path: Path) -> None:
    path = tmp_path / ".tailorseq" / "pseudonyms.tsv"
    previous = os.umask(0o000)
    try:
        write_mapping(path, mapping_rows(TWO_PATIENTS, KEY))
    finally:
        os.umask(previous)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert read_rows(path) == [
        ["pseudonym", "kind", "id"],
        [pseudonym("P17-blood", KEY), "sample", "P17-blood"],
        [pseudonym("P18-normal", KEY), "sample", "P18-normal"],
        [pseudonym("P18-tumor", KEY), "sample", "P18-tumor"],
        [patient_pseudonym("P17", KEY), "patient", "P17"],
        [patient_pseudonym("P18", KEY), "patient", "P18"],
    ]


def test_mapping_file_merges_runs_without_duplicates(tmp_path: Path) -> None:
    path = tmp_path / "pseudonyms.tsv"
    write_mapping(path, mapping_rows(TWO_PATIENTS, KEY))
    later = sheet(("P18-normal", "P18", "normal"), ("P19-blood", "P19", "germline"))
    write_mapping(path, mapping_rows(later, KEY))
    write_mapping(path, mapping_rows(later, KEY))
    ids = [row[2] for row in read_rows(path)[1:]]
    assert ids == ["P17-blood", "P18-normal", "P18-tumor", "P17", "P18", "P19-blood", "P19"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not list(tmp_path.glob(".*partial"))


def test_mapping_file_refuses_a_pseudonym_that_names_another_id(tmp_path: Path) -> None:
    path = tmp_path / "pseudonyms.tsv"
    path.write_text(f"pseudonym\tkind\tid\n{pseudonym('P17-blood', KEY)}\tsample\tP99\n")
    with pytest.raises(TailorseqError, match="already stands for sample P99"):
        write_mapping(path, mapping_rows(TWO_PATIENTS, KEY))
    assert "P17-blood" not in path.read_text()


@pytest.mark.parametrize("mapping", ["results/ids.tsv", "results", "./results/run/../x/ids.tsv"])
def test_mapping_inside_results_is_refused(tmp_path: Path, monkeypatch, mapping: str) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(TailorseqError, match=r"privacy.mapping: .* is inside results/"):
        check_mapping_path(Path(mapping), Path("results"))


@pytest.mark.parametrize("mapping", [".tailorseq/pseudonyms.tsv", "results-ids.tsv", "../ids.tsv"])
def test_mapping_outside_results_is_accepted(tmp_path: Path, monkeypatch, mapping: str) -> None:
    monkeypatch.chdir(tmp_path)
    check_mapping_path(Path(mapping), Path("results"))


def test_replace_ids_replaces_whole_ids_longest_first() -> None:
    names = {"P1": "s1", "P1-tumor": "s2", "P17": "s3"}
    text = "reads/P1-tumor_L001.fq.gz reads/P1_L001.fq.gz P17 P170 XP1"
    assert replace_ids(text, names) == "reads/s2_L001.fq.gz reads/s1_L001.fq.gz s3 P170 XP1"
    assert replace_ids(text, {}) == text

"""Bad input of issue 19 that the one check function refuses (or warns about) before compute:
duplicate config keys, byte copies of reads, builds without standard contigs, and OS errors that
must become messages naming the path."""

import errno
import gzip
import shutil
from pathlib import Path

import pytest
from preflight_helpers import Project, write_fai

from tailorseq.checks import inspect_run
from tailorseq.config import read_configfile
from tailorseq.errors import InputError


def data(project: Project, name: str) -> Path:
    return project.root / "data" / name


# ---------------------------------------------------------------- config keys given twice


def config_error(folder: Path, text: str) -> InputError:
    """The error reading a config file of this text."""
    configfile = folder / "run.yaml"
    configfile.write_text(text)
    with pytest.raises(InputError) as raised:
        read_configfile(configfile)
    return raised.value


def test_a_key_given_twice_is_refused_with_both_lines(tmp_path: Path) -> None:
    error = config_error(tmp_path, "samples: a.tsv\nunits: u.tsv\nsamples: b.tsv\n")
    assert (error.file, error.row) == (str(tmp_path / "run.yaml"), 3)
    message = str(error)
    assert "key 'samples' is given twice (first on line 1); the last would silently win" in message
    assert "Fix: keep one" in message


def test_a_nested_key_given_twice_is_refused(tmp_path: Path) -> None:
    error = config_error(tmp_path, "reference:\n  build: GRCh38\n  fasta: a.fa\n  build: GRCh37\n")
    assert error.row == 4 and "key 'reference.build' is given twice" in str(error)


def test_the_same_key_in_two_sections_is_fine(tmp_path: Path) -> None:
    configfile = tmp_path / "run.yaml"
    configfile.write_text("calling:\n  min_depth: 5\npgx:\n  min_depth: 8\n")
    assert read_configfile(configfile) == {"calling": {"min_depth": 5}, "pgx": {"min_depth": 8}}


# ---------------------------------------------------------------- the same reads twice


def test_a_byte_copy_of_reads_in_two_samples_is_refused_naming_both(project: Project) -> None:
    """n1's reads copied under t1's names: a sample swap that no path comparison sees."""
    for mate in ("R1", "R2"):
        copy = data(project, f"t1_{mate}.fq")
        shutil.copyfile(data(project, f"n1_{mate}.fq"), copy)
        project.units[1][f"fq{mate[1]}"] = f"../data/{copy.name}"
    found = [p for p in project.problems() if "same reads" in p]
    assert len(found) == 2, found
    first = found[0]
    assert first.startswith(f"{project.units_tsv}, row 4: ")
    assert f"fq1 {data(project, 'n1_R1.fq')} has the same reads (same size and SHA-256)" in first
    assert f"as fq1 {data(project, 't1_R1.fq')} of row 3 (sample t1)" in first
    assert "Fix: give each unit its own reads" in first


def test_a_recompressed_copy_differs_in_bytes_and_passes(project: Project) -> None:
    """Only byte copies are refused: identical reads compressed again are not compared."""
    original = data(project, "g1_R1.fq.gz")
    original.write_bytes(gzip.compress(gzip.decompress(original.read_bytes()), compresslevel=1))
    assert project.problems() == []


# ---------------------------------------------------------------- reference build names


def test_a_known_build_without_standard_contigs_is_a_warning_naming_both(
    project: Project,
) -> None:
    fasta = project.root / "ref" / "genome.fa"
    write_fai(fasta, {"scaffold_1": 1000, "scaffold_2": 500})
    project.config["reference"]["build"] = "GRCh38"
    project.write()
    findings = inspect_run(project.config, project.root, check_tools=False)
    assert [str(p) for p in findings.problems] == []
    (note,) = [n for n in findings.notes if "standard" in n]
    assert "reference.build is 'GRCh38'" in note
    assert "none of the contigs of" in note and "(scaffold_1, scaffold_2)" in note
    assert "their lengths were not checked against GRCh38" in note


def test_a_custom_build_of_other_contigs_has_no_warning(project: Project) -> None:
    fasta = project.root / "ref" / "genome.fa"
    write_fai(fasta, {"scaffold_1": 1000, "scaffold_2": 500})
    project.write()
    findings = inspect_run(project.config, project.root, check_tools=False)
    assert [n for n in findings.notes if "standard" in n] == []


# ---------------------------------------------------------------- OS errors become messages


def test_a_symlink_loop_is_a_message_with_the_path(project: Project) -> None:
    loop = data(project, "g1_R1.fq.gz")
    loop.unlink()
    loop.symlink_to(loop)
    (problem,) = project.problems()
    assert f"fq1 file {loop} cannot be reached (" in problem
    assert "Too many levels of symbolic links" in problem


def test_a_broken_fai_is_a_message_with_the_path(project: Project) -> None:
    fasta = project.root / "ref" / "genome.fa"
    write_fai(fasta, {"chr1": 1000})
    Path(f"{fasta}.fai").write_text("chr1\tlong\t0\t60\t61\n")
    (problem,) = project.problems()
    assert problem.startswith(f"{fasta}.fai: is not a samtools faidx index")
    assert "Fix: delete it" in problem


def test_a_gzipped_bed_is_a_message_with_the_path(project: Project) -> None:
    bed = project.root / "targets.bed"
    bed.write_bytes(gzip.compress(b"chr1\t10\t20\n"))
    project.config["targets"] = "targets.bed"
    (problem,) = project.problems()
    assert problem.startswith(f"{bed}: is not a text BED file")
    assert "Fix: give an uncompressed BED" in problem


def test_a_read_error_during_the_scan_is_a_message_with_the_path(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A disk fault while reading a FASTQ (an EIO the file's first byte did not show)."""
    failing = data(project, "t1_R2.fq.gz")
    real_scan = __import__("tailorseq.fastq", fromlist=["scan_fastq"]).scan_fastq

    def scan(path: Path, limit: float):  # type: ignore[no-untyped-def]
        if path == failing:
            raise OSError(errno.EIO, "Input/output error", str(path))
        return real_scan(path, limit)

    monkeypatch.setattr("tailorseq.fastq.scan_fastq", scan)
    (problem,) = project.problems()
    assert problem.startswith(f"{project.units_tsv}, row 3: fq2 {failing} cannot be read")
    assert "Input/output error" in problem and "Fix: copy the file again" in problem

"""The console command's `run` (Snakemake with the pipeline's defaults) and `whois` (the lab id
behind a pseudonym)."""

import importlib.util
import os
from pathlib import Path

import pytest
import yaml

from tailorseq.cli import build_parser, main, snakemake_command
from tailorseq.locations import SNAKEFILE
from tailorseq.pseudonym import patient_pseudonym, pseudonym, write_mapping

KEY = b"lab-key"
SAMPLE = pseudonym("lab-0042", KEY)
PATIENT = patient_pseudonym("patient-7", KEY)


def command(*argv: str) -> list[str]:
    """The Snakemake command `tailorseq run <argv>` would start, from `--snakefile` on."""
    args, extra = build_parser().parse_known_args(["run", *argv])
    return snakemake_command(args, extra)[3:]


def test_run_defaults_to_the_packaged_workflow_the_config_and_all_cores() -> None:
    assert command() == [
        "--snakefile", str(SNAKEFILE), "--configfile", "config/config.yaml", "--cores", "all",
    ]  # fmt: skip
    assert SNAKEFILE.is_file()


def test_run_passes_every_other_argument_to_snakemake() -> None:
    given = command("--configfile", "run.yaml", "--sdm", "conda", "-n", "results/a/a.vcf.gz")
    assert given[2:] == ["--configfile", "run.yaml", "--cores", "all", "--sdm", "conda", "-n",
                         "results/a/a.vcf.gz"]  # fmt: skip
    # Snakemake's --config is not taken for an abbreviation of --configfile
    assert command("--config", "caller=freebayes")[-2:] == ["--config", "caller=freebayes"]


def test_run_leaves_the_cores_to_a_profile() -> None:
    assert "--cores" not in command("--profile", "config/profiles/slurm")
    assert command("--profile=slurm", "--cores", "8")[-3:] == ["--cores", "8", "--profile=slurm"]


def test_run_without_snakemake_says_how_to_install_it(monkeypatch, capsys) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    assert main(["run", "--dry-run"]) == 1
    assert "pip install 'tailorseq[workflow]'" in capsys.readouterr().err


def test_other_commands_refuse_unknown_arguments(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["demo", "--dry-run"])
    assert "unrecognized arguments: --dry-run" in capsys.readouterr().err


@pytest.fixture
def mapping(tmp_path: Path) -> Path:
    path = tmp_path / ".tailorseq" / "pseudonyms.tsv"
    write_mapping(path, [(SAMPLE, "sample", "lab-0042"), (PATIENT, "patient", "patient-7")])
    return path


def test_whois_names_a_sample_and_a_patient(mapping: Path, capsys) -> None:
    assert main(["whois", SAMPLE, "--mapping", str(mapping)]) == 0
    assert main(["whois", PATIENT, "--mapping", str(mapping)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"{SAMPLE}\tsample\tlab-0042",
        f"{PATIENT}\tpatient\tpatient-7",
    ]


def test_whois_finds_the_mapping_of_the_config_or_its_default(
    mapping: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["whois", SAMPLE]) == 0  # default .tailorseq/pseudonyms.tsv
    moved = mapping.rename(tmp_path / "lab.tsv")
    config = tmp_path / "run.yaml"
    config.write_text(yaml.safe_dump({"privacy": {"mapping": moved.name}}))
    assert main(["whois", PATIENT, "--configfile", str(config), "--directory", "."]) == 0
    assert capsys.readouterr().out.split("\t")[-1] == "patient-7\n"


def test_whois_of_an_unknown_pseudonym_fails_with_a_message(mapping: Path, capsys) -> None:
    assert main(["whois", "s0000000000", "--mapping", str(mapping)]) == 1
    error = capsys.readouterr().err
    assert error.startswith(f"tailorseq: error: {mapping}: s0000000000 is not a pseudonym")


def test_whois_refuses_a_mapping_others_can_read(mapping: Path, capsys) -> None:
    os.chmod(mapping, 0o640)
    assert main(["whois", SAMPLE, "--mapping", str(mapping)]) == 1
    captured = capsys.readouterr()
    assert "is open to others (mode 640)" in captured.err and f"chmod 600 {mapping}" in captured.err
    assert "lab-0042" not in captured.out + captured.err


def test_whois_without_a_mapping_file_says_so(tmp_path: Path, capsys) -> None:
    assert main(["whois", SAMPLE, "--mapping", str(tmp_path / "none.tsv")]) == 1
    assert "none.tsv: no such mapping file" in capsys.readouterr().err

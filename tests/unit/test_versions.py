"""Versions as they ran: each env's tools probed from inside it, parsed from their own output,
gathered into the provenance manifest, MultiQC's software versions and the report's methods."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import tailorseq
from multiqc_versions import write_mqc_versions
from provenance import write_provenance
from tailorseq import documents
from tailorseq.tools import parse_version
from tailorseq.versions import (
    PROBES,
    SCHEMA,
    environments,
    matches_pin,
    multiqc_versions,
    probe_env,
    read_env,
    rule_environments,
    tool_list,
)
from tool_versions import write_versions

ROOT = Path(__file__).resolve().parents[2]

# What each tool printed on the tested stack (Debian 12 apt, the pip pins of requirements.txt),
# as its probe asks it, and the version read from it.
REAL_OUTPUTS = {
    "bwa": (
        "\nProgram: bwa (alignment via Burrows-Wheeler transformation)\n"
        "Version: 0.7.17-r1188\nContact: Heng Li <lh3@sanger.ac.uk>\n",
        "0.7.17-r1188",
    ),
    "samtools": ("samtools 1.16.1\nUsing htslib 1.16\nCopyright (C) 2022", "1.16.1"),
    "bcftools": ("bcftools 1.16\nUsing htslib 1.16\nCopyright (C) 2022", "1.16"),
    "htslib": ("tabix (htslib) 1.16\nCopyright (C) 2022 Genome Research Ltd.", "1.16"),
    "fastp": ("fastp 0.23.2\n", "0.23.2"),
    "minimap2": ("2.24-r1122\n", "2.24-r1122"),
    "freebayes": ("version:  v1.3.6\n", "1.3.6"),
    "mosdepth": ("mosdepth 0.3.3\n", "0.3.3"),
    "delly": (
        "**********************************************************************\n"
        "Program: Delly\nThis is free software...\n"
        "Delly version: v1.1.6\n using Boost: v1.74.0\n using HTSlib: v1.16\n",
        "1.1.6",
    ),
    "salmon": ("salmon 1.10.1\n", "1.10.1"),
    "gffread": ("0.12.7\n", "0.12.7"),
    "cnvkit": ("0.9.14\n", "0.9.14"),
    "whatshap": ("2.8\n", "2.8"),
    # `aldy help` (PyPI aldy 4.8.3, in a scratch venv: its licence keeps it out of make setup)
    "aldy": (
        "🐿  Aldy v4.8.3 (Python 3.11.7 on Linux 6.18.44-fc-v1272-x86_64-with-glibc2.36)\n"
        "   (c) 2016-2026 Aldy Authors. All rights reserved.\n"
        "   Free for non-commercial/academic use only.\n",
        "4.8.3",
    ),
    "multiqc": ("multiqc, version 1.35\n", "1.35"),
}
COMMAND_PROBES = sorted(name for name, probe in PROBES.items() if probe.command)


@pytest.mark.parametrize("name", sorted(REAL_OUTPUTS))
def test_each_tool_s_real_output_is_parsed(name: str) -> None:
    output, version = REAL_OUTPUTS[name]
    assert parse_version(output, PROBES[name].pattern) == version


def test_every_command_probe_has_a_real_sample() -> None:
    assert sorted(REAL_OUTPUTS) == COMMAND_PROBES


@pytest.mark.parametrize(
    ("name", "output"),
    [("samtools", "samtools: command not found"), ("multiqc", ""), ("bwa", "Usage: bwa")],
)
def test_output_without_a_version_is_none(name: str, output: str) -> None:
    assert parse_version(output, PROBES[name].pattern) is None


@pytest.mark.parametrize("name", COMMAND_PROBES)
def test_installed_tool_answers_its_probe(name: str) -> None:
    probe = PROBES[name]
    if shutil.which(probe.command[0]) is None:
        pytest.skip(f"{probe.command[0]} is not installed here")
    version = probe.run()
    assert version is not None and matches_pin(version, REAL_OUTPUTS[name][1])


def test_python_packages_are_probed_by_their_metadata() -> None:
    assert PROBES["pyyaml"].run() == yaml.__version__
    assert PROBES["matplotlib-base"].describe() == "importlib.metadata.version('matplotlib')"
    assert PROBES["python"].run().startswith("3.")


def test_a_missing_package_or_tool_does_not_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    record = probe_env("x", ["samtools", "not-a-tool"], "system")
    assert record["tools"] == {"samtools": None, "not-a-tool": None}
    assert record["how"]["probes"]["not-a-tool"].startswith("no probe")


def test_record_is_a_valid_versions_document() -> None:
    record = probe_env("python", ["python", "pysam", "pyyaml", "jsonschema"], "system")
    documents.validate("versions", record, "record")
    assert record["schema"] == SCHEMA == documents.IDS["versions"]
    assert record["env_file"] == "envs/python.yaml"
    assert record["how"]["deployment"] == "system"


def test_read_env_splits_conda_and_pip_pins(tmp_path: Path) -> None:
    env = tmp_path / "x.yaml"
    env.write_text(
        "channels: [conda-forge, bioconda, nodefaults]\n"
        "dependencies:\n  - samtools=1.16.1\n  - pip=23.2.1\n  - pip:\n      - pypgx==0.27.0\n"
    )
    parsed = read_env(env)
    assert parsed.name == "x" and parsed.channels == ["conda-forge", "bioconda", "nodefaults"]
    assert parsed.conda == {"samtools": "1.16.1", "pip": "23.2.1"}
    assert parsed.pip == {"pypgx": "0.27.0"}
    assert list(parsed.dependencies) == ["samtools", "pip", "pypgx"]


@pytest.mark.parametrize(
    ("reported", "pinned", "same"),
    [
        ("0.7.17-r1188", "0.7.17", True),
        ("2.24-r1122", "2.24", True),
        ("1.16.1", "1.16", False),
        ("1.21", "1.16", False),
        (None, "1.16", False),
    ],
)
def test_matches_pin(reported: str | None, pinned: str, same: bool) -> None:
    assert matches_pin(reported, pinned) is same


def record(env: str, tools: dict[str, str | None]) -> dict:
    return {
        "schema": SCHEMA,
        "env": env,
        "env_file": f"envs/{env}.yaml",
        "tools": tools,
        "how": {"deployment": "system", "conda_prefix": None, "python": "py", "probes": {}},
    }


RECORDS = [
    record("sex", {"samtools": "1.16.1", "htslib": "1.16"}),
    record("bwa", {"bwa": "0.7.17-r1188", "samtools": "1.21", "htslib": None}),
]


def test_environments_are_keyed_and_sorted_by_env() -> None:
    gathered = environments(RECORDS)
    assert list(gathered) == ["bwa", "sex"]
    assert gathered["sex"]["tools"] == {"samtools": "1.16.1", "htslib": "1.16"}
    assert "schema" not in gathered["bwa"] and "env" not in gathered["bwa"]


def test_tool_list_names_each_tool_once_with_every_version_that_ran() -> None:
    assert tool_list(RECORDS) == {
        "bwa": "0.7.17-r1188",
        "htslib": "1.16, did not answer (see its versions record)",
        "samtools": "1.16.1, 1.21",
    }


def test_multiqc_versions_groups_tools_by_env_with_the_pipeline_version() -> None:
    groups = multiqc_versions(RECORDS, "0.1.0")
    assert list(groups) == ["tailorseq", "env bwa", "env sex"]
    assert groups["tailorseq"] == {"tailorseq": "0.1.0"}
    assert groups["env bwa"]["htslib"] == "did not answer"


def test_rule_environments_from_conda_paths() -> None:
    assert rule_environments(
        {"multiqc": "../../envs/multiqc.yaml", "align_bwa": "../../envs/bwa.yaml"}
    ) == {"align_bwa": "bwa", "multiqc": "multiqc"}


def test_adapters_write_records_mqc_versions_and_provenance(tmp_path: Path) -> None:
    env = read_env(ROOT / "envs" / "samtools.yaml")
    versions = tmp_path / "versions" / "samtools.json"
    written = write_versions(env.name, list(env.dependencies), "system", versions)
    assert documents.load("versions", versions) == written
    mqc = tmp_path / "tailorseq_mqc_versions.yml"
    write_mqc_versions([versions], mqc)
    groups = yaml.safe_load(mqc.read_text())
    assert groups["tailorseq"] == {"tailorseq": tailorseq.__version__}
    assert set(groups["env samtools"]) == {"samtools", "htslib"}
    config = {"reference": {"build": "demo"}}
    out = tmp_path / "provenance.json"
    write_provenance(
        config,
        {"reference": config["reference"]},
        [],
        [],
        out,
        versions=[str(versions)],
        rules={"samtools_stats": "../../envs/samtools.yaml"},
        snakemake="9.27.1",
    )
    manifest = json.loads(out.read_text())
    assert manifest["snakemake"] == "9.27.1"
    assert manifest["rules"] == {"samtools_stats": "samtools"}
    assert manifest["environments"]["samtools"]["tools"] == written["tools"]


def test_probing_adapter_imports_without_third_party_packages() -> None:
    """The tool_versions job runs in every env, some without PyYAML or jsonschema (scoring)."""
    blocked = (
        "import builtins, sys\n"
        "real = builtins.__import__\n"
        "def guard(name, *args, **kwargs):\n"
        "    if name.split('.')[0] in ('yaml', 'jsonschema', 'pysam', 'numpy'):\n"
        "        raise ImportError(name)\n"
        "    return real(name, *args, **kwargs)\n"
        "builtins.__import__ = guard\n"
        f"sys.path.insert(0, {str(ROOT / 'scripts')!r})\n"
        "import tool_versions\n"
        "print(tool_versions.probe_env('bwa', ['bwa'], 'system')['schema'])\n"
    )
    done = subprocess.run(
        [sys.executable, "-I", "-c", blocked], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == SCHEMA

"""The conda envs (envs/*.yaml): each parses, uses the project's channels, pins every
dependency to one release, is probed for its version, and is what a rule's `conda:` names; on a
machine with the tested stack (Debian 12 apt, requirements.txt), each pin is the version
installed here, so that `--sdm conda` runs what the tests ran."""

import re
import shutil
from pathlib import Path

import pytest
import yaml

from tailorseq.versions import CHANNELS, PROBES, matches_pin, read_env

ROOT = Path(__file__).resolve().parents[2]
ENV_FILES = sorted((ROOT / "envs").glob("*.yaml"))
RULE_FILES = [*sorted((ROOT / "workflow").rglob("*.smk")), ROOT / "workflow" / "Snakefile"]
# One release: major.minor[.patch] and a post-release suffix where the project has one
# (phenopackets 2.0.2.post5). Tools released as x.y (bcftools 1.16, minimap2 2.24, whatshap 2.8)
# are pinned as they are released.
RELEASE = re.compile(r"^\d+\.\d+(\.\d+)?(\.post\d+)?$")
RULE = re.compile(r"^\s*(?:rule|checkpoint)\s+(\w+)\s*:", re.MULTILINE)
CONDA = re.compile(r"^\s*conda:\s*\n\s*[\"']([^\"']+)[\"']", re.MULTILINE)
# (env, dependency, pin) of every env file.
PINS = [
    (env.stem, name, pin) for env in ENV_FILES for name, pin in read_env(env).dependencies.items()
]


def rule_conda_paths() -> list[tuple[Path, str, str]]:
    """(rule file, rule, conda path as written) for every rule with a `conda:` directive."""
    found = []
    for path in RULE_FILES:
        text = path.read_text()
        starts = [(m.start(), m.group(1)) for m in RULE.finditer(text)]
        for match in CONDA.finditer(text):
            rule = [name for start, name in starts if start < match.start()][-1]
            found.append((path, rule, match.group(1)))
    return found


@pytest.mark.parametrize("env", ENV_FILES, ids=lambda path: path.stem)
def test_env_file_parses_with_the_project_channels(env: Path) -> None:
    data = yaml.safe_load(env.read_text())
    assert set(data) == {"channels", "dependencies"}, env.name
    parsed = read_env(env)
    assert parsed.channels == CHANNELS, env.name
    assert parsed.dependencies, env.name


@pytest.mark.parametrize(("env", "name", "pin"), PINS)
def test_every_dependency_is_pinned_to_one_release_and_has_a_probe(
    env: str, name: str, pin: str
) -> None:
    assert RELEASE.match(pin), f"envs/{env}.yaml: {name} is pinned {pin!r}, not =x.y[.z]"
    assert name in PROBES, f"envs/{env}.yaml: {name} has no probe in tailorseq.versions"


def test_conda_dependencies_use_a_single_equals_and_pip_a_double() -> None:
    for env in ENV_FILES:
        for line in env.read_text().splitlines():
            spec = line.strip().removeprefix("- ")
            if line.startswith("  - ") and not spec.endswith(":") and "=" in spec:
                assert re.fullmatch(r"[\w.-]+=[\w.]+", spec), f"{env.name}: {spec}"
            elif line.startswith("      - "):
                assert re.fullmatch(r"[\w.-]+==[\w.]+", spec), f"{env.name}: {spec}"


def test_every_rule_s_conda_points_to_an_env_file_and_every_env_is_used() -> None:
    found = rule_conda_paths()
    assert len(found) > 50
    used = set()
    for path, rule, conda in found:
        if "{env}" in conda:  # tool_versions: one job per env of the run
            assert rule == "tool_versions"
            continue
        target = (path.parent / conda).resolve()
        assert target.parent == ROOT / "envs" and target.is_file(), f"{rule}: {conda}"
        used.add(target)
    assert used == set(ENV_FILES)


def test_rules_with_a_conda_directive_are_found() -> None:
    rules = {rule for _, rule, _ in rule_conda_paths()}
    assert {"align_bwa", "multiqc", "provenance", "tool_versions", "somatic_sv"} <= rules


@pytest.mark.usefixtures("venv_tools")
@pytest.mark.parametrize(("env", "name", "pin"), PINS)
def test_pin_is_the_version_installed_here(env: str, name: str, pin: str) -> None:
    """Machine-specific: where the tool is installed, the env pins the version the tests run."""
    probe = PROBES[name]
    if probe.command and shutil.which(probe.command[0]) is None:
        pytest.skip(f"{probe.command[0]} is not installed on this machine")
    version = probe.run()
    if version is None:
        pytest.skip(f"{name} is not installed for this Python")
    assert matches_pin(version, pin), f"envs/{env}.yaml pins {name}={pin}; installed: {version}"

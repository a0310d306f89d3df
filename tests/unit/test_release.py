"""Release metadata agrees with itself: one version, the license pyproject.toml names, declared
dependencies that cover the package's imports and that the pinned environment satisfies, and the
workflow catalog's usage file."""

import ast
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

import tailorseq

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
DEPENDENCIES = [Requirement(text) for text in PYPROJECT["project"]["dependencies"]]
EXTRAS = [
    Requirement(text)
    for texts in PYPROJECT["project"]["optional-dependencies"].values()
    for text in texts
]


def imported_modules(paths: list[Path]) -> set[str]:
    """Top-level names of the modules the Python files import, absolute imports only, without
    the standard library and tailorseq itself."""
    names = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"tailorseq"}


def test_the_version_is_the_package_s_only() -> None:
    assert "version" not in PYPROJECT["project"] and "version" in PYPROJECT["project"]["dynamic"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {
        "attr": "tailorseq.__version__"
    }


def test_the_changelog_s_latest_release_is_the_version() -> None:
    releases = re.findall(r"^## \[(\d+\.\d+\.\d+)\]", (ROOT / "CHANGELOG.md").read_text(), re.M)
    assert releases[0] == tailorseq.__version__


def test_the_license_is_the_declared_one() -> None:
    text = (ROOT / "LICENSE").read_text()
    assert PYPROJECT["project"]["license"] == "MIT" and text.startswith("MIT License")
    assert "Copyright (c) 2026 the tailorseq developers" in text


def undeclared(modules: set[str], requirements: list[Requirement]) -> set[str]:
    """The modules that no distribution among the requirements provides."""
    declared = {canonicalize_name(requirement.name) for requirement in requirements}
    providers = metadata.packages_distributions()
    return {
        module
        for module in modules
        if not {canonicalize_name(name) for name in providers.get(module, [module])} & declared
    }


#: Package modules that need an extra, by the extra: only commands that say so import them
#: (`tailorseq cnv-reference` runs CNVkit in process and names the extra when it is missing).
NEEDS_EXTRA = {"copy-number": [ROOT / "scripts" / "tailorseq" / "somatic" / "cnvkit_steps.py"]}


def test_declared_dependencies_provide_every_import() -> None:
    with_extras = {path for paths in NEEDS_EXTRA.values() for path in paths}
    modules = set((ROOT / "scripts" / "tailorseq").rglob("*.py")) - with_extras
    assert undeclared(imported_modules(list(modules)), DEPENDENCIES) == set()
    for extra, paths in NEEDS_EXTRA.items():
        texts = PYPROJECT["project"]["optional-dependencies"][extra]
        requirements = [Requirement(text) for text in texts]
        assert undeclared(imported_modules(paths), DEPENDENCIES + requirements) == set()


def test_only_the_commands_that_name_the_extra_import_the_modules_that_need_it() -> None:
    """No module of the package imports an extra's module at its top, so `tailorseq` without
    the extra still starts; cnvkit_steps is imported inside the command that checks for it."""
    for path in (ROOT / "scripts" / "tailorseq").rglob("*.py"):
        tree = ast.parse(path.read_text())
        top = [n for n in tree.body if isinstance(n, ast.ImportFrom) and n.module]
        assert all(n.module != "tailorseq.somatic.cnvkit_steps" for n in top), path


def test_the_rule_adapters_imports_are_declared_dependencies_or_extras() -> None:
    """The adapters in scripts/ run in their rule's environment; a tool library only they use
    (CNVkit's cnvlib) is an extra."""
    adapters = imported_modules(list((ROOT / "scripts").glob("*.py")))
    assert undeclared(adapters, DEPENDENCIES + EXTRAS) == set()


def test_the_pinned_environment_satisfies_the_declared_dependencies() -> None:
    lines = (ROOT / "requirements.txt").read_text().split()
    pins = dict(line.split("==") for line in lines)
    pinned = {canonicalize_name(name): version for name, version in pins.items()}
    for requirement in DEPENDENCIES + EXTRAS:
        assert requirement.specifier.contains(pinned[canonicalize_name(requirement.name)])


def test_the_catalog_usage_names_deployment_and_report() -> None:
    usage = yaml.safe_load((ROOT / ".snakemake-workflow-catalog.yml").read_text())["usage"]
    assert set(usage["mandatory-flags"]) == {"desc", "flags"}
    assert usage["software-stack-deployment"]["conda"] is True
    assert usage["report"] is True

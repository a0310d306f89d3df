"""`pip wheel .` builds a wheel that works away from the repository: installed into a fresh
virtualenv, the `tailorseq` command checks the demo's run and plans it with the workflow the
wheel carries, and the package reads its knowledge from the wheel.

The fresh virtualenv has no system site-packages. It sees the dependencies (pysam, numpy,
Snakemake, ...) in this virtualenv's site-packages through a path file, which adds that folder
to sys.path without running its own path files: tailorseq itself comes from the wheel only."""

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from helpers import ROOT, demo_run

pytestmark = pytest.mark.integration

# The repository's files the wheel carries as tailorseq/bundle/ (tailorseq.locations).
BUNDLED = ["workflow", "envs", "resources", "config/multiqc.yaml", ":(glob)scripts/*.py",
           ":(glob)scripts/*.sh"]  # fmt: skip


def run(*command: str | Path, **kwargs) -> subprocess.CompletedProcess:
    """Run a command, failing the test with its stderr when it fails."""
    done = subprocess.run([str(part) for part in command], capture_output=True, text=True, **kwargs)
    assert done.returncode == 0, done.stderr[-4000:]
    return done


def checkout_files(*pathspecs: str) -> list[str]:
    """The checkout's files (tracked, or new and not ignored) under these git pathspecs."""
    listed = run("git", "ls-files", "--cached", "--others", "--exclude-standard", *pathspecs,
                 cwd=ROOT)  # fmt: skip
    return [name for name in listed.stdout.splitlines() if (ROOT / name).is_file()]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel `pip wheel .` builds from the checkout's files (tracked or not ignored), copied
    away: a build in place would leave build/ behind, whose stale files a later build ships."""
    source = tmp_path_factory.mktemp("source")
    for name in checkout_files():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    out = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "pip", "wheel", source, "--no-deps", "--quiet", "-w", out)
    (built,) = out.glob("tailorseq-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory) -> Path:
    """A fresh virtualenv with the wheel installed (its dependencies: see the module's doc)."""
    folder = tmp_path_factory.mktemp("venv")
    run(sys.executable, "-m", "venv", "--without-pip", folder)
    python = folder / "bin" / "python"
    run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps", wheel)
    purelib = run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
    Path(purelib.stdout.strip(), "dependencies.pth").write_text(sysconfig.get_paths()["purelib"])
    return folder


def environment(venv: Path) -> dict[str, str]:
    """The fresh virtualenv first on PATH (then this one's tools: multiqc, cnvkit.py, ...); no
    PYTHONPATH, which would import the checkout's package."""
    path = os.pathsep.join(
        [str(venv / "bin"), str(Path(sys.executable).parent), os.environ["PATH"]]
    )
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    return {**env, "PATH": path}


def test_wheel_carries_the_package_and_the_workflow(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {f"tailorseq/{p.relative_to(ROOT / 'scripts/tailorseq')}"
               for p in (ROOT / "scripts/tailorseq").rglob("*.py")}  # fmt: skip
    assert modules <= names
    assert {f"tailorseq/bundle/{path}" for path in checkout_files(*BUNDLED)} == {
        name for name in names if name.startswith("tailorseq/bundle/")
    }
    assert not any(name.startswith("tailorseq/bundle/resources/demo/") for name in names)


def test_installed_package_reads_its_files_from_the_wheel(venv: Path) -> None:
    code = (
        "import importlib.metadata, tailorseq, tailorseq.locations as l; "
        "print(tailorseq.__file__, l.ROOT, importlib.metadata.version('tailorseq'), "
        "tailorseq.__version__)"
    )
    where = run(venv / "bin" / "python", "-c", code, env=environment(venv), cwd=venv)
    module, root, installed, version = where.stdout.split()
    assert Path(module).is_relative_to(venv) and Path(root).is_relative_to(venv)
    assert Path(root).name == "bundle" and installed == version


# The installed command's subcommands: the pipeline's, PGx on a VCF, and the copy-number
# references a lab builds from its normals.
SUBCOMMANDS = (
    "check",
    "cnv-reference",
    "demo",
    "germline-cnv-panel",
    "pgx",
    "pgx-genotype",
    "run",
    "whois",
)


def test_command_checks_and_plans_the_demo(venv: Path, tmp_path: Path) -> None:
    env = environment(venv)
    command = venv / "bin" / "tailorseq"
    listed = run(command, "--help", env=env).stdout.split("{")[1].split("}")[0].split(",")
    assert sorted(listed) == sorted(SUBCOMMANDS)
    config = demo_run(tmp_path)
    checked = run(command, "check", "--configfile", config, env=env, cwd=tmp_path).stdout
    assert f"tailorseq check: all checks passed for {config}" in checked
    assert "samples: 5 (germline 2, normal 1, tumor 1, tumor_rna 1)" in checked
    planned = run(command, "run", "--configfile", config, "--dry-run", env=env, cwd=tmp_path)
    assert str(venv) in planned.stderr  # the wheel's workflow (its profile), not the checkout's
    for rule in ("multiqc", "patient_report", "pgx_call", "somatic_actionability"):
        assert f"rule {rule}:" in planned.stdout, rule

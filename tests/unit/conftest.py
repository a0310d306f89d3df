"""Fixtures of the unit tests."""

import os
import sys
from pathlib import Path

import pytest
from preflight_helpers import Project, make_project


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """A valid small run (sheets, FASTQ, reference) in tmp_path, to break one thing at a time."""
    return make_project(tmp_path)


@pytest.fixture
def venv_tools(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tools installed beside this Python (WhatsHap, by make setup) on PATH, as the pipeline's
    PATH has them."""
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")

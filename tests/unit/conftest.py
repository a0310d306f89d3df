"""Fixtures of the unit tests."""

from pathlib import Path

import pytest
from preflight_helpers import Project, make_project


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """A valid small run (sheets, FASTQ, reference) in tmp_path, to break one thing at a time."""
    return make_project(tmp_path)

"""Fixtures shared by the integration tests."""

from pathlib import Path

import pytest

from helpers import demo_run, snakemake


@pytest.fixture(scope="session")
def demo_results(tmp_path_factory) -> Path:
    """One uninterrupted run of the demo with the default config."""
    workdir = tmp_path_factory.mktemp("demo")
    snakemake(workdir, demo_run(workdir))
    return workdir

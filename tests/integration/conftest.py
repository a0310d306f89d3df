"""Fixtures shared by the integration tests."""

from pathlib import Path

import pytest

from helpers import demo_run, demo_sheets, snakemake


@pytest.fixture(scope="session")
def shared_demo(tmp_path_factory) -> Path:
    """One uninterrupted run of the demo with the default config, for the whole session (one
    per pytest-xdist worker). Its folder's name never holds a sample id: the pseudonymisation
    test finds paths under it in outputs ("demo1" would be the second `mktemp("demo")`)."""
    workdir = tmp_path_factory.mktemp("shared-run")
    snakemake(workdir, demo_run(workdir))
    return workdir


@pytest.fixture(scope="session")
def demo_results(shared_demo: Path) -> Path:
    """The shared demo run (a module may override this name with a run of its own; the
    shared run stays reachable as `shared_demo`)."""
    return shared_demo


@pytest.fixture(scope="module")
def pair_run(demo_results: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run folder of the demo's pair (patient3's normal and tumour) as BAM units, the shared
    run's alignments, which tests configure in turn (each writes its run.yaml and asks for
    its products): Snakemake redoes only what a config changes, so the pair's calls, sex and
    coverage are made once per module (module scope: a module may run its own demo, as the
    somatic tests do). Its only germline sample is patient3's normal."""
    workdir = tmp_path_factory.mktemp("pair-run")
    pair = ("demo3-normal", "demo3-tumor")
    bams = {sample: demo_results / f"results/{sample}/{sample}.bam" for sample in pair}
    demo_sheets(workdir, list(pair), bams)
    return workdir

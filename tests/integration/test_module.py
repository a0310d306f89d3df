"""The workflow deployed as a Snakemake module from another folder, as `snakedeploy
deploy-workflow` sets it up: its own files (rules, envs, scripts, schemas, templates, MultiQC
config, knowledge) are found from the workflow, never from the caller's folder."""

import re
from pathlib import Path

import pytest

from helpers import ROOT, demo_dir, demo_run, snakemake
from vcf import calls, passing

pytestmark = pytest.mark.integration

DEPLOYED_SNAKEFILE = """configfile: "config/config.yaml"


module tailorseq:
    snakefile:
        "{snakefile}"
    config:
        config


use rule * from tailorseq
"""


@pytest.fixture(scope="module")
def deployment(tmp_path_factory) -> Path:
    """A folder laid out as snakedeploy leaves it: workflow/Snakefile using the repository's
    workflow as a module, and config/config.yaml (the demo's, with absolute paths)."""
    folder = tmp_path_factory.mktemp("deployed")
    (folder / "workflow").mkdir()
    (folder / "config").mkdir()
    demo_run(folder).rename(folder / "config" / "config.yaml")
    snakefile = DEPLOYED_SNAKEFILE.format(snakefile=ROOT / "workflow" / "Snakefile")
    (folder / "workflow" / "Snakefile").write_text(snakefile)
    return folder


def run(folder: Path, *args: str):
    """Snakemake in the deployment folder with its own Snakefile and config."""
    config = folder / "config" / "config.yaml"
    return snakemake(folder, config, *args, snakefile=folder / "workflow" / "Snakefile")


def test_module_plans_the_whole_default_run(deployment: Path) -> None:
    planned = run(deployment, "--dry-run", "--printshellcmds").stdout
    for rule in ("multiqc", "patient_report", "provenance", "pgx_call", "somatic_actionability"):
        assert f"rule {rule}:" in planned or f"localrule {rule}:" in planned, rule
    # the module's own files, as Snakemake caches them for the run
    multiqc_config = re.search(r"multiqc .*--config (\S+)", planned)
    assert multiqc_config and multiqc_config[1].endswith(
        f"{ROOT}/workflow/rules/../../config/multiqc.yaml"
    )


def test_module_calls_a_sample_with_its_planted_variants(deployment: Path) -> None:
    run(deployment, "results/demo2/demo2.vcf.gz")
    truth = {call.key: call for call in calls(demo_dir() / "expected/germline.vcf", "demo2")}
    found = passing(deployment / "results/demo2/demo2.vcf.gz")
    assert len(truth) > 100
    assert all(
        found.get(key) and found[key].genotype == call.genotype for key, call in truth.items()
    )
    assert len(set(found) - set(truth)) <= 1
    # the module's paths are the same in the next run: nothing reruns
    again = run(deployment, "results/demo2/demo2.vcf.gz", "--dry-run")
    assert "Nothing to be done" in again.stdout + again.stderr

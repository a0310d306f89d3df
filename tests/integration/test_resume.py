"""A run killed during alignment resumes with --rerun-incomplete and redoes only unfinished jobs."""

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from helpers import ROOT, SNAKEMAKE, demo_run, snakemake

pytestmark = pytest.mark.integration

GERMLINE = ["demo1", "demo2", "demo3-normal"]
JOB = re.compile(r"^(?:local)?rule (\w+):\n(?P<body>(?:    .*\n)+)", re.MULTILINE)


def started_jobs(log: str) -> dict[str, tuple[str, str]]:
    """jobid -> (rule, wildcards) for every job a Snakemake log says it started."""
    jobs = {}
    for match in JOB.finditer(log):
        fields = dict(
            line.strip().split(": ", 1) for line in match["body"].splitlines() if ": " in line
        )
        jobs[fields["jobid"]] = (match[1], fields.get("wildcards", ""))
    return jobs


def finished_jobs(log: str) -> set[tuple[str, str]]:
    """(rule, wildcards) of every job a Snakemake log says finished."""
    started = started_jobs(log)
    return {started[jobid] for jobid in re.findall(r"Finished jobid: (\d+)", log)}


def kill_during_alignment(workdir: Path, configfile: Path, targets: list[str]) -> str:
    """Start the pipeline for `targets`, SIGKILL it and its jobs once an alignment job runs;
    return its log."""
    command = [
        str(SNAKEMAKE), "--snakefile", str(ROOT / "workflow/Snakefile"),
        "--directory", str(workdir), "--configfile", str(configfile), "--cores", "2", *targets,
    ]  # fmt: skip
    env = {**os.environ, "PATH": f"{SNAKEMAKE.parent}{os.pathsep}{os.environ['PATH']}"}
    log = workdir / "killed.log"
    with open(log, "w") as stderr:
        process = subprocess.Popen(
            command, cwd=workdir, env=env, stderr=stderr, stdout=stderr, start_new_session=True
        )
        deadline = time.monotonic() + 120
        while not list((workdir / "logs").glob("align_bwa/*.log")):
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.02)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    return log.read_text()


def records(vcf: Path) -> list[str]:
    """The VCF's records without its header."""
    result = subprocess.run(["bcftools", "view", "-H", str(vcf)], capture_output=True, text=True)
    return result.stdout.splitlines()


def test_killed_run_resumes_and_redoes_only_unfinished_jobs(
    demo_results: Path, tmp_path: Path
) -> None:
    # Only the germline calls the test compares: resuming is about the run's jobs, which the
    # tumour, RNA, copy number and report steps would only make longer.
    targets = [f"results/{sample}/{sample}.vcf.gz" for sample in GERMLINE]
    configfile = demo_run(tmp_path)
    killed = kill_during_alignment(tmp_path, configfile, targets)
    finished = finished_jobs(killed)
    assert ("bwa_index", "") in finished
    assert not [target for target in targets if (tmp_path / target).exists()]

    # A killed Snakemake leaves its lock behind: the documented recovery is unlock, then rerun.
    snakemake(tmp_path, configfile, "--unlock")
    resumed = snakemake(tmp_path, configfile, "--rerun-incomplete", *targets)
    rerun = set(started_jobs(resumed.stderr).values())
    assert any(rule == "align_bwa" for rule, _ in rerun)
    assert finished & rerun == set()

    for vcf in targets:
        assert records(tmp_path / vcf) == records(demo_results / vcf)

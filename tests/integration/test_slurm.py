"""The demo through a real one-node SLURM cluster (tests/slurm/cluster.sh), not a mock.

Every non-local job must be a SLURM job, the calls must equal a local run's, and nothing the
scheduler shows to other users of the cluster (job names, comments, submit lines, log paths,
`scontrol show job`, slurmctld's log) nor the command lines of the jobs' processes may carry a
sample or patient id.

Opt-in with TAILORSEQ_SLURM=1 (CI sets it): it installs Debian's munge, slurm-wlm, slurmdbd
and mariadb-server with apt when missing, and starts their daemons (needs root).
"""

import json
import os
import re
import stat
import subprocess
import threading
import time
from pathlib import Path

import pytest

from helpers import ROOT, demo_dir, demo_run, snakemake

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        os.environ.get("TAILORSEQ_SLURM") != "1",
        reason="set TAILORSEQ_SLURM=1 to run the SLURM tests: they install munge, slurm-wlm,"
        " slurmdbd and mariadb-server with apt and start their daemons (root only)",
    ),
    pytest.mark.skipif(
        os.geteuid() != 0, reason="the SLURM tests start system daemons: run them as root"
    ),
]

CLUSTER = ROOT / "tests" / "slurm" / "cluster.sh"
PROFILE = ROOT / "config" / "profiles" / "slurm"
GERMLINE = ["demo1", "demo2", "demo3-normal"]
SAMPLES = [*GERMLINE, "demo3-tumor"]
PATIENTS = ["patient1", "patient2", "patient3"]
IDENTIFIERS = re.compile("|".join(re.escape(name) for name in [*SAMPLES, *PATIENTS]))
# Snakemake polls SLURM quickly here; a site keeps the plugin's defaults.
FAST_POLLING = [
    "--slurm-init-seconds-before-status-checks",
    "1",
    "--seconds-between-status-checks",
    "2",
]


def run(*command: str, check: bool = True) -> str:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if check and result.returncode != 0:
        raise AssertionError(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


@pytest.fixture(scope="module")
def cluster(request):
    """A one-node SLURM cluster on this machine; stopped at the end if this fixture started it."""
    demo_dir()
    was_up = subprocess.run([str(CLUSTER), "is-up"], capture_output=True).returncode == 0
    began = time.monotonic()
    run(str(CLUSTER), "start")
    report(request, f"SLURM cluster up in {time.monotonic() - began:.1f} s")
    yield
    if not was_up:
        run(str(CLUSTER), "stop")


def report(request, line: str) -> None:
    """A line in pytest's terminal output (measurements CI should show)."""
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line(f"test_slurm: {line}")


class SchedulerWatch:
    """Samples what any user of the cluster can see while the run goes on."""

    COMMANDS = (
        ("squeue", "-h", "-o", "%i|%j|%k|%o|%Z"),
        ("scontrol", "show", "job", "-o"),
    )

    def __init__(self) -> None:
        self.seen: dict[str, set[str]] = {"squeue": set(), "scontrol": set()}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            for command in self.COMMANDS:
                lines = run(*command, check=False).splitlines()
                self.seen[command[0]].update(line for line in lines if line.strip())
            self._stop.wait(0.5)

    def __enter__(self) -> "SchedulerWatch":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def slurmctld_log() -> Path:
    config = run("scontrol", "show", "config")
    match = re.search(r"^SlurmctldLogFile\s*=\s*(\S+)", config, re.MULTILINE)
    assert match, "slurmctld has no log file configured"
    return Path(match.group(1))


@pytest.fixture(scope="module")
def slurm_run(cluster, request, tmp_path_factory) -> dict:
    """The demo's germline samples through `snakemake --executor slurm --profile
    config/profiles/slurm`."""
    workdir = tmp_path_factory.mktemp("slurm")
    assert not IDENTIFIERS.search(str(workdir))
    log = slurmctld_log()
    offset = log.stat().st_size
    began = time.monotonic()
    with SchedulerWatch() as watch:
        result = snakemake(
            workdir,
            # tumour copy number and SVs off: two more local-CPU steps, nothing new for SLURM
            demo_run(workdir, cnv={"enabled": False}, sv={"enabled": False}),
            # the germline samples' calls and PGx: alignment, grouped calling chunks and the
            # per-sample groups, all through SLURM; the tumour pair adds no new kind of job
            # for the scheduler (somatic grouping is the same mechanism) and half the CPU
            *(f"results/{s}/{s}.{kind}" for s in GERMLINE for kind in ("vcf.gz", "pgx.json")),
            "--executor",
            "slurm",
            "--profile",
            str(PROFILE),
            # one CPU per job, so that this small machine runs two jobs at a time
            "--max-threads",
            "1",
            *FAST_POLLING,
            "--slurm-keep-successful-logs",
            # the jobs log the job step's command (tests its command line, see job_commands)
            "--verbose",
        )
    wall = time.monotonic() - began
    with log.open(errors="replace") as handle:
        handle.seek(offset)
        controller_log = handle.read()
    output = result.stderr + result.stdout
    run_id = re.search(r"SLURM run ID: (\S+)", output).group(1)
    submitted = dict(
        (int(jobid), Path(path))
        for jobid, path in re.findall(
            r"has been submitted with SLURM jobid (\d+) \(log: (\S+)\)\.", output
        )
    )
    accounting = []
    for line in run(
        "sacct", "-X", "-n", "-P", "--name", run_id, "-S", "now-1days",
        "-o", "JobID,JobName,State,Comment,WorkDir,SubmitLine",
    ).splitlines():  # fmt: skip
        jobid, name, state, comment, workdir_, submit_line = line.split("|", 5)
        accounting.append(
            {
                "jobid": int(jobid),
                "name": name,
                "state": state,
                "comment": comment,
                "workdir": workdir_,
                "submit_line": submit_line,
            }
        )
    summary = {
        "wall_s": round(wall, 1),
        "submissions": len(submitted),
        "jobs": len(re.findall(r"^Finished jobid: \d+", output, re.MULTILINE)),
    }
    (workdir / "slurm_summary.json").write_text(json.dumps(summary, indent=2))
    report(
        request,
        f"demo through SLURM: {summary['submissions']} submissions for {summary['jobs']} jobs,"
        f" {summary['wall_s']} s wall",
    )
    return {
        "workdir": workdir,
        "output": output,
        "run_id": run_id,
        "submitted": submitted,
        "accounting": accounting,
        "controller_log": controller_log,
        "watch": watch.seen,
        "commands": {jobid: job_commands(jobid, path) for jobid, path in submitted.items()},
    }


STEP_SCRIPT = "The script for this job is:"


def job_commands(jobid: int, log_path: Path) -> list[str]:
    """The snakemake command lines a SLURM job ran, as `ps` showed them on the node: the batch
    script's (stored by SLURM's accounting, AccountingStoreFlags=job_script in
    tests/slurm/cluster.sh) and the job step's (the jobstep executor runs it through `srun sh -s`
    and logs it, with --verbose, in the job's SLURM log)."""
    batch = run("sacct", "-B", "-j", str(jobid)).splitlines()
    lines = [line for line in batch if "-m snakemake" in line]
    log = iter(log_path.read_text().splitlines())
    return lines + [next(log).strip() for line in log if line.rstrip().endswith(STEP_SCRIPT)]


def finished_rules(output: str) -> set[str]:
    return set(re.findall(r"^Finished jobid: \d+ \(Rule: (\w+)\)", output, re.MULTILINE))


def local_rules(output: str) -> set[str]:
    return set(re.findall(r"^localrule (\w+):", output, re.MULTILINE))


def rules_of(log_path: Path) -> tuple[str, set[str]]:
    """The comment the executor plugin gives a job (from its log path), and the rules that ran in
    it (from the SLURM log itself, kept with --slurm-keep-successful-logs):
    slurm_logs/rule_<rule>/<wildcards>/<id>.log has comment rule_<rule>_wildcards_<wildcards>,
    slurm_logs/group_<group>_<rules>/<id>.log has comment rule_<group>_<rules>."""
    parts = log_path.parts
    top = parts[parts.index("slurm_logs") + 1]
    if top.startswith("rule_"):
        wildcards = log_path.parent.name if log_path.parent.name != top else ""
        comment = f"{top}_wildcards_{wildcards}" if wildcards else top
    else:
        comment = "rule_" + top.removeprefix("group_")
    ran = re.findall(r"^\s*(?:local)?rule (\w+):", log_path.read_text(), re.MULTILINE)
    return comment, set(ran)


def test_every_non_local_job_was_a_slurm_job(slurm_run: dict) -> None:
    output, accounting = slurm_run["output"], slurm_run["accounting"]
    submitted = slurm_run["submitted"]
    assert submitted, "nothing was submitted to SLURM"
    # the scheduler's accounting knows exactly the jobs Snakemake submitted, all completed
    assert {job["jobid"] for job in accounting} == set(submitted)
    assert {job["state"] for job in accounting} == {"COMPLETED"}
    # every rule that ran outside of `localrules` ran in a SLURM job of this run
    remote = finished_rules(output) - local_rules(output) - {"all"}
    comments = {job["jobid"]: job["comment"] for job in accounting}
    in_slurm: set[str] = set()
    for jobid, log_path in submitted.items():
        comment, rules = rules_of(log_path)
        assert comments[jobid] == comment, (jobid, log_path)
        in_slurm |= rules
    assert remote <= in_slurm, f"rules not run through SLURM: {sorted(remote - in_slurm)}"
    assert in_slurm <= finished_rules(output)
    # and slurmctld itself accepted and allocated each one
    log = slurm_run["controller_log"]
    for jobid in submitted:
        assert re.search(rf"_slurm_rpc_submit_batch_job: JobId={jobid}\b", log), jobid
        # started by the main scheduler or by backfill
        assert re.search(rf"(Allocate|Started) JobId={jobid}\b", log), jobid
    # the profile's groups were used: fewer submissions than remote jobs
    assert any(path.parent.name.startswith("group_") for path in submitted.values())


def test_calls_equal_the_local_run(slurm_run: dict, demo_results: Path) -> None:
    for sample in GERMLINE:
        vcfs = [
            root / "results" / sample / f"{sample}.vcf.gz"
            for root in (demo_results, slurm_run["workdir"])
        ]
        local, remote = (run("bcftools", "view", "-H", str(vcf)) for vcf in vcfs)
        assert local.count("\n") > 100
        assert remote == local, sample


def test_scheduler_shows_no_sample_or_patient_id(slurm_run: dict) -> None:
    views = {
        "sacct": "\n".join(
            "|".join(str(value) for value in job.values()) for job in slurm_run["accounting"]
        ),
        "slurmctld log": slurm_run["controller_log"],
        "SLURM log paths": "\n".join(str(path) for path in slurm_run["submitted"].values()),
        "squeue": "\n".join(slurm_run["watch"]["squeue"]),
        "scontrol show job": "\n".join(slurm_run["watch"]["scontrol"]),
    }
    # the views were really captured while jobs ran, not empty
    assert slurm_run["watch"]["scontrol"], "no job seen with scontrol during the run"
    assert all(job["comment"].startswith("rule_") for job in slurm_run["accounting"])
    # what the plugin writes: run uuid as job name, rule (or group) and wildcards as comment;
    # where wildcards show, they are pseudonyms (s + 10 hex) and unit ids only
    for job in slurm_run["accounting"]:
        _, _, wildcards = job["comment"].partition("_wildcards_")
        assert re.fullmatch(r"[\w.=,/-]*", wildcards), job["comment"]
    for view, text in views.items():
        leaks = sorted(set(IDENTIFIERS.findall(text)))
        assert not leaks, f"{view} shows {leaks}"
    # the kept SLURM logs' own paths (the files are inside the group-only workdir)
    logdir = slurm_run["workdir"] / ".snakemake" / "slurm_logs"
    for path in logdir.rglob("*"):
        assert not IDENTIFIERS.search(str(path.relative_to(logdir))), path


def test_job_command_lines_show_no_sample_id(slurm_run: dict) -> None:
    """What `ps` shows of every job: its snakemake command lines (the batch script's and the
    job step's) target pseudonymous jobs and files only. Remote jobs never take a file the user
    named (FASTQ, BAM, per-sample BED, outside calls: staged by local rules) nor a published
    results/ path (publishing rules are local)."""
    commands = slurm_run["commands"]
    for jobid, lines in commands.items():
        # one batch script, then one job step per job of the (group) job
        assert len(lines) >= 2, f"job {jobid}: batch and step commands not both found: {lines}"
        assert all("--target-jobs" in line for line in lines), lines
    leaking = [line for lines in commands.values() for line in lines if IDENTIFIERS.search(line)]
    assert not leaking, "a job's command line shows an id:\n" + "\n".join(leaking[:3])
    assert not any("results/" in line for lines in commands.values() for line in lines)


def test_outputs_have_no_world_permissions(slurm_run: dict) -> None:
    workdir = slurm_run["workdir"]
    checked = 0
    for top in ("results", "logs", "cache", "work", "benchmarks", ".snakemake/slurm_logs"):
        for folder, dirs, files in os.walk(workdir / top):
            for name in [".", *dirs, *files]:
                path = Path(folder) / name
                mode = path.lstat().st_mode
                if stat.S_ISLNK(mode):
                    continue
                assert not mode & 0o007, f"{path} is world-accessible ({stat.filemode(mode)})"
                checked += 1
    assert checked > 50


def test_submissions_are_grouped(slurm_run: dict) -> None:
    """Tiny jobs ride in group jobs: fewer submissions than jobs that ran outside."""
    output = slurm_run["output"]
    local = len(re.findall(r"^localrule \w+:", output, re.MULTILINE))
    remote_jobs = len(re.findall(r"^Finished jobid: \d+", output, re.MULTILINE)) - local - 1
    assert len(slurm_run["submitted"]) < remote_jobs

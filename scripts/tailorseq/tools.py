"""Command-line tools on PATH: find them, read their versions, compare with the minimums."""

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tailorseq.errors import InputError
from tailorseq.files import file_stamp, path_key, write_atomic

TIMEOUT_SECONDS = 30
_HOW_TO_INSTALL = "apt-get install {package} on Debian/Ubuntu, or run with --sdm conda"


@dataclass(frozen=True)
class ToolSpec:
    """How to ask a tool for its version, and the oldest version the pipeline works with."""

    minimum: str
    args: tuple[str, ...]
    pattern: str
    package: str
    fix: str = ""  # how to install it, when not `apt-get install <package>`


# bwa has no --version: its usage text (no arguments, exit 1) says "Version: 0.7.17-r1188".
TOOLS: dict[str, ToolSpec] = {
    "bwa": ToolSpec("0.7.17", (), r"Version:\s*(\d[\w.-]*)", "bwa"),
    "samtools": ToolSpec("1.16", ("--version",), r"samtools (\d[\w.-]*)", "samtools"),
    "bcftools": ToolSpec("1.16", ("--version",), r"bcftools (\d[\w.-]*)", "bcftools"),
    "tabix": ToolSpec("1.16", ("--version",), r"tabix \(htslib\) (\d[\w.-]*)", "tabix"),
    "bgzip": ToolSpec("1.16", ("--version",), r"bgzip \(htslib\) (\d[\w.-]*)", "tabix"),
    "fastp": ToolSpec("0.23", ("--version",), r"fastp (\d[\w.-]*)", "fastp"),
    "minimap2": ToolSpec("2.24", ("--version",), r"^(\d[\w.-]*)", "minimap2"),
    "freebayes": ToolSpec("1.3.6", ("--version",), r"version:\s*v?(\d[\w.-]*)", "freebayes"),
    "mosdepth": ToolSpec("0.3.3", ("--version",), r"mosdepth (\d[\w.-]*)", "mosdepth"),
    # delly prints "Delly version: v1.1.6" (and its usage) when run with --version.
    "delly": ToolSpec("1.1.6", ("--version",), r"Delly version: v?(\d[\w.-]*)", "delly"),
    # CNVkit from PyPI (Debian's 0.9.9 is older than the version tested, 0.9.14).
    "cnvkit.py": ToolSpec(
        "0.9.14",
        ("version",),
        r"^(\d[\w.-]*)",
        "cnvkit",
        "pip install cnvkit==0.9.14 (make setup), or run with --sdm conda",
    ),
    # WhatsHap from PyPI (read-backed phase of the PGx positions and of two P/LP variants in a
    # recessive gene); `--version` prints "2.8".
    "whatshap": ToolSpec(
        "2.8",
        ("--version",),
        r"^(\d[\w.-]*)",
        "whatshap",
        "pip install whatshap==2.8 (make setup), or run with --sdm conda",
    ),
    # Aldy from PyPI (CYP2D6 structural alleles, pgx.cyp2d6_caller: aldy); not installed by
    # make setup: its licence (IURTC) is non-commercial research only.
    # Aldy has no --version: `aldy help` prints its banner, "Aldy v4.8.3 (Python ...)".
    "aldy": ToolSpec(
        "4.8.3",
        ("help",),
        r"Aldy v(\d[\w.-]*)",
        "aldy",
        "pip install aldy==4.8.3 (read its licence first), or run with --sdm conda",
    ),
    # Tumour RNA: transcriptome from the genome and gene models, quantification.
    "gffread": ToolSpec("0.12.7", ("--version",), r"^(\d[\w.-]*)", "gffread"),
    "salmon": ToolSpec("1.10.1", ("--version",), r"salmon (\d[\w.-]*)", "salmon"),
}
COMMON_TOOLS = ("samtools", "bcftools", "tabix", "bgzip", "fastp", "mosdepth")


@dataclass(frozen=True)
class ToolVersion:
    """A tool found on PATH and the version it reports."""

    name: str
    path: str
    version: str


def required_tools(config: dict[str, Any], with_rna: bool = False) -> list[str]:
    """The tools a run needs: the configured aligner and caller plus the common ones, and
    the RNA tools when the sheet has tumour RNA (minimap2 aligns RNA whatever the aligner);
    WhatsHap where PGx phases from the reads, and for the findings (a gene annotation: the
    findings_phase rule phases the recessive genes' calls); Aldy where it calls CYP2D6."""
    wanted = [config["aligner"], *COMMON_TOOLS, config["caller"]]
    if with_rna and config.get("rna", {}).get("enabled"):
        wanted += ["gffread", "salmon", "minimap2"]
    if config.get("cnv", {}).get("enabled"):
        wanted.append("cnvkit.py")
    if config.get("sv", {}).get("enabled"):
        wanted.append("delly")
    pgx = config.get("pgx", {})
    reference = config.get("reference", {})
    if pgx_runs(pgx, reference.get("build", "")) and pgx.get("phase_from_reads"):
        wanted.append("whatshap")
    if reference.get("gff3"):
        wanted.append("whatshap")
    if pgx_runs(pgx, reference.get("build", "")) and aldy_runs(pgx, reference.get("build", "")):
        wanted.append("aldy")
    return list(dict.fromkeys(wanted))


def aldy_runs(pgx: dict, build: str) -> bool:
    """True when Aldy is configured for CYP2D6 and supports the build (elsewhere the rule
    records why CYP2D6 is not called, without Aldy)."""
    from tailorseq.pgx.cyp2d6 import BUILDS

    return pgx.get("cyp2d6_caller") == "aldy" and build in BUILDS


def pgx_runs(pgx: dict, build: str) -> bool:
    """True when the PGx step runs: definitions given, and a PharmCAT release only on GRCh38
    (PharmCAT publishes GRCh38 definitions only)."""
    from tailorseq.pgx.releases import is_release

    definitions = pgx.get("definitions") or ""
    return bool(definitions) and (not is_release(definitions) or build == "GRCh38")


def version_tuple(version: str) -> tuple[int, ...]:
    """The leading numbers of a version: '0.7.17-r1188' -> (0, 7, 17), '2.24-r1122' -> (2, 24)."""
    match = re.match(r"\d+(?:\.\d+)*", version)
    return tuple(int(part) for part in match.group().split(".")) if match else ()


def is_older(version: str, minimum: str) -> bool:
    """True when `version` is older than `minimum` (missing parts count as 0)."""
    found, needed = version_tuple(version), version_tuple(minimum)
    width = max(len(found), len(needed))
    return found + (0,) * (width - len(found)) < needed + (0,) * (width - len(needed))


def find_tool(name: str, known: dict[str, dict] | None = None) -> ToolVersion:
    """Locate `name` on PATH and read its version; InputError if missing, unreadable or too old.

    `known` (load_versions) holds versions read before: one is reused while the executable
    file it was read from is unchanged, and a version read now is added to it.
    """
    spec = TOOLS[name]
    fix = spec.fix or _HOW_TO_INSTALL.format(package=spec.package)
    path = shutil.which(name)
    if path is None:
        raise InputError("PATH", f"tool '{name}' was not found", fix)
    version = _version(path, spec, {} if known is None else known)
    if version is None:
        raise InputError(path, f"could not read the version of '{name}'", fix)
    if is_older(version, spec.minimum):
        problem = f"{name} {version} is older than the minimum {spec.minimum}"
        raise InputError(path, problem, f"install a newer one: {fix}")
    return ToolVersion(name, path, version)


def parse_version(text: str, pattern: str) -> str | None:
    """The version `pattern`'s first group finds in a tool's output (lines matched one by one
    with ^ and $), or None."""
    match = re.search(pattern, text, re.MULTILINE)
    return match.group(1) if match else None


def reported_version(command: list[str], pattern: str) -> str | None:
    """The version a command prints (stdout or stderr), or None if it prints none or cannot
    run; the one home of running a tool for its version (preflight and tailorseq.versions)."""
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            errors="replace",
            stdin=subprocess.DEVNULL,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return parse_version(done.stdout + done.stderr, pattern)


def check_tools(
    names: list[str], known: dict[str, dict] | None = None
) -> tuple[list[ToolVersion], list[InputError]]:
    """Every tool's version, and the problems of those missing or too old (`known`: find_tool)."""
    found, problems = [], []
    for name in names:
        try:
            found.append(find_tool(name, known))
        except InputError as problem:
            problems.append(problem)
    return found, problems


# Versions read from the tools on PATH, kept in cache_dir: a Python tool starts in seconds
# (cnvkit.py's `version` took 2.5 CPU s, most of a 1,000-sample dry run's checks), and an
# installed executable does not change its version without its file changing.
VERSION_CACHE = "tool_versions.json"


def _version(path: str, spec: ToolSpec, known: dict[str, dict]) -> str | None:
    """The version of the executable at `path`: `known`'s while the file (symbolic links
    followed) and the way of asking are unchanged, else asked now and added to `known`."""
    executable = Path(path).resolve()
    key, stamp = path_key(executable), file_stamp(executable)
    probe = [*spec.args, spec.pattern]
    entry = known.get(key)
    if entry and entry.get("stamp") == stamp and entry.get("probe") == probe:
        return entry["version"]
    version = reported_version([path, *spec.args], spec.pattern)
    if version is not None:
        known[key] = {"stamp": stamp, "probe": probe, "version": version}
    return version


def load_versions(path: Path) -> dict[str, dict]:
    """Versions kept by an earlier run (save_versions); none when missing or unreadable."""
    try:
        entries = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return entries if isinstance(entries, dict) else {}


def save_versions(path: Path, known: dict[str, dict]) -> None:
    """Keep the versions for the next run, owner and group only (OSError when it cannot)."""
    path.parent.mkdir(mode=0o750, parents=True, exist_ok=True)
    write_atomic(path, json.dumps(known, sort_keys=True), mode=0o640)


def run_logged(*args: str | Path, env: dict[str, str] | None = None) -> None:
    """Run a tool with the command line and everything it prints in the rule's log (the
    current `sys.stderr`, which `tailorseq.files.stderr_to` points at the log); `env` adds to
    the environment."""
    command = [str(arg) for arg in args]
    print("+", " ".join(command), file=sys.stderr, flush=True)
    environment = {**os.environ, **env} if env else None
    subprocess.run(command, check=True, stdout=sys.stderr, stderr=sys.stderr, env=environment)

"""Provenance of a run: what ran, on what, with which knowledge, and checksums of it all."""

import hashlib
import json
import subprocess
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import tailorseq
from tailorseq.files import sha256
from tailorseq.versions import environments


def config_hash(config: dict[str, Any]) -> str:
    """A stable sha256 of the config: keys sorted, so key order does not matter."""
    return hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest()


def git_commit(repository: Path) -> str | None:
    """The pipeline's git commit, with `-dirty` when the checkout has changes; None outside git."""
    try:
        commit = subprocess.run(
            ["git", "-C", str(repository), "describe", "--always", "--dirty", "--abbrev=40"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return None
    return commit or None


def snakemake_version() -> str | None:
    """The installed Snakemake's version (the workflow passes the running one instead)."""
    try:
        return metadata.version("snakemake")
    except metadata.PackageNotFoundError:
        return None


def checksums(paths: list[Path]) -> dict[str, str]:
    """sha256 of each existing file (folders are walked), by path as given."""
    sums = {}
    for path in paths:
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            sums[str(file)] = sha256(file)
    return sums


def manifest(
    *,
    config: dict[str, Any],
    repository: Path,
    versions: list[dict[str, Any]],
    rules: dict[str, str],
    snakemake: str | None,
    knowledge: dict[str, Any],
    inputs: list[Path],
    outputs: list[Path],
    started: datetime,
) -> dict[str, Any]:
    """The provenance manifest of a finished run: `versions` are the run's versions records
    (tailorseq.versions, one per env, probed from inside it), `rules` each rule's env."""
    return {
        "pipeline": {"name": "tailorseq", "version": tailorseq.__version__,
                     "commit": git_commit(repository)},
        "started": started.isoformat(),
        "finished": datetime.now(UTC).isoformat(),
        "snakemake": snakemake,
        "rules": dict(sorted(rules.items())),
        "environments": environments(versions),
        "knowledge": knowledge,
        "config": config,
        "config_sha256": config_hash(config),
        "inputs": checksums(inputs),
        "outputs": checksums(outputs),
    }  # fmt: skip

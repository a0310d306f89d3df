"""The reference cache: where a reference's prepared FASTA and indexes live, and checksums that
catch a damaged cached file before a run uses it.

Each rule that builds cache files records a manifest, `<cache>/checksums/<rule>.json`, with every
file's size, modification time and sha256. At the start of a run `verify_cache` compares sizes
(always: one stat per file) and re-hashes a file only when its size or time changed (about 0.5 s
per GB). The files of a manifest with a mismatch are removed, so Snakemake rebuilds them.
"""

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tailorseq.files import sha256, write_atomic
from tailorseq.reference import is_url

MANIFESTS = "checksums"


def reference_id(config: dict[str, Any], workdir: Path) -> str:
    """`<build>-<hash of the FASTA's location>`: one cache folder per build and source."""
    source = config["reference"]["fasta"]
    key = source if is_url(source) else str((workdir / source).resolve())
    return f"{config['reference']['build']}-{hashlib.sha1(key.encode()).hexdigest()[:8]}"


def reference_dir(config: dict[str, Any], workdir: Path) -> Path:
    """The cache folder of the run's reference (relative paths are under `workdir`)."""
    return workdir / config["cache_dir"] / "reference" / reference_id(config, workdir)


def manifest_path(folder: Path, name: str) -> Path:
    """Where the manifest called `name` (the rule that built the files) lives."""
    return folder / MANIFESTS / f"{name}.json"


def _fingerprint(path: Path) -> dict[str, int]:
    """What a cheap check compares: size and modification time."""
    info = path.stat()
    return {"size": info.st_size, "mtime_ns": info.st_mtime_ns}


def record_checksums(files: list[Path], name: str) -> Path:
    """Write the manifest of freshly built `files` (all in one cache folder) as `name`."""
    folder = files[0].parent
    entries = {path.name: {**_fingerprint(path), "sha256": sha256(path)} for path in files}
    return _write_manifest(manifest_path(folder, name), entries)


def _write_manifest(path: Path, entries: dict[str, dict[str, Any]]) -> Path:
    """Write a manifest in one rename, owner and group only."""
    path.parent.mkdir(mode=0o750, exist_ok=True)
    write_atomic(path, json.dumps(entries, indent=1, sort_keys=True), mode=0o640)
    return path


@dataclass(frozen=True)
class Damage:
    """A cached file that no longer matches its recorded checksum."""

    path: Path
    why: str


def _damage(path: Path, entry: dict[str, Any]) -> Damage | None:
    """How `path` differs from its manifest entry; None if it matches (or is absent)."""
    if not path.exists():
        return None  # Snakemake rebuilds a missing output by itself
    now = _fingerprint(path)
    if now["size"] != entry["size"]:
        return Damage(path, f"size {now['size']:,} bytes, {entry['size']:,} when built")
    if now["mtime_ns"] != entry["mtime_ns"] and sha256(path) != entry["sha256"]:
        return Damage(path, "content changed since it was built (sha256 differs)")
    return None


def verify_manifest(manifest: Path) -> list[Damage]:
    """The damaged files of one manifest; unchanged content with a new time is re-recorded."""
    entries = json.loads(manifest.read_text())
    damaged = [
        found
        for name, entry in entries.items()
        if (found := _damage(manifest.parent.parent / name, entry))
    ]
    if not damaged:
        _refresh_times(manifest, entries)
    return damaged


def _refresh_times(manifest: Path, entries: dict[str, dict[str, Any]]) -> None:
    """Record new modification times of files whose content was verified unchanged."""
    folder = manifest.parent.parent
    updated = {
        name: {**entry, **_fingerprint(folder / name)} if (folder / name).exists() else entry
        for name, entry in entries.items()
    }
    if updated != entries:
        _write_manifest(manifest, updated)


def verify_cache(folder: Path) -> list[str]:
    """Check every manifest in a cache folder; remove what a damaged manifest lists.

    Returns one message per removed set of files (empty when all is well or nothing is cached).
    """
    messages = []
    for manifest in sorted((folder / MANIFESTS).glob("*.json")):
        damaged = verify_manifest(manifest)
        if damaged:
            messages.append(_remove_built_files(manifest, damaged))
    return messages


def _remove_built_files(manifest: Path, damaged: list[Damage]) -> str:
    """Remove every file a manifest lists, and the manifest; say what and why."""
    names = list(json.loads(manifest.read_text()))
    for name in names:
        (manifest.parent.parent / name).unlink(missing_ok=True)
    manifest.unlink()
    reasons = "; ".join(f"{d.path} has {d.why}" for d in damaged)
    return (
        f"damaged reference cache file: {reasons}. Removed the files built with it "
        f"({', '.join(names)}) so that this run rebuilds them"
    )

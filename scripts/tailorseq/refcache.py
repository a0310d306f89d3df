"""The reference cache: where a reference's prepared FASTA and indexes live, and checksums that
catch a damaged cached file before a run uses it.

Each rule that builds cache files records a manifest, `<cache>/checksums/<rule>.json`, with every
file's size, times, inode and sha256. At the start of a run `verify_cache` compares sizes
(always: one stat per file) and re-hashes a file only when its size, a time or its inode
changed (about 0.5 s per GB). The files of a manifest with a mismatch are removed, so Snakemake
rebuilds them.

The files outside the cache that a rule's files were built from (the lab's reference FASTA) are
recorded the same way, in `<cache>/checksums/sources/<rule>.json`, and identified by their
content: the rule takes them as `ancient` inputs, so a copy re-synced with new times rebuilds
nothing (Snakemake would otherwise redo the cache and every alignment after it), while changed
content, even under the old time (`cp -p`, `rsync -a`), removes the built files.
"""

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tailorseq.files import file_stamp, sha256, stamp_unchanged, write_atomic
from tailorseq.reference import is_url

MANIFESTS = "checksums"
SOURCES = "sources"


def reference_id(config: dict[str, Any], workdir: Path) -> str:
    """`<build>-<hash of the FASTA's location>`: one cache folder per build and source."""
    source = config["reference"]["fasta"]
    key = source if is_url(source) else str((workdir / source).resolve())
    return f"{config['reference']['build']}-{hashlib.sha1(key.encode()).hexdigest()[:8]}"


def reference_dir(config: dict[str, Any], workdir: Path) -> Path:
    """The cache folder of the run's reference (relative paths are under `workdir`)."""
    return workdir / config["cache_dir"] / "reference" / reference_id(config, workdir)


def reference_sources(config: dict[str, Any], workdir: Path) -> dict[str, list[Path]]:
    """The files outside the cache that its files are built from, per manifest: a local
    reference FASTA (rule prepare_reference). A URL's downloaded copy is not one: the download
    rule rewrites it only when the download changed, and its time then rebuilds the cache."""
    source = config["reference"]["fasta"]
    return {} if is_url(source) else {"prepare_reference": [workdir / source]}


def manifest_path(folder: Path, name: str) -> Path:
    """Where the manifest called `name` (the rule that built the files) lives."""
    return folder / MANIFESTS / f"{name}.json"


def sources_path(folder: Path, name: str) -> Path:
    """Where the record of the files outside the cache that `name` built from lives."""
    return folder / MANIFESTS / SOURCES / f"{name}.json"


def record_checksums(files: list[Path], name: str) -> Path:
    """Write the manifest of freshly built `files` (all in one cache folder) as `name`."""
    folder = files[0].parent
    entries = {path.name: _entry(path) for path in files}
    return _write_manifest(manifest_path(folder, name), entries)


def record_sources(folder: Path, name: str, sources: list[Path]) -> Path:
    """Record the files outside `folder` that the files of manifest `name` were built from
    (keyed by absolute path, so that the checks below find them wherever the run is)."""
    entries = {str(path.resolve()): _entry(path) for path in sources}
    return _write_manifest(sources_path(folder, name), entries)


def _entry(path: Path) -> dict[str, Any]:
    """A file's manifest entry: its stamp and sha256."""
    return {**file_stamp(path), "sha256": sha256(path)}


def _write_manifest(path: Path, entries: dict[str, dict[str, Any]]) -> Path:
    """Write a manifest in one rename, owner and group only."""
    path.parent.mkdir(mode=0o750, parents=True, exist_ok=True)
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
    now = file_stamp(path)
    if now["size"] != entry["size"]:
        return Damage(path, f"size {now['size']:,} bytes, {entry['size']:,} when recorded")
    if not stamp_unchanged(entry, now) and sha256(path) != entry["sha256"]:
        return Damage(path, "content changed since it was recorded (sha256 differs)")
    return None


def verify_manifest(manifest: Path) -> list[Damage]:
    """The damaged files of one manifest (names relative to the cache folder, or absolute
    paths); unchanged content with a new time is re-recorded."""
    entries = json.loads(manifest.read_text())
    damaged = [
        found
        for name, entry in entries.items()
        if (found := _damage(manifest.parent.parent / name, entry))
    ]
    if not damaged:
        _refresh_stamps(manifest, entries)
    return damaged


def _refresh_stamps(manifest: Path, entries: dict[str, dict[str, Any]]) -> None:
    """Record the new stamps (times, inode) of files whose content was verified unchanged."""
    folder = manifest.parent.parent
    updated = {
        name: {**entry, **file_stamp(folder / name)} if (folder / name).exists() else entry
        for name, entry in entries.items()
    }
    if updated != entries:
        _write_manifest(manifest, updated)


def verify_cache(folder: Path, sources: dict[str, list[Path]] | None = None) -> list[str]:
    """Check every manifest in a cache folder, and the files outside it that `sources` names
    per manifest; remove what a manifest lists when its files are damaged or its sources
    changed.

    Returns one message per removed set of files (empty when all is well or nothing is cached).
    """
    messages = []
    for manifest in sorted((folder / MANIFESTS).glob("*.json")):
        damaged = verify_manifest(manifest)
        if damaged:
            messages.append(_remove_built_files(manifest, damaged, "damaged reference cache file"))
            continue
        changed = _changed_sources(folder, manifest.stem, (sources or {}).get(manifest.stem, []))
        if changed:
            what = "the reference cache's source changed"
            messages.append(_remove_built_files(manifest, changed, what))
    return messages


def _changed_sources(folder: Path, name: str, sources: list[Path]) -> list[Damage]:
    """The sources of manifest `name` whose content is not what its files were built from
    (a missing source is the run's checks' to report).

    A cache built before sources were recorded trusts sources no newer than its files (what
    Snakemake's time stamps said then) and records them; a newer one counts as changed."""
    sources = [path for path in sources if path.exists()]
    if not sources:
        return []
    record = sources_path(folder, name)
    if record.exists():
        return verify_manifest(record)
    built = [folder / n for n in _listed(manifest_path(folder, name)) if (folder / n).exists()]
    if not built:
        return []
    oldest = min(path.stat().st_mtime_ns for path in built)
    newer = [Damage(p, "a newer time than the files built from it") for p in sources
             if p.stat().st_mtime_ns > oldest]  # fmt: skip
    if not newer:
        record_sources(folder, name, sources)
    return newer


def _listed(manifest: Path) -> list[str]:
    """The names of the files a manifest lists."""
    return list(json.loads(manifest.read_text()))


def _remove_built_files(manifest: Path, damaged: list[Damage], what: str) -> str:
    """Remove every file a manifest lists, the manifest and its sources' record; say what and
    why (`what`: how the damaged paths relate to the cache)."""
    names = _listed(manifest)
    for name in names:
        (manifest.parent.parent / name).unlink(missing_ok=True)
    manifest.unlink()
    sources_path(manifest.parent.parent, manifest.stem).unlink(missing_ok=True)
    reasons = "; ".join(f"{d.path} has {d.why}" for d in damaged)
    return (
        f"{what}: {reasons}. Removed the files built with it "
        f"({', '.join(names)}) so that this run rebuilds them"
    )

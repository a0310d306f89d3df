"""PharmCAT's allele definitions by release (`pgx.definitions: pharmcat:<release>`, the default).

resources/pharmcat_releases.tsv lists each release's definition files with their URL (PharmCAT's
repository at the release's commit) and sha256. `pharmcat:<release>@<base URL>` fetches the same
files, verified against the same sha256s, from a mirror folder (`<base URL><file>`): a site
without access to GitHub, or a test's local server. PharmCAT publishes GRCh38 definitions only.
"""

import csv
import os
from dataclasses import dataclass
from pathlib import Path

from tailorseq.download import fetch_url, read_record, record_file
from tailorseq.errors import InputError
from tailorseq.locations import RESOURCES

RELEASES = RESOURCES / "pharmcat_releases.tsv"
PREFIX = "pharmcat:"
DEFAULT = "pharmcat:v3.1.1-2-g5431bf11"
GRCH37_STATEMENT = (
    "PharmCAT publishes GRCh38 definitions only: no PGx on this build unless pgx.definitions "
    "names a folder of definitions for it"
)


@dataclass(frozen=True)
class DefinitionFile:
    """One definition file of a release: where it is fetched from and its sha256."""

    release: str
    build: str
    name: str
    url: str
    sha256: str

    @property
    def version(self) -> str:
        return f"PharmCAT {self.release}"


def is_release(definitions: str) -> bool:
    """True for a `pharmcat:<release>[@<base URL>]` identifier."""
    return definitions.startswith(PREFIX)


def release_files(identifier: str, build: str) -> list[DefinitionFile]:
    """The definition files of a release identifier for `build`; InputError naming the key
    and the fix for an unknown release or a build PharmCAT publishes nothing for."""
    release, _, mirror = identifier.removeprefix(PREFIX).partition("@")
    with open(RELEASES, newline="") as handle:
        rows = list(csv.DictReader((line for line in handle if not line.startswith("#")),
                                   delimiter="\t"))  # fmt: skip
    known = sorted({row["release"] for row in rows})
    if release not in known:
        raise InputError(
            "config",
            f"pgx.definitions: unknown PharmCAT release {release!r}",
            f"use one of {', '.join(PREFIX + r for r in known)} ({RELEASES.name}), or a folder",
        )
    files = [
        DefinitionFile(release, row["build"], row["file"], row["url"], row["sha256"])
        for row in rows
        if row["release"] == release and row["build"] == build
    ]
    if not files:
        raise InputError("config", f"pgx.definitions {identifier} on {build}: {GRCH37_STATEMENT}",
                         "run on GRCh38, or give a definitions folder for the build (config "
                         "pgx.definitions; for tailorseq pgx --definitions DIR or "
                         "TAILORSEQ_PGX_DEFINITIONS_<BUILD>)")  # fmt: skip
    if mirror:
        base = mirror if mirror.endswith("/") else mirror + "/"
        files = [DefinitionFile(f.release, f.build, f.name, base + f.name, f.sha256) for f in files]
    return files


def cache_dir() -> Path:
    """The standalone commands' cache: $TAILORSEQ_CACHE, else ~/.cache/tailorseq."""
    return Path(os.environ.get("TAILORSEQ_CACHE") or Path.home() / ".cache" / "tailorseq")


def resolve_definitions(definitions: str | None, build: str | None) -> tuple[Path, list]:
    """The standalone commands' definitions: a folder (`definitions`, else the environment's:
    tailorseq.pgx.panel.definitions_folder) as given, or a release (given, else the default)
    fetched once into the cache; with the download records (none for a folder)."""
    from tailorseq.pgx.panel import definition_variables, definitions_folder

    named = definitions or any(os.environ.get(v) for v in definition_variables(build))
    identifier = definitions if definitions and is_release(definitions) else None
    if not named:
        identifier = DEFAULT
    if identifier:
        return fetch_release(identifier, build or "GRCh38")
    return definitions_folder(definitions, build), []


def fetch_release(identifier: str, build: str, cache: Path | None = None) -> tuple[Path, list]:
    """Outside Snakemake: the release's definition files fetched once into the cache; their
    folder and download records."""
    cache = cache or cache_dir()
    files = release_files(identifier, build)
    folders = {fetch_url(f.url, cache, f.sha256, f.version).parent for f in files}
    records = [read_record(record_file(cache, f.url)) for f in files]
    (folder,) = folders
    return folder, records

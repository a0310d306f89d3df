"""PyPI `pypgx`'s knowledge tables (MIT), read at run time from the installed distribution.

pypgx is installed without its dependencies (`pip install --no-deps pypgx==0.27.0`), so it is
never imported: its CSV files are located through the distribution's metadata and read with
the csv module. Tables used: allele-table (function, activity value, GRCh37/GRCh38 core
variants), variant-table, gene-table (reference allele, phenotype method), diplotype-table,
equation-table (activity score -> phenotype), cpic-table (drug, guideline, CPIC level) and
recommendation-table (phenotype -> recommendation text).
"""

from __future__ import annotations

import csv
import importlib.metadata
from functools import cache
from pathlib import Path

from tailorseq.errors import InputError

DISTRIBUTION = "pypgx"
TABLES = (
    "allele-table",
    "variant-table",
    "gene-table",
    "diplotype-table",
    "equation-table",
    "phenotype-table",
    "cpic-table",
    "recommendation-table",
)


def _na(value: str | None) -> str | None:
    """pypgx writes `N/A` (and `None` in the recommendation table) for "no value"."""
    if value is None:
        return None
    value = value.strip()
    return None if value in {"", "N/A", "None"} else value


def pypgx_available() -> bool:
    try:
        importlib.metadata.distribution(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


@cache
def data_folder() -> Path:
    """The folder holding pypgx's CSV tables (`pypgx/api/data`)."""
    try:
        dist = importlib.metadata.distribution(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError as error:
        raise InputError(
            DISTRIBUTION,
            "the pypgx package (phenotype and recommendation tables) is not installed",
            "install it with `pip install --no-deps pypgx==0.27.0`, or give PharmCAT phenotype "
            "files with --phenotypes",
        ) from error
    for file in dist.files or ():
        if str(file).replace("\\", "/").endswith("api/data/allele-table.csv"):
            return Path(dist.locate_file(file)).parent
    raise InputError(DISTRIBUTION, "pypgx is installed but has no api/data/allele-table.csv", "")


@cache
def version() -> str:
    return importlib.metadata.version(DISTRIBUTION)


@cache
def table(name: str) -> tuple[dict[str, str | None], ...]:
    """One table as rows of column -> value (`N/A`/`None` read as None)."""
    path = data_folder() / f"{name}.csv"
    with path.open(newline="") as handle:
        return tuple({k: _na(v) for k, v in row.items()} for row in csv.DictReader(handle))


def source_info() -> dict:
    """What goes into an output's `knowledge` block."""
    return {"name": "pypgx", "version": version(), "tables": str(data_folder())}

"""What the PGx steps genotype and call: the PharmCAT-format allele definitions of the run's
build (minus the genes called elsewhere), plus the genes PharmCAT's definitions lack (MT-RNR1)
from pypgx's allele table."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from tailorseq.errors import InputError
from tailorseq.pgx import pypgx_tables
from tailorseq.pgx.definitions import GeneDefinition, load_definitions

#: Genes called elsewhere (copy number, hybrids): PharmCAT takes them as outside calls too.
OUTSIDE_CALL_GENES = frozenset({"CYP2D6"})
#: Genes PharmCAT's definitions lack, taken from pypgx's allele table when it is installed.
PYPGX_ONLY_GENES = ("MT-RNR1",)


@dataclass
class Panel:
    """The definitions of the genes called: PharmCAT-format ones (`definitions`) and the extra
    ones (`extra`, by default pypgx's) with where they came from (`extra_source`)."""

    definitions: dict[str, GeneDefinition]
    extra: dict[str, GeneDefinition]
    extra_source: dict | None = None

    @property
    def genes(self) -> dict[str, GeneDefinition]:
        """Every gene's definition, extra ones included."""
        return {**self.definitions, **self.extra}


def definition_variables(build: str | None) -> list[str]:
    """The environment variables naming a definitions folder, most specific first."""
    return ([f"TAILORSEQ_PGX_DEFINITIONS_{build.upper()}"] if build else []) + [
        "TAILORSEQ_PGX_DEFINITIONS"
    ]


def definitions_folder(definitions: str | None, build: str | None) -> Path:
    """`--definitions` when given, else `$TAILORSEQ_PGX_DEFINITIONS_<BUILD>` (e.g. `_GRCH38`),
    else `$TAILORSEQ_PGX_DEFINITIONS`."""
    if definitions:
        return Path(definitions)
    names = definition_variables(build)
    for name in names:
        if os.environ.get(name):
            return Path(os.environ[name])
    raise InputError(
        "--definitions",
        f"no allele definitions given for build {build or '(unspecified)'}",
        f"pass --definitions DIR or set {' or '.join(names)} to a PharmCAT definitions folder",
    )


def _pypgx_build(build: str | None, builds: set[str]) -> str | None:
    """pypgx's build name (GRCh38/GRCh37) for the run, None for any other build (the demo)."""
    names = [build] if build else sorted(b for b in builds if b)
    for name in names:
        for candidate in ("GRCh38", "GRCh37"):
            if name.upper().startswith(candidate.upper()):
                return candidate
    return None


def pypgx_extra_definitions(
    definitions: dict, build: str | None, genes: list[str] | None = None
) -> tuple[dict, dict | None]:
    """Definitions of the genes PharmCAT's lack (MT-RNR1) from pypgx's allele table, for a
    GRCh38/GRCh37 run with pypgx installed, and their source; ({}, None) otherwise."""
    builds = {d.genome_build for d in definitions.values()}
    pypgx_build = _pypgx_build(build, builds)
    wanted = [g for g in PYPGX_ONLY_GENES if g not in definitions
              and (not genes or g in {x.upper() for x in genes})]  # fmt: skip
    if not (wanted and pypgx_build and pypgx_tables.pypgx_available()):
        return {}, None
    from tailorseq.pgx.pypgx_definitions import load_pypgx_definitions

    extra = load_pypgx_definitions(wanted, pypgx_build)
    return extra, pypgx_tables.source_info() | {"genes": sorted(extra)}


def load_panel(
    definitions_dir: Path,
    build: str | None = None,
    genes: list[str] | None = None,
    extra_definitions: dict | None = None,
) -> Panel:
    """The named genes' definitions (default: all but the outside-call genes), checked against
    the build, with `extra_definitions` (default: pypgx's for the genes PharmCAT's lack)."""
    definitions = load_definitions(definitions_dir, genes)
    if not genes:
        definitions = {g: d for g, d in definitions.items() if g not in OUTSIDE_CALL_GENES}
    builds = {d.genome_build for d in definitions.values()}
    if build and not all(b.upper().startswith(build.upper()) for b in builds if b):
        raise InputError(
            str(definitions_dir),
            f"the definitions are for {', '.join(sorted(builds))}, not {build}",
            "give definitions of the VCF's build",
        )
    if extra_definitions is not None:
        return Panel(definitions, extra_definitions)
    return Panel(definitions, *pypgx_extra_definitions(definitions, build, genes))

"""The config's defaults, read from the one place they live: workflow/schemas/config.schema.yaml.

Functions and settings classes take every configurable value explicitly; a Snakemake run gets
them from the validated config (defaults filled in from the schema), and command-line use or a
test that sets only some of them completes the rest here."""

from functools import cache
from typing import Any

from tailorseq.config import fill_defaults, load_schema


@cache
def _defaults() -> dict[str, Any]:
    config: dict[str, Any] = {}
    fill_defaults(config, load_schema("config"))
    return config


def config_defaults(section: str) -> dict[str, Any]:
    """A copy of the schema defaults of one top-level config section (e.g. "somatic")."""
    return dict(_defaults()[section])

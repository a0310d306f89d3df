"""Render a report document to one self-contained HTML file with Jinja2 (autoescaped; charts
are inline SVG from `plots`, copy-number plots inline PNG; no external resource of any kind)."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from tailorseq.files import write_atomic
from tailorseq.locations import RESOURCES
from tailorseq.report import plots

TEMPLATES = RESOURCES / "templates"
TEMPLATE = "report.html.j2"
MISSING = "not available"


def show(value: Any, missing: str = MISSING) -> str:
    """A value for display: never `None` or an empty string."""
    if value is None or value == "" or value == []:
        return missing
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def percent(value: float | None) -> str:
    return MISSING if value is None else f"{100 * value:.1f}%"


def environment(templates: Path = TEMPLATES) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(templates)),
        autoescape=select_autoescape(["html", "j2"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["show"] = show
    env.filters["percent"] = percent
    return env


def png_image(png: bytes, alt: str) -> Markup:
    """An inline PNG (the report's CSP allows data: images only)."""
    data = base64.b64encode(png).decode()
    return Markup('<img src="data:image/png;base64,{}" alt="{}">').format(data, alt)


def charts(report: dict[str, Any], images: dict[str, bytes] | None = None) -> dict[str, Any]:
    """The inline charts of a report (empty strings where there is nothing to draw); `images`:
    each pair's copy-number plot (PNG) by tumour."""
    coverage = report["coverage"]
    return {
        "cnv": {
            tumour: png_image(png, f"Copy number of {tumour}")
            for tumour, png in (images or {}).items()
        },
        "coverage": Markup(plots.coverage_chart(coverage["genes"], coverage["min_depth"])),
        "pgx_depth": Markup(plots.pgx_depth_chart(coverage["pgx_positions"])),
        "vaf": {
            pair["tumor"]: Markup(plots.vaf_chart(pair["mutations"], pair.get("purity")))
            for pair in report["tumour"]["pairs"]
        },
    }


def render(
    report: dict[str, Any], templates: Path = TEMPLATES, images: dict[str, bytes] | None = None
) -> str:
    """The HTML of a report document."""
    drawn = charts(report, images)
    return environment(templates).get_template(TEMPLATE).render(r=report, charts=drawn)


def write_html(
    report: dict[str, Any],
    out: Path,
    templates: Path = TEMPLATES,
    images: dict[str, bytes] | None = None,
) -> None:
    """Write the HTML atomically."""
    write_atomic(out, render(report, templates, images))

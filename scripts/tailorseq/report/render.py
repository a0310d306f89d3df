"""Render a report document to one self-contained HTML file with Jinja2 (autoescaped; charts
are inline SVG from `plots`; no external resource of any kind)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from tailorseq.files import write_atomic
from tailorseq.report import plots

TEMPLATES = Path(__file__).resolve().parents[3] / "resources" / "templates"
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


def charts(report: dict[str, Any]) -> dict[str, Any]:
    """The inline SVG charts of a report (empty strings where there is nothing to draw)."""
    coverage = report["coverage"]
    return {
        "coverage": Markup(plots.coverage_chart(coverage["genes"], coverage["min_depth"])),
        "pgx_depth": Markup(plots.pgx_depth_chart(coverage["pgx_positions"])),
        "vaf": {
            pair["tumor"]: Markup(plots.vaf_chart(pair["mutations"], pair.get("purity")))
            for pair in report["tumour"]["pairs"]
        },
    }


def render(report: dict[str, Any], templates: Path = TEMPLATES) -> str:
    """The HTML of a report document."""
    return environment(templates).get_template(TEMPLATE).render(r=report, charts=charts(report))


def write_html(report: dict[str, Any], out: Path, templates: Path = TEMPLATES) -> None:
    """Write the HTML atomically."""
    write_atomic(out, render(report, templates))

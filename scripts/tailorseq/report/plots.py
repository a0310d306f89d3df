"""Inline SVG charts drawn by our code (no plotting library, no network)."""

from __future__ import annotations

from html import escape

WIDTH = 640
ROW = 22
LEFT = 170
RIGHT = 70


def _frame(height: int, title: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{WIDTH}" height="{height}"'
        f' viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="12">'
        f"<title>{escape(title)}</title>" + "".join(body) + "</svg>"
    )


def bar_chart(
    rows: list[tuple[str, float, bool]],
    title: str,
    unit: str,
    threshold: float | None = None,
    scale: float | None = None,
    threshold_label: str = "minimum",
) -> str:
    """Horizontal bars (label, value, ok); bars not ok are drawn in the warning colour, and a
    dashed line marks the threshold."""
    if not rows:
        return ""
    top = 24
    height = top + ROW * len(rows) + 24
    scale_max = scale or max([v for _, v, _ in rows] + [threshold or 0]) or 1.0
    span = WIDTH - LEFT - RIGHT
    body = [f'<text x="0" y="14" font-weight="bold">{escape(title)}</text>']
    for index, (label, value, ok) in enumerate(rows):
        y = top + index * ROW
        width = max(1.0, span * value / scale_max)
        colour = "#2e7d32" if ok else "#c62828"
        body.append(f'<text x="{LEFT - 6}" y="{y + 15}" text-anchor="end">{escape(label)}</text>')
        body.append(
            f'<rect x="{LEFT}" y="{y + 3}" width="{width:.1f}" height="{ROW - 6}" fill="{colour}"/>'
        )
        body.append(f'<text x="{LEFT + width + 4:.1f}" y="{y + 15}">{value:g}{escape(unit)}</text>')
    if threshold is not None:
        x = LEFT + span * threshold / scale_max
        bottom = top + ROW * len(rows)
        body.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{bottom}" stroke="#333"'
            ' stroke-dasharray="4 3"/>'
        )
        body.append(
            f'<text x="{x:.1f}" y="{bottom + 16}" text-anchor="middle">'
            f"{threshold:g}{escape(unit)} {escape(threshold_label)}</text>"
        )
    return _frame(height, title, body)


def coverage_chart(genes: list[dict], min_depth: int) -> str:
    """Mean depth of each gene of interest's coding sequence, per sample."""
    rows = [(f"{g['gene']} ({g['sample']})", g["mean_depth"], g["adequate"]) for g in genes]
    return bar_chart(rows, "Mean depth over coding sequence", "x", float(min_depth))


def pgx_depth_chart(entries: list[dict]) -> str:
    """Median depth at each PGx gene's allele-defining positions."""
    rows = [
        (f"{e['gene']} ({e['sample']})", e["median_depth"], e["below_min_depth"] == 0)
        for e in entries
    ]
    threshold = float(entries[0]["min_depth"]) if entries else None
    return bar_chart(rows, "Median depth at allele-defining positions", "x", threshold)


def vaf_chart(mutations: list[dict], purity: float | None = None) -> str:
    """Variant allele fraction of each somatic call (0-100%)."""
    rows = [
        (
            f"{m.get('gene') or m['contig']} {m.get('protein_change') or m['pos']}",
            round(100 * float(m["vaf"]), 1),
            True,
        )
        for m in mutations
        if m.get("vaf") is not None
    ]
    if not rows:
        return ""
    expected = round(50.0 * purity, 1) if purity else None
    return bar_chart(
        rows,
        "Variant allele fraction",
        "%",
        expected,
        100.0,
        "expected for a clonal heterozygous change",
    )

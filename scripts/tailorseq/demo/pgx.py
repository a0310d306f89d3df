"""PharmCAT-format allele definitions on the demo's coordinates (`pgx/definitions/`).

The demo contigs stand for GRCh38 windows (`demo position = GRCh38 position - start + 1`).
Nothing is read from ../shared: when the `pypgx` package is installed its allele table (GRCh38
core variants) is translated onto the windows (positions outside every window are dropped, and
so are the alleles defined by them; genes with no position inside a window are absent), and the
GRCh38 reference bases at those positions are forced into the demo genome. Without pypgx, the
definitions come from the plan's own planted facts (`star_alleles`, `pgx_variants`). The source
used is written to `pgx/definitions/SOURCE`.
"""

from __future__ import annotations

import json
from pathlib import Path

from tailorseq.demo.genome import RefBase
from tailorseq.demo.plan import Plan


def _translator(plan: Plan):
    windows = [(c, c.chrom.removeprefix("chr")) for c in plan.contigs]

    def translate(chrom: str, pos: int) -> tuple[str, int] | None:
        bare = chrom.removeprefix("chr")
        for contig, window_chrom in windows:
            if bare == window_chrom and contig.start <= pos <= contig.end:
                return contig.name, contig.to_demo(pos)
        return None

    return translate


def _from_pypgx(plan: Plan) -> tuple[dict[str, dict], str]:
    from tailorseq.pgx import pypgx_tables
    from tailorseq.pgx.pypgx_definitions import definition_json

    translate = _translator(plan)
    result = {}
    genes = sorted({r["Gene"] for r in pypgx_tables.table("allele-table")})
    for gene in genes:
        raw = definition_json(gene, "GRCh38", translate)
        if raw["variants"] and any(not a["reference"] for a in raw["namedAlleles"]):
            raw["genomeBuild"] = "demo"
            raw["source"] = f"pypgx {pypgx_tables.version()} (GRCh38) on the demo windows"
            result[gene] = raw
    source = (
        f"pypgx {pypgx_tables.version()} allele-table, GRCh38 core variants translated onto "
        f"the demo windows of demo_plan.yaml (version {getattr(plan, 'version', '?')})"
    )
    return result, source


def _from_plan(plan: Plan) -> tuple[dict[str, dict], str]:
    by_id = {v.id: v for v in plan.pgx_variants}
    result = {}
    for gene, alleles in plan.star_alleles.items():
        contig = plan.contig(gene)
        names = plan.pharmcat_names.get(gene, {})
        ids = sorted(
            {i for members in alleles.values() for i in members}, key=lambda i: by_id[i].grch38.pos
        )
        variants = [
            {
                "chromosome": contig.name,
                "position": contig.to_demo(by_id[i].grch38.pos),
                "rsid": i,
                "ref": by_id[i].grch38.ref,
                "alts": [by_id[i].grch38.alt],
            }
            for i in ids
        ]
        named = [
            {
                "name": names.get("*1", "*1"),
                "id": f"demo:{gene}:*1",
                "reference": True,
                "alleles": [by_id[i].grch38.ref for i in ids],
            }
        ]
        for name, members in alleles.items():
            cells = [by_id[i].grch38.alt if i in members else None for i in ids]
            named.append(
                {
                    "name": names.get(name, name),
                    "id": f"demo:{gene}:{name}",
                    "reference": False,
                    "alleles": cells,
                }
            )
        result[gene] = {
            "formatVersion": 2,
            "gene": gene,
            "chromosome": contig.name,
            "genomeBuild": "demo",
            "source": "demo_plan.yaml",
            "version": str(getattr(plan, "version", "")),
            "variants": variants,
            "namedAlleles": named,
        }
    return result, f"demo_plan.yaml (version {getattr(plan, 'version', '?')}) planted star alleles"


def demo_definitions(plan: Plan, use_pypgx: bool | None = None) -> tuple[dict[str, dict], str]:
    """Definitions JSON by gene, and a one-line statement of their source."""
    if use_pypgx is None:
        from tailorseq.pgx.pypgx_tables import pypgx_available

        use_pypgx = pypgx_available()
    return _from_pypgx(plan) if use_pypgx else _from_plan(plan)


def reference_bases(definitions: dict[str, dict], keep_clear: list[RefBase]) -> list[RefBase]:
    """The GRCh38 reference at every defining position, except where `keep_clear` (the caller's
    own extra bases) already forces a base."""
    taken = {(b.contig, b.pos + i) for b in keep_clear for i in range(len(b.ref))}
    bases = {}
    for raw in definitions.values():
        for v in raw["variants"]:
            span = {(v["chromosome"], v["position"] + i) for i in range(len(v["ref"]))}
            if not span & taken:
                bases[(v["chromosome"], v["position"], v["ref"])] = None
    return [RefBase(*key) for key in sorted(bases)]


def write_definitions(out_dir: Path, definitions: dict[str, dict], source: str) -> None:
    folder = out_dir / "pgx" / "definitions"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*_translation.json"):
        old.unlink()
    for gene, raw in sorted(definitions.items()):
        (folder / f"{gene}_translation.json").write_text(json.dumps(raw, indent=1) + "\n")
    (folder / "SOURCE").write_text(source + "\n")

"""PharmCAT-format allele definitions built from pypgx's allele-table (read at run time).

Used for genes PharmCAT's definitions lack (MT-RNR1) and for the demo, whose contigs stand for
GRCh38 windows (`translate` maps a GRCh38 position onto the demo's coordinates, or drops it).

Conversion rules:
- defining positions: the union of the `<build>Core` variants (`chr-pos-ref-alt`, VCF style) of
  the gene's alleles; structural (`SV`) alleles and `Tag` variants are left out;
- at a position with several REF spellings (an SNV and a deletion starting there) the longest REF
  is used and the shorter alleles are extended by its remaining bases;
- the reference named allele is the gene-table's `RefAllele`: its core alleles at its own
  positions, the reference base elsewhere; any other allele has its core alleles and null
  elsewhere (the matcher fills them from the reference allele, as PharmCAT does);
- an allele with no core variant that is the build's genome allele (`<build>Default`, e.g.
  CYP2C19 *38 on GRCh38) has the reference base wherever the reference allele differs from it;
- with `translate`, an allele with any core variant outside the translated region is left out
  (it cannot be told apart there); genes left with no position are absent.
"""

from __future__ import annotations

from collections.abc import Callable

from tailorseq.pgx import pypgx_tables
from tailorseq.pgx.definitions import GeneDefinition, parse_gene

Translate = Callable[[str, int], tuple[str, int] | None]


def _chrom(name: str) -> str:
    return "chrM" if name.upper() in {"M", "MT"} else f"chr{name}"


def _parse(core: str | None) -> list[tuple[str, int, str, str]]:
    result = []
    for item in (core or "").split(","):
        item = item.strip()
        if item:
            chrom, pos, ref, alt = item.split("-")
            result.append((chrom, int(pos), ref, alt))
    return result


def definition_json(gene: str, build: str = "GRCh38", translate: Translate | None = None) -> dict:
    """One gene's PharmCAT-format definition JSON (empty `variants` when nothing is left)."""
    gene_row = next(r for r in pypgx_tables.table("gene-table") if r["Gene"] == gene)
    reference_name = gene_row["RefAllele"]
    genome_allele = gene_row[f"{build}Default"]
    rsids = {
        r[f"{build}Name"]: r["rsID"]
        for r in pypgx_tables.table("variant-table")
        if r["Gene"] == gene and r[f"{build}Name"]
    }
    alleles: dict[str, list[tuple[str, int, str, str]]] = {}
    rsid_at: dict[tuple[str, int], str] = {}
    for row in pypgx_tables.table("allele-table"):
        if row["Gene"] != gene or row["SV"] == "TRUE":
            continue
        core = _parse(row[f"{build}Core"])
        for c, p, ref, alt in core:
            where = translate(c, p) if translate else (c, p)
            if where is not None and rsids.get(f"{c}-{p}-{ref}-{alt}"):
                rsid_at.setdefault(tuple(where), rsids[f"{c}-{p}-{ref}-{alt}"])
        if translate is not None:
            moved = [(translate(c, p), ref, alt) for c, p, ref, alt in core]
            if any(where is None for where, _, _ in moved):
                if row["StarAllele"] != reference_name:
                    continue
                moved = [m for m in moved if m[0] is not None]
            core = [(where[0], where[1], ref, alt) for where, ref, alt in moved]
        alleles[row["StarAllele"]] = core
    refs: dict[tuple[str, int], str] = {}
    for core in alleles.values():
        for chrom, pos, ref, _ in core:
            if len(ref) > len(refs.get((chrom, pos), "")):
                refs[(chrom, pos)] = ref
    positions = sorted(refs, key=lambda k: k[1])
    index = {key: i for i, key in enumerate(positions)}

    def spelled(chrom: str, pos: int, ref: str, alt: str) -> str:
        return alt + refs[(chrom, pos)][len(ref) :]

    alts: list[list[str]] = [[] for _ in positions]
    cells: dict[str, list[str | None]] = {}
    for name, core in alleles.items():
        row = [None] * len(positions)
        for chrom, pos, ref, alt in core:
            i = index[(chrom, pos)]
            row[i] = spelled(chrom, pos, ref, alt)
            if row[i] != refs[(chrom, pos)] and row[i] not in alts[i]:
                alts[i].append(row[i])
        cells[name] = row
    if reference_name in cells:
        cells[reference_name] = [
            cell if cell is not None else refs[key]
            for cell, key in zip(cells[reference_name], positions, strict=True)
        ]
    named = []
    for name, row in cells.items():
        if name != reference_name and all(c is None for c in row):
            if name != genome_allele or reference_name not in cells:
                continue
            row = [
                refs[key] if r != refs[key] else None
                for r, key in zip(cells[reference_name], positions, strict=True)
            ]
            if all(c is None for c in row):
                continue
        named.append(
            {
                "name": name,
                "id": f"pypgx:{gene}:{name}",
                "alleles": row,
                "reference": name == reference_name,
            }
        )
    chromosome = positions[0][0] if positions else ""
    return {
        "formatVersion": 2,
        "gene": gene,
        "chromosome": chromosome,
        "genomeBuild": build,
        "source": "pypgx",
        "version": pypgx_tables.version(),
        "variants": [
            {
                "chromosome": chrom,
                "position": pos,
                "rsid": rsid_at.get((chrom, pos)),
                "ref": refs[(chrom, pos)],
                "alts": alts[i],
            }
            for i, (chrom, pos) in enumerate(positions)
        ],
        "namedAlleles": named,
    }


def load_pypgx_definitions(genes: list[str], build: str = "GRCh38") -> dict[str, GeneDefinition]:
    """GeneDefinitions for the named genes on `build` (GRCh38 or GRCh37), chr-prefixed."""
    result = {}
    for gene in genes:
        raw = definition_json(gene, build, translate=lambda c, p: (_chrom(c), p))
        raw["chromosome"] = raw["chromosome"] or ""
        if raw["variants"]:
            result[gene] = parse_gene(raw, where=f"pypgx {gene}")
    return result

"""The list of genes whose hereditary findings are reported (ACMG SF by default,
`resources/acmg_sf_genes.tsv`, or a lab panel): per gene its condition, inheritance, what is
reportable and its source, read from a TSV with `# name:` and `# source:` comment lines."""

from dataclasses import dataclass
from pathlib import Path

from tailorseq.errors import InputError
from tailorseq.locations import RESOURCES

GENE_LIST = RESOURCES / "acmg_sf_genes.tsv"
INHERITANCE = ("AD", "AR", "XL")


@dataclass(frozen=True)
class GeneEntry:
    """One gene of the list: what is reportable in it and why."""

    gene: str
    condition: str
    category: str
    inheritance: str
    reportable: str
    restriction: str
    lof_mechanism: bool
    source: str


@dataclass(frozen=True)
class GeneList:
    """A gene list with its name and citation."""

    name: str
    source: str
    genes: dict[str, GeneEntry]


GENE_COLUMNS = (
    "gene", "condition", "category", "inheritance", "reportable", "restriction",
    "lof_mechanism", "source",
)  # fmt: skip


def load_gene_list(path: Path = GENE_LIST) -> GeneList:
    """A gene-list TSV: `# name:` and `# source:` comment lines, then GENE_COLUMNS."""
    meta: dict[str, str] = {}
    rows = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if line.startswith("#"):
            key, _, value = line.lstrip("# ").partition(":")
            meta.setdefault(key.strip(), value.strip())
        elif line.strip():
            rows.append((number, line.split("\t")))
    if not rows or tuple(rows[0][1]) != GENE_COLUMNS:
        raise InputError(str(path), "has not the gene-list columns", "\t".join(GENE_COLUMNS))
    genes = {}
    for number, fields in rows[1:]:
        entry = dict(zip(GENE_COLUMNS, fields, strict=False))
        if len(fields) != len(GENE_COLUMNS) or entry["inheritance"] not in INHERITANCE:
            raise InputError(
                str(path), "needs 8 columns and inheritance AD, AR or XL", "correct it", number
            )
        genes[entry["gene"]] = GeneEntry(
            **{**entry, "lof_mechanism": entry["lof_mechanism"] == "yes"}
        )
    return GeneList(meta.get("name", path.stem), meta.get("source", ""), genes)

"""The curated table (`resources/actionable_variants.tsv`, or `somatic.actionable_variants`):
FDA-approved indications and guideline statements, each row with its source and the source's
date, matched by gene + protein change, by any change of listed codons (RAS codons), by an
in-frame change inside a protein range (EGFR exon 19 deletions), by genomic allele per build,
or by a biomarker (TMB-high, MSI-high). Indications name OncoTree codes or classes.

Evidence is predictive (significance sensitivity or resistance, with drugs) or, in the sense of
AMP/ASCO/CAP 2017 (Li et al., J Mol Diagn 2017;19:4-23, Table 3), diagnostic or prognostic:
no drugs, and the optional column `implication` says what the source states the alteration
means in the indication (e.g. a WHO CNS5 grade).
"""

import re
from pathlib import Path

from tailorseq.files import sha256
from tailorseq.locations import RESOURCES
from tailorseq.somatic.knowledge import (
    Allele,
    Entry,
    KnowledgeError,
    normalise_allele,
    protein_key,
    read_table,
    split_list,
)
from tailorseq.somatic.oncotree import parse_indication

# The bundled table (somatic.actionable_variants replaces it).
CURATED_TABLE = RESOURCES / "actionable_variants.tsv"
CURATED_COLUMNS = (
    "id",
    "gene",
    "variant",
    "match",
    "protein_change",
    "protein_start",
    "protein_end",
    "consequences",
    "alleles",
    "disease",
    "oncotree",
    "oncotree_excluded",
    "drugs",
    "significance",
    "evidence_level",
    "amp_tier",
    "source",
    "source_date",
)
# The optional column (tables without it hold predictive evidence only).
IMPLICATION = "implication"
PREDICTIVE = ("sensitivity", "resistance")
DIAGNOSTIC_OR_PROGNOSTIC = ("diagnostic", "prognostic")
BIOMARKERS = ("TMB-high", "MSI-high")
COPY_NUMBER_EVENTS = ("amplification", "deep_deletion")  # calls of tailorseq.somatic.copy_number
SOURCE_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


def parse_alleles(text: str, where: str) -> dict[str, Allele]:
    """'GRCh38:chr7:55191822:T:G;demo:EGFR:21822:T:G' -> build -> allele."""
    alleles = {}
    for item in split_list(text):
        parts = item.split(":")
        if len(parts) != 5 or not parts[2].isdigit():
            raise KnowledgeError(
                f"{where}: allele {item!r} is not build:contig:pos:ref:alt. Fix: write it as "
                "e.g. GRCh38:chr7:55191822:T:G"
            )
        build, contig, pos, ref, alt = parts
        alleles[build] = normalise_allele(contig, int(pos), ref, alt)
    return alleles


def _variant_rule(entry: Entry, row: dict[str, str], where: str) -> None:
    """Fill the entry's protein keys, codons, region or biomarker from its row."""
    rule = entry.rule
    if rule == "protein":
        key = protein_key(row["protein_change"])
        if key is None:
            raise KnowledgeError(
                f"{where}: protein_change {row['protein_change']!r} is not a single "
                "amino-acid substitution. Fix: write it as e.g. L858R or p.Leu858Arg"
            )
        entry.protein = frozenset({key})
    elif rule == "codon":
        codons = split_list(row["protein_change"])
        if not codons or not all(re.fullmatch(r"[A-Z]\d+", codon) for codon in codons):
            raise KnowledgeError(
                f"{where}: protein_change {row['protein_change']!r} is not a list of codons. "
                "Fix: write them as e.g. G12;G13;Q61"
            )
        entry.protein = frozenset(codons)
    elif rule == "region":
        try:
            entry.region = (int(row["protein_start"]), int(row["protein_end"]))
        except ValueError as error:
            raise KnowledgeError(
                f"{where}: a region needs whole numbers in protein_start and protein_end"
            ) from error
        entry.consequences = frozenset(split_list(row["consequences"], ","))
    elif rule == "biomarker":
        if row["variant"] not in BIOMARKERS:
            raise KnowledgeError(f"{where}: biomarker must be {' or '.join(BIOMARKERS)}")
    elif rule == "fusion":
        if row["variant"] != "fusion" or not entry.gene:
            raise KnowledgeError(f"{where}: a fusion row needs its 3' partner gene, variant fusion")
    elif rule == "copy_number":
        if row["variant"] not in COPY_NUMBER_EVENTS or not entry.gene:
            raise KnowledgeError(
                f"{where}: copy_number needs a gene and a variant of "
                f"{' or '.join(COPY_NUMBER_EVENTS)}"
            )
    else:
        raise KnowledgeError(
            f"{where}: match {rule!r} is not protein, codon, region, biomarker, copy_number or"
            " fusion"
        )


def _significance(row: dict[str, str], where: str) -> tuple[list[str], str]:
    """The row's drugs and implication, checked against its significance: predictive evidence
    names drugs, diagnostic or prognostic evidence names none and says what it implies."""
    significance, drugs = row["significance"], split_list(row["drugs"])
    implication = (row.get(IMPLICATION) or "").strip()
    if significance in PREDICTIVE and drugs and not implication:
        return drugs, ""
    if significance in DIAGNOSTIC_OR_PROGNOSTIC and implication and not drugs:
        return [], implication
    raise KnowledgeError(
        f"{where}: significance {significance!r} with drugs {row['drugs']!r} and implication "
        f"{implication!r}. Fix: {' or '.join(PREDICTIVE)} names its drugs (no implication); "
        f"{' or '.join(DIAGNOSTIC_OR_PROGNOSTIC)} leaves drugs empty and fills implication"
    )


def curated_entry(row: dict[str, str], where: str) -> Entry:
    """One row of the curated table as an entry."""
    if not row["source"].strip() or not SOURCE_DATE.fullmatch(row["source_date"].strip()):
        raise KnowledgeError(
            f"{where}: every row needs its source and the source's date (YYYY-MM-DD, YYYY-MM "
            "or YYYY). Fix: fill source and source_date"
        )
    if not (row["oncotree"].strip()):
        raise KnowledgeError(
            f"{where}: oncotree is empty. Fix: name the indication's OncoTree codes or 'solid'"
        )
    drugs, implication = _significance(row, where)
    entry = Entry(
        knowledge="curated",
        gene=row["gene"] if row["gene"] != "-" else "",
        variant=row["variant"],
        rule=row["match"],
        indication=parse_indication(row["disease"], row["oncotree"], row["oncotree_excluded"]),
        drugs=drugs,
        significance=row["significance"],
        evidence_level=row["evidence_level"].upper(),
        sources=split_list(row["source"]),
        alleles=parse_alleles(row["alleles"], where),
        ids=[row["id"]],
        amp_tier=row["amp_tier"],
        source_date=row["source_date"].strip(),
        implication=implication,
    )
    _variant_rule(entry, row, where)
    return entry


def load_curated(path: Path) -> tuple[list[Entry], dict]:
    """The curated table's entries and its version (the '# version:' note and sha256)."""
    header, rows, notes = read_table(path)
    missing = [column for column in CURATED_COLUMNS if column not in header]
    if missing:
        raise KnowledgeError(
            f"{path}: missing column(s) {', '.join(missing)}. Fix: the table needs the columns "
            f"{', '.join(CURATED_COLUMNS)} (see resources/actionable_variants.tsv)"
        )
    entries = [
        curated_entry(row, f"{path} row {number} ({row['id']})")
        for number, row in enumerate(rows, start=1)
    ]
    version = {
        "path": str(path),
        "version": notes.get("version", ""),
        "sha256": sha256(path),
        "entries": len(entries),
    }
    return entries, version

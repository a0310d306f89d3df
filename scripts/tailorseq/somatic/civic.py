"""CIViC's evidence TSV (`somatic.civic`, CC0; nightly or a monthly release), when configured:
accepted, unflagged, predictive evidence that supports its statement, of somatic origin.

Molecular profiles naming one variant of one gene are matched: a protein change ("BRAF
V600E"), a codon ("BRAF V600": any change of that codon), or a variant the curated table
defines as a region ("EGFR Exon 19 Deletion"). Genomic alleles are matched too when the file
carries the legacy coordinate columns (chromosome, start, reference_bases, variant_bases,
reference_build). Compound profiles ("EGFR L858R AND EGFR T790M"), gene-level ones ("KRAS
Mutation"), expression, fusions and copy-number variants are not matched.

CIViC's disease (its name and Disease Ontology id) maps to OncoTree through
`resources/civic_oncotree.tsv`; a disease not in that map matches no tumour type (its evidence
can be tier II at most), and the document counts such evidence.
"""

import re
from pathlib import Path

from tailorseq.locations import RESOURCES
from tailorseq.somatic.knowledge import (
    Allele,
    Entry,
    Indication,
    KnowledgeError,
    file_version,
    normalise_allele,
    protein_key,
    read_table,
)
from tailorseq.somatic.oncotree import parse_indication

DISEASE_MAP = RESOURCES / "civic_oncotree.tsv"

# CIViC's ClinicalEvidenceSummaries.tsv (civic-v2 EvidenceItemTsvFormatter). The legacy (v1)
# file named some of them differently; both are read.
CIVIC_COLUMNS = (
    "molecular_profile",
    "molecular_profile_id",
    "disease",
    "doid",
    "phenotypes",
    "therapies",
    "therapy_interaction_type",
    "evidence_type",
    "evidence_direction",
    "evidence_level",
    "significance",
    "evidence_statement",
    "citation_id",
    "source_type",
    "asco_abstract_id",
    "citation",
    "nct_ids",
    "rating",
    "evidence_status",
    "evidence_id",
    "variant_origin",
    "last_review_date",
    "evidence_civic_url",
    "molecular_profile_civic_url",
    "is_flagged",
)
CIVIC_LEGACY = {"therapies": "drugs", "significance": "clinical_significance"}
CIVIC_SIGNIFICANCE = {
    "sensitivity/response": "sensitivity",
    "sensitivity": "sensitivity",
    "resistance": "resistance",
    "reduced sensitivity": "reduced sensitivity",
    "adverse response": "adverse response",
}


def civic_column(row: dict[str, str], name: str) -> str:
    """A CIViC column by its current name or its legacy (v1) name."""
    value = row.get(name)
    if value is None and name in CIVIC_LEGACY:
        value = row.get(CIVIC_LEGACY[name])
    return (value or "").strip()


def load_disease_map(path: Path = DISEASE_MAP) -> dict[str, Indication]:
    """CIViC disease -> OncoTree indication, keyed by DOID ('DOID:3910') and lower-case name."""
    header, rows, _ = read_table(path)
    if not {"civic_disease", "doid", "oncotree"} <= set(header):
        raise KnowledgeError(f"{path}: needs the columns civic_disease, doid, oncotree")
    found = {}
    for row in rows:
        indication = parse_indication(row["civic_disease"], row["oncotree"])
        found[row["civic_disease"].strip().lower()] = indication
        if row["doid"].strip():
            found[doid_key(row["doid"])] = indication
    return found


def doid_key(doid: str) -> str:
    """'3910', 'DOID:3910' and 'doid:3910' as 'DOID:3910'."""
    text = doid.strip().upper().removeprefix("DOID:")
    return f"DOID:{text}" if text else ""


def civic_indication(row: dict[str, str], diseases: dict[str, Indication]) -> Indication:
    """The OncoTree indication of an evidence item's disease (by DOID, then by name)."""
    name = civic_column(row, "disease")
    mapped = diseases.get(doid_key(civic_column(row, "doid"))) or diseases.get(name.lower())
    return Indication(name, mapped.codes, mapped.classes) if mapped else Indication(name)


def usable_civic_evidence(row: dict[str, str]) -> bool:
    """Accepted, unflagged, predictive, supporting evidence of somatic origin, level A-D."""
    status = civic_column(row, "evidence_status").lower()
    origin = civic_column(row, "variant_origin").lower()
    return (
        civic_column(row, "evidence_type").lower() == "predictive"
        and civic_column(row, "evidence_direction").lower() == "supports"
        and status in ("", "accepted")
        and civic_column(row, "is_flagged").lower() not in ("true", "1", "yes")
        and origin in ("", "somatic", "n/a")
        and bool(civic_column(row, "therapies"))
        and civic_column(row, "evidence_level").upper() in ("A", "B", "C", "D")
    )


def civic_profile(row: dict[str, str]) -> tuple[str, str] | None:
    """(gene, variant) of a one-variant molecular profile ('EGFR L858R'), else None."""
    if "molecular_profile" in row:
        parts = row["molecular_profile"].strip().split(" ", 1)
        if len(parts) != 2 or re.search(r"\b(AND|OR|NOT)\b", parts[1]):
            return None
        return parts[0], parts[1].strip()
    gene, variant = (row.get("gene") or "").strip(), (row.get("variant") or "").strip()
    return (gene, variant) if gene and variant else None


def civic_genes(rows: list[dict[str, str]]) -> set[str]:
    """Every gene CIViC names in a molecular profile (any evidence type): its cancer genes."""
    genes = set()
    for row in rows:
        profile = row.get("molecular_profile") or row.get("gene") or ""
        genes.update(re.findall(r"(?:^|\b(?:AND|OR|NOT)\s+)([A-Z][A-Z0-9-]+)\s", profile + " "))
    return genes


def civic_allele(row: dict[str, str]) -> dict[str, Allele]:
    """The legacy file's coordinates (chromosome, start, bases, reference_build), if any."""
    build = (row.get("reference_build") or "").strip()
    ref = (row.get("reference_bases") or "").strip()
    alt = (row.get("variant_bases") or "").strip()
    start = (row.get("start") or "").strip()
    chromosome = (row.get("chromosome") or "").strip()
    if not (build and start.isdigit() and chromosome and re.fullmatch("[ACGTacgt]+", ref + alt)):
        return {}
    if not ref or not alt:
        return {}  # CIViC writes indels without an anchor base: not comparable with VCF
    return {build: normalise_allele(chromosome, int(start), ref, alt)}


def civic_entry(
    row: dict[str, str],
    profile: tuple[str, str],
    significance: str,
    regions: dict[tuple[str, str], Entry],
    diseases: dict[str, Indication],
) -> Entry | None:
    """An entry for one CIViC evidence item, or None when its variant cannot be matched."""
    gene, variant = profile
    evidence = civic_column(row, "evidence_id")
    url = civic_column(row, "evidence_civic_url") or f"https://civicdb.org/evidence/{evidence}"
    citation = civic_column(row, "citation")
    citation_id = civic_column(row, "citation_id") or civic_column(row, "pubmed_id")
    source_type = civic_column(row, "source_type") or "PubMed"
    sources = [f"CIViC EID{evidence} ({url})"]
    if citation_id:
        sources.append(f"{citation or 'citation'} ({source_type} {citation_id})")
    therapies = [t.strip() for t in civic_column(row, "therapies").split(",") if t.strip()]
    if civic_column(row, "therapy_interaction_type").lower() == "combination":
        therapies = [" + ".join(therapies)]
    entry = Entry(
        knowledge="civic",
        gene=gene,
        variant=variant,
        rule="protein",
        indication=civic_indication(row, diseases),
        drugs=therapies,
        significance=significance,
        evidence_level=civic_column(row, "evidence_level").upper(),
        sources=sources,
        alleles=civic_allele(row),
        ids=[f"EID{evidence}"],
    )
    key = protein_key(variant)
    if key:
        entry.protein = frozenset({key})
    elif re.fullmatch(r"[A-Z]\d+", variant):
        entry.rule, entry.protein = "codon", frozenset({variant})
    elif (gene, variant.lower()) in regions:
        region = regions[(gene, variant.lower())]
        entry.rule, entry.region, entry.consequences = "region", region.region, region.consequences
    elif not entry.alleles:
        return None
    else:
        entry.rule = "allele"
    return entry


def check_civic_header(path: Path, header: list[str]) -> None:
    """Refuse a file that is not CIViC's evidence TSV, naming what is missing."""
    needed = ["disease", "evidence_type", "evidence_direction", "evidence_level", "evidence_id"]
    missing = [c for c in needed if c not in header]
    if not ({"molecular_profile"} <= set(header) or {"gene", "variant"} <= set(header)):
        missing.append("molecular_profile")
    if not ({"therapies", "drugs"} & set(header)):
        missing.append("therapies")
    if missing:
        raise KnowledgeError(
            f"{path}: not a CIViC ClinicalEvidenceSummaries.tsv (missing {', '.join(missing)}). "
            "Fix: give somatic.civic the nightly or a monthly release of "
            "ClinicalEvidenceSummaries.tsv from civicdb.org/releases"
        )


def load_civic(
    path: Path,
    curated: list[Entry],
    record: Path | None = None,
    diseases: dict[str, Indication] | None = None,
) -> tuple[list[Entry], dict, set[str]]:
    """CIViC's predictive evidence as entries, the file's version (download date, sha256) and
    the genes CIViC names (for tier III).

    `curated` names the regions ('Exon 19 Deletion') a CIViC variant name can stand for.
    """
    header, rows, _ = read_table(path)
    check_civic_header(path, header)
    diseases = load_disease_map() if diseases is None else diseases
    regions = {(e.gene, e.variant.lower()): e for e in curated if e.rule == "region"}
    entries, skipped = [], 0
    for row in rows:
        if not usable_civic_evidence(row):
            continue
        profile = civic_profile(row)
        significance = CIVIC_SIGNIFICANCE.get(civic_column(row, "significance").lower())
        entry = None
        if profile and significance:
            entry = civic_entry(row, profile, significance, regions, diseases)
        if entry is None:
            skipped += 1
            continue
        entries.append(entry)
    unmapped = sum(1 for e in entries if not (e.indication.codes or e.indication.classes))
    version = {
        **file_version(path, record),
        "entries": len(entries),
        "predictive_not_matchable": skipped,
        "disease_not_in_oncotree_map": unmapped,
        "disease_map": str(DISEASE_MAP.name),
    }
    return entries, version, civic_genes(rows)

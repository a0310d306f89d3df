"""AMP/ASCO/CAP tiers (Li MM et al., Standards and Guidelines for the Interpretation and
Reporting of Sequence Variants in Cancer, J Mol Diagn 2017;19(1):4-23), from the knowledge's
evidence level (the curated table: A; CIViC: A validated, B clinical, C case study, D
preclinical, E inferential) and whether the patient's tumour falls under the indication:
- tier I: level A or B evidence in the patient's tumour type;
- tier II: level A or B evidence in another tumour type (reported as AMP level C), or level C
  or D evidence (CIViC level E, inferential, is not reported); diagnostic and prognostic
  evidence (Li et al. Table 3) counts in its own tumour type only;
- tier III: variants of unknown significance in cancer genes: PASS protein-altering changes
  (synonymous, stop- and start-retained never) of a gene on the run's cancer-gene list that
  no knowledge matched, and such a gene's amplification or deep deletion that none matched;
- tier IV (benign or likely benign) is not assigned: somatic calls are not population-filtered.
Without a tumour type nothing is tier I.

Cancer genes (tier III): the genes of the curated table (FDA labels), the cancer-predisposition
genes of ACMG SF v3.2 (category 'cancer' in resources/acmg_sf_genes.tsv; Miller DT et al.,
Genet Med 2023;25(8):100866) and, when CIViC is configured, every gene CIViC names (CC0).
OncoKB's and COSMIC's Cancer Gene Census lists are not used: both are licensed.
"""

from collections.abc import Iterable
from pathlib import Path

from tailorseq.gene_list import GENE_LIST
from tailorseq.somatic.curated import COPY_NUMBER_EVENTS
from tailorseq.somatic.knowledge import Entry, protein_key, read_table
from tailorseq.somatic.tmb import CODING_CONSEQUENCES

TIER_DEFINITIONS = {
    "framework": "AMP/ASCO/CAP 2017 (Li et al., J Mol Diagn 2017;19:4-23)",
    "I": "strong clinical significance: evidence level A or B (FDA-approved therapy, guideline, "
    "or well-powered studies; therapeutic, diagnostic or prognostic) in the patient's tumour type",
    "II": "potential clinical significance: level A or B evidence in another tumour type "
    "(level C), case studies (level C) or preclinical evidence (level D)",
    "III": "unknown clinical significance: protein-altering PASS mutation, amplification or deep "
    "deletion of a cancer gene without actionable evidence",
    "IV": "benign or likely benign: not assigned (somatic calls are not population-filtered)",
}
SILENT = {"synonymous", "stop_retained", "start_retained"}
PROTEIN_ALTERING = CODING_CONSEQUENCES - SILENT


def amp_tier(evidence_level: str, in_tumour_type: bool) -> tuple[str, str] | None:
    """(tier, AMP level) of a piece of evidence; None when it is not reported (level E)."""
    level = evidence_level.upper()
    if level in ("A", "B"):
        return ("I", level) if in_tumour_type else ("II", "C")
    if level in ("C", "D"):
        return "II", level
    return None


def is_protein_altering(consequence: str) -> bool:
    """True when a (possibly '&'-joined) csq consequence changes the protein."""
    return any(part in PROTEIN_ALTERING for part in consequence.split("&"))


def cancer_genes(
    curated: list[Entry], civic: Iterable[str] = (), acmg_sf: Path = GENE_LIST
) -> dict[str, str]:
    """gene -> the list that makes it a cancer gene (first source wins)."""
    genes = {entry.gene: "curated table (FDA labels)" for entry in curated if entry.gene}
    _, rows, notes = read_table(acmg_sf)
    name = notes.get("name", acmg_sf.name)
    for row in rows:
        if row.get("category", "").strip() == "cancer":
            genes.setdefault(row["gene"].strip(), f"{name} cancer-predisposition genes")
    for gene in civic:
        genes.setdefault(gene, "CIViC")
    return genes


def unknown_significance(
    variants: Iterable, matched: set[tuple], genes: dict[str, str]
) -> list[dict]:
    """Tier III: protein-altering PASS mutations of cancer genes without a reported match."""
    found = []
    for variant in variants:
        key = (variant.contig, variant.pos, variant.ref, variant.alt)
        altering = [c for c in variant.consequences if c[0] in genes and is_protein_altering(c[1])]
        if key in matched or not altering:
            continue
        gene, consequence, change = altering[0]
        found.append(
            {
                "kind": "variant",
                "tier": "III",
                "gene": gene,
                "variant": protein_key(change) or change,
                "protein_change": change,
                "consequence": consequence,
                "cancer_gene_source": genes[gene],
                "contig": variant.contig,
                "pos": variant.pos,
                "ref": variant.ref,
                "alt": variant.alt,
                "vaf": variant.vaf,
            }
        )
    return found


def unknown_copy_number(
    altered_genes: Iterable[dict], matched: set[tuple[str, str]], genes: dict[str, str]
) -> list[dict]:
    """Tier III: a cancer gene's amplification or deep deletion (cnv.json's altered genes) that
    no reported match covers ((gene, call) in `matched`); gains and one-copy losses never."""
    return [
        {
            "kind": "copy_number",
            "tier": "III",
            "gene": altered["gene"],
            "variant": altered["call"],
            "cancer_gene_source": genes[altered["gene"]],
            "contig": altered["contig"],
            "pos": altered["start"] + 1,
            "value": altered["copy_number"],
            "unit": "copies",
        }
        for altered in altered_genes
        if altered["call"] in COPY_NUMBER_EVENTS
        and altered["gene"] in genes
        and (altered["gene"], altered["call"]) not in matched
    ]

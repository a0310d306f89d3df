"""How a knowledge entry matches a PASS somatic variant (tailorseq.somatic.records): by genomic
allele (per build), gene + protein change, gene + codon or gene + protein region with a listed
consequence."""

from tailorseq.somatic.knowledge import (
    Entry,
    protein_codon,
    protein_key,
    protein_start,
)
from tailorseq.somatic.records import Observed


def _protein_rule(entry: Entry, consequence: str, aa: str) -> str | None:
    """How one csq consequence of the entry's gene matches its protein rule, or None."""
    if entry.rule == "protein" and protein_key(aa) in entry.protein:
        return "gene + protein change"
    if entry.rule == "codon" and protein_codon(aa) in entry.protein:
        return "gene + codon"
    if entry.rule == "region" and entry.region is not None:
        start = protein_start(aa)
        in_region = start is not None and entry.region[0] <= start <= entry.region[1]
        if in_region and set(consequence.split("&")) & entry.consequences:
            return "gene + protein region"
    return None


def match_variant(entry: Entry, variant: Observed, build: str) -> tuple[list[str], str]:
    """How an entry matches a variant ('gene + protein change', 'genomic allele'...) and the
    csq protein change of the entry's gene; ([], '') when it does not match."""
    how, change = set(), ""
    allele = entry.alleles.get(build)
    if allele is not None and allele == variant.allele:
        how.add("genomic allele")
    for gene, consequence, aa in variant.consequences:
        if gene != entry.gene or not aa:
            continue
        change = change or aa
        found = _protein_rule(entry, consequence, aa)
        if found:
            how.add(found)
            change = aa
            break
    return sorted(how), change if how else ""

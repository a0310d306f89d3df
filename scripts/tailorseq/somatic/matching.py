"""PASS somatic variants read with their csq consequences, and how a knowledge entry matches
one: by genomic allele (per build), gene + protein change, gene + codon or gene + protein
region with a listed consequence."""

from dataclasses import dataclass
from pathlib import Path

import pysam

from tailorseq.somatic.knowledge import (
    Allele,
    Entry,
    normalise_allele,
    protein_codon,
    protein_key,
    protein_start,
)
from tailorseq.somatic.tmb import consequence_of


@dataclass
class Observed:
    """A PASS somatic record with its coding consequences (gene, consequence, csq change)."""

    contig: str
    pos: int
    ref: str
    alt: str
    vaf: float | None
    consequences: list[tuple[str, str, str]]

    @property
    def allele(self) -> Allele:
        return normalise_allele(self.contig, self.pos, self.ref, self.alt)


def read_somatic(vcf: Path) -> list[Observed]:
    """PASS records of the annotated somatic VCF with their coding consequences."""
    observed = []
    with pysam.VariantFile(str(vcf)) as handle:
        tumor = next(iter(handle.header.samples), None)
        has_af = "AF" in handle.header.formats
        for record in handle:
            if list(record.filter.keys()) != ["PASS"] or not record.alts:
                continue
            entries = []
            for entry in record.info.get("BCSQ") or ():
                if not entry.startswith("@"):
                    consequence, gene, change = consequence_of(entry)
                    entries.append((gene, consequence, change))
            vaf = None
            if tumor is not None and has_af:
                value = record.samples[tumor].get("AF")
                vaf = value[0] if isinstance(value, tuple) else value
                vaf = round(vaf, 4) if vaf is not None else None
            for alt in record.alts:
                observed.append(Observed(record.contig, record.pos, record.ref, alt, vaf, entries))
    return observed


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

"""The PASS records of a pair's annotated somatic VCF, read once for TMB and actionability: each
ALT allele with its tumour allele fraction and depth and its bcftools csq consequences."""

from dataclasses import dataclass
from pathlib import Path

import pysam

from tailorseq.somatic.knowledge import Allele, normalise_allele
from tailorseq.variants import bcsq_entries


@dataclass
class Observed:
    """A PASS somatic allele with its coding consequences (gene, consequence, csq change)."""

    contig: str
    pos: int
    ref: str
    alt: str
    vaf: float | None
    consequences: list[tuple[str, str, str]]
    depth: int | None = None

    @property
    def allele(self) -> Allele:
        return normalise_allele(self.contig, self.pos, self.ref, self.alt)

    @property
    def kind(self) -> str:
        """'snv' or 'indel'."""
        return "snv" if len(self.ref) == len(self.alt) == 1 else "indel"


def consequence_of(fields: list[str]) -> tuple[str, str, str]:
    """(consequence, gene, protein change) of one BCSQ entry's fields (tailorseq.variants)."""
    return fields[0].lstrip("@*"), fields[1], fields[5]


def read_somatic(vcf: Path) -> list[Observed]:
    """PASS records of the annotated somatic VCF, one per ALT allele, with the tumour's (first
    sample's) FORMAT/AF rounded to 4 places and FORMAT/DP, and their csq consequences."""
    observed = []
    with pysam.VariantFile(str(vcf)) as handle:
        tumor = next(iter(handle.header.samples), None)
        has_af = "AF" in handle.header.formats
        for record in handle:
            if list(record.filter.keys()) != ["PASS"] or not record.alts:
                continue
            entries = []
            for fields in bcsq_entries(record):
                consequence, gene, change = consequence_of(fields)
                entries.append((gene, consequence, change))
            vaf, depth = None, None
            if tumor is not None:
                call = record.samples[tumor]
                value = call.get("AF") if has_af else None
                vaf = value[0] if isinstance(value, tuple) else value
                vaf = round(vaf, 4) if vaf is not None else None
                depth = call.get("DP") if "DP" in handle.header.formats else None
            for alt in record.alts:
                observed.append(
                    Observed(record.contig, record.pos, record.ref, alt, vaf, entries, depth)
                )
    return observed

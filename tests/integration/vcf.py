"""Reading calls and truth for content assertions."""

from dataclasses import dataclass
from pathlib import Path

import pysam


@dataclass(frozen=True)
class Call:
    """One biallelic record of one sample."""

    contig: str
    pos: int
    ref: str
    alt: str
    genotype: str
    filter: str

    @property
    def is_snv(self) -> bool:
        return len(self.ref) == 1 and len(self.alt) == 1

    @property
    def key(self) -> tuple[str, int, str, str]:
        return (self.contig, self.pos, self.ref, self.alt)


def genotype_text(sample_record) -> str:
    """`0/1`-style genotype, unphased, sorted (haploid: `1`); `./.` when missing."""
    alleles = sample_record["GT"]
    if alleles is None or None in alleles:
        return "./."
    return "/".join(str(allele) for allele in sorted(alleles))


def calls(vcf: Path, sample: str | None = None) -> list[Call]:
    """Every non-reference genotype of `sample` (default: the first) as Calls; a haploid `0`
    and a missing `.` (no copy, e.g. a female's chrY) are not calls."""
    records = []
    with pysam.VariantFile(str(vcf)) as handle:
        name = sample or next(iter(handle.header.samples))
        for record in handle:
            genotype = genotype_text(record.samples[name])
            if genotype == "./." or not any(record.samples[name]["GT"]):
                continue
            for alt in record.alts or ():
                records.append(
                    Call(
                        record.contig,
                        record.pos,
                        record.ref,
                        alt,
                        genotype,
                        ";".join(record.filter.keys()) or ".",
                    )
                )
    return records


def passing(vcf: Path, sample: str | None = None) -> dict[tuple[str, int, str, str], Call]:
    """PASS calls of a sample, by (contig, pos, ref, alt)."""
    return {call.key: call for call in calls(vcf, sample) if call.filter == "PASS"}

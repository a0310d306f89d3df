"""The defining positions force-genotyping calls, their per-position result, and the reasons a
position can be a no-call (one home for FORMAT/FT values and their header descriptions)."""

from __future__ import annotations

from dataclasses import dataclass

#: FORMAT/FT values of a no-call, with the VCF header's description of each.
NO_CALL_REASONS: dict[str, str] = {
    "LowDepth": "fewer informative reads than min_depth",
    "LowGQ": "genotype quality below min_gq",
    "NoCoverage": "no read covers the position",
    "NoCall": "the caller made no genotype call",
    "RefMismatch": "the reference disagrees with the definition's REF",
    "AmbiguousLocus": "no read spans the locus (its whole repeat, with an aligned base each "
    "side), or the best haplotypes do not decide this position's allele",
    "UndefinedAllele": "a substantial share of the reads spanning the locus carry a sequence no "
    "definition has",
}


@dataclass
class Site:
    """One defining position on the reference's contig names, with all alleles defined there."""

    contig: str
    pos: int
    ref: str
    alts: list[str]
    rsid: str | None = None

    @property
    def multi_base(self) -> bool:
        """An indel or multi-base substitution: genotyped from read haplotypes, not a pileup."""
        return len(self.ref) != 1 or any(len(a) != 1 for a in self.alts)


@dataclass
class SiteCall:
    """The genotype written for one site: `0/1`, `1` (haploid), or a no-call `./.` / `.`."""

    site: Site
    gt: str
    dp: int
    ad: list[int] | None
    gq: int | None
    ft: str  # PASS, or one of NO_CALL_REASONS

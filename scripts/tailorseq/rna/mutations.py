"""RNA read support of a pair's PASS somatic mutations (tailorseq.somatic.records): reads of the
tumour RNA alignment that carry the reference or the alternate allele, beside the DNA allele
fraction.

A read counts once per fragment (the first of a pair seen), when it is primary, not a duplicate
nor QC-failed, and its mapping quality reaches `rna.min_mapq`. An SNV is read from the read's
base at the position, used when its base quality reaches `rna.min_base_quality`; an indel
(VCF-anchored: REF and ALT share their first base) from what the read aligns right after the
anchor base (whose quality must reach the same minimum): the alternate allele only when the
read carries exactly that insertion (same bases) or deletion (same length) there, the reference
when the read aligns the next base with no indel; a read spliced or ending at the anchor says
neither. Other bases or indels count in the depth as neither. Other allele shapes (MNVs, complex
changes) are not assessed.

Status: "expressed" with at least `rna.min_alt_reads` alternate reads; "not expressed" with
fewer at a depth of at least `rna.min_depth`; otherwise "not assessed" with the depth. A tier I
or II mutation of the pair's actionable document that is not expressed, or not assessed, is
flagged.
"""

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pysam

from tailorseq.rna.settings import RnaSettings
from tailorseq.somatic.records import Observed
from tailorseq.somatic.repeats import QUERY_OPS, REF_OPS, query_position, usable

ALIGNED = REF_OPS & QUERY_OPS  # cigar M, =, X: a read base aligned to a reference base
ACTIONABLE_TIERS = ("I", "II")


@dataclass(frozen=True)
class Support:
    """Fragments carrying the reference, the alternate and another allele."""

    ref: int
    alt: int
    other: int

    @property
    def depth(self) -> int:
        return self.ref + self.alt + self.other

    @property
    def vaf(self) -> float | None:
        return round(self.alt / self.depth, 4) if self.depth else None


def expected_indel(ref: str, alt: str) -> str | None:
    """What a read carrying the allele aligns after the anchor: '+BASES' or '-LENGTH'; '' for
    an SNV; None for other shapes (not assessed)."""
    if len(ref) == len(alt) == 1:
        return ""
    if ref[0] != alt[0] or min(len(ref), len(alt)) != 1:
        return None
    return f"+{alt[1:].upper()}" if len(alt) > 1 else f"-{len(ref) - 1}"


def after_anchor(read: pysam.AlignedSegment, anchor: int) -> str | None:
    """What the read aligns after 0-based reference position `anchor`, which it aligns a base
    to: '' the next reference base, '+BASES' an insertion, '-LENGTH' a deletion; None for a
    splice, clip or the read's end."""
    ref, query = read.reference_start, 0
    operations = read.cigartuples or []
    for index, (operation, length) in enumerate(operations):
        if operation in ALIGNED and ref <= anchor < ref + length:
            if anchor < ref + length - 1:
                return ""
            following = operations[index + 1] if index + 1 < len(operations) else None
            if following is None:
                return None
            kind, size = following
            if kind == 1:
                return "+" + (read.query_sequence or "")[query + length : query + length + size]
            return f"-{size}" if kind == 2 else None
        if operation in REF_OPS:
            ref += length
        if operation in QUERY_OPS:
            query += length
    return None


def read_allele(
    read: pysam.AlignedSegment, anchor: int, variant: Observed, indel: str, min_quality: int
) -> str | None:
    """'ref', 'alt' or 'other' for one read at the variant, None when it does not say."""
    position = query_position(read, anchor)
    qualities = read.query_qualities
    if position is None or qualities is None or qualities[position] < min_quality:
        return None
    if indel:
        found = after_anchor(read, anchor)
        if found is None:
            return None
        return {"": "ref", indel: "alt"}.get(found.upper(), "other")
    base = (read.query_sequence or "")[position].upper()
    return {variant.ref.upper(): "ref", variant.alt.upper(): "alt"}.get(base, "other")


def count_support(
    bam: pysam.AlignmentFile, variant: Observed, settings: RnaSettings
) -> Support | None:
    """Fragments supporting each allele of `variant`; None for an allele shape not assessed."""
    indel = expected_indel(variant.ref, variant.alt)
    if indel is None:
        return None
    anchor = variant.pos - 1
    seen: set[str] = set()
    counts: Counter[str] = Counter()
    for read in bam.fetch(variant.contig, anchor, anchor + 1):
        if not usable(read, settings.min_mapq) or read.query_name in seen:
            continue
        allele = read_allele(read, anchor, variant, indel, settings.min_base_quality)
        if allele is not None:
            seen.add(read.query_name)
            counts[allele] += 1
    return Support(counts["ref"], counts["alt"], counts["other"])


def status_of(support: Support, settings: RnaSettings) -> tuple[str, str]:
    """The mutation's RNA status and, when not assessed, why."""
    if support.alt >= settings.min_alt_reads:
        return "expressed", ""
    if support.depth >= settings.min_depth:
        return "not expressed", ""
    return "not assessed", f"RNA depth {support.depth} < {settings.min_depth}"


def actionable_tiers(actionable: dict[str, Any] | None) -> dict[tuple, str]:
    """(contig, pos, ref, alt) -> tier of each tier I or II variant of the actionable document
    (the first, i.e. highest ranked, match of a variant)."""
    tiers: dict[tuple, str] = {}
    for match in (actionable or {}).get("matches", []):
        if match["kind"] == "variant" and match["tier"].rstrip("ABCD") in ACTIONABLE_TIERS:
            key = (match["contig"], match["pos"], match["ref"], match["alt"])
            tiers.setdefault(key, match["tier"])
    return tiers


def flag_of(status: str, reason: str, tier: str | None) -> str | None:
    """The flag of an actionable mutation the RNA does not show expressed."""
    if tier is None or status == "expressed":
        return None
    if status == "not expressed":
        return f"actionable (tier {tier}) but not expressed in the tumour RNA"
    return f"actionable (tier {tier}) but RNA expression not assessed: {reason}"


def gene_change(variant: Observed) -> tuple[str | None, str | None]:
    """The variant's gene and protein change from its first consequence naming one."""
    named = [(gene, change) for gene, _, change in variant.consequences if gene]
    changed = [entry for entry in named if entry[1]]
    gene, change = (changed or named or [(None, None)])[0]
    return gene, change or None


def mutation_row(
    variant: Observed,
    support: Support | None,
    why_not: str,
    settings: RnaSettings,
    tier: str | None,
) -> dict[str, Any]:
    """One mutation's DNA and RNA evidence, status and flag."""
    status, reason = status_of(support, settings) if support else ("not assessed", why_not)
    gene, change = gene_change(variant)
    return {
        "contig": variant.contig, "pos": variant.pos, "ref": variant.ref, "alt": variant.alt,
        "gene": gene, "protein_change": change,
        "dna_vaf": variant.vaf, "dna_depth": variant.depth,
        "rna_ref_reads": support.ref if support else None,
        "rna_alt_reads": support.alt if support else None,
        "rna_depth": support.depth if support else None,
        "rna_vaf": support.vaf if support else None,
        "status": status, "reason": reason, "actionable_tier": tier,
        "flag": flag_of(status, reason, tier),
    }  # fmt: skip


def expressed_mutations(
    bam_path: Path,
    reference: Path,
    variants: list[Observed] | None,
    actionable: dict[str, Any] | None,
    settings: RnaSettings,
) -> dict[str, Any]:
    """The RNA support and status of every PASS somatic mutation in a gene (one that the
    consequence annotation places in a gene: elsewhere no transcript is expected); None: no
    somatic calls. `outside_genes` counts the PASS mutations not examined for that reason."""
    if variants is None:
        return {"assessed": False, "mutations": [], "outside_genes": 0,
                "reason": "no somatic calls for this tumour (no tumour/normal pair)"}  # fmt: skip
    tiers = actionable_tiers(actionable)
    in_genes = [variant for variant in variants if gene_change(variant)[0]]
    rows = []
    with pysam.AlignmentFile(str(bam_path), reference_filename=str(reference)) as bam:
        for variant in in_genes:
            support, why_not = None, "complex allele (not an SNV or an anchored indel)"
            if variant.contig not in bam.references:
                why_not = f"contig {variant.contig} is not in the RNA alignment"
            else:
                support = count_support(bam, variant, settings)
            key = (variant.contig, variant.pos, variant.ref, variant.alt)
            rows.append(mutation_row(variant, support, why_not, settings, tiers.get(key)))
    outside = len(variants) - len(in_genes)
    return {"assessed": True, "reason": "", "mutations": rows, "outside_genes": outside}

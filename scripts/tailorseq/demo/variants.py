"""Planted and background variants, per-patient genotypes, and the haplotypes they make."""

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from tailorseq.demo.genome import GeneLayout, Reference
from tailorseq.demo.plan import (
    Background,
    CodingVariant,
    Contig,
    GermlineDeletion,
    Patient,
    Plan,
)
from tailorseq.demo.sequence import BASE_INDEX, longest_run, stream
from tailorseq.errors import TailorseqError

Genotype = tuple[int, ...]  # one allele per copy of the contig (0, 1 or 2 copies)
FLANK = 10  # bases either side checked for homopolymers
SLIDE = 20  # a candidate that is not clean where drawn moves right by up to this many bases


@dataclass(frozen=True)
class Variant:
    """A normalized VCF allele on a demo contig (1-based position)."""

    contig: str
    pos: int
    ref: str
    alt: str
    id: str = "."
    label: str = ""  # PLANTED label; empty for background

    @property
    def is_snv(self) -> bool:
        """One base replaced by another."""
        return len(self.ref) == len(self.alt) == 1


@dataclass(frozen=True)
class GermlineSite:
    """A germline variant and every patient's phased genotype (allele on haplotype 1, 2)."""

    variant: Variant
    genotypes: dict[str, Genotype]


@dataclass(frozen=True)
class SomaticSite:
    """A somatic SNV of a tumour, its variant allele fraction and its coding facts."""

    variant: Variant
    vaf: float
    coding: CodingVariant


@dataclass(frozen=True)
class TumourAllele:
    """An allele carried by exactly round(fraction x n) of the n tumour fragments over it."""

    variant: Variant
    fraction: float


@dataclass(frozen=True)
class Haplotype:
    """One haplotype of one contig: its sequence and the length changes that made it."""

    sequence: np.ndarray
    shifts: tuple[tuple[int, int], ...] = ()  # (ref position, length change)

    def index(self, ref_pos: int) -> int:
        """0-based index in this haplotype of the base at 1-based reference position."""
        return ref_pos - 1 + sum(delta for pos, delta in self.shifts if pos < ref_pos)


def coding_allele(reference: Reference, layout: GeneLayout, coding: CodingVariant) -> Variant:
    """The genomic VCF allele of a planted CDS change (an SNV or a left-aligned deletion)."""
    contig = layout.gene.name
    positions = [
        layout.genomic(layout.offset(coding.cds_pos + i)) for i in range(len(coding.cds_ref))
    ]
    low, high = min(positions), max(positions)
    on_genome = layout.strand_bases(coding.cds_ref)
    on_genome = on_genome if layout.gene.strand == "+" else on_genome[::-1]
    if (
        high - low + 1 != len(on_genome)
        or reference.fetch(contig, low, len(on_genome)) != on_genome
    ):
        raise TailorseqError(f"demo: {coding.id}: the CDS does not read {coding.cds_ref} there")
    label = coding.label
    ident = coding.rsid or "."
    if len(coding.cds_ref) == len(coding.cds_alt) == 1:
        return Variant(contig, low, on_genome, layout.strand_bases(coding.cds_alt), ident, label)
    if coding.cds_alt:
        raise TailorseqError(f"demo: {coding.id}: only SNVs and deletions can be planted")
    ref = reference.fetch(contig, low - 1, len(on_genome) + 1)
    if ref[0] == ref[-1]:
        raise TailorseqError(f"demo: {coding.id}: the deletion is not left-aligned on the genome")
    return Variant(contig, low - 1, ref, ref[0], ident, label)


def check_grch38(variant: Variant, coding: CodingVariant, contig: Contig) -> None:
    """A planted coding allele with GRCh38 facts must sit at their demo position, same alleles."""
    facts = coding.grch38
    if facts and (contig.to_demo(facts.pos), facts.ref, facts.alt) != (
        variant.pos,
        variant.ref,
        variant.alt,
    ):
        raise TailorseqError(
            f"demo: {coding.id} lands at {variant.contig}:{variant.pos} {variant.ref}>"
            f"{variant.alt}, not at GRCh38 {facts.chrom}:{facts.pos} {facts.ref}>{facts.alt}"
        )


def planted_alleles(
    plan: Plan, reference: Reference, layouts: dict[str, GeneLayout]
) -> dict[str, Variant]:
    """Every planted variant of the plan (PGx and coding) by its id."""
    alleles = {}
    for pgx in plan.pgx_variants:
        contig = plan.contig(pgx.gene)
        pos = contig.to_demo(pgx.grch38.pos)
        label = plan.allele_label(pgx.id)
        alleles[pgx.id] = Variant(contig.name, pos, pgx.grch38.ref, pgx.grch38.alt, pgx.id, label)
    for coding in plan.coding_variants:
        variant = coding_allele(reference, layouts[coding.gene], coding)
        check_grch38(variant, coding, plan.contig(coding.gene))
        alleles[coding.id] = variant
    return alleles


def planted_germline(plan: Plan, alleles: dict[str, Variant]) -> list[GermlineSite]:
    """Planted germline variants with every patient's genotype (star alleles set per haplotype),
    one allele per copy of the contig the patient has (a male's chrX: one)."""
    carried: dict[str, dict[str, list[int]]] = {}
    for patient in plan.patients:
        for gene, pair in patient.pgx.items():
            for hap, allele in enumerate(pair):
                for variant_id in plan.star_alleles[gene].get(allele, ()):
                    carried.setdefault(variant_id, {}).setdefault(patient.id, [0, 0])[hap] = 1
        for variant_id, genotype in patient.germline.items():
            carried.setdefault(variant_id, {})[patient.id] = [int(genotype[0]), int(genotype[2])]
    sites = []
    for variant_id, by_patient in carried.items():
        variant = alleles[variant_id]
        genotypes = {}
        for patient in plan.patients:
            genotype = by_patient.get(patient.id, [0, 0])
            copies = plan.contig(variant.contig).ploidy(patient.sex)
            if any(genotype[copies:]):
                raise TailorseqError(
                    f"demo: {patient.id} ({patient.sex}) has {copies} copies of "
                    f"{variant.contig}: {variant_id} cannot be on haplotype 2"
                )
            genotypes[patient.id] = tuple(genotype[:copies])
        sites.append(GermlineSite(variant, genotypes))
    return sites


def somatic_sites(plan: Plan, alleles: dict[str, Variant]) -> dict[str, list[SomaticSite]]:
    """Each patient's somatic SNVs with their VAF."""
    return {
        patient.id: [
            SomaticSite(alleles[variant_id], vaf, plan.coding(variant_id))
            for variant_id, vaf in patient.somatic.items()
        ]
        for patient in plan.patients
    }


def _blocked(
    plan: Plan, contig: Contig, layout: GeneLayout | None, avoid: Iterable[int]
) -> np.ndarray:
    """True where no background variant may touch: ends, exons, and within min_spacing of a
    quiet span or of an `avoid` position (so bases forced inside a quiet span change nothing)."""
    spec = plan.background
    blocked = np.zeros(contig.length + 1, dtype=bool)
    blocked[: spec.min_end_distance] = True
    blocked[contig.length - spec.min_end_distance :] = True
    for first, last in quiet_spans(plan, contig):
        block(blocked, first, last, spec.min_spacing)
    for start, end in layout.exons() if layout else ():
        block(blocked, start, end, spec.exon_margin)
    for pos in avoid:
        block(blocked, pos, pos, spec.min_spacing)
    return blocked


def quiet_spans(plan: Plan, contig: Contig) -> list[tuple[int, int]]:
    """The plan's quiet spans and germline deletions on `contig`, in demo positions (first,
    last): no background variant or microsatellite inside a deleted span, so the truth of
    every small variant holds on both haplotypes."""
    spans = [(q.start, q.end) for q in plan.quiet if q.contig == contig.name]
    spans += [
        (d.start, d.end) for p in plan.patients for d in p.deletions if d.contig == contig.name
    ]
    return [(contig.to_demo(start), contig.to_demo(end)) for start, end in spans]


def block(blocked: np.ndarray, first: int, last: int, margin: int) -> None:
    """Mark 1-based positions first..last and `margin` bases either side in a 0-based mask."""
    blocked[max(0, first - 1 - margin) : last + margin] = True


def _candidate(
    text: str, index: int, draws: dict[str, np.ndarray], i: int, spec: Background
) -> tuple[str, str] | None:
    """(ref, alt) of candidate i anchored at 0-based `index`, or None if it is not clean."""
    base = text[index]
    if not draws["indel"][i]:
        ref, alt = base, "ACGT"[(int(BASE_INDEX[ord(base)]) + int(draws["shift"][i])) % 4]
    elif draws["insertion"][i]:
        inserted = "".join("ACGT"[b] for b in draws["inserted"][i][: draws["length"][i]])
        if inserted[-1] == base or inserted[0] == text[index + 1]:
            return None  # could shift left or right: ambiguous representation
        ref, alt = base, base + inserted
    else:
        length = int(draws["length"][i])
        ref, alt = text[index : index + length + 1], base
        if ref[-1] == base or ref[1] == text[index + length + 1]:
            return None
    left, right = (
        text[max(0, index - FLANK) : index],
        text[index + len(ref) : index + len(ref) + FLANK],
    )
    if max(longest_run(left + ref + right), longest_run(left + alt + right)) > spec.max_homopolymer:
        return None
    return ref, alt


def _first_clean(
    text: str,
    index: int,
    draws: dict[str, np.ndarray],
    i: int,
    spec: Background,
    blocked: np.ndarray,
) -> tuple[int, str, str] | None:
    """(index, ref, alt) at the first anchor from `index` on (within SLIDE bases) where
    candidate i is clean and unblocked; None if there is none."""
    for anchor in range(index, index + SLIDE):
        if blocked[anchor : anchor + spec.indel_max_length + 2].any():
            return None
        alleles = _candidate(text, anchor, draws, i, spec)
        if alleles:
            return anchor, *alleles
    return None


def _genotype(u: float, carrier: float, copies: int = 2) -> Genotype:
    """Diploid: homozygous with probability carrier/3, each heterozygous phase carrier/3.
    With fewer copies, the first `copies` alleles of that draw (haploid: carrier 2/3)."""
    if u < carrier / 3:
        genotype = (1, 1)
    elif u < 2 * carrier / 3:
        genotype = (0, 1)
    else:
        genotype = (1, 0) if u < carrier else (0, 0)
    return genotype[:copies]


def contig_background(
    plan: Plan, reference: Reference, contig: Contig, blocked: np.ndarray, seed: int
) -> list[GermlineSite]:
    """Random SNVs and small indels of one contig, from a pool shared by the patients.

    Every candidate makes the same number of draws whether kept or not, so a change in what is
    blocked changes nothing but the candidates it blocks.
    """
    spec, patients = plan.background, [patient.id for patient in plan.patients]
    copies = [contig.ploidy(patient.sex) for patient in plan.patients]
    rng = stream(seed, "background", contig.name)
    rate = (spec.snv_per_kb + spec.indel_per_kb) / spec.carrier_fraction
    count = round(contig.length / 1000 * rate)
    draws = {
        "position": rng.integers(0, contig.length, size=count),
        "indel": rng.random(count) < spec.indel_per_kb / (spec.snv_per_kb + spec.indel_per_kb),
        "shift": rng.integers(1, 4, size=count),
        "insertion": rng.random(count) < 0.5,
        "length": rng.integers(1, spec.indel_max_length + 1, size=count),
        "inserted": rng.integers(0, 4, size=(count, spec.indel_max_length)),
        "carrier": rng.random((count, len(patients))),
    }
    text = reference.sequences[contig.name].tobytes().decode()
    sites, free_from = [], 0
    for i in np.argsort(draws["position"], kind="stable"):
        index = int(draws["position"][i])
        genotypes = {
            p: _genotype(u, spec.carrier_fraction, n)
            for p, u, n in zip(patients, draws["carrier"][i], copies, strict=True)
        }
        found = _first_clean(text, index, draws, i, spec, blocked)
        if found is None or found[0] < free_from or not any(map(any, genotypes.values())):
            continue
        index, ref, alt = found
        sites.append(GermlineSite(Variant(contig.name, index + 1, ref, alt), genotypes))
        free_from = index + len(ref) + spec.min_spacing
    return sites


def background_sites(
    plan: Plan,
    reference: Reference,
    layouts: dict[str, GeneLayout],
    avoid: dict[str, list[int]],
    seed: int,
) -> list[GermlineSite]:
    """The random germline background of every contig but the expression contigs."""
    sites = []
    for contig in (c for c in plan.contigs if not c.expression):
        blocked = _blocked(plan, contig, layouts.get(contig.name), avoid.get(contig.name, ()))
        sites += contig_background(plan, reference, contig, blocked, seed)
    return sites


def haplotypes(
    plan: Plan, reference: Reference, sites: list[GermlineSite], patient: Patient
) -> dict[str, tuple[Haplotype, ...]]:
    """A patient's haplotypes of every contig, one per copy (germline variants applied): two of
    an autosome, one of a male's chrX and chrY, none of a female's chrY, one chrM."""
    result = {}
    for contig, sequence in reference.sequences.items():
        on_contig = sorted(
            (site for site in sites if site.variant.contig == contig), key=lambda s: s.variant.pos
        )
        copies = []
        for hap in range(plan.contig(contig).ploidy(patient.sex)):
            carried = [site.variant for site in on_contig if site.genotypes[patient.id][hap]]
            pieces, cursor = [], 0
            for variant in carried:
                pieces += [
                    sequence[cursor : variant.pos - 1],
                    np.frombuffer(variant.alt.encode(), dtype=np.uint8),
                ]
                cursor = variant.pos - 1 + len(variant.ref)
            pieces.append(sequence[cursor:])
            shifts = tuple((v.pos, len(v.alt) - len(v.ref)) for v in carried if not v.is_snv)
            haplotype = Haplotype(np.concatenate(pieces), shifts)
            for deletion in patient.deletions:
                if deletion.contig == contig and deletion.haplotype == hap:
                    haplotype = without(haplotype, plan.contig(contig), deletion)
            copies.append(haplotype)
        result[contig] = tuple(copies)
    return result


def without(haplotype: Haplotype, contig: Contig, deletion: GermlineDeletion) -> Haplotype:
    """The haplotype with a germline deletion's bases removed (no variant lies inside it:
    quiet_spans)."""
    first, last = contig.to_demo(deletion.start), contig.to_demo(deletion.end)
    start, end = haplotype.index(first), haplotype.index(last) + 1
    sequence = np.concatenate([haplotype.sequence[:start], haplotype.sequence[end:]])
    return Haplotype(sequence, (*haplotype.shifts, (last, first - last - 1)))

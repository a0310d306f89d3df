"""Microsatellites forced into the demo genome, and the unstable ones of an MSI tumour.

The demo's random sequence holds only a handful of microsatellites, too few to assess MSI. The
plan's `microsatellites` puts `count` perfect mono- and dinucleotide repeats into slots every
`spacing` bases, away from contig ends, gene models, quiet spans and planted positions, and not
on the expression contigs. Each slot has its own draws (unit, length, rank), so blocking a slot
changes no other slot. A slot takes the first position from its start where the repeat, with
`CLEAN_FLANK` unique bases either side, is exactly one microsatellite for the pipeline's own scan
(`tailorseq.somatic.msi`).
"""

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from tailorseq.demo.genome import GeneLayout, Reference
from tailorseq.demo.plan import Contig, Patient, Plan
from tailorseq.demo.sequence import stream
from tailorseq.demo.variants import TumourAllele, Variant, block, quiet_spans
from tailorseq.errors import TailorseqError
from tailorseq.somatic.repeats import find_microsatellites

CLEAN_FLANK = 10  # unique bases either side (the MSI scan needs somatic.msi_flank, 5 by default)
SLIDE = 60  # positions a slot tries from its start


@dataclass(frozen=True)
class Microsatellite:
    """`copies` copies of `unit` from 1-based `pos` on `contig`."""

    contig: str
    pos: int
    unit: str
    copies: int

    @property
    def last(self) -> int:
        """The 1-based position of the repeat's last base."""
        return self.pos + len(self.unit) * self.copies - 1


@dataclass(frozen=True)
class UnstableSite:
    """A microsatellite that lost `deleted_units` units in a fraction of a tumour's fragments."""

    site: Microsatellite
    deleted_units: int
    allele: TumourAllele

    @property
    def variant(self) -> Variant:
        """The shortened allele as a left-aligned VCF deletion."""
        return self.allele.variant


def _blocked(
    plan: Plan, contig: Contig, layout: GeneLayout | None, avoid: Iterable[int]
) -> np.ndarray:
    """True within `spacing` of the contig's ends, its gene model, quiet spans and `avoid`."""
    spacing = plan.microsatellites.spacing
    blocked = np.zeros(contig.length, dtype=bool)
    spans = [(1, 1), (contig.length, contig.length), *quiet_spans(plan, contig)]
    if layout:
        exons = layout.exons()
        spans.append((min(start for start, _ in exons), max(end for _, end in exons)))
    spans += [(pos, pos) for pos in avoid]
    for first, last in spans:
        block(blocked, first, last, spacing)
    return blocked


def is_clean(left: str, repeat: str, right: str, unit: str) -> bool:
    """True when the scan finds exactly this repeat (unit, both ends) and nothing else."""
    found = find_microsatellites(left + repeat + right, "", flank=len(left))
    return [(s.start, s.end, s.unit) for s in found] == [(len(left), len(left) + len(repeat), unit)]


def _place(
    reference: Reference, contig: str, start: int, repeat: str, unit: str, blocked: np.ndarray
) -> int | None:
    """The first 1-based position from `start` (within SLIDE) where the repeat is clean."""
    for pos in range(start, start + SLIDE):
        first, last = pos - CLEAN_FLANK, pos + len(repeat) + CLEAN_FLANK - 1
        if blocked[first - 1 : last].any():
            return None
        left = reference.fetch(contig, first, CLEAN_FLANK)
        right = reference.fetch(contig, pos + len(repeat), CLEAN_FLANK)
        if is_clean(left, repeat, right, unit):
            return pos
    return None


def plant_microsatellites(
    plan: Plan,
    reference: Reference,
    layouts: dict[str, GeneLayout],
    avoid: dict[str, list[int]],
    seed: int,
) -> list[Microsatellite]:
    """Choose the plan's microsatellites, force them into `reference`; in contig order."""
    spec = plan.microsatellites
    slots = [
        (contig, start)
        for contig in plan.contigs
        # the same copies in tumour and normal of either sex, and in tumour cells
        if contig.autosomal and contig.name not in plan.rearranged_contigs and not contig.expression
        for start in range(spec.spacing, contig.length - spec.spacing, spec.spacing)
    ]
    rng = stream(seed, "microsatellites")
    rank = rng.random(len(slots))
    units = rng.integers(0, len(spec.units), size=len(slots))
    lengths = rng.integers(spec.bases[0], spec.bases[1] + 1, size=len(slots))
    masks = {
        c.name: _blocked(plan, c, layouts.get(c.name), avoid.get(c.name, ())) for c in plan.contigs
    }
    placed = {}
    for i, (contig, start) in enumerate(slots):
        unit = spec.units[units[i]]
        repeat = unit * (int(lengths[i]) // len(unit))
        pos = _place(reference, contig.name, start, repeat, unit, masks[contig.name])
        if pos is not None:
            placed[i] = Microsatellite(contig.name, pos, unit, len(repeat) // len(unit))
    if len(placed) < spec.count:
        raise TailorseqError(
            f"demo: only {len(placed)} places for the plan's {spec.count} microsatellites:"
            " lower microsatellites.count or spacing"
        )
    chosen = sorted(sorted(placed, key=lambda i: rank[i])[: spec.count])
    for i in chosen:
        site = placed[i]
        repeat = site.unit * site.copies
        reference.force(site.contig, site.pos, repeat, f"microsatellite {site.contig}:{site.pos}")
    return [placed[i] for i in chosen]


def unstable_sites(
    plan: Plan, patient: Patient, sites: list[Microsatellite], reference: Reference, seed: int
) -> list[UnstableSite]:
    """The microsatellites unstable in the patient's tumour (none without `msi`), each with the
    number of units it loses, drawn from the patient's own stream."""
    if patient.msi is None:
        return []
    rng = stream(seed, "msi", patient.id)
    count = round(patient.msi.unstable * len(sites))
    chosen = np.sort(rng.choice(len(sites), size=count, replace=False))
    low, high = plan.microsatellites.deleted_units
    deleted = rng.integers(low, high + 1, size=count)
    unstable = []
    for index, units in zip(chosen, deleted, strict=True):
        site = sites[index]
        anchor = reference.fetch(site.contig, site.pos - 1)
        label = f"MSI:{site.unit}[{site.copies}]>{site.unit}[{site.copies - units}]"
        variant = Variant(
            site.contig, site.pos - 1, anchor + site.unit * int(units), anchor, label=label
        )
        unstable.append(UnstableSite(site, int(units), TumourAllele(variant, patient.msi.vaf)))
    return unstable

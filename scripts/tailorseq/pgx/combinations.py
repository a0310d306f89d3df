"""Combination and partial alleles: PharmCAT's research mode (`findCombinations`), written from
its documented behaviour and test expectations (PharmCAT's code was read, not copied).

When the exact matcher finds no diplotype, every sample strand is explained on its own:
- a named allele *covers* a strand when every one of its own (non-null) cells at the positions
  the sample has agrees with the strand (IUPAC codes match any of their bases); definitions are
  not filled in with the reference here, and the reference named allele never covers;
- with two or more covering alleles, they are grouped into non-overlapping combinations: alleles
  are taken largest first (most own cells, then name), each joins every group it shares no position
  with; one that shares a position with a *larger* or *smaller* allele of a group is a shell of it
  and is dropped (e.g. `*6` inside `*13`), one that shares a position only with an equally sized
  allele (usually a missing position made them look alike) starts a group of its own;
- variant positions of the strand (allele differs from the genome reference) that no allele of
  the group covers are *partials*, named in HGVS genomic form (`g.94781859G>A`);
- a strand with one covering allele (or none: the reference) and no partials is that allele; a
  group of several, or an allele with partials, is written `[*6 + *28 + g.233760973C>T]`; partials
  on the reference alone are written bare (`g.41012316T>G`), or bracketed when several.
Diplotypes pair the matches of complementary strands (every pairing, phased or not); all are
reported, as PharmCAT does in this mode (its top-candidate filter does not apply to combinations).
"""

from __future__ import annotations

from dataclasses import dataclass

from tailorseq.pgx.definitions import GeneDefinition, Variant, allele_matches, name_key
from tailorseq.pgx.phasing import Block, strand_pairs

JOINER = " + "
#: Above this many independently ordered blocks (`phasing.py`; an unphased heterozygous position
#: is one) the strands are not enumerated.
MAX_UNPHASED_HETEROZYGOUS = 16


def hgvs(variant: Variant, allele: str) -> str:
    """A genomic HGVS-style name of one non-reference allele at a defining position."""
    ref, pos = variant.ref, variant.position
    if len(ref) == 1 and len(allele) == 1:
        return f"g.{pos}{ref}>{allele}"
    # shared leading bases are VCF padding
    lead = 0
    while lead < min(len(ref), len(allele)) and ref[lead] == allele[lead]:
        lead += 1
    start = pos + lead
    deleted, inserted = ref[lead:], allele[lead:]
    if not inserted:
        end = start + len(deleted) - 1
        return f"g.{start}del" if end == start else f"g.{start}_{end}del"
    if not deleted:
        return f"g.{start - 1}_{start}ins{inserted}"
    end = start + len(deleted) - 1
    span = f"{start}" if end == start else f"{start}_{end}"
    return f"g.{span}delins{inserted}"


@dataclass(frozen=True)
class StrandMatch:
    """How one strand is explained: named alleles (sorted) and partials (by position)."""

    alleles: tuple[str, ...]
    partials: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        parts = [*self.alleles, *self.partials]
        return parts[0] if len(parts) == 1 else "[" + JOINER.join(parts) + "]"

    @property
    def is_combination(self) -> bool:
        return len(self.alleles) > 1

    @property
    def is_partial(self) -> bool:
        return bool(self.partials)


@dataclass(frozen=True)
class _Core:
    name: str
    cells: dict[int, str]  # index into the present positions -> the allele's own cell


def _cores(definition: GeneDefinition, present: list[int]) -> tuple[str, list[_Core]]:
    reference = definition.reference_allele.name
    cores = []
    for allele in definition.named_alleles:
        if allele.reference:
            continue
        cells = {k: allele.alleles[i] for k, i in enumerate(present) if allele.alleles[i]}
        if cells:
            cores.append(_Core(allele.name, cells))
    return reference, cores


def _groups(covering: list[_Core]) -> list[list[_Core]]:
    ordered = sorted(covering, key=lambda c: (-len(c.cells), name_key(c.name)))
    groups: list[list[_Core]] = []
    for core in ordered:
        joined = False
        shell = False
        for group in groups:
            clash = next((g for g in group if g.cells.keys() & core.cells.keys()), None)
            if clash is None:
                group.append(core)
                joined = True
            elif len(clash.cells) != len(core.cells):
                shell = True
        if not joined and not shell:
            groups.append([core])
    return groups


def strand_matches(
    strand: tuple[str, ...], variants: list[Variant], reference: str, cores: list[_Core]
) -> list[StrandMatch]:
    """Every explanation of one strand (one allele per present position)."""
    variant_at = [k for k, (a, v) in enumerate(zip(strand, variants, strict=True)) if a != v.ref]
    covering = [
        c for c in cores if all(allele_matches(cell, strand[k]) for k, cell in c.cells.items())
    ]

    def partials(group: list[_Core]) -> tuple[str, ...]:
        covered = set().union(*(c.cells.keys() for c in group)) if group else set()
        return tuple(hgvs(variants[k], strand[k]) for k in variant_at if k not in covered)

    if len(covering) <= 1:
        if covering:
            return [StrandMatch((covering[0].name,), partials(covering))]
        extra = partials([])
        return [StrandMatch((), extra) if extra else StrandMatch((reference,))]
    result = []
    for group in _groups(covering):
        names = tuple(sorted((c.name for c in group), key=name_key))
        result.append(StrandMatch(names, partials(group)))
    return result


def haplotype_order(name: str):
    """Within a diplotype: named alleles, then bare partials, then bracketed combinations."""
    rank = 2 if name.startswith("[") else 1 if name.startswith("g.") else 0
    return (rank, name_key(name))


def combination_diplotypes(
    definition: GeneDefinition,
    present: list[int],
    genotypes: list[tuple[str, ...]],
    blocks: list[Block],
) -> tuple[dict[tuple[str, ...], int], list[str]]:
    """Diplotypes (haplotype names, in display order) with a score (the named alleles' own cells
    summed), and warnings. `blocks`: the heterozygous positions phased together (`phasing.py`)."""
    variants = [definition.variants[i] for i in present]
    reference, cores = _cores(definition, present)
    score_of = {c.name: len(c.cells) for c in cores}
    haploid = all(len(g) == 1 for g in genotypes)
    warnings: list[str] = []
    if haploid:
        strand = tuple(g[0] for g in genotypes)
        found = {}
        for match in strand_matches(strand, variants, reference, cores):
            found[(match.name,)] = sum(score_of.get(a, 0) for a in match.alleles)
        return found, warnings
    pairs_in = [(g[0], g[1]) if len(g) == 2 else (g[0], g[0]) for g in genotypes]
    if len(blocks) > MAX_UNPHASED_HETEROZYGOUS:
        warnings.append(
            f"combination search skipped: {len(blocks)} heterozygous positions or phase sets "
            f"of unknown relative phase (limit {MAX_UNPHASED_HETEROZYGOUS})"
        )
        return {}, warnings
    cache: dict[tuple[str, ...], list[StrandMatch]] = {}

    def matches(strand):
        if strand not in cache:
            cache[strand] = strand_matches(strand, variants, reference, cores)
        return cache[strand]

    found: dict[tuple[str, ...], int] = {}
    for one, two in strand_pairs(pairs_in, blocks):
        for m1 in matches(one):
            for m2 in matches(two):
                key = tuple(sorted((m1.name, m2.name), key=haplotype_order))
                score = sum(score_of.get(a, 0) for a in (*m1.alleles, *m2.alleles))
                found[key] = max(score, found.get(key, score))
    return found, warnings


def is_combination_name(name: str) -> bool:
    """A haplotype name from this module rather than a named allele."""
    return (name.startswith("[") and name.endswith("]")) or name.startswith("g.")

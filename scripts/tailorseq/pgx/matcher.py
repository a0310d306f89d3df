"""Named-allele matching with PharmCAT's NamedAlleleMatcher semantics (exact-match path).

What it does, as PharmCAT does it (PharmCAT's code was read, not copied):
- Positions missing in the sample are dropped from every definition; a named allele keeps the
  score of its defined positions that remain, and one left with no defined position is dropped.
- With `assume_reference` (PharmCAT's default), a non-reference allele's undefined cells take the
  reference allele's value at that position (its base when the reference cell is an IUPAC code),
  so `*2` means "the `*2` variants and reference elsewhere".
- A named allele matches a sample strand when every cell agrees (null = anything, IUPAC codes
  match any of their bases).
- Phased input has two strands; unphased input has every strand the genotypes allow; with VCF
  phase sets (FORMAT/PS), genotypes are phased within each set and unphased across sets
  (`phasing.py`). A diplotype is a pair of named alleles matching complementary strands (same
  allele twice needs two strands).
- Score of a diplotype: the sum of its two alleles' scores, where an allele loses one point for
  each IUPAC ("wobble") position at which its strand carries the reference base; the best pairing
  of strands counts. Diplotypes are ranked by score; `top_candidate_only` keeps the top-scoring
  ones, all of them when several tie.
- Exemptions: ignored alleles/positions are left out by the loader; a missing required position
  (NAT2) makes no call; unphased diplotype priorities (NAT2) pick PharmCAT's preferred diplotype
  when the tied top set is exactly one of its lists.

- Research mode (`find_combinations`, off by default as in PharmCAT): when the exact match finds
  no diplotype, combination and partial alleles are looked for (`combinations.py`) and every
  diplotype they allow is reported (`GeneCall.mode == "combination"`).

- Lowest-function genes (DPYD, RYR1) take PharmCAT's own path (`lowest_function.py`): a
  diplotype per strand pair when effectively phased (combinations allowed), else a list of
  matched haplotypes (`GeneCall.haplotype_matches`, no diplotype); DPYD's HapB3 called apart.
- Half-missing genotypes (`0/.`): PharmCAT makes no call for a gene with one (outside research
  mode), and so do we; in research mode, and for the lowest-function genes (whose PharmCAT path
  has no such check), the position counts as missing.

Not done here (reported as such): research mode's naming of a half-missing position
(`g.<pos>?`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tailorseq.pgx.combinations import combination_diplotypes, haplotype_order
from tailorseq.pgx.definitions import (
    GeneDefinition,
    Variant,
    allele_matches,
    is_wobble,
    name_key,
)
from tailorseq.pgx.genotypes import PositionCall
from tailorseq.pgx.lowest_function import call_lowest_function, is_lowest_function_gene
from tailorseq.pgx.phasing import order_units, phase_blocks, phase_set_count


@dataclass(frozen=True)
class Diplotype:
    """One diplotype: haplotype names in sorted order, one name for a haploid call."""

    haplotypes: tuple[str, ...]
    score: int

    @property
    def name(self) -> str:
        return "/".join(self.haplotypes)


@dataclass
class GeneCall:
    """The matcher's result for one gene."""

    gene: str
    diplotypes: list[Diplotype] = field(default_factory=list)
    matched_haplotypes: list[str] = field(default_factory=list)
    missing_positions: list[Variant] = field(default_factory=list)
    #: why each missing position has no genotype (the VCF's FORMAT/FT), by position label
    missing_reasons: dict[str, str] = field(default_factory=dict)
    phased: bool = False  # every position `|` (or haploid), as PharmCAT's `phased`
    #: at most two sample strands (one block of phased-together heterozygous positions)
    effectively_phased: bool = False
    undocumented: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    mode: str = "exact"  # "combination" when research mode found combination/partial alleles
    #: lowest-function genes, unphased: every matched haplotype (twice when homozygous), no
    #: diplotype (PharmCAT's `haplotypeMatches`)
    haplotype_matches: list[str] = field(default_factory=list)

    @property
    def called(self) -> bool:
        return bool(self.diplotypes or self.haplotype_matches)

    @property
    def diplotype_names(self) -> list[str]:
        return [d.name for d in self.diplotypes]


@dataclass(frozen=True)
class _Candidate:
    name: str
    cells: tuple[str | None, ...]  # after reference defaulting, over present positions
    wobble: tuple[bool, ...]  # the definition's own cell is an IUPAC ambiguity code
    score: int


def _candidates(definition: GeneDefinition, present: list[int], assume_reference: bool):
    reference = definition.reference_allele
    result = []
    for allele in definition.named_alleles:
        own = [allele.alleles[i] for i in present]
        score = sum(cell is not None for cell in own)
        if score == 0:
            continue
        cells = list(own)
        if assume_reference and not allele.reference:
            for k, i in enumerate(present):
                if cells[k] is None:
                    ref_cell = reference.alleles[i]
                    cells[k] = definition.variants[i].ref if is_wobble(ref_cell) else ref_cell
        result.append(
            _Candidate(allele.name, tuple(cells), tuple(is_wobble(c) for c in own), score)
        )
    return result


def _penalty(candidate: _Candidate, k: int, allele: str, variant: Variant) -> int:
    return 1 if candidate.wobble[k] and allele == variant.ref else 0


def _fits_strand(h: _Candidate, genotypes, unit: list[int], first: int) -> bool:
    """Whether `h` agrees with the `first` allele (0 or 1) of every position of one unit."""
    return all(allele_matches(h.cells[k], genotypes[k][first]) for k in unit)


def _matches_some_strand(h: _Candidate, genotypes, units: list[list[int]]) -> bool:
    """Whether `h` fits at least one strand the phase units allow."""
    return all(_fits_strand(h, genotypes, unit, 0) or _fits_strand(h, genotypes, unit, 1)
               for unit in units)  # fmt: skip


def _pair_score(h1, h2, genotypes, variants, units: list[list[int]]) -> int | None:
    """Score of h1 and h2 on complementary strands, each unit of positions taken in its better
    fitting order (None when no order fits)."""
    score = h1.score + h2.score
    for unit in units:
        penalties = [
            sum(
                _penalty(h1, k, genotypes[k][first], variants[k])
                + _penalty(h2, k, genotypes[k][1 - first], variants[k])
                for k in unit
            )
            for first in (0, 1)
            if _fits_strand(h1, genotypes, unit, first)
            and _fits_strand(h2, genotypes, unit, 1 - first)
        ]
        if not penalties:
            return None
        score -= min(penalties)
    return score


def match_gene(
    definition: GeneDefinition,
    calls: list[PositionCall],
    top_candidate_only: bool = True,
    assume_reference: bool = True,
    find_combinations: bool = False,
) -> GeneCall:
    """Call one gene from its position calls (one per definition variant, in definition order).
    `find_combinations`: PharmCAT's research mode (combination and partial alleles) when the exact
    match finds nothing."""
    result = GeneCall(gene=definition.gene)
    present = [i for i, call in enumerate(calls) if not call.missing]
    result.missing_positions = [calls[i].variant for i, c in enumerate(calls) if c.missing]
    result.missing_reasons = {c.variant.label: c.reason for c in calls if c.missing and c.reason}
    if result.missing_reasons:
        result.warnings.append(
            "no genotype at "
            + ", ".join(f"{label} ({reason})" for label, reason in result.missing_reasons.items())
            + ": alleles defined there cannot be called"
        )
    result.undocumented = [
        f"{c.variant.label}: {','.join(c.undocumented)}" for c in calls if c.undocumented
    ]
    if not present:
        result.warnings.append("no defining position has a genotype: no call")
        return result
    required = definition.exemption.required_positions
    missing_required = [v for v in result.missing_positions if v.position in required]
    if missing_required:
        result.warnings.append(
            "required position(s) missing: "
            + ", ".join(v.label for v in missing_required)
            + ": no call"
        )
        return result

    lowest_function = is_lowest_function_gene(definition.gene)
    half = [c.variant.label for c in calls if c.half_missing]
    if half and not find_combinations and not lowest_function:
        result.warnings.append(
            "half-missing genotype (e.g. 0/.) at " + ", ".join(half) + ": no call (as PharmCAT)"
        )
        return result
    if half:
        result.warnings.append(
            "half-missing genotype (e.g. 0/.) at "
            + ", ".join(half)
            + ": position treated as missing"
        )
    if lowest_function:
        pairs = [c.alleles if len(c.alleles) == 2 else (c.alleles[0],) * 2
                 for c in (calls[i] for i in present)]  # fmt: skip
        call_lowest_function(definition, calls, present, pairs, result)
        return result

    variants = [definition.variants[i] for i in present]
    genotypes = [calls[i].alleles for i in present]
    candidates = _candidates(definition, present, assume_reference)
    haploid = all(len(g) == 1 for g in genotypes)
    genotypes = [g if len(g) == 2 else (g[0], g[0]) for g in genotypes]
    present_calls = [calls[i] for i in present]
    blocks = phase_blocks(present_calls)
    units = order_units(genotypes, blocks)
    result.phased = all(c.phased for c in present_calls) or haploid
    sets = phase_set_count(present_calls)
    if sets > 1:
        result.warnings.append(
            f"phased genotypes in {sets} phase sets (FORMAT/PS): phased within each set only"
        )

    # alleles that match at least one strand the genotypes allow
    matched = [h for h in candidates if _matches_some_strand(h, genotypes, units)]
    result.matched_haplotypes = sorted({h.name for h in matched}, key=name_key)

    diplotypes: dict[tuple[str, ...], int] = {}
    if haploid:
        for h in matched:
            score = h.score - sum(
                _penalty(h, k, g[0], variants[k]) for k, g in enumerate(genotypes)
            )
            diplotypes[(h.name,)] = max(score, diplotypes.get((h.name,), score))
    else:
        for x, h1 in enumerate(matched):
            for h2 in matched[x:]:
                score = _pair_score(h1, h2, genotypes, variants, units)
                if score is None:
                    continue
                key = tuple(sorted((h1.name, h2.name), key=name_key))
                diplotypes[key] = max(score, diplotypes.get(key, score))

    ranked = sorted(
        (Diplotype(names, score) for names, score in diplotypes.items()),
        key=lambda d: (-d.score, [name_key(n) for n in d.haplotypes]),
    )
    effectively_phased = result.effectively_phased = haploid or len(blocks) <= 1
    if top_candidate_only and ranked:
        top = [d for d in ranked if d.score == ranked[0].score]
        if not effectively_phased and len(top) > 1:
            names = {d.name for d in top}
            for group, pick in definition.exemption.unphased_priorities:
                if names == set(group):
                    top = [d for d in top if d.name == pick] or top
                    result.warnings.append(f"unphased tie {sorted(names)} resolved to {pick}")
                    break
        ranked = top
    result.diplotypes = ranked
    if find_combinations and not ranked:
        own = [calls[i].alleles for i in present]
        found, warnings = combination_diplotypes(definition, present, own, blocks)
        result.warnings.extend(warnings)
        if found:
            result.mode = "combination"
            result.diplotypes = sorted(
                (Diplotype(names, score) for names, score in found.items()),
                key=lambda d: (-d.score, [haplotype_order(n) for n in d.haplotypes]),
            )
            result.matched_haplotypes = sorted(
                {n for d in result.diplotypes for n in d.haplotypes}, key=haplotype_order
            )
    return result


def call_gene(
    definition: GeneDefinition,
    genotypes,
    top_candidate_only: bool = True,
    assume_reference: bool = True,
    find_combinations: bool = False,
) -> GeneCall:
    """Call one gene from a `SampleGenotypes`."""
    return match_gene(
        definition,
        genotypes.for_gene(definition),
        top_candidate_only=top_candidate_only,
        assume_reference=assume_reference,
        find_combinations=find_combinations,
    )


def call_genes(
    definitions: dict[str, GeneDefinition],
    genotypes,
    top_candidate_only: bool = True,
    find_combinations: bool = False,
) -> dict[str, GeneCall]:
    """Call every gene of the definitions."""
    return {
        gene: call_gene(
            definition, genotypes, top_candidate_only, find_combinations=find_combinations
        )
        for gene, definition in sorted(definitions.items())
    }

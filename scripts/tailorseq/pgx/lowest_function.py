"""Lowest-function genes (DPYD, RYR1): PharmCAT's own calling path for them, written from its
documented behaviour and test expectations (PharmCAT's `NamedAlleleMatcher.callLowestFunctionGene`,
`DpydHapB3Matcher` and `LowestFunctionGeneCaller` were read, not copied).

Matching (`call_lowest_function`):
- *effectively phased* input (haploid, or at most one block of heterozygous positions phased
  together, see `phasing.py`: phased, or phase sets, or one heterozygous position): each strand
  is explained on its own by the named alleles it carries, without filling definitions in with
  the reference: none -> `Reference`, one -> that allele, several -> a combination
  `[c.61C>T + c.2846A>T]` (as in research mode, whatever `find_combinations` says); every pairing
  of the two strands' explanations is a diplotype, all of them reported;
- otherwise PharmCAT reports no diplotype but a *list* of haplotypes
  (`GeneCall.haplotype_matches`): every named allele whose cells all occur in the genotypes
  (`Reference` too when no position is homozygous non-reference), an allele twice when it is
  homozygous, and `Reference` dropped when more than two haplotypes are listed.
- DPYD's HapB3 (`c.1129-5923C>G, c.1236G>A (HapB3)`, intronic rs75017182 and exonic rs56038477)
  is called apart from the other alleles: on a strand, intronic + exonic variant -> HapB3,
  intronic only -> `c.1129-5923C>G` (where the definitions have it), exonic only with the
  intronic position missing -> HapB3 with a warning, exonic only with the intronic reference ->
  nothing, with a warning (the intronic variant is the causal one). Unphased, the two positions'
  allele counts are compared the same way, unless the two positions share a phase set (FORMAT/PS):
  then per strand, as PharmCAT does. The HapB3 call is then merged into each strand
  (`[c.61C>T + c.1129-5923C>G, c.1236G>A (HapB3)]`) or appended to the list.

Phenotype (`lowest_function_haplotypes`): the two lowest-function haplotypes decide, as CPIC's
DPYD guideline says (activity score from the two lowest-function variants): for diplotypes, the
lowest-activity allele of each strand, and of several diplotypes the one with the lowest sum
(unknown activity counts as 2, as PharmCAT does); for a list, the two lowest-activity alleles
(ties by name). RYR1 ranks alleles whose function says "Malignant" first.

Not done (as PharmCAT does it): DPWG's preference among equally low alleles (we order ties by
name).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from tailorseq.pgx.combinations import JOINER, haplotype_order, hgvs
from tailorseq.pgx.definitions import GeneDefinition, allele_matches, name_key
from tailorseq.pgx.phasing import phase_blocks, share_phase_set

LOWEST_FUNCTION_GENES = frozenset({"DPYD", "RYR1"})
HAPB3 = "c.1129-5923C>G, c.1236G>A (HapB3)"
HAPB3_INTRONIC = "c.1129-5923C>G"
HAPB3_INTRONIC_RSID = "rs75017182"
HAPB3_EXONIC_RSID = "rs56038477"
REFERENCE = "Reference"
WARN_INTRONIC_MISMATCH = (
    "HapB3: exonic c.1236G>A without the intronic c.1129-5923C>G on the same chromosome "
    "(intronic call wins; PharmCAT's pcat-dpyd-hapB3-intronic-mismatch-exonic)"
)
WARN_EXONIC_ONLY = (
    "HapB3 called from exonic c.1236G>A alone: the intronic c.1129-5923C>G position is missing "
    "(PharmCAT's pcat-dpyd-hapB3-exonic-only)"
)
#: Activity assumed for an allele without one when diplotypes are compared (PharmCAT's choice).
UNKNOWN_ACTIVITY = 2.0


def is_lowest_function_gene(gene: str) -> bool:
    return gene in LOWEST_FUNCTION_GENES


@dataclass(frozen=True)
class _HapB3:
    exon: int | None  # index into the present positions
    intron: int | None
    exon_alt: str
    intron_alt: str
    has_intronic_allele: bool


def _hapb3(definition: GeneDefinition, present: list[int]) -> tuple[_HapB3 | None, set[int]]:
    """Where HapB3's two positions are (None when the gene is not DPYD or lacks HapB3), and the
    definition indexes of its positions."""
    if definition.gene != "DPYD":
        return None, set()
    allele = next((a for a in definition.named_alleles if a.name == HAPB3), None)
    if allele is None:
        return None, set()
    cells = [i for i, cell in enumerate(allele.alleles) if cell is not None]
    intronic = next((a for a in definition.named_alleles if a.name == HAPB3_INTRONIC), None)
    intron_i = next(
        (i for i in cells if definition.variants[i].rsid == HAPB3_INTRONIC_RSID),
        next((i for i in cells if intronic and intronic.alleles[i] is not None), None),
    )
    exon_i = next((i for i in cells if i != intron_i), None)
    if intron_i is None or exon_i is None:
        return None, set()
    at = {i: k for k, i in enumerate(present)}
    info = _HapB3(
        exon=at.get(exon_i),
        intron=at.get(intron_i),
        exon_alt=allele.alleles[exon_i],
        intron_alt=allele.alleles[intron_i],
        has_intronic_allele=intronic is not None,
    )
    return info, {exon_i, intron_i}


def _strand_hapb3(info: _HapB3, strand: tuple[str, ...], warnings: set[str]) -> str | None:
    """HapB3 on one strand: HAPB3, HAPB3_INTRONIC or None."""
    intron = None if info.intron is None else strand[info.intron] == info.intron_alt
    exon = info.exon is not None and strand[info.exon] == info.exon_alt
    if intron:
        if exon or not info.has_intronic_allele:
            return HAPB3
        return HAPB3_INTRONIC
    if exon:
        if intron is None:
            warnings.add(WARN_EXONIC_ONLY)
            return HAPB3
        warnings.add(WARN_INTRONIC_MISMATCH)
    return None


def _unphased_hapb3(info: _HapB3, genotypes, warnings: set[str]) -> list[str]:
    """HapB3 haplotypes from unphased genotypes, from the number of chromosomes carrying each
    of its two variants (the intronic count wins where they disagree)."""
    intron = None if info.intron is None else genotypes[info.intron]
    exon = None if info.exon is None else genotypes[info.exon]
    intronic_name = HAPB3_INTRONIC if info.has_intronic_allele else HAPB3
    if intron is None:
        if exon is None:
            return []
        warnings.add(WARN_EXONIC_ONLY)
        return [HAPB3] * sum(a == info.exon_alt for a in exon)
    n_intron = sum(a == info.intron_alt for a in intron)
    if exon is None:
        return [intronic_name] * n_intron
    n_exon = sum(a == info.exon_alt for a in exon)
    if n_intron == n_exon:
        return [HAPB3] * n_intron
    if n_intron > n_exon:  # 1/0, 2/0, 2/1
        return [HAPB3] * n_exon + [intronic_name] * (n_intron - n_exon)
    warnings.add(WARN_INTRONIC_MISMATCH)  # more exonic than intronic
    return [HAPB3] * n_intron


def _hapb3_unphased_gene(info: _HapB3, genotypes, calls, warnings: set[str]) -> list[str]:
    """HapB3 in a gene that is not effectively phased: per strand when its two positions share a
    phase set (as PharmCAT does), else from allele counts."""
    if None not in (info.intron, info.exon) and share_phase_set(calls, info.intron, info.exon):
        strands = (tuple(g[0] for g in genotypes), tuple(g[1] for g in genotypes))
        return [h for strand in strands if (h := _strand_hapb3(info, strand, warnings))]
    return _unphased_hapb3(info, genotypes, warnings)


@dataclass(frozen=True)
class _Core:
    name: str
    cells: dict[int, str]  # present index -> own cell


def _cores(definition: GeneDefinition, present: list[int], skip: set[int], hapb3: bool):
    """Non-reference named alleles over the present positions (HapB3 ones left out when HapB3 is
    called apart), without reference filling."""
    cores = []
    for allele in definition.named_alleles:
        if allele.reference or (hapb3 and allele.name in (HAPB3, HAPB3_INTRONIC)):
            continue
        cells = {k: allele.alleles[i] for k, i in enumerate(present) if allele.alleles[i]}
        if cells and not (hapb3 and set(present[k] for k in cells) & skip):
            cores.append(_Core(allele.name, cells))
    return cores


def _score(definition: GeneDefinition, present: list[int], name: str) -> int:
    for allele in definition.named_alleles:
        if allele.name == name:
            return sum(allele.alleles[i] is not None for i in present)
    return 0


def _strand_names(strand, variants, cores, skip_k: set[int]) -> list[tuple[str, ...]]:
    """The named alleles (and partials) one strand carries: one tuple per explanation."""
    covering = [
        c for c in cores if all(allele_matches(cell, strand[k]) for k, cell in c.cells.items())
    ]
    # alleles sharing a position with a larger one are shells of it (RYR1/DPYD: one per position)
    groups: list[list[_Core]] = []
    for core in sorted(covering, key=lambda c: (-len(c.cells), name_key(c.name))):
        placed = False
        for group in groups:
            if not any(g.cells.keys() & core.cells.keys() for g in group):
                group.append(core)
                placed = True
        if not placed:
            groups.append([core])
    groups = groups or [[]]
    result = []
    for group in groups:
        covered = set().union(*(c.cells.keys() for c in group)) if group else set()
        partials = tuple(
            hgvs(variants[k], strand[k])
            for k, (a, v) in enumerate(zip(strand, variants, strict=True))
            if a != v.ref and k not in covered and k not in skip_k
        )
        result.append(tuple(sorted((c.name for c in group), key=name_key)) + partials)
    return result


def _haplotype_name(parts: tuple[str, ...]) -> str:
    if not parts:
        return REFERENCE
    return parts[0] if len(parts) == 1 else "[" + JOINER.join(parts) + "]"


def components(name: str) -> list[str]:
    """The alleles of one haplotype name (`[a + b]` -> [a, b])."""
    if name.startswith("[") and name.endswith("]"):
        return name[1:-1].split(JOINER)
    return [name]


def call_lowest_function(definition, calls, present, genotypes, result) -> None:
    """Fill `result` (a GeneCall) for a lowest-function gene; genotypes are diploid pairs over
    `present` (haploid calls doubled)."""
    variants = [definition.variants[i] for i in present]
    info, hapb3_idx = _hapb3(definition, present)
    skip_k = {k for k, i in enumerate(present) if i in hapb3_idx}
    cores = _cores(definition, present, hapb3_idx, info is not None)
    warnings: set[str] = set()
    present_calls = [calls[i] for i in present]
    haploid = all(len(c.alleles) == 1 for c in present_calls)
    result.phased = all(c.phased for c in present_calls) or haploid
    ref_score = _score(definition, present, definition.reference_allele.name)
    scores = {c.name: len(c.cells) for c in cores}
    if info is not None:
        scores[HAPB3] = _score(definition, present, HAPB3)
        scores[HAPB3_INTRONIC] = _score(definition, present, HAPB3_INTRONIC)

    def score(parts) -> int:
        named = [p for p in parts if not p.startswith("g.")]
        return sum(scores.get(p, 0) for p in named) if named else ref_score

    result.effectively_phased = haploid or len(phase_blocks(present_calls)) <= 1
    if result.effectively_phased:
        strands = [tuple(g[0] for g in genotypes)]
        if not haploid:
            strands.append(tuple(g[1] for g in genotypes))
        explained = []
        for strand in strands:
            options = _strand_names(strand, variants, cores, skip_k)
            extra = _strand_hapb3(info, strand, warnings) if info else None
            if extra:
                options = [tuple(sorted((*o, extra), key=haplotype_order)) for o in options]
            explained.append(options)
        found: dict[tuple[str, ...], int] = {}
        for pick in itertools.product(*explained):
            key = tuple(sorted((_haplotype_name(p) for p in pick), key=haplotype_order))
            found[key] = max(found.get(key, 0), sum(score(p) for p in pick))
        from tailorseq.pgx.matcher import Diplotype

        result.diplotypes = sorted(
            (Diplotype(k, s) for k, s in found.items()),
            key=lambda d: (-d.score, [haplotype_order(n) for n in d.haplotypes]),
        )
        result.matched_haplotypes = sorted(
            {c for d in result.diplotypes for n in d.haplotypes for c in components(n)},
            key=name_key,
        )
        result.mode = "lowest-function diplotype"
    else:
        hapb3 = _hapb3_unphased_gene(info, genotypes, present_calls, warnings) if info else []
        matched = []
        for core in cores:
            if all(
                any(allele_matches(cell, a) for a in genotypes[k]) for k, cell in core.cells.items()
            ):
                both = all(all(allele_matches(cell, a) for a in genotypes[k])
                           for k, cell in core.cells.items())  # fmt: skip
                matched.append((core.name, both))
        if all(v.ref in g for v, g in zip(variants, genotypes, strict=True)):
            matched.append((REFERENCE, False))
        if len(matched) + len(hapb3) > 2:
            matched = [m for m in matched if m[0] != REFERENCE]
        names = []
        for name, both in sorted(matched, key=lambda m: name_key(m[0])):
            names.extend([name, name] if both else [name])
        result.haplotype_matches = names + sorted(hapb3, key=lambda n: n != HAPB3)
        result.matched_haplotypes = sorted(set(result.haplotype_matches), key=name_key)
        result.mode = "lowest-function haplotypes"
    result.warnings.extend(sorted(warnings))


def _activity_rank(gene: str, source, name: str):
    info = source.haplotype(gene, name) if source else None
    if gene == "RYR1":
        malignant = bool(info and info.function and "malignant" in info.function.lower())
        return (0 if malignant else 1, name_key(name))
    value = info.activity_value if info else None
    return (0 if value is not None else 1, value or 0.0, name_key(name))


def _activity(gene: str, source, name: str) -> float:
    info = source.haplotype(gene, name) if source else None
    if gene == "RYR1":
        return 0.0 if info and info.function and "malignant" in info.function.lower() else 1.0
    return UNKNOWN_ACTIVITY if info is None or info.activity_value is None else info.activity_value


def lowest_function_haplotypes(call, source) -> list[str]:
    """The haplotypes the phenotype of a lowest-function gene is looked up with: one (the
    strand's lowest-function allele) per strand of the lowest-scoring diplotype, or the two
    lowest-function alleles of an unphased list. [] when nothing is called."""
    gene = call.gene

    def lowest(name: str) -> str:
        named = [c for c in components(name) if not c.startswith("g.")] or [REFERENCE]
        return min(named, key=lambda c: _activity_rank(gene, source, c))

    if call.diplotypes:
        options = []
        for diplotype in call.diplotypes:
            picked = sorted((lowest(h) for h in diplotype.haplotypes),
                            key=lambda c: _activity_rank(gene, source, c))  # fmt: skip
            total = sum(_activity(gene, source, c) for c in picked)
            options.append((total, [name_key(c) for c in picked], picked))
        return min(options, key=lambda o: (o[0], o[1]))[2]
    if call.haplotype_matches:
        ranked = sorted(call.haplotype_matches, key=lambda c: _activity_rank(gene, source, c))
        return ranked[:2]
    return []

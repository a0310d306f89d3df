"""Which heterozygous positions of a gene are phased together, with PharmCAT's semantics for
VCF phase sets (FORMAT/PS; PharmCAT's `VcfReader` and `CombinationUtil` were read, not copied).

- A heterozygous `|` genotype without PS (or with PS `.`) is phased with every other such
  genotype of the gene: one block, in the order the GT column gives.
- A heterozygous `|` genotype with a PS is phased only with the genotypes of the same phase set;
  each phase set is one block, whose order relative to the other blocks is unknown.
- A heterozygous `/` genotype is a block of its own.
- Homozygous and haploid positions belong to no block: their order does not matter, so they
  never break phasing.

A gene is *effectively phased* when it has at most one block (at most two sample strands). With
several blocks every combination of their orders is a possible pair of strands: the gene is
matched phased within each block and unphased across blocks, as PharmCAT does.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence

from tailorseq.pgx.genotypes import PositionCall

Block = list[int]


def is_heterozygous(call: PositionCall) -> bool:
    """A diploid call with two different alleles."""
    return not call.missing and len(call.alleles) == 2 and call.alleles[0] != call.alleles[1]


def phase_blocks(calls: Sequence[PositionCall]) -> list[Block]:
    """Indexes into `calls` of the heterozygous positions, one list per block (see above),
    blocks in the order of their first position."""
    blocks: dict[tuple, Block] = {}
    for k, call in enumerate(calls):
        if not is_heterozygous(call):
            continue
        key = ("set", call.phase_set) if call.phased else ("alone", k)
        blocks.setdefault(key, []).append(k)
    return list(blocks.values())


def phase_set_count(calls: Sequence[PositionCall]) -> int:
    """How many distinct phase sets the heterozygous `|` genotypes span (no PS counts as one)."""
    return len({c.phase_set for c in calls if c.phased and is_heterozygous(c)})


def share_phase_set(calls: Sequence[PositionCall], a: int, b: int) -> bool:
    """Whether positions `a` and `b` are phased in one phase set of a gene that uses phase sets
    (PharmCAT's test for calling DPYD's HapB3 per strand in otherwise unphased data)."""
    uses_sets = any(c.phased and c.phase_set is not None for c in calls)
    first, second = calls[a], calls[b]
    return uses_sets and first.phased and second.phased and first.phase_set == second.phase_set


def order_units(genotypes: Sequence[tuple[str, str]], blocks: list[Block]) -> list[Block]:
    """The blocks, plus one unit per remaining (homozygous) position: the groups whose two
    alleles are ordered together when strands are formed."""
    in_block = {k for block in blocks for k in block}
    return blocks + [[k] for k in range(len(genotypes)) if k not in in_block]


def strand_pairs(
    genotypes: Sequence[tuple[str, str]], blocks: list[Block]
) -> Iterator[tuple[tuple[str, ...], tuple[str, ...]]]:
    """Every complementary pair of strands the blocks allow, each unordered pair once: the first
    block keeps the GT order, every other block is taken in both orders."""
    for flips in itertools.product((False, True), repeat=max(len(blocks) - 1, 0)):
        flipped = {k for block, flip in zip(blocks[1:], flips, strict=True) if flip for k in block}
        one = tuple(g[1] if k in flipped else g[0] for k, g in enumerate(genotypes))
        two = tuple(g[0] if k in flipped else g[1] for k, g in enumerate(genotypes))
        yield one, two

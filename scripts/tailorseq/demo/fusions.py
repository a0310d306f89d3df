"""Gene fusions planted in a demo tumour: the two derivative sequences of a balanced
rearrangement between two gene-model contigs, read in the tumour cells in place of one copy of
each partner window.

A fusion names its 5' and 3' partner genes and, for each, the GRCh38 position of the last base of
the 5' partner before the junction and of the first base of the 3' partner after it, both read
along the gene's own strand. The first derivative is the fusion (the 5' partner's start up to its
break, then the 3' partner from its break to its end, each on its gene's strand); the second is
the reciprocal (the 3' partner's start up to its break, then the rest of the 5' partner)."""

from __future__ import annotations

import numpy as np

from tailorseq.demo.plan import Fusion, Plan
from tailorseq.demo.sequence import COMPLEMENT_TABLE
from tailorseq.demo.variants import Haplotype


def _sense(sequence: np.ndarray, strand: str) -> np.ndarray:
    """A contig's bases read along a gene's strand."""
    return sequence if strand == "+" else COMPLEMENT_TABLE[sequence[::-1]]


def _split(plan: Plan, gene: str, grch38: int, haplotype: Haplotype, first: bool) -> tuple:
    """A partner's sense sequence cut at its break: (before, after). `first`: the break base
    ends `before` (the 5' partner), else it starts `after` (the 3' partner)."""
    strand = next(g.strand for g in plan.genes if g.name == gene)
    index = haplotype.index(plan.contig(gene).to_demo(grch38))  # 0-based, contig order
    sense = _sense(haplotype.sequence, strand)
    cut = index if strand == "+" else len(haplotype.sequence) - 1 - index
    cut += 1 if first else 0
    return sense[:cut], sense[cut:]


def derivatives(plan: Plan, fusion: Fusion, haplotypes: dict) -> tuple[Haplotype, Haplotype]:
    """The fusion and its reciprocal, from haplotype 0 of each partner."""
    five_before, five_after = _split(
        plan, fusion.five_prime, fusion.five_prime_break, haplotypes[fusion.five_prime][0], True
    )
    three_before, three_after = _split(
        plan, fusion.three_prime, fusion.three_prime_break, haplotypes[fusion.three_prime][0], False
    )
    return (
        Haplotype(np.concatenate([five_before, three_after])),
        Haplotype(np.concatenate([three_before, five_after])),
    )


def with_fusions(plan: Plan, fusions: tuple[Fusion, ...], haplotypes: dict, purity: float,
                 copy_depth: dict[str, float]) -> tuple[dict, dict[str, float]]:  # fmt: skip
    """A tumour's haplotypes and copy depths with each fusion's derivatives read at the tumour
    cells' share; each partner window keeps its depth (one copy per tumour cell is now in the
    derivatives)."""
    haplotypes, copy_depth = dict(haplotypes), dict(copy_depth)
    for fusion in fusions:
        name = f"{fusion.five_prime}::{fusion.three_prime}"
        haplotypes[name] = derivatives(plan, fusion, haplotypes)
        copy_depth[name] = purity
        for partner in (fusion.five_prime, fusion.three_prime):
            copy_depth[partner] *= 1 - purity / 2
    return haplotypes, copy_depth

"""Genotype indel and multi-base defining positions by the reads' haplotype sequence.

A pileup caller spells a repeat indel its own way (bcftools: UGT1A1 *28 as a 16-base REF over the
whole TA repeat), so matching its record to the definition's spelling (`CAT` -> `CATAT`) fails
and a constrained call falls back to the reference. Here no spelling is compared: each locus is a
reference window holding the whole ambiguity span of every defined allele (the event left-aligned
to right-aligned over its repeat) plus PAD bases each side; every defined allele (and every
combination of the locus's non-overlapping alleles) becomes a haplotype sequence of that window.
A read spanning the window with an aligned base at both ends contributes its bases in between;
they are compared with each haplotype (same length: base-quality likelihood; other length:
INDEL_ERROR). Genotypes are the maximum-likelihood multiset of `ploidy` haplotypes, projected
onto each position. Different events (TA6/TA7/TA8) give different sequences; every spelling of
one event gives the same one.

No-calls, never a reference call: NoCoverage (no read), AmbiguousLocus (reads, but none spans
the locus; or the best haplotypes do not decide the position), UndefinedAllele (at least
UNDEFINED_FRACTION of the spanning reads carry a sequence no haplotype explains: another length,
or >= 2 confident mismatches), LowDepth, LowGQ.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import pysam

from tailorseq.pgx.sites import Site, SiteCall

PAD = 3  # reference bases each side of the ambiguity span; the outermost are the anchors
MAX_SPAN = 2000  # longest reference window searched for a repeat's end
MAX_COMBINATIONS = 64  # above this, a locus's haplotypes carry one allele each
UNDEFINED_FRACTION = 0.2
INDEL_ERROR = 1e-5  # chance a read of one haplotype shows another length
MIN_ERROR = 1e-4  # floor of a base's error probability
CONFIDENT_BASEQ = 20  # a mismatch at this quality or above counts against a read's fit
TIE = math.log(10)  # haplotypes within this log-likelihood of the best fit a read as well
PHRED = 10 / math.log(10)
MAX_GQ = 99


def difference_span(reference: str, haplotype: str) -> tuple[int, int]:
    """The interval [a, b) of `reference` over which `haplotype` differs from it, spanning every
    equivalent placement of the difference (a repeat indel: the whole repeat)."""
    shortest = min(len(reference), len(haplotype))
    prefix = next((i for i in range(shortest) if reference[i] != haplotype[i]), shortest)
    suffix = next((i for i in range(shortest) if reference[-1 - i] != haplotype[-1 - i]), shortest)
    ends = (prefix, len(reference) - suffix)
    return min(ends), max(ends)


def apply(window: str, offset: int, pos0: int, ref: str, alt: str) -> str:
    """`window` (starting at 0-based `offset`) with `ref` at `pos0` replaced by `alt`."""
    at = pos0 - offset
    if window[at : at + len(ref)].upper() != ref.upper():
        raise ValueError(f"{ref} is not at {pos0 + 1} of the window")
    return window[:at] + alt + window[at + len(ref) :]


def event_span(fasta: pysam.FastaFile, contig: str, pos0: int, ref: str, alt: str):
    """The 0-based reference interval an allele may occupy (its ambiguity span), found by
    widening the window until the span stops short of the window's ends."""
    length, margin = fasta.get_reference_length(contig), 50
    while True:
        start, end = max(0, pos0 - margin), min(length, pos0 + len(ref) + margin)
        window = fasta.fetch(contig, start, end).upper()
        a, b = difference_span(window, apply(window, start, pos0, ref.upper(), alt.upper()))
        open_end = (a == 0 and start > 0) or (b == len(window) and end < length)
        if not open_end or margin >= MAX_SPAN:
            return start + a, start + b
        margin *= 4


@dataclass
class Locus:
    """A reference window [start, end) (0-based) and the sites genotyped together in it."""

    contig: str
    start: int
    end: int
    sites: list[Site]
    haplotypes: list[str] | None = None
    #: per haplotype, per site: the site's allele index (0 = REF), None when undetermined
    assignments: list[tuple[int | None, ...]] | None = None


def _site_window(site: Site, fasta: pysam.FastaFile) -> tuple[int, int]:
    pos0 = site.pos - 1
    spans = [event_span(fasta, site.contig, pos0, site.ref, alt) for alt in site.alts]
    start = min([pos0, *(a for a, _ in spans)]) - PAD
    end = max([pos0 + len(site.ref), *(b for _, b in spans)]) + PAD
    return max(0, start), min(fasta.get_reference_length(site.contig), end)


def build_loci(sites: list[Site], fasta: pysam.FastaFile) -> tuple[list[Locus], list[Site]]:
    """The loci of the multi-base sites (overlapping windows merged; single-base sites inside a
    window join it) and the single-base sites left for the pileup caller."""
    windows = sorted(
        ((s.contig, *_site_window(s, fasta), s) for s in sites if s.multi_base),
        key=lambda w: (w[0], w[1]),
    )
    loci: list[Locus] = []
    for contig, start, end, site in windows:
        last = loci[-1] if loci else None
        if last and last.contig == contig and start < last.end:
            last.end = max(last.end, end)
            last.sites.append(site)
        else:
            loci.append(Locus(contig, start, end, [site]))
    rest = []
    for site in (s for s in sites if not s.multi_base):
        home = next(
            (x for x in loci if x.contig == site.contig and x.start < site.pos <= x.end), None
        )
        (home.sites if home else rest).append(site)
    for locus in loci:
        locus.sites.sort(key=lambda s: s.pos)
        _haplotypes(locus, fasta.fetch(locus.contig, locus.start, locus.end).upper())
    return loci, rest


def _overlap(a: Site, b: Site) -> bool:
    return a.pos < b.pos + len(b.ref) and b.pos < a.pos + len(a.ref)


def _haplotypes(locus: Locus, window: str) -> None:
    """Every combination of non-overlapping site alleles (single alleles when too many), as
    sequences; identical sequences merged (a site they disagree on becomes undetermined)."""
    options = [range(len(s.alts) + 1) for s in locus.sites]
    combos = list(itertools.product(*options))
    if len(combos) > MAX_COMBINATIONS:
        combos = [c for c in combos if sum(i > 0 for i in c) <= 1]
    merged: dict[str, list[int | None]] = {}
    for combo in combos:
        chosen = [s for s, i in zip(locus.sites, combo, strict=True) if i]
        if any(_overlap(a, b) for a, b in itertools.combinations(chosen, 2)):
            continue
        sequence = window
        for site, index in sorted(zip(locus.sites, combo, strict=True), key=lambda p: -p[0].pos):
            if index:
                sequence = apply(
                    sequence, locus.start, site.pos - 1, site.ref, site.alts[index - 1]
                )
        assignment = [
            i if i or not any(_overlap(site, c) for c in chosen) else None
            for site, i in zip(locus.sites, combo, strict=True)
        ]
        if sequence in merged:
            merged[sequence] = [
                a if a == b else None for a, b in zip(merged[sequence], assignment, strict=True)
            ]
        else:
            merged[sequence] = assignment
    locus.haplotypes = list(merged)
    locus.assignments = [tuple(a) for a in merged.values()]


@dataclass
class Evidence:
    """A locus's reads: how many overlap it, and the window sequence and base qualities of each
    read (one per template) that spans it."""

    overlapping: int
    spanning: list[tuple[str, np.ndarray]]


def read_evidence(bam: pysam.AlignmentFile, locus: Locus, min_mapq: int) -> Evidence:
    """The reads over `locus` passing the filters (mapped, primary, not a duplicate or QC
    failure, MAPQ >= min_mapq); a read spans when both anchors are aligned (not clipped, not in
    a deletion); mates of one template count once."""
    overlapping, spanning, seen = 0, [], set()
    first, last = locus.start, locus.end - 1
    for read in bam.fetch(locus.contig, locus.start, locus.end):
        if (
            read.is_unmapped or read.is_secondary or read.is_supplementary or read.is_duplicate
            or read.is_qcfail or read.mapping_quality < min_mapq
        ):  # fmt: skip
            continue
        overlapping += 1
        if read.query_name in seen or read.reference_start > first or read.reference_end <= last:
            continue
        where = {r: q for q, r in read.get_aligned_pairs(matches_only=True) if r in (first, last)}
        if first in where and last in where:
            seen.add(read.query_name)
            quals = np.asarray(read.query_qualities[where[first] : where[last] + 1], dtype=float)
            spanning.append((read.query_sequence[where[first] : where[last] + 1].upper(), quals))
    return Evidence(overlapping, spanning)


def read_likelihoods(
    haplotypes: list[str], spanning: list[tuple[str, np.ndarray]]
) -> tuple[np.ndarray, np.ndarray]:
    """Log-likelihood of each spanning read (rows) under each haplotype (columns), and whether
    a read is explained by some haplotype (same length, < 2 confident mismatches)."""
    loglik = np.full((len(spanning), len(haplotypes)), math.log(INDEL_ERROR))
    explained = np.zeros(len(spanning), dtype=bool)
    for r, (sequence, quals) in enumerate(spanning):
        error = np.maximum(10 ** (-quals / 10), MIN_ERROR)
        read = np.frombuffer(sequence.encode(), dtype=np.uint8)
        for h, haplotype in enumerate(haplotypes):
            if len(haplotype) != len(sequence):
                continue
            mismatch = read != np.frombuffer(haplotype.encode(), dtype=np.uint8)
            loglik[r, h] = np.where(mismatch, np.log(error / 3), np.log1p(-error)).sum()
            if (mismatch & (quals >= CONFIDENT_BASEQ)).sum() < 2:
                explained[r] = True
    return loglik, explained


def genotype_likelihoods(loglik: np.ndarray, ploidy: int) -> dict[tuple[int, ...], float]:
    """Log-likelihood of every multiset of `ploidy` haplotypes given the reads."""
    result = {}
    for genotype in itertools.combinations_with_replacement(range(loglik.shape[1]), ploidy):
        per_read = np.logaddexp.reduce(loglik[:, list(genotype)], axis=1) - math.log(ploidy)
        result[genotype] = float(per_read.sum())
    return result


def genotype_locus(
    locus: Locus, evidence: Evidence, *, ploidy: int, min_depth: int, min_gq: int
) -> list[SiteCall]:
    """One call per site of `locus` from its reads (module docstring: model and no-calls)."""
    assert locus.haplotypes is not None and locus.assignments is not None
    no_call = "." if ploidy == 1 else "/".join("." * ploidy)
    if not evidence.spanning:
        reason = "AmbiguousLocus" if evidence.overlapping else "NoCoverage"
        return [SiteCall(s, no_call, 0, None, None, reason) for s in locus.sites]
    loglik, explained = read_likelihoods(locus.haplotypes, evidence.spanning)
    informative = loglik[explained]
    undefined = len(explained) - int(explained.sum())
    likelihoods = genotype_likelihoods(informative, ploidy)
    best = max(likelihoods, key=likelihoods.__getitem__)
    calls = []
    for k, site in enumerate(locus.sites):
        alleles = [locus.assignments[h][k] for h in range(len(locus.haplotypes))]
        ad = _allele_depths(informative, alleles, len(site.alts) + 1)
        called = site_genotype(alleles, best)
        others = [v for g, v in likelihoods.items() if site_genotype(alleles, g) != called]
        gq = min(MAX_GQ, round(PHRED * (likelihoods[best] - max(others)))) if others else MAX_GQ
        dp = int(explained.sum())
        if undefined >= 2 and undefined >= UNDEFINED_FRACTION * len(explained):
            reason = "UndefinedAllele"
        elif dp < min_depth:
            reason = "LowDepth"
        elif called is None:
            reason = "AmbiguousLocus"
        elif gq < min_gq:
            reason = "LowGQ"
        else:
            reason = "PASS"
        gt = "/".join(map(str, called)) if reason == "PASS" and called else no_call
        calls.append(SiteCall(site, gt, dp, ad, gq, reason))
    return calls


def site_genotype(alleles: list[int | None], genotype: tuple[int, ...]) -> list[int] | None:
    """A haplotype genotype projected onto one site (sorted allele indexes; None: undetermined)."""
    values = [alleles[h] for h in genotype]
    return None if None in values else sorted(values)


def _allele_depths(loglik: np.ndarray, alleles: list[int | None], count: int) -> list[int]:
    """Reads per site allele: a read counts for an allele when every haplotype fitting it about
    as well as the best one carries that allele."""
    ad = [0] * count
    for row in loglik:
        fitting = {alleles[h] for h in np.flatnonzero(row >= row.max() - TIE)}
        if len(fitting) == 1 and None not in fitting:
            ad[fitting.pop()] += 1
    return ad

"""Microsatellite instability (MSI) of a tumour/normal pair, in the manner of MSIsensor.

Method (after MSIsensor, Niu et al., Bioinformatics 30:1015-1016, 2014, PMID 24371154; our own
code, no MSIsensor code or site list):

1. Sites. Our scan of the reference finds perfect tandem repeats of a primitive unit of 1-6 bp
   with at least `MIN_UNITS` copies (mononucleotide >= 10, di- to hexanucleotide >= 5 copies: the
   minimums MSIsensor uses for its distribution analysis) and at most `MAX_REPEAT_BASES` bases,
   with `flank` bases of unique sequence either side: no N and no other repeat (mononucleotide
   >= 5, other units >= 3 copies, MSIsensor's scan minimums) reaching into a flank. Only
   windows where both alignments have reads are scanned, so a targeted run on a whole-chromosome
   reference scans its targets, not the chromosome. A genome has far more such sites than a
   score needs (chr20 alone tens of thousands), so neither the scan nor the examination covers
   it all: the reference's 10 kb windows are visited in bit-reversed order (0, 1/2, 1/4, 3/4,
   ... of the genome's windows: every prefix of the order is spread evenly over the genome, and
   it is the same on every run), and the scan stops once `max_sites` sites are found; those are
   examined. The score is a proportion: over 20,000 sites its standard error is at most 0.35
   percentage points (0.13 at the 3.5 % cut-off), taking sites as independent (whole windows
   are taken, but a 10 kb window holds only a handful: about 4 on chr20); when the covered
   reference has fewer sites than the cap, all are examined.
2. Length distributions. For each site and sample, the reads (one per fragment; MAPQ >= the
   somatic minimum, no duplicates, secondary or supplementary alignments) aligned across the
   repeat and both flanks, whose bases there start with the left flank and end with the right
   flank, give the repeat's length in that fragment: the bases between the flanks.
3. Test. A site is used when both samples have at least `min_coverage` such fragments
   (MSIsensor's coverage threshold, 20 for exomes). Pearson's chi-square test of the 2 x K
   table of length counts (tumour vs normal) gives a p-value per used site; Benjamini-Hochberg
   q-values over the used sites; a site is unstable when q < `fdr` (MSIsensor: FDR 0.05).
4. Score. Unstable sites as a percentage of the sites used. MSI-high at a score >= the cut-off
   of the method in use (`METHODS`): for this paired tumour/normal chi-square method, MSIsensor's
   3.5 % (Niu et al. 2014: "MSI score cutoff of 3.5%" separated MSI-high from MSS among TCGA
   paired exomes). The 20 % often quoted is the cut-off of the tumour-only tools (MSIsensor2's
   README "msi high: msi score >= 20%", MSIsensor-ct) and does not apply to this score. A
   configured cut-off (somatic.msi_high) replaces the method's and is reported as the run's.
   With fewer than `min_sites` sites used the score is reported but MSI is not assessed.
5. Purity. Normal cells in the tumour sample carry the normal's repeat lengths: a low-purity
   tumour dilutes the shifted lengths, loses unstable calls and scores lower. The document says
   so with the purity given (`purity_note`); an MSS result at low purity does not exclude MSI.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pysam
from scipy.stats import chi2_contingency

from tailorseq.files import write_atomic
from tailorseq.somatic.repeats import (
    MAX_REPEAT_BASES,
    WINDOW,
    Site,
    find_microsatellites,
    is_covered,
    length_distribution,
)

STATUSES = ("MSI-high", "MSS", "not assessed")

# Method name -> (MSI-high cut-off in % unstable sites, its source).
METHODS = {
    "MSIsensor paired chi-square": (
        3.5,
        "Niu B et al. MSIsensor: microsatellite instability detection using paired tumor-normal"
        " sequence data. Bioinformatics 2014;30(7):1015-1016 (PMID 24371154): MSI-high at a"
        " score >= 3.5%",
    ),
}
METHOD_NAME = "MSIsensor paired chi-square"

METHOD = (
    "MSIsensor-like: tandem repeats of 1-6 bp units (mononucleotide >= 10, others >= 5 copies,"
    " unique {flank} bp flanks) found in the reference where both samples have reads; per site"
    " the repeat lengths of fragments spanning repeat and flanks, Pearson chi-square of tumour"
    " vs normal length counts, Benjamini-Hochberg q < {fdr} = unstable; sites used need >="
    " {min_coverage} spanning fragments in each sample; at most {max_sites} sites examined, those"
    " of 10 kb windows visited in a genome-spread (bit-reversed) order; score = % unstable of"
    " sites used"
)


@dataclass(frozen=True)
class MsiSettings:
    """MSI settings (config `somatic`, defaults in the config schema): the configured MSI-high
    cut-off (None: the method's), spanning fragments a site needs in each sample, mapping
    quality, flank bases, FDR, the sites needed for an assessment and the most examined."""

    cutoff: float | None
    min_coverage: int
    min_mapq: int
    flank: int
    fdr: float
    min_sites: int
    max_sites: int

    @classmethod
    def from_config(cls, somatic: dict) -> MsiSettings:
        names = ("min_coverage", "flank", "fdr", "min_sites", "max_sites")
        named = {name: somatic[f"msi_{name}"] for name in names}
        return cls(cutoff=somatic["msi_high"], min_mapq=somatic["min_mapq"], **named)


@dataclass
class SiteResult:
    """Length distributions (repeat bases -> fragments) of one site in tumour and normal."""

    site: Site
    tumor: dict[int, int] = field(default_factory=dict)
    normal: dict[int, int] = field(default_factory=dict)
    p_value: float = 1.0
    q_value: float = 1.0
    unstable: bool = False


def chi_square_test(tumor: dict[int, int], normal: dict[int, int]) -> float:
    """Pearson's chi-square p-value (no continuity correction) of the 2 x K table of length
    counts (K lengths seen)."""
    lengths = sorted(set(tumor) | set(normal))
    if len(lengths) < 2 or not sum(tumor.values()) or not sum(normal.values()):
        return 1.0
    table = [[counts.get(length, 0) for length in lengths] for counts in (tumor, normal)]
    return float(chi2_contingency(table, correction=False).pvalue)


def benjamini_hochberg(p_values: list[float]) -> list[float]:
    """Benjamini-Hochberg q-values, in the order of `p_values`."""
    count = len(p_values)
    order = sorted(range(count), key=lambda i: p_values[i])
    q_values = [1.0] * count
    running = 1.0
    for rank in range(count, 0, -1):
        index = order[rank - 1]
        running = min(running, p_values[index] * count / rank)
        q_values[index] = running
    return q_values


def spread_order(count: int) -> Iterator[int]:
    """0 .. count - 1 in bit-reversed (van der Corput) order: 0, then the middle, then the
    quarters, and so on, so that every prefix of the order is spread evenly over the range."""
    bits = (count - 1).bit_length() if count > 1 else 0
    for index in range(1 << bits):
        value = int(format(index, f"0{bits}b")[::-1], 2) if bits else 0
        if value < count:
            yield value


def window_sites(
    tumor: pysam.AlignmentFile, normal: pysam.AlignmentFile, fasta: pysam.FastaFile, flank: int,
    min_coverage: int,
) -> Iterator[tuple[int, list[Site]]]:  # fmt: skip
    """The microsatellites of each reference window where both alignments have reads, window by
    window in spread order, as (the window's rank in genome order, its sites in order)."""
    lengths = dict(zip(fasta.references, fasta.lengths, strict=True))
    contigs = [name for name in normal.references if name in lengths and name in tumor.references]
    windows = [(name, start) for name in contigs for start in range(0, lengths[name], WINDOW)]
    for rank in spread_order(len(windows)):
        contig, start = windows[rank]
        end = min(lengths[contig], start + WINDOW)
        if not is_covered([normal, tumor], contig, start, end, min_coverage):
            continue
        low = max(0, start - MAX_REPEAT_BASES - flank)
        high = min(lengths[contig], end + MAX_REPEAT_BASES + flank)
        sequence = fasta.fetch(contig, low, high)
        sites = find_microsatellites(sequence, contig, flank=flank, offset=low)
        yield rank, [site for site in sites if start <= site.start < end]


def first_sites(windows: Iterable[tuple[int, list[Site]]], limit: int) -> tuple[list[Site], int]:
    """The first `limit` sites of the windows (the scan stops at the window that reaches it),
    in genome order; and how many sites the scanned windows had."""
    chosen: list[tuple[int, Site]] = []
    found = 0
    for rank, sites in windows:
        found += len(sites)
        chosen.extend((rank, site) for site in sites[: limit - len(chosen)])
        if len(chosen) >= limit:
            break
    return [site for _, site in sorted(chosen, key=lambda pair: (pair[0], pair[1].start))], found


def score_sites(
    tumor_bam: Path,
    normal_bam: Path,
    reference: Path,
    settings: MsiSettings,
) -> tuple[list[SiteResult], int]:
    """The examined sites' length distributions and tests; and the number of sites found in
    the covered windows scanned (before the cap and the coverage requirement)."""
    min_coverage, min_mapq, flank = settings.min_coverage, settings.min_mapq, settings.flank
    with (
        pysam.AlignmentFile(str(tumor_bam), reference_filename=str(reference)) as tumor,
        pysam.AlignmentFile(str(normal_bam), reference_filename=str(reference)) as normal,
        pysam.FastaFile(str(reference)) as fasta,
    ):
        sites, found = first_sites(
            window_sites(tumor, normal, fasta, flank, min_coverage), settings.max_sites
        )
        results = [
            SiteResult(
                site,
                length_distribution(tumor, site, min_mapq),
                length_distribution(normal, site, min_mapq),
            )
            for site in sites
        ]
    used = [r for r in results if is_used(r, min_coverage)]
    for result in used:
        result.p_value = chi_square_test(result.tumor, result.normal)
    for result, q_value in zip(used, benjamini_hochberg([r.p_value for r in used]), strict=True):
        result.q_value = q_value
        result.unstable = q_value < settings.fdr
    return results, found


def is_used(result: SiteResult, min_coverage: int) -> bool:
    return min(sum(result.tumor.values()), sum(result.normal.values())) >= min_coverage


def site_row(result: SiteResult) -> dict:
    """A site's JSON/TSV description."""

    def text(counts: dict[int, int]) -> str:
        return ",".join(f"{length}:{n}" for length, n in sorted(counts.items()))

    site = result.site
    return {
        "contig": site.contig,
        "pos": site.start + 1,
        "unit": site.unit,
        "reference_length": site.length,
        "tumor_lengths": text(result.tumor),
        "normal_lengths": text(result.normal),
        "p_value": float(f"{result.p_value:.4g}"),
        "q_value": float(f"{result.q_value:.4g}"),
        "unstable": result.unstable,
    }


def purity_note(purity: float | None) -> str:
    """What the tumour's purity does to the score (normal cells dilute unstable lengths)."""
    effect = (
        " carry the normal repeat lengths and dilute the tumour's shifted ones, so a low-purity"
        " tumour scores lower and an MSS result does not exclude MSI-high"
    )
    if purity is None:
        return "Tumour purity was not given: normal cells in the tumour sample" + effect + "."
    return (
        f"Tumour purity {purity:g}: about {1 - purity:.0%} of the tumour sample's fragments come"
        " from normal cells, which" + effect + "."
    )


def cutoff_of(configured: float | None) -> tuple[float, str]:
    """The MSI-high cut-off and its source: the configured one, else the method's."""
    if configured is not None:
        return configured, "set by the run's config (somatic.msi_high)"
    return METHODS[METHOD_NAME]


def status_of(score: float | None, used: int, min_sites: int, cutoff: float) -> str:
    """MSI-high, MSS, or not assessed (fewer than `min_sites` sites used)."""
    if score is None or used < min_sites:
        return "not assessed"
    return "MSI-high" if score >= cutoff else "MSS"


def msi(
    tumor_bam: Path,
    normal_bam: Path,
    reference: Path,
    settings: MsiSettings,
    sites_tsv: Path | None = None,
    purity: float | None = None,
) -> dict:
    """The MSI document of a pair: status, score, sites used and unstable, the cut-off of the
    method (or the configured one) with its source, and the effect of purity."""
    results, found = score_sites(tumor_bam, normal_bam, reference, settings)
    min_coverage, min_sites, fdr = settings.min_coverage, settings.min_sites, settings.fdr
    used = [r for r in results if is_used(r, min_coverage)]
    unstable = [r for r in used if r.unstable]
    score = 100 * len(unstable) / len(used) if used else None
    if sites_tsv is not None:
        rows = [site_row(r) | {"used": is_used(r, min_coverage)} for r in results]
        header = [*site_row(SiteResult(Site("", 0, 0, "", "", ""))), "used"]
        lines = ["\t".join(header)] + ["\t".join(str(v) for v in row.values()) for row in rows]
        write_atomic(sites_tsv, "\n".join(lines) + "\n")
    threshold, source = cutoff_of(settings.cutoff)
    status = status_of(score, len(used), min_sites, threshold)
    document: dict = {
        "status": status,
        "assessed": status != "not assessed",
        "msi_high": status == "MSI-high",
        "score": round(score, 2) if score is not None else None,
        "sites_found": found,
        "sites_examined": len(results),
        "sites_used": len(used),
        "unstable_sites": len(unstable),
        "cutoff": threshold,
        "cutoff_source": source,
        "method_name": METHOD_NAME,
        "min_sites": min_sites,
        "min_coverage": min_coverage,
        "fdr": fdr,
        "method": METHOD.format(
            flank=settings.flank, fdr=fdr, min_coverage=min_coverage, max_sites=settings.max_sites
        ),
        "purity": purity,
        "purity_note": purity_note(purity),
        "reason": None,
        "unstable": [site_row(r) for r in unstable[:100]],
    }
    if status == "not assessed":
        document["reason"] = (
            f"only {len(used)} microsatellite(s) had >= {min_coverage} spanning fragments in both"
            f" samples ({found} found in the covered reference); at least {min_sites} are needed"
        )
    return document

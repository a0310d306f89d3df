"""Genomic scar counts from allele-specific copy-number segments, for RESEARCH USE only: they are
not an HRD test result (no cut-off is applied and no validated assay is reproduced).

Segments carry total (cn), major (cn1) and minor (cn2) integer copy number, as CNVkit's `call`
writes them when given the pair's heterozygous SNPs (`--vcf`). Definitions (chromosome arms p
and q from the build's centromeres; no minimum number of SNPs per region is required):
- LOH (Abkevich et al., Br J Cancer 2012;107:1776-1782): regions of loss of heterozygosity
  (one allele at 0 copies, total >= 1) longer than 15 Mb, on chromosomes not entirely LOH;
- TAI (Birkbak et al., Cancer Discov 2012;2:366-375): regions of allelic imbalance
  (cn1 != cn2) that reach a subtelomere (the arm's first or last examined segment) and do not
  cross the centromere;
- LST (Popova et al., Cancer Res 2012;72:5454-5462): breakpoints between adjacent regions of at
  least 10 Mb each within an arm, after segments shorter than 3 Mb are removed and neighbours
  with the same allelic state joined.
Adjacent segments of one state are joined before counting. The scores were defined on
genome-wide data: a sample is assessed only when every autosome arm it needs is examined over
at least `MIN_ARM_FRACTION` of its length (our requirement, so that whole-chromosome LOH,
telomere-reaching imbalance and arm breakpoints can be told apart); otherwise "not assessed"
says how much was examined and how much is needed.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from itertools import groupby, pairwise
from pathlib import Path

from tailorseq.locations import RESOURCES
from tailorseq.reference import load_builds, standard_name
from tailorseq.regions import Region

MB = 1_000_000
LOH_MIN = 15 * MB
LST_MIN = 10 * MB
LST_SMOOTH = 3 * MB
MIN_ARM_FRACTION = 0.8
AUTOSOMES = {str(n) for n in range(1, 23)}
ACROCENTRIC = {"13", "14", "15", "21", "22"}
RESEARCH_USE = (
    "research use only: genomic scar counts (LOH, TAI, LST) from sequencing copy number; not an "
    "HRD test result and no cut-off is applied"
)


@dataclass(frozen=True)
class AlleleSegment(Region):
    """A segment's total and allele-specific copy number (CNVkit's cn1 and cn2: usually major
    then minor, but not always, e.g. 0 and 1 beside a homozygous deletion)."""

    cn: int
    cn1: int
    cn2: int

    @property
    def loh(self) -> bool:
        return self.cn >= 1 and min(self.cn1, self.cn2) == 0

    @property
    def imbalanced(self) -> bool:
        return self.cn1 != self.cn2


@dataclass(frozen=True)
class Arm(Region):
    """One chromosome arm, BED coordinates (acrocentric p arms are not listed)."""

    name: str  # "p" or "q"


def read_allele_segments(call_cns: Path) -> list[AlleleSegment]:
    """CNVkit `call --vcf` segments with integer cn, cn1 and cn2; segments without allele
    frequencies (empty cn1 or cn2) are left out."""
    with call_cns.open() as handle:
        rows = [r for r in csv.DictReader(handle, delimiter="\t") if _known(r, "cn1", "cn2")]
    return [
        AlleleSegment(
            row["chromosome"],
            int(row["start"]),
            int(row["end"]),
            int(float(row["cn"])),
            int(float(row["cn1"])),
            int(float(row["cn2"])),
        )
        for row in rows
    ]


def _known(row: dict[str, str], *columns: str) -> bool:
    return all(row.get(column) not in (None, "", "nan", "NaN") for column in columns)


def on_arm(segments: list[AlleleSegment], arm: Arm) -> list[AlleleSegment]:
    """The segments of an arm, clipped to it, in order."""
    inside = [
        s for s in segments if s.contig == arm.contig and s.start < arm.end and arm.start < s.end
    ]
    return [
        AlleleSegment(s.contig, max(s.start, arm.start), min(s.end, arm.end), s.cn, s.cn1, s.cn2)
        for s in sorted(inside, key=lambda s: s.start)
    ]


def runs(segments: list[AlleleSegment], key) -> list[tuple[object, int, int]]:
    """Adjacent segments with the same key joined: (key, start, end)."""
    return [
        (value, group[0].start, group[-1].end)
        for value, items in groupby(segments, key=key)
        for group in [list(items)]
    ]


def shipped_centromeres(build: str) -> Path | None:
    """The centromere BED tailorseq ships for a build (resources/centromeres: GRCh37 from UCSC
    hg19 `gap`, GRCh38 from UCSC hg38 `centromeres`; sources in the files' headers), or None."""
    bed = RESOURCES / "centromeres" / f"{build}.bed"
    return bed if bed.is_file() else None


def autosome_arms(lengths: dict[str, int], centromeres: list[Region]) -> list[Arm]:
    """The autosomes' arms from the contig lengths and the centromere intervals (a BED, several
    intervals per chromosome allowed, matched to the contigs by standard name); acrocentric p
    arms (13, 14, 15, 21, 22) left out."""
    bounds: dict[str | None, tuple[int, int]] = {}
    for region in centromeres:  # by standard name: 'chr1' and '1' are one chromosome
        name = standard_name(region.contig)
        start, end = bounds.get(name, (region.start, region.end))
        bounds[name] = (min(start, region.start), max(end, region.end))
    arms = []
    for contig, length in lengths.items():
        name = standard_name(contig)
        if name not in AUTOSOMES or name not in bounds:
            continue
        start, end = bounds[name]
        if name not in ACROCENTRIC:
            arms.append(Arm(contig, 0, start, "p"))
        arms.append(Arm(contig, end, length, "q"))
    return arms


def examined_reason(
    segments: list[AlleleSegment], lengths: dict[str, int], arms: list[Arm]
) -> str | None:
    """Why the scores cannot be assessed, or None: too little of the autosomes examined (every
    autosome, and every arm, at least MIN_ARM_FRACTION), or no centromere positions."""
    autosomes = {c: n for c, n in lengths.items() if standard_name(c) in AUTOSOMES}
    covered = {c: sum(s.length for s in segments if s.contig == c) for c in autosomes}
    short = [c for c, n in autosomes.items() if covered[c] < MIN_ARM_FRACTION * n]
    if len(autosomes) < len(AUTOSOMES) or short:
        grch38 = sum(max(load_builds()["GRCh38"][n]) for n in AUTOSOMES) / MB
        return (
            f"allele-specific copy number covers {sum(covered.values()) / MB:,.0f} Mb of the"
            f" autosomes ({sum(1 for c in covered.values() if c)} of {len(AUTOSOMES)} examined);"
            f" the scar scores are defined genome-wide and need at least {MIN_ARM_FRACTION:.0%} of"
            f" every autosome and arm (about {MIN_ARM_FRACTION * grch38:,.0f} Mb of the"
            f" {grch38:,.0f} Mb of GRCh38's autosomes)"
        )
    if not arms:
        return "no centromere positions for this build (cnv.centromeres), so no chromosome arms"
    short_arms = [
        f"{arm.contig}{arm.name}"
        for arm in arms
        if sum(s.length for s in on_arm(segments, arm)) < MIN_ARM_FRACTION * (arm.end - arm.start)
    ]
    if short_arms:
        return (
            f"allele-specific copy number covers less than {MIN_ARM_FRACTION:.0%} of"
            f" {len(short_arms)} arm(s) ({', '.join(short_arms[:5])}); the scar scores need every"
            " autosome arm"
        )
    return None


def loh_count(segments: list[AlleleSegment], arms: list[Arm]) -> int:
    """LOH regions longer than 15 Mb on chromosomes not entirely LOH (Abkevich 2012)."""
    count = 0
    for contig in dict.fromkeys(arm.contig for arm in arms):
        chromosome = sorted((s for s in segments if s.contig == contig), key=lambda s: s.start)
        if chromosome and all(s.loh for s in chromosome):
            continue
        loh = runs(chromosome, lambda s: s.loh)
        count += sum(1 for is_loh, start, end in loh if is_loh and end - start > LOH_MIN)
    return count


def tai_count(segments: list[AlleleSegment], arms: list[Arm]) -> int:
    """Allelic-imbalance regions reaching a subtelomere without crossing the centromere
    (Birkbak 2012): each arm's telomeric run when imbalanced, unless the run fills the arm and
    the other arm's run at the centromere is imbalanced too (the region crosses it)."""
    states = {(arm.contig, arm.name): runs(on_arm(segments, arm), _imbalanced) for arm in arms}
    count = 0
    for (contig, name), state in states.items():
        if not state or not state[0 if name == "p" else -1][0]:
            continue
        other = states.get((contig, "q" if name == "p" else "p"), [])
        at_centromere = bool(other) and bool(other[-1 if name == "q" else 0][0])
        if not (len(state) == 1 and at_centromere):
            count += 1
    return count


def _imbalanced(segment: AlleleSegment) -> bool:
    return segment.imbalanced


def lst_count(segments: list[AlleleSegment], arms: list[Arm]) -> int:
    """Breakpoints between adjacent >= 10 Mb regions within an arm after removing < 3 Mb
    segments and joining neighbours of one allelic state (Popova 2012)."""
    count = 0
    for arm in arms:
        kept = [s for s in on_arm(segments, arm) if s.length >= LST_SMOOTH]
        regions = runs(kept, lambda s: (s.cn1, s.cn2))
        count += sum(
            1
            for (_, s1, e1), (_, s2, e2) in pairwise(regions)
            if e1 - s1 >= LST_MIN and e2 - s2 >= LST_MIN
        )
    return count


def not_assessed(reason: str, segments: list[AlleleSegment] = ()) -> dict:
    """The scar part of cnv.json when the counts cannot be made, with the reason."""
    return {"status": "not assessed", "reason": reason, "loh": None, "tai": None, "lst": None,
            "sum": None, "research_use": RESEARCH_USE,
            "segments": [vars(s) for s in segments]}  # fmt: skip


def scar_scores(segments: list[AlleleSegment], lengths: dict[str, int], arms: list[Arm]) -> dict:
    """The research-use scar counts with the allele-specific segments they came from, or "not
    assessed" with the reason."""
    reason = examined_reason(segments, lengths, arms)
    if reason is not None:
        return not_assessed(reason, segments)
    loh, tai, lst = (f(segments, arms) for f in (loh_count, tai_count, lst_count))
    return {"status": "assessed", "reason": "", "loh": loh, "tai": tai, "lst": lst,
            "sum": loh + tai + lst, "research_use": RESEARCH_USE,
            "segments": [vars(s) for s in segments]}  # fmt: skip

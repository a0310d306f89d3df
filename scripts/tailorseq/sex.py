"""Sex chromosomes and the mitochondrion: which contigs they are, their ploidy by sex (with
the build's pseudo-autosomal regions), and the sex the reads show.

Ploidy (what the callers are told before calling):
- chrX: haploid in males outside the PARs, diploid in females and in the PARs;
- chrY: haploid in males, absent (ploidy 0, no calls) in females;
- chrM: haploid in everyone (a homoplasmic call is one allele; heteroplasmy is not modelled).
This is bcftools' own convention (`bcftools call --ploidy GRCh38?` prints it: chrY whole
haploid in males and 0 in females, chrM haploid), written as a ploidy file for bcftools call
and a copy-number map for freebayes. Samples of undetermined sex are called diploid on X and Y.

PARs are facts of the build, from the Genome Reference Consortium
(https://www.ncbi.nlm.nih.gov/grc/human, "Pseudoautosomal regions"), recognised by the length
of the reference's chrX/chrY so that a renamed or window reference (the demo's chrX window
around G6PD) never receives coordinates of another sequence. bcftools' built-in GRCh37
definition agrees base for base; its GRCh38 one starts PAR1 and PAR2 one base earlier
(10,000 and 155,701,382), bases that are N or flank the boundary.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass

Interval = tuple[int, int]  # 1-based, inclusive

X_NAMES = ("chrX", "X")
Y_NAMES = ("chrY", "Y")
M_NAMES = ("chrM", "MT", "M", "chrMT")
SEX_CODES = {"male": "M", "female": "F", "unknown": "U"}


@dataclass(frozen=True)
class BuildPars:
    """The PARs of one build, keyed by the lengths of its chrX and chrY."""

    build: str
    x_length: int
    y_length: int
    x: tuple[Interval, ...]
    y: tuple[Interval, ...]


# GRC: https://www.ncbi.nlm.nih.gov/grc/human (GRCh38.p14 and GRCh37.p13 region tables).
BUILD_PARS = (
    BuildPars(
        "GRCh38",
        156_040_895,
        57_227_415,
        ((10_001, 2_781_479), (155_701_383, 156_030_895)),
        ((10_001, 2_781_479), (56_887_903, 57_217_415)),
    ),
    BuildPars(
        "GRCh37",
        155_270_560,
        59_373_566,
        ((60_001, 2_699_520), (154_931_044, 155_260_560)),
        ((10_001, 2_649_520), (59_034_050, 59_363_566)),
    ),
)


@dataclass(frozen=True)
class SexContigs:
    """The reference's sex and mitochondrial contigs (None when absent) and their lengths."""

    x: str | None
    y: str | None
    m: str | None
    lengths: Mapping[str, int]

    def pars(self, contig: str | None) -> tuple[Interval, ...]:
        """The PARs of chrX or chrY when its length is that of a known build; else none."""
        if contig is None:
            return ()
        for build in BUILD_PARS:
            if contig == self.x and self.lengths[contig] == build.x_length:
                return build.x
            if contig == self.y and self.lengths[contig] == build.y_length:
                return build.y
        return ()

    def par_build(self) -> str | None:
        """The build whose chrX length the reference's chrX has (its PARs apply), if any."""
        for build in BUILD_PARS:
            if self.x is not None and self.lengths[self.x] == build.x_length:
                return build.build
        return None

    def non_par(self, contig: str | None) -> list[Interval]:
        """The parts of chrX or chrY outside its PARs (the whole contig when none are known)."""
        if contig is None:
            return []
        return complement(self.pars(contig), self.lengths[contig])


def find_sex_contigs(lengths: Mapping[str, int]) -> SexContigs:
    """Recognise chrX/X, chrY/Y and chrM/MT/M by their standard names."""

    def first(names: tuple[str, ...]) -> str | None:
        return next((n for n in names if n in lengths), None)

    return SexContigs(first(X_NAMES), first(Y_NAMES), first(M_NAMES), dict(lengths))


def complement(intervals: Iterable[Interval], length: int) -> list[Interval]:
    """The parts of 1..length not covered by `intervals`."""
    parts, start = [], 1
    for first, last in sorted(intervals):
        if first > start:
            parts.append((start, first - 1))
        start = max(start, last + 1)
    if start <= length:
        parts.append((start, length))
    return parts


def haploid_regions(contigs: SexContigs, sex: str) -> list[tuple[str, int, int]]:
    """(contig, first, last) regions called haploid for a sex: chrM always; for males also
    non-PAR chrX and chrY."""
    regions = []
    if sex == "male":
        regions += [(contigs.x, first, last) for first, last in contigs.non_par(contigs.x)]
        if contigs.y:
            regions.append((contigs.y, 1, contigs.lengths[contigs.y]))
    if contigs.m:
        regions.append((contigs.m, 1, contigs.lengths[contigs.m]))
    return regions


def absent_regions(contigs: SexContigs, sex: str) -> list[tuple[str, int, int]]:
    """Regions with no copy (ploidy 0, never called): a female's chrY."""
    if sex == "female" and contigs.y:
        return [(contigs.y, 1, contigs.lengths[contigs.y])]
    return []


def ploidy_file(contigs: SexContigs) -> str:
    """A bcftools call `--ploidy-file`: CHROM FROM TO SEX PLOIDY (1-based, inclusive), sexes
    M, F and U (undetermined), diploid by default."""
    lines = []
    for sex, code in SEX_CODES.items():
        lines += [f"{c}\t{a}\t{b}\t{code}\t1" for c, a, b in haploid_regions(contigs, sex)]
        lines += [f"{c}\t{a}\t{b}\t{code}\t0" for c, a, b in absent_regions(contigs, sex)]
    lines += [f"*\t*\t*\t{code}\t2" for code in SEX_CODES.values()]
    return "\n".join(lines) + "\n"


def samples_file(sexes: Mapping[str, str]) -> str:
    """A bcftools call `--samples-file`: each sample's name and sex code (M, F or U)."""
    return "".join(f"{name}\t{SEX_CODES[sex]}\n" for name, sex in sexes.items())


def cnv_map(contigs: SexContigs, sexes: Mapping[str, str]) -> str:
    """A freebayes `--cnv-map` (seq start end sample copies; BED coordinates) with the ploidy
    of `ploidy_file`."""
    lines = []
    for name, sex in sexes.items():
        for copies, regions in ((1, haploid_regions), (0, absent_regions)):
            lines += [f"{c}\t{a - 1}\t{b}\t{name}\t{copies}\n" for c, a, b in regions(contigs, sex)]
    return "".join(lines)


# ---------------------------------------------------------------- sex from the reads
# unplaced, alt and decoy contigs of GRCh37/GRCh38 (chr1_KI270706v1_random, GL000192.1,
# chrUn_..., chrEBV, HLA-A*01:01:01:01, hs37d5, NC_007605)
DECOY = re.compile(r"(_|^(chr)?(EBV|Un)|^HLA-|^hs37d5$|^(GL|KI|JH)\d|^NC_007605)", re.IGNORECASE)


def autosomes(contigs: SexContigs) -> list[str]:
    """Contigs standing for the autosomes: all but X, Y, M, unplaced/alt/decoy contigs."""
    sex = {contigs.x, contigs.y, contigs.m}
    return [n for n in contigs.lengths if n not in sex and not DECOY.search(n)]


def spread_windows(intervals: list[tuple[str, int, int]], budget: int, width: int) -> list:
    """Windows of `width` bases spread evenly over `intervals` (contig, first, last; 1-based),
    `budget` bases in total; all of them when they are no longer than the budget."""
    total = sum(last - first + 1 for _, first, last in intervals)
    if total <= budget:
        return list(intervals)
    count = max(1, budget // width)
    step = total / count
    windows, offset = [], 0
    targets = [int(i * step) for i in range(count)]
    for contig, first, last in intervals:
        size = last - first + 1
        while targets and targets[0] < offset + size:
            start = first + targets.pop(0) - offset
            windows.append((contig, start, min(last, start + width - 1)))
        offset += size
    return windows


@dataclass(frozen=True)
class SexThresholds:
    """Limits of each kind of evidence (config `sex`; defaults in the config schema)."""

    x_het_male_max: float
    x_het_female_min: float
    x_depth_male_max: float
    x_depth_female_min: float
    y_depth_male_min: float
    y_depth_female_max: float
    min_x_sites: int


@dataclass(frozen=True)
class SexEvidence:
    """What the reads show; None where the reference or the data cannot tell."""

    x_het_share: float | None  # heterozygous share of confident variant sites on non-PAR chrX
    x_sites: int  # confident variant sites behind it
    x_depth_ratio: float | None  # non-PAR chrX depth / autosomal depth (two copies: 1.0)
    y_depth_ratio: float | None  # male-specific chrY depth / autosomal depth (one copy: 0.5)


def _vote(value: float | None, male_if_at_most: float, female_if_at_least: float):
    if value is None:
        return None
    if value <= male_if_at_most:
        return "male"
    if value >= female_if_at_least:
        return "female"
    return "between"


def evidence_votes(evidence: SexEvidence, limits: SexThresholds) -> dict[str, str | None]:
    """Each kind of evidence's reading: male, female, between (its grey zone) or None."""
    het = evidence.x_het_share if evidence.x_sites >= limits.min_x_sites else None
    y = evidence.y_depth_ratio
    y_vote = None
    if y is not None:
        y_vote = "male" if y >= limits.y_depth_male_min else "female"
        if limits.y_depth_female_max < y < limits.y_depth_male_min:
            y_vote = "between"
    return {
        "x_heterozygosity": _vote(het, limits.x_het_male_max, limits.x_het_female_min),
        "x_depth": _vote(
            evidence.x_depth_ratio, limits.x_depth_male_max, limits.x_depth_female_min
        ),
        "y_depth": y_vote,
    }


def infer_sex(evidence: SexEvidence, limits: SexThresholds) -> tuple[str, str]:
    """(male | female | undetermined, why): every kind of evidence available must agree."""
    votes = evidence_votes(evidence, limits)
    read = {k: v for k, v in votes.items() if v is not None}
    if not read:
        depths = (evidence.x_depth_ratio, evidence.y_depth_ratio)
        if evidence.x_sites == 0 and depths == (None, None):
            return "undetermined", "no chrX or chrY data (not in the targets, or no reads)"
        return "undetermined", "too few confident variant sites on chrX"
    said = set(read.values())
    shown = ", ".join(f"{k} {v}" for k, v in read.items())
    if said == {"male"} or said == {"female"}:
        return said.pop(), shown
    if said == {"between"} or ("between" in said and len(said - {"between"}) == 1):
        return "undetermined", f"evidence in the grey zone ({shown})"
    return "undetermined", f"evidence disagrees ({shown}): e.g. XXY, X0, mosaicism or a mixture"


def sex_verdict(sheet_sex: str, inferred: str, kind: str) -> tuple[str, str]:
    """(verdict, message): consistent, not checked, inferred (sheet unknown), unconfirmed
    (a tumour's lost Y) or mismatch (stops the sample)."""
    if sheet_sex == "unknown":
        if inferred == "undetermined":
            return "not checked", "sex unknown in the sheet and undetermined from the reads"
        return "inferred", f"sex unknown in the sheet; the reads show {inferred}, used"
    if inferred == "undetermined":
        return "not checked", f"the sheet's sex ({sheet_sex}) could not be checked"
    if inferred == sheet_sex:
        return "consistent", f"the reads confirm the sheet's sex ({sheet_sex})"
    if kind == "tumor" and sheet_sex == "male":
        return "unconfirmed", (
            "the tumour's reads look female: loss of chrY and chrX copy changes are frequent"
            " in tumours, so this is not taken for a swap"
        )
    return "mismatch", f"the sheet says {sheet_sex}, the reads show {inferred}"


def sex_for_calling(sheet_sex: str, inferred: str) -> str:
    """The sex the callers are told: the sheet's, else the inferred one, else unknown."""
    if sheet_sex != "unknown":
        return sheet_sex
    return inferred if inferred in ("male", "female") else "unknown"


def mismatch_message(sample: str, record: Mapping) -> str:
    """The message that stops a mismatched sample: its name, both sexes and the evidence."""
    evidence = record["evidence"]
    shown = ", ".join(f"{k}={v}" for k, v in evidence.items() if v is not None)
    return (
        f"sex check failed for sample {sample}: the sample sheet says {record['sheet_sex']},"
        f" the reads show {record['inferred_sex']} ({shown}); likely sample swap."
        " Nothing of this sample is published: check the sample's identity, then correct"
        " samples.tsv (column sex) or the sample's files"
    )


def sex_record(
    sheet_sex: str, kind: str, evidence: SexEvidence, contigs: SexContigs, limits: SexThresholds
) -> dict:
    """The sample's sex check: the sheet's sex, the inferred one with its evidence and reason,
    the verdict, and the sex the callers are told."""
    inferred, reason = infer_sex(evidence, limits)
    if contigs.x is None and contigs.y is None:
        reason = "no chrX or chrY in the reference"
    verdict, message = sex_verdict(sheet_sex, inferred, kind)
    return {
        "sheet_sex": sheet_sex,
        "inferred_sex": inferred,
        "reason": reason,
        "verdict": verdict,
        "message": message,
        "calling_sex": sex_for_calling(sheet_sex, inferred),
        "evidence": {
            "x_het_share": evidence.x_het_share,
            "x_sites": evidence.x_sites,
            "x_depth_ratio": evidence.x_depth_ratio,
            "y_depth_ratio": evidence.y_depth_ratio,
        },
        "votes": evidence_votes(evidence, limits),
        "contigs": {"x": contigs.x, "y": contigs.y, "m": contigs.m},
        "par_build": contigs.par_build(),
        "thresholds": asdict(limits),
    }

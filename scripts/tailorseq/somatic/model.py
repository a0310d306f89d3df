"""The somatic model: is an alt allele seen in the tumour real, and is it absent from the normal?

Evidence at one candidate allele is the read counts of a tumour/normal pair, split by allele and
strand, with the mean base quality of the reads of each allele (bcftools mpileup FORMAT/AD,
ADF, ADR and QS), and the mean mapping quality and distance from the read end of the alt reads
(mpileup INFO/I16, over both samples).

Tumour log-odds (TLOD, log10, in the spirit of Mutect's TLOD). A read showing allele `b` when the
true base is `a` has probability `1 - e` if `b == a`, else `e / 3` (one of three wrong bases),
with `e = 10^(-Q/10)` from the allele's mean base quality Q. Under M_f the alt allele is in a
fraction `f` of the tumour's reads; under M_0 it is absent and every alt read is a sequencing
error:

    TLOD = log10 L(reads | M_f^) - log10 L(reads | M_0),   f^ = alt / (ref + alt)

Normal log-odds (NLOD, in the spirit of Mutect's NLOD): the evidence that the normal is reference
(f = 0) rather than a germline heterozygote (f = 0.5):

    NLOD = log10 L(normal reads | f = 0) - log10 L(normal reads | f = 0.5)

A large TLOD says the tumour carries the allele; a large NLOD says the normal does not, so the
allele is not inherited. Each filter below names why a candidate is not PASS.
"""

import math
from dataclasses import dataclass, field

# FILTER ids with the text written in the VCF header.
FILTERS = {
    "LowTumorLOD": "tumour log-odds (TLOD) that the alt allele is real is below min_tumor_lod",
    "Germline": "normal log-odds (NLOD) that the normal lacks the allele is below "
    "min_normal_lod: possibly a germline variant",
    "AltInNormal": "the normal has more alt reads than max_normal_alt_reads and an alt fraction "
    "above max_normal_vaf",
    "LowVAF": "tumour alt allele fraction below min_vaf",
    "LowDepth": "tumour depth below min_tumor_depth or normal depth below min_normal_depth",
    "StrandBias": "tumour alt reads on one strand (Fisher phred above max_strand_bias_phred and "
    "minor-strand fraction of alt reads below min_alt_strand_fraction)",
    "ReadPositionBias": "alt reads near read ends (mean distance below min_alt_read_end_distance "
    "or |RPBZ| above max_read_position_z)",
    "LowMappingQuality": "mean mapping quality of alt reads below min_alt_mapq",
    "ClusteredEvents": "more than max_events_in_window candidate events within cluster_window bp",
    "PanelOfNormals": "the allele is in the panel of normals",
}

MAX_BASE_QUALITY = 40.0  # qualities above this are not trusted further (binned, recalibrated)
MIN_BASE_QUALITY = 2.0


@dataclass(frozen=True)
class Settings:
    """Thresholds of the model and its filters (config section `somatic`)."""

    min_tumor_lod: float = 6.3
    min_normal_lod: float = 2.2
    min_vaf: float = 0.05
    min_tumor_depth: int = 10
    min_normal_depth: int = 8
    max_normal_alt_reads: int = 1
    max_normal_vaf: float = 0.03
    max_strand_bias_phred: float = 20.0
    min_alt_strand_fraction: float = 0.1
    min_alt_read_end_distance: float = 5.0
    max_read_position_z: float = 5.0
    min_alt_mapq: float = 40.0
    cluster_window: int = 50
    max_events_in_window: int = 2
    min_concordance: float = 0.8
    min_concordance_sites: int = 20

    @classmethod
    def from_config(cls, section: dict) -> "Settings":
        """Settings from the config's `somatic` section (keys not of the model are ignored)."""
        names = set(cls.__dataclass_fields__)
        return cls(**{key: value for key, value in section.items() if key in names})


@dataclass(frozen=True)
class Reads:
    """One sample's reads at a candidate: counts per allele and strand, mean base qualities."""

    ref_forward: int
    ref_reverse: int
    alt_forward: int
    alt_reverse: int
    ref_quality: float = 30.0
    alt_quality: float = 30.0
    depth: int | None = None  # mpileup FORMAT/DP (all alleles); default ref + alt

    @property
    def ref(self) -> int:
        return self.ref_forward + self.ref_reverse

    @property
    def alt(self) -> int:
        return self.alt_forward + self.alt_reverse

    @property
    def total(self) -> int:
        return self.depth if self.depth is not None else self.ref + self.alt

    @property
    def vaf(self) -> float:
        counted = self.ref + self.alt
        return self.alt / counted if counted else 0.0


@dataclass(frozen=True)
class Evidence:
    """Both samples' reads at one candidate allele, and site-level read statistics."""

    tumor: Reads
    normal: Reads
    is_indel: bool = False
    alt_mapq: float | None = None  # mean mapping quality of alt reads
    alt_end_distance: float | None = None  # mean distance of the alt base from the read end
    read_position_z: float | None = None  # mpileup RPBZ
    in_panel_of_normals: bool = False


@dataclass
class Verdict:
    """The model's scores and filters for one candidate."""

    tlod: float
    nlod: float
    strand_bias_phred: float
    filters: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.filters


def error_probability(quality: float) -> float:
    """Per-base error probability from a phred base quality, clamped to a sane range."""
    quality = min(max(quality, MIN_BASE_QUALITY), MAX_BASE_QUALITY)
    return 10 ** (-quality / 10)


def log10_likelihood(reads: Reads, fraction: float) -> float:
    """log10 P(reads | the alt allele is in `fraction` of the sample's molecules)."""
    e_ref, e_alt = error_probability(reads.ref_quality), error_probability(reads.alt_quality)
    p_ref = (1 - fraction) * (1 - e_ref) + fraction * e_ref / 3
    p_alt = fraction * (1 - e_alt) + (1 - fraction) * e_alt / 3
    total = 0.0
    if reads.ref:
        total += reads.ref * math.log10(p_ref)
    if reads.alt:
        total += reads.alt * math.log10(p_alt)
    return total


def tumor_lod(reads: Reads) -> float:
    """TLOD: log10 odds that the alt allele is present (at its observed fraction) vs absent."""
    if reads.alt == 0:
        return 0.0
    fraction = reads.alt / (reads.ref + reads.alt)
    return log10_likelihood(reads, fraction) - log10_likelihood(reads, 0.0)


def min_tumor_alt_fraction(alt_reads: int, settings: Settings) -> float:
    """The lowest tumour alt fraction f at which `alt_reads` alt reads can reach min_tumor_lod.

    TLOD <= alt_reads * log10(1 + 3 f / e), with e the error probability at MAX_BASE_QUALITY:
    the ref reads' term is never positive (p_ref(f) <= p_ref(0) while e <= 0.75) and
    p_alt(f) / p_alt(0) <= 1 + 3 f / e. So TLOD >= min_tumor_lod needs
    f >= (10^(min_tumor_lod / alt_reads) - 1) * e / 3 (above 1: not reachable)."""
    error = error_probability(MAX_BASE_QUALITY)
    return (10 ** (settings.min_tumor_lod / alt_reads) - 1) * error / 3


def normal_lod(reads: Reads) -> float:
    """NLOD: log10 odds that the normal is reference rather than heterozygous for the allele."""
    return log10_likelihood(reads, 0.0) - log10_likelihood(reads, 0.5)


def _log_choose(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def fisher_phred(a: int, b: int, c: int, d: int) -> float:
    """Phred-scaled two-sided Fisher exact p-value of the 2x2 table [[a, b], [c, d]]."""
    row1, col1, n = a + b, a + c, a + b + c + d
    if n == 0:
        return 0.0

    def log_p(x: int) -> float:
        return _log_choose(col1, x) + _log_choose(n - col1, row1 - x) - _log_choose(n, row1)

    observed = log_p(a)
    low, high = max(0, row1 + col1 - n), min(row1, col1)
    p = sum(
        math.exp(value)
        for value in (log_p(x) for x in range(low, high + 1))
        if value <= observed + 1e-7
    )
    p = min(1.0, p)
    return -10 * math.log10(p) if p > 0 else 999.0


def strand_bias(reads: Reads) -> tuple[float, float]:
    """(Fisher phred of ref vs alt strand counts, fraction of alt reads on the minor strand)."""
    phred = fisher_phred(reads.ref_forward, reads.ref_reverse, reads.alt_forward, reads.alt_reverse)
    minor = min(reads.alt_forward, reads.alt_reverse) / reads.alt if reads.alt else 0.0
    return phred, minor


def assess(evidence: Evidence, settings: Settings, events_nearby: int = 0) -> Verdict:
    """Score one candidate and list the filters it fails (in FILTERS order).

    `events_nearby` is the number of other candidate events within `cluster_window` bp.
    """
    tumor, normal = evidence.tumor, evidence.normal
    tlod, nlod = tumor_lod(tumor), normal_lod(normal)
    sb_phred, minor_fraction = strand_bias(tumor)
    failed = {
        "LowTumorLOD": tlod < settings.min_tumor_lod,
        "Germline": nlod < settings.min_normal_lod,
        "AltInNormal": normal.alt > settings.max_normal_alt_reads
        and normal.vaf > settings.max_normal_vaf,
        "LowVAF": tumor.vaf < settings.min_vaf,
        "LowDepth": tumor.total < settings.min_tumor_depth
        or normal.total < settings.min_normal_depth,
        "StrandBias": sb_phred > settings.max_strand_bias_phred
        and minor_fraction < settings.min_alt_strand_fraction,
        "ReadPositionBias": (
            evidence.alt_end_distance is not None
            and evidence.alt_end_distance < settings.min_alt_read_end_distance
        )
        or (
            evidence.read_position_z is not None
            and abs(evidence.read_position_z) > settings.max_read_position_z
        ),
        "LowMappingQuality": evidence.alt_mapq is not None
        and evidence.alt_mapq < settings.min_alt_mapq,
        "ClusteredEvents": events_nearby + 1 > settings.max_events_in_window,
        "PanelOfNormals": evidence.in_panel_of_normals,
    }
    return Verdict(
        tlod=tlod,
        nlod=nlod,
        strand_bias_phred=sb_phred,
        filters=[name for name in FILTERS if failed[name]],
    )

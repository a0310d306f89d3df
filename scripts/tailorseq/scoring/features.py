"""Features of a germline variant call, from its VCF record and the reference around it.

One vector per (record, sample carrying the ALT). The read-level evidence comes from the
caller's own annotations, which it computes from the alignments in the pass it makes anyway
(bcftools mpileup's FORMAT/AD, ADF, ADR, QS, SP, SCR and INFO MQ, RPBZ, MQBZ, BQBZ, NMBZ, ...;
freebayes' AO/RO, QA/QR, SAF/SAR, EPP, RPP, MQM, PAIRED, ...): reading the BAM a second time
would cost more than the calling itself. Around the site, the reference gives homopolymer and
tandem-repeat length and GC; the callset gives the distance to other calls. Records are
biallelic and normalised (`bcftools norm -m -both --atomize`), as the gathered calls are.
A value that cannot be measured is NaN, which the model handles natively.
"""

from __future__ import annotations

import bisect
import math
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import pysam

from tailorseq.somatic.repeats import longest_repeats_touching

COMMON = (
    "qual",
    "is_indel",
    "indel_length",
    "is_insertion",
    "genotype_hom",
    "depth",
    "depth_relative",
    "alt_reads",
    "allele_balance",
    "alt_strand_balance",
    "ref_strand_balance",
    "alt_baseq",
    "ref_baseq",
    "homopolymer",
    "tandem_repeat",
    "gc",
    "nearest_call",
    "calls_within_20",
)
# The caller's site annotations used as they are (INFO unless marked FORMAT/).
EXTRAS = {
    "bcftools": (
        "MQ",
        "MQ0F",
        "RPBZ",
        "MQBZ",
        "BQBZ",
        "MQSBZ",
        "NMBZ",
        "SCBZ",
        "VDB",
        "SGB",
        "IMF",
        "FORMAT/SP",
        "FORMAT/SCR",
    ),
    "freebayes": (
        "MQM",
        "MQMR",
        "EPP",
        "EPPR",
        "RPP",
        "RPPR",
        "SAP",
        "SRP",
        "PAIRED",
        "PAIREDR",
        "ODDS",
        "MEANALT",
        "DPRA",
    ),
}
CALLERS = tuple(EXTRAS)
# The FORMAT and INFO annotations bcftools mpileup must write for these features (rule
# call_bcftools), computed in the calling pass itself.
BCFTOOLS_ANNOTATIONS = (
    "FORMAT/AD",
    "FORMAT/ADF",
    "FORMAT/ADR",
    "FORMAT/DP",
    "FORMAT/SP",
    "FORMAT/QS",
    "FORMAT/SCR",
    "FORMAT/NMBZ",
    "INFO/AD",
)
FORMAT_EXTRAS = {c: tuple(t for t in tags if t.startswith("FORMAT/")) for c, tags in EXTRAS.items()}
INFO_EXTRAS = {c: tuple(t for t in tags if t not in FORMAT_EXTRAS[c]) for c, tags in EXTRAS.items()}
CONTEXT = 30  # bases each side of the site searched for repeats
GC_WINDOW = 50  # bases each side of the site for GC
NEAR = 20  # bases: "other calls nearby"
REPEAT_UNITS = {1: 2, 2: 2, 3: 2, 4: 2, 5: 2, 6: 2}


def feature_names(caller: str) -> tuple[str, ...]:
    """The model's input columns for a caller, in order."""
    return COMMON + EXTRAS[caller]


@dataclass(frozen=True)
class Site:
    """A record (index in its file, contig, POS, REF, ALT), the sample carrying its ALT and
    the feature values."""

    record: int
    contig: str
    pos: int
    ref: str
    alt: str
    sample: str
    values: dict[str, float]

    @property
    def key(self) -> tuple[str, int, str, str]:
        """(contig, POS, REF, ALT), as truth keys are written."""
        return self.contig, self.pos, self.ref, self.alt


def _number(value) -> float:
    """A VCF value as a float: first element of a tuple, NaN when missing."""
    if isinstance(value, tuple):
        value = value[0] if value else None
    return math.nan if value is None else float(value)


def _allele_pair(sample: pysam.VariantRecordSample, tag: str) -> tuple[float, float]:
    """(REF, ALT) values of a Number=R FORMAT tag, NaN when absent (one lookup: each costs a
    header search in pysam)."""
    pair = sample.get(tag)
    if pair is None or len(pair) < 2:
        return math.nan, math.nan
    ref, alt = pair[:2]
    return (math.nan if ref is None else ref), (math.nan if alt is None else alt)


def _info(record: pysam.VariantRecord, tag: str) -> float:
    return _number(record.info[tag]) if tag in record.info else math.nan


def _ratio(part: float, whole: float) -> float:
    return part / whole if whole and not math.isnan(whole) else math.nan


def _balance(forward: float, reverse: float) -> float:
    """The smaller strand's share (0 = one strand only, 0.5 = even)."""
    return _ratio(min(forward, reverse), forward + reverse)


def _strands(record: pysam.VariantRecord, sample: pysam.VariantRecordSample, caller: str):
    """(ref forward, ref reverse, alt forward, alt reverse) read counts."""
    if caller == "freebayes":
        return tuple(_info(record, tag) for tag in ("SRF", "SRR", "SAF", "SAR"))
    ref_f, alt_f = _allele_pair(sample, "ADF")
    ref_r, alt_r = _allele_pair(sample, "ADR")
    return ref_f, ref_r, alt_f, alt_r


def _quality_sums(sample: pysam.VariantRecordSample, caller: str) -> tuple[float, float]:
    if caller == "freebayes":
        return _number(sample.get("QR")), _number(sample.get("QA"))
    return _allele_pair(sample, "QS")


def record_features(
    record: pysam.VariantRecord, caller: str, declared: frozenset[str]
) -> dict[str, float]:
    """What the record says for every sample carrying it: QUAL, the change, the caller's
    INFO annotations (read once per record, not once per sample; one lookup each, and none
    for a tag the header does not declare, which pysam's `get` would refuse)."""
    change = len(record.alts[0]) - len(record.ref)
    values = {
        "qual": math.log10(1 + max(record.qual or 0.0, 0.0)),
        "is_indel": float(change != 0),
        "indel_length": abs(change),
        "is_insertion": float(change > 0),
    }
    info = record.info
    for tag in INFO_EXTRAS[caller]:
        values[tag] = _number(info.get(tag)) if tag in declared else math.nan
    return values


def sample_features(
    record: pysam.VariantRecord, sample: pysam.VariantRecordSample, caller: str
) -> dict[str, float]:
    """What the caller and the reads say about one sample's call."""
    ref_reads, alt_reads = _allele_pair(sample, "AD")
    alt = record.alts[0]
    alleles = [a for a in sample.alleles if a is not None]
    ref_f, ref_r, alt_f, alt_r = _strands(record, sample, caller)
    ref_q, alt_q = _quality_sums(sample, caller)
    values = {
        "genotype_hom": float(bool(alleles) and all(a == alt for a in alleles)),
        "depth": ref_reads + alt_reads,
        "alt_reads": alt_reads,
        "allele_balance": _ratio(alt_reads, ref_reads + alt_reads),
        "alt_strand_balance": _balance(alt_f, alt_r),
        "ref_strand_balance": _balance(ref_f, ref_r),
        "alt_baseq": _ratio(alt_q, alt_reads),
        "ref_baseq": _ratio(ref_q, ref_reads),
    }
    for tag in FORMAT_EXTRAS[caller]:
        values[tag] = _number(sample.get(tag.removeprefix("FORMAT/")))
    if "FORMAT/SCR" in values:
        values["FORMAT/SCR"] = _ratio(values["FORMAT/SCR"], values["depth"])
    return values


def context_features(sequence: str, offset: int, pos: int, ref: str, alt: str) -> dict:
    """Homopolymer and tandem-repeat length touching the site, GC around it.

    `sequence` is the reference from 0-based `offset`; `pos` is the record's 1-based POS. An
    indel's event sits after its anchor base. Repeats are those tandem_repeats finds in the
    CONTEXT bases either side (a repeat reaching past them counts only its part inside)."""
    site = pos - 1 - offset
    indel = len(ref) != len(alt)
    first, last = site + indel, site + max(len(ref), 1 + indel)
    low = max(site - CONTEXT, 0)
    window = sequence[low : site + CONTEXT + len(ref)]
    longest = longest_repeats_touching(window, first - low, last - low, REPEAT_UNITS)
    around = sequence[max(site - GC_WINDOW, 0) : site + GC_WINDOW + 1]
    gc = (around.count("G") + around.count("C")) / len(around) if around else math.nan
    return {"homopolymer": max(longest[1], 1), "tandem_repeat": max(longest.values()), "gc": gc}


def neighbour_features(positions: Sequence[int], pos: int) -> dict[str, float]:
    """log10(1 + distance) to the nearest other call, and other calls within NEAR bases
    (`positions`: the sorted POS of every record of the contig)."""
    index = bisect.bisect_left(positions, pos)
    others = list(positions[max(index - 1, 0) : index]) + list(positions[index + 1 : index + 2])
    if index < len(positions) and positions[index] != pos:
        others.append(positions[index])
    nearest = min((abs(other - pos) for other in others), default=10**6)
    low = bisect.bisect_left(positions, pos - NEAR)
    high = bisect.bisect_right(positions, pos + NEAR)
    return {"nearest_call": math.log10(nearest + 1), "calls_within_20": high - low - 1}


def carries_alt(sample: pysam.VariantRecordSample, alt: str) -> bool:
    """The sample's genotype has the record's (only) ALT allele."""
    return any(allele == alt for allele in sample.alleles if allele is not None)


def carriers(record: pysam.VariantRecord) -> list[pysam.VariantRecordSample]:
    """The samples whose genotype carries the record's ALT (none for a symbolic ALT)."""
    if not record.alts or record.alts[0] in ("*", "<*>", "<NON_REF>"):
        return []
    return [s for s in record.samples.values() if carries_alt(s, record.alts[0])]


@dataclass(frozen=True)
class CallsetSummary:
    """What a record's features need from the whole callset, from a first pass over it:
    every record's POS per contig (neighbours) and each sample's median depth over the calls
    it carries (depth_relative: collapsed repeats read deep). A few bytes per record. Also the
    INFO tags its header declares."""

    positions: dict[str, array]
    median_depth: dict[str, float]
    info_tags: frozenset[str]


def summarize(vcf: str) -> CallsetSummary:
    """The first pass over a callset."""
    positions: dict[str, array] = {}
    depths: dict[str, array] = {}
    with pysam.VariantFile(vcf) as variants:
        info_tags = frozenset(variants.header.info)
        for record in variants:
            positions.setdefault(record.contig, array("q")).append(record.pos)
            for sample in carriers(record):
                ref, alt = _allele_pair(sample, "AD")
                depths.setdefault(sample.name, array("d")).append(ref + alt)
    medians = {name: float(np.nanmedian(values)) or 1.0 for name, values in depths.items()}
    return CallsetSummary(positions, medians, info_tags)


def record_sites(
    index: int,
    record: pysam.VariantRecord,
    fasta: pysam.FastaFile,
    caller: str,
    summary: CallsetSummary,
) -> list[Site]:
    """The feature vectors of one record, one per sample carrying its ALT."""
    found = carriers(record)
    if not found:
        return []
    offset = max(record.pos - 1 - GC_WINDOW - CONTEXT, 0)
    end = record.pos + len(record.ref) + GC_WINDOW + CONTEXT
    sequence = fasta.fetch(record.contig, offset, end).upper()
    shared = context_features(sequence, offset, record.pos, record.ref, record.alts[0])
    shared |= neighbour_features(summary.positions[record.contig], record.pos)
    shared |= record_features(record, caller, summary.info_tags)
    sites = []
    for sample in found:
        values = sample_features(record, sample, caller) | shared
        values["depth_relative"] = values["depth"] / summary.median_depth[sample.name]
        sites.append(
            Site(index, record.contig, record.pos, record.ref, record.alts[0], sample.name, values)
        )
    return sites


def vcf_features(vcf: str, reference: str, caller: str) -> Iterator[Site]:
    """Feature vectors of every (record, sample carrying the ALT) of a VCF, in file order,
    streamed (two passes; see CallsetSummary)."""
    summary = summarize(vcf)
    with pysam.VariantFile(vcf) as variants, pysam.FastaFile(reference) as fasta:
        for index, record in enumerate(variants):
            yield from record_sites(index, record, fasta, caller, summary)


def matrix(sites: list[Site], caller: str) -> np.ndarray:
    """The sites' features as a float matrix, columns in feature_names(caller) order."""
    names = feature_names(caller)
    return np.array([[site.values[name] for name in names] for site in sites], dtype=float)

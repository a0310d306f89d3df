"""From bcftools mpileup candidates of a tumour/normal pair to the somatic VCF.

The candidates are mpileup records of both samples (tumour first, normal second), normalised
and split into one alt allele per record (`bcftools norm -m -both`), with FORMAT AD, ADF, ADR,
DP and QS and the site's INFO/I16 and RPBZ. Each is scored by `model.assess`; every candidate
whose TLOD reaches the minimum is written, with FILTER PASS or the reasons it failed.

Before Python, bcftools keeps only the candidates this module can use (`candidate_filter`):
those whose tumour reads can reach min_tumor_lod, and those the sample-swap check counts. The
others (most of them: sites with two or three alt reads among dozens) would be read, scored
and dropped; the somatic VCF is the same without them.
"""

import bisect
import os
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pysam

from tailorseq import documents
from tailorseq.somatic.concordance import Concordance, informative_expression
from tailorseq.somatic.model import (
    FILTERS,
    Evidence,
    Reads,
    Settings,
    Verdict,
    assess,
    min_tumor_alt_fraction,
    tumor_lod,
)

Key = tuple[str, int, str, str]
MAX_DEPTH = 2000  # mpileup --max-depth: reads per file at a position, so AD sums stay below it


@dataclass
class Candidate:
    """One alt allele of one site, with its evidence."""

    contig: str
    pos: int
    ref: str
    alt: str
    evidence: Evidence

    @property
    def key(self) -> Key:
        return (self.contig, self.pos, self.ref, self.alt)


def min_tumor_alt_reads(settings: Settings) -> int:
    """The fewest tumour alt reads whose TLOD can reach min_tumor_lod at some alt fraction
    (`model.min_tumor_alt_fraction` at most 1); 0 when any TLOD is enough."""
    if settings.min_tumor_lod <= 0:  # a record without tumour alt reads has TLOD 0
        return 0
    reads = 1
    while min_tumor_alt_fraction(reads, settings) > 1:
        reads += 1
    return reads


def tumor_lod_expression(settings: Settings, max_depth: int = MAX_DEPTH) -> str:
    """A bcftools expression over a biallelic mpileup record (tumour first) that holds wherever
    the tumour's alt reads can reach min_tumor_lod (`model.min_tumor_alt_fraction`), up to the
    alt count from which any fraction under `max_depth` reads does."""
    alt, total = "FORMAT/AD[0:1]", "(FORMAT/AD[0:0]+FORMAT/AD[0:1])"
    reads = min_tumor_alt_reads(settings)
    if reads == 0:
        return f"{alt}>=0"
    terms = []
    while (fraction := min_tumor_alt_fraction(reads, settings)) > reads / (reads + max_depth):
        # a hair below the bound, so that rounding never drops a reachable record
        terms.append(f"({alt}=={reads} && {alt}/{total}>={fraction * (1 - 1e-9):.12g})")
        reads += 1
    return " || ".join([*terms, f"{alt}>={reads}"])


def candidate_filter(settings: Settings, max_depth: int = MAX_DEPTH) -> str:
    """The bcftools expression that keeps the candidates `call` can use: its tumour LOD can
    reach the minimum (written, and counted as a nearby event) or the sample-swap check counts
    it. Records it drops would be read and discarded, so the VCF is the same without them."""
    return f"({tumor_lod_expression(settings, max_depth)}) || ({informative_expression()})"


def _mean(total: float, count: int) -> float | None:
    return total / count if count else None


def _reads(sample, depth_default: int | None = None) -> Reads:
    """A sample's Reads from mpileup FORMAT fields of a biallelic record."""
    ad = sample.get("AD") or (0, 0)
    adf = sample.get("ADF") or (ad[0], 0)
    adr = sample.get("ADR") or (0, ad[1])
    qs = sample.get("QS") or (30 * ad[0], 30 * ad[1])
    depth = sample.get("DP")
    return Reads(
        ref_forward=adf[0] or 0,
        ref_reverse=adr[0] or 0,
        alt_forward=adf[1] or 0,
        alt_reverse=adr[1] or 0,
        ref_quality=_mean(qs[0] or 0, ad[0] or 0) or 30.0,
        alt_quality=_mean(qs[1] or 0, ad[1] or 0) or 30.0,
        depth=depth if depth is not None else depth_default,
    )


def candidate_of(record, panel: set[Key] | None = None) -> Candidate | None:
    """The Candidate of a biallelic mpileup record; None for a reference-only record."""
    if not record.alts or record.alts[0] == "<*>":
        return None
    tumor, normal = (record.samples[index] for index in range(2))
    info = record.info
    i16 = info.get("I16")
    alt_mapq = alt_end = None
    if i16:
        alt_reads = int(i16[2] + i16[3])
        alt_mapq, alt_end = _mean(i16[10], alt_reads), _mean(i16[14], alt_reads)
    key = (record.contig, record.pos, record.ref, record.alts[0])
    evidence = Evidence(
        tumor=_reads(tumor),
        normal=_reads(normal),
        is_indel=len(record.ref) != len(record.alts[0]),
        alt_mapq=alt_mapq,
        alt_end_distance=alt_end,
        read_position_z=info.get("RPBZ"),
        in_panel_of_normals=panel is not None and key in panel,
    )
    return Candidate(record.contig, record.pos, record.ref, record.alts[0], evidence)


def read_panel(path: Path | None) -> set[Key] | None:
    """Alleles of a panel-of-normals VCF (every alt of every record), matched allele-exactly
    against the normalised candidates, so the panel should be normalised the same way
    (`bcftools norm -m -both -f ref`); contig names match with or without 'chr'."""
    if path is None:
        return None
    keys: set[Key] = set()
    with pysam.VariantFile(str(path)) as handle:
        for record in handle:
            for alt in record.alts or ():
                keys.add((record.contig, record.pos, record.ref, alt))
                keys.add((_toggle_chr(record.contig), record.pos, record.ref, alt))
    return keys


def _toggle_chr(name: str) -> str:
    return name[3:] if name.startswith("chr") else f"chr{name}"


def _open_quietly(path: Path) -> pysam.VariantFile:
    """Open a chunk for reading in order (htslib would warn that it has no index)."""
    verbosity = pysam.set_verbosity(0)
    try:
        return pysam.VariantFile(str(path))
    finally:
        pysam.set_verbosity(verbosity)


def candidates(paths: Iterable[Path], panel: set[Key] | None = None) -> Iterator[Candidate]:
    """Every candidate allele of the chunk files, in order."""
    for path in paths:
        with _open_quietly(path) as handle:
            for record in handle:
                candidate = candidate_of(record, panel)
                if candidate is not None:
                    yield candidate


def event_positions(paths: Iterable[Path], settings: Settings) -> dict[str, list[int]]:
    """Positions of candidate events (tumour LOD at least the minimum), per contig, sorted."""
    positions: dict[str, list[int]] = defaultdict(list)
    for candidate in candidates(paths):
        if tumor_lod(candidate.evidence.tumor) >= settings.min_tumor_lod:
            positions[candidate.contig].append(candidate.pos)
    return {contig: sorted(values) for contig, values in positions.items()}


def events_nearby(positions: dict[str, list[int]], contig: str, pos: int, window: int) -> int:
    """Other events within `window` bp of `pos` (events at the same position count once)."""
    values = positions.get(contig, [])
    low = bisect.bisect_left(values, pos - window)
    high = bisect.bisect_right(values, pos + window)
    nearby = {value for value in values[low:high]}
    nearby.discard(pos)
    return len(nearby)


HEADER_FIELDS = (
    ("INFO", "SOMATIC", 0, "Flag", "Somatic candidate"),
    ("INFO", "TLOD", 1, "Float", "Tumour log10 odds: alt real vs sequencing error"),
    ("INFO", "NLOD", 1, "Float", "Normal log10 odds: reference vs heterozygous"),
    ("INFO", "SBP", 1, "Float", "Tumour strand bias, Fisher phred"),
    ("INFO", "MQA", 1, "Float", "Mean mapping quality of alt reads"),
    ("INFO", "EDA", 1, "Float", "Mean distance of alt bases from the read end"),
    ("INFO", "RPBZ", 1, "Float", "Read position bias z (bcftools mpileup)"),
    ("INFO", "ECNT", 1, "Integer", "Candidate events within the cluster window"),
    ("FORMAT", "GT", 1, "String", "Genotype (0/1 tumour, 0/0 normal)"),
    ("FORMAT", "AD", "R", "Integer", "Allelic depths (high-quality bases)"),
    ("FORMAT", "ADF", "R", "Integer", "Allelic depths, forward strand"),
    ("FORMAT", "ADR", "R", "Integer", "Allelic depths, reverse strand"),
    ("FORMAT", "AF", "A", "Float", "Alt allele fraction (AD alt / AD sum)"),
    ("FORMAT", "DP", 1, "Integer", "Depth of high-quality bases"),
)


def _header(
    template: pysam.VariantHeader, tumor: str, normal: str, meta: dict
) -> pysam.VariantHeader:
    header = pysam.VariantHeader()
    for contig in template.contigs.values():
        header.contigs.add(contig.name, length=contig.length)
    for key, value in meta.items():
        header.add_meta(key, value)
    for name, text in FILTERS.items():
        header.filters.add(name, None, None, text)
    for kind, ident, number, kind_of_value, text in HEADER_FIELDS:
        header.add_line(
            f'##{kind}=<ID={ident},Number={number},Type={kind_of_value},Description="{text}">'
        )
    header.add_sample(tumor)
    header.add_sample(normal)
    return header


def _set_sample(sample, reads: Reads, genotype: tuple[int, int]) -> None:
    sample["GT"] = genotype
    sample["AD"] = (reads.ref, reads.alt)
    sample["ADF"] = (reads.ref_forward, reads.alt_forward)
    sample["ADR"] = (reads.ref_reverse, reads.alt_reverse)
    sample["AF"] = round(reads.vaf, 4)
    sample["DP"] = reads.total


def _write(out, candidate: Candidate, verdict: Verdict, nearby: int) -> None:
    evidence = candidate.evidence
    record = out.new_record(
        contig=candidate.contig,
        start=candidate.pos - 1,
        alleles=(candidate.ref, candidate.alt),
        filter=verdict.filters or ["PASS"],
    )
    record.info["SOMATIC"] = True
    record.info["TLOD"] = round(verdict.tlod, 2)
    record.info["NLOD"] = round(verdict.nlod, 2)
    record.info["SBP"] = round(verdict.strand_bias_phred, 2) + 0.0
    if evidence.alt_mapq is not None:
        record.info["MQA"] = round(evidence.alt_mapq, 1)
    if evidence.alt_end_distance is not None:
        record.info["EDA"] = round(evidence.alt_end_distance, 1)
    if evidence.read_position_z is not None:
        record.info["RPBZ"] = round(evidence.read_position_z, 3)
    record.info["ECNT"] = nearby + 1
    names = list(out.header.samples)
    _set_sample(record.samples[names[0]], evidence.tumor, (0, 1))
    _set_sample(record.samples[names[1]], evidence.normal, (0, 0))
    out.write(record)


def call(
    chunks: list[Path],
    output: Path,
    settings: Settings,
    panel_of_normals: Path | None = None,
    purity: float | None = None,
    summary: Path | None = None,
) -> dict:
    """Write the somatic VCF (bgzipped, indexed) of a pair's candidate chunks; returns counts.

    Raises SampleSwap (after writing) when the pair's germline concordance is below the
    minimum, so that the job fails with a message naming both samples.
    """
    with _open_quietly(chunks[0]) as first:
        template = first.header
        samples = list(template.samples)
    if len(samples) != 2:
        raise ValueError(f"expected a tumour and a normal sample in {chunks[0]}, got {samples}")
    tumor, normal = samples
    panel = read_panel(panel_of_normals)
    positions = event_positions(chunks, settings)
    concordance = Concordance()
    counts: dict[str, int] = defaultdict(int)
    meta = {"source": "tailorseq somatic model", "tumor_sample": tumor, "normal_sample": normal}
    if purity is not None:
        meta["tumor_purity"] = str(purity)
    header = _header(template, tumor, normal, meta)
    output.parent.mkdir(parents=True, exist_ok=True)
    with pysam.VariantFile(str(output), "wz", header=header) as out:
        for candidate in candidates(chunks, panel):
            evidence = candidate.evidence
            if not evidence.is_indel:
                concordance.add(
                    evidence.tumor.ref, evidence.tumor.alt, evidence.normal.ref, evidence.normal.alt
                )
            nearby = events_nearby(
                positions, candidate.contig, candidate.pos, settings.cluster_window
            )
            verdict = assess(evidence, settings, nearby)
            if verdict.tlod < settings.min_tumor_lod:
                counts["below_min_tumor_lod"] += 1
                continue
            _write(out, candidate, verdict, nearby)
            for name in verdict.filters or ["PASS"]:
                counts[name] += 1
    index = Path(pysam.tabix_index(str(output), preset="vcf", force=True))
    # The index gets the VCF's time stamp: published copies are hard links sharing their
    # source's time stamps, and a published VCF must not look older than its index.
    written = output.stat()
    os.utime(index, ns=(written.st_atime_ns, written.st_mtime_ns))
    # A swapped pair fails the job after writing; Snakemake then removes the outputs.
    verdict_text = concordance.check(
        tumor, normal, settings.min_concordance, settings.min_concordance_sites
    )
    result = {
        "schema": documents.IDS["somatic"],
        "tumor": tumor,
        "normal": normal,
        "concordance": {
            "sites": concordance.sites,
            "concordant": concordance.concordant,
            "fraction": concordance.fraction,
            "verdict": verdict_text,
        },
        "records": dict(sorted(counts.items())),
    }
    if summary is not None:
        documents.write("somatic", result, summary)
    return result

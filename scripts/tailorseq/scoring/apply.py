"""The germline filter: the learned score (default) or the QUAL/depth fallback, on a callset.

Score: every (record, sample carrying the ALT) gets FORMAT/TQ, the phred-scaled probability
that the call is real; the record gets INFO/TSCORE, the highest probability among its carriers,
and FILTER LowScore below the model's threshold (chosen for the best F1 on validation data).
Fallback (`calling.filter: qual`): FILTER LowQual below the caller's QUAL threshold (for SNVs
only from `snv_min_qual_depth` on: shallower, bcftools gives a real heterozygote a QUAL below
it), and LowDepth below the minimum depth. Records are never dropped: filters are soft.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pysam

from tailorseq.scoring import features, model


@dataclass(frozen=True)
class QualFilter:
    """The fallback: a QUAL minimum (for SNVs from a depth on) and a depth minimum."""

    min_qual: float
    snv_min_qual_depth: int
    min_depth: int


BATCH = 10_000  # records scored at a time: memory stays flat whatever the callset's size


def _scored_batches(source, header, reference: Path, caller_model: model.CallerModel, summary):
    """(record, {sample: probability}) in file order, scored a batch of records at a time."""
    caller = caller_model.caller
    with pysam.FastaFile(str(reference)) as fasta:
        batch: list[tuple[pysam.VariantRecord, list[features.Site]]] = []
        for index, record in enumerate(source):
            record.translate(header)
            batch.append((record, features.record_sites(index, record, fasta, caller, summary)))
            if len(batch) == BATCH:
                yield from _score_batch(batch, caller_model)
                batch = []
        yield from _score_batch(batch, caller_model)


def _score_batch(batch: list, caller_model: model.CallerModel):
    sites = [site for _, record_sites in batch for site in record_sites]
    probabilities = iter(caller_model.probabilities(features.matrix(sites, caller_model.caller)))
    for record, record_sites in batch:
        yield record, {site.sample: float(next(probabilities)) for site in record_sites}


def _add_score_header(header: pysam.VariantHeader, threshold: float) -> None:
    header.add_line(
        '##INFO=<ID=TSCORE,Number=1,Type=Float,Description="tailorseq variant score: '
        'calibrated probability that the call is real (highest among the samples carrying it)">'
    )
    header.add_line(
        '##FORMAT=<ID=TQ,Number=1,Type=Integer,Description="tailorseq variant score of this '
        "sample's call, phred-scaled: -10 log10(1 - probability)\">"
    )
    header.add_line(
        f'##FILTER=<ID=LowScore,Description="tailorseq variant score below {threshold:g}">'
    )


def _add_qual_header(header: pysam.VariantHeader, qual: QualFilter) -> None:
    header.add_line(
        f'##FILTER=<ID=LowQual,Description="QUAL below {qual.min_qual:g} (SNVs: at INFO/DP of '
        f'{qual.snv_min_qual_depth} or more)">'
    )
    header.add_line(f'##FILTER=<ID=LowDepth,Description="INFO/DP below {qual.min_depth}">')


def filter_vcf(
    raw: Path,
    out: Path,
    reference: Path,
    caller_model: model.CallerModel | None = None,
    qual: QualFilter | None = None,
) -> dict[str, int]:
    """Write `out` (bgzipped, indexed) from `raw` with the score or the fallback filter.

    Returns counts of records by FILTER value. Streams: two passes over `raw` (the first
    collects positions and depths, features.CallsetSummary), records scored in batches."""
    summary = features.summarize(str(raw)) if caller_model else None
    partial = out.with_name(f".{out.name}.partial")
    counts: dict[str, int] = {}
    with pysam.VariantFile(str(raw)) as source:
        header = source.header.copy()
        if caller_model:
            _add_score_header(header, caller_model.threshold)
            verdicts = (
                (record, _apply_score(record, scores, caller_model.threshold))
                for record, scores in _scored_batches(
                    source, header, reference, caller_model, summary
                )
            )
        else:
            _add_qual_header(header, qual)
            verdicts = ((r, _apply_qual(r, qual)) for r in _translated(source, header))
        with pysam.VariantFile(str(partial), "wz", header=header) as target:
            for record, verdict in verdicts:
                counts[verdict] = counts.get(verdict, 0) + 1
                target.write(record)
    pysam.tabix_index(str(partial), preset="vcf", force=True)
    os.replace(f"{partial}.tbi", f"{out}.tbi")
    os.replace(partial, out)
    os.utime(f"{out}.tbi")
    return counts


def _translated(source, header):
    for record in source:
        record.translate(header)
        yield record


def _apply_score(record: pysam.VariantRecord, scores: dict[str, float], threshold: float) -> str:
    for sample, probability in scores.items():
        record.samples[sample]["TQ"] = model.phred(probability)
    if not scores:
        record.filter.add("LowScore")
        return "LowScore"
    best = max(scores.values())
    record.info["TSCORE"] = round(best, 4)
    if best < threshold:
        record.filter.add("LowScore")
        return "LowScore"
    record.filter.add("PASS")
    return "PASS"


def _apply_qual(record: pysam.VariantRecord, qual: QualFilter) -> str:
    failed = []
    depth = record.info.get("DP", 0)
    snv = len(record.ref) == len(record.alts[0])
    held = not snv or depth >= qual.snv_min_qual_depth
    if (record.qual or 0) < qual.min_qual and held:
        failed.append("LowQual")
    if depth < qual.min_depth:
        failed.append("LowDepth")
    for name in failed or ["PASS"]:
        record.filter.add(name)
    return ";".join(failed) or "PASS"

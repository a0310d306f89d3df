"""Phase of two or more heterozygous P/LP variants in one autosomal-recessive gene, from the
reads: a compound heterozygote (variants in trans, both copies of the gene affected) or two
variants in cis (one copy affected: a carrier).

The sample's germline calls in the AR genes of the gene list are phased with WhatsHap from its
alignment (`tailorseq.pgx.read_phasing.phase_calls`, the one place WhatsHap is run). WhatsHap
gives each heterozygous call it can phase a haplotype (`0|1` or `1|0`) within a phase set
(FORMAT/PS): calls of one phase set are connected by reads or read pairs; calls of different
phase sets, or unphased ones, are not, and their relative phase is unknown (WhatsHap manual,
"Phasing in VCF files"; Martin et al., bioRxiv 2016, doi:10.1101/085050).

The decision (`pair_phase`, one unit test per case):
- two of the variants on different haplotypes of one phase set: in trans, a compound
  heterozygote (a finding);
- all of them phased, in one phase set, on the same haplotype: in cis (not a finding);
- otherwise (a variant not phased, or in different phase sets): unknown, as without phasing
  ("possible compound heterozygote"), with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tailorseq.gene_list import GeneList
from tailorseq.germline_calls import Call
from tailorseq.gff import gene_spans
from tailorseq.pgx.read_phasing import phases, whatshap_version
from tailorseq.regions import Region, write_bed

NOT_RUN = "not determined: read-backed phasing was not run"
UNPHASED = (
    "not determined: {count} of the variants not phased from the reads (no read or read pair"
    " joins it to another heterozygous call)"
)
APART = (
    "not determined: the variants are in different phase sets (no chain of reads or read pairs"
    " joins them: too far apart for the fragments, or no informative reads between them)"
)


@dataclass(frozen=True)
class ReadPhase:
    """Read-backed phase of the sample's heterozygous calls: (contig, pos) -> (the two alleles
    in haplotype order, phase set), and the tool that phased them."""

    phased: dict[tuple[str, int], tuple[tuple[str, ...], int]]
    tool: str


def read_phase(vcf: Path) -> ReadPhase:
    """The phase sets of a VCF written by `tailorseq.pgx.read_phasing.phase_calls`."""
    version = whatshap_version(vcf)
    return ReadPhase(phases(vcf), f"WhatsHap {version}" if version else "WhatsHap")


def _placed(call: Call, phase: ReadPhase) -> tuple[int, int] | None:
    """(phase set, haplotype 0 or 1) of the call's ALT allele; None when not phased or when
    the allele is on both haplotypes or neither."""
    found = phase.phased.get((call.contig, call.pos))
    if found is None or found[0].count(call.alt) != 1:
        return None
    alleles, phase_set = found
    return phase_set, alleles.index(call.alt)


def pair_phase(calls: list[Call], phase: ReadPhase | None) -> dict[str, str]:
    """`{"status": "trans"|"cis"|"unknown", "basis": ...}` of a gene's heterozygous P/LP
    calls (module docstring)."""
    if phase is None:
        return {"status": "unknown", "basis": NOT_RUN}
    placed = [_placed(call, phase) for call in calls]
    haplotypes: dict[int, set[int]] = {}
    for found in placed:
        if found is not None:
            haplotypes.setdefault(found[0], set()).add(found[1])
    basis = f"reads ({phase.tool})"
    if any(len(sides) == 2 for sides in haplotypes.values()):
        return {"status": "trans", "basis": basis}
    missing = sum(found is None for found in placed)
    if not missing and len(haplotypes) == 1:
        return {"status": "cis", "basis": basis}
    reason = UNPHASED.format(count=missing) if missing else APART
    return {"status": "unknown", "basis": reason}


def phase_note(status: dict[str, str], count: int) -> str:
    """The findings note of a gene's heterozygous P/LP calls with this phase."""
    if status["status"] == "trans":
        return "compound heterozygote, in trans (phase from reads)"
    if status["status"] == "cis":
        return "in cis (phase from reads): one affected copy of the gene, a carrier; not a finding"
    why = status["basis"].removeprefix("not determined: ")
    return f"possible compound heterozygote ({count} P/LP variants), phase unknown ({why})"


def recessive_regions(gff3: Path, genes: GeneList, bed: Path) -> int:
    """BED of the gene list's autosomal-recessive genes (whole gene spans of the GFF3), where
    the calls are phased; the number of regions written."""
    wanted = {name for name, entry in genes.genes.items() if entry.inheritance == "AR"}
    spans = sorted(
        (
            Region(span.contig, span.start, span.end)
            for span in gene_spans(gff3)
            if span.name in wanted
        ),
        key=lambda region: (region.contig, region.start, region.end),
    )
    write_bed(spans, bed)
    return len(spans)

"""Tumour RNA-seq reads: a stranded paired-end library over the mature transcripts of every gene
model, at the expression a tumor_rna sample's `rna` block plants.

Fragments are drawn from each transcript (exons spliced, UTRs included, along the gene's strand)
in proportion to TPM x effective length (transcript length - mean fragment length + 1), the model
salmon inverts, so the planted TPM normalised to 1e6 (`planted_tpm`) is what it should recover.
The library is dUTP-stranded like TruSeq Stranded: R1 reads the reverse complement of the
transcript, R2 the transcript (salmon's library type ISR). The tumour's somatic SNVs are on
exactly their RNA allele fraction of the fragments read over them (the DNA VAF unless the plan
overrides it). The transcripts are the reference's: germline variants, the germline deletion and
fusions are not in the RNA, and the tumour's copy number does not matter (the TPM is the truth).
"""

import numpy as np

from tailorseq.demo.genome import GeneLayout, Reference, transcript_id
from tailorseq.demo.plan import Patient, Plan, ReadSpec, RnaExpression, Sample
from tailorseq.demo.reads import ReadPairs, sequenced_pairs
from tailorseq.demo.sequence import COMPLEMENT_TABLE, stream
from tailorseq.demo.variants import Haplotype, TumourAllele, Variant

LIBRARY_TYPE = "ISR"  # salmon's name: inward, stranded, read 1 from the reverse strand


def transcript_sequence(reference: Reference, layout: GeneLayout) -> np.ndarray:
    """A gene model's mature transcript: its exons spliced, read along the gene's strand."""
    sequence = reference.sequences[layout.gene.name]
    exons = [sequence[start - 1 : end] for start, end in layout.exons()]
    if layout.gene.strand == "-":
        exons = [COMPLEMENT_TABLE[exon[::-1]] for exon in exons]
    return np.concatenate(exons)


def planted_tpm(plan: Plan, expression: RnaExpression) -> dict[str, float]:
    """TPM per gene model (plan order), normalised to sum to 1e6 as salmon's TPM does."""
    raw = {gene.name: expression.tpm.get(gene.name, expression.default_tpm) for gene in plan.genes}
    total = sum(raw.values())
    return {gene: 1e6 * value / total for gene, value in raw.items()}


def mean_fragment(spec: ReadSpec) -> float:
    """The mean fragment length: normal fragments and the short ones read into the adapter."""
    short = (spec.short_min + spec.read_length - 1) / 2
    return (1 - spec.short_fraction) * spec.fragment_mean + spec.short_fraction * short


def apportion(weights: np.ndarray, total: int) -> np.ndarray:
    """`total` split in proportion to `weights`, the largest remainders rounded up."""
    exact = total * weights / weights.sum()
    counts = np.floor(exact).astype(np.int64)
    counts[np.argsort(counts - exact, kind="stable")[: total - counts.sum()]] += 1
    return counts


def rna_alleles(plan: Plan, patient: Patient, expression: RnaExpression) -> list[TumourAllele]:
    """The tumour's somatic SNVs on their transcripts (1-based, transcript strand), each at its
    RNA allele fraction."""
    genes = {gene.name: gene for gene in plan.genes}
    alleles = []
    for variant_id, vaf in patient.somatic.items():
        coding = plan.coding(variant_id)
        pos = genes[coding.gene].utr5 + coding.cds_pos
        variant = Variant(transcript_id(coding.gene), pos, coding.cds_ref, coding.cds_alt)
        alleles.append(TumourAllele(variant, expression.fraction(variant_id, vaf)))
    return alleles


def simulate_rna(
    plan: Plan,
    reference: Reference,
    layouts: dict[str, GeneLayout],
    patient: Patient,
    sample: Sample,
    seed: int,
    scale: float = 1.0,
) -> ReadPairs:
    """The sample's RNA read pairs (`scale` x the planted fragments), from its own stream."""
    expression, spec = sample.rna, plan.rna_reads
    assert expression is not None  # the plan gives every tumor_rna sample one (plan_load)
    tpm = planted_tpm(plan, expression)
    sequences = {gene: transcript_sequence(reference, layouts[gene]) for gene in tpm}
    lengths = np.array([len(sequence) for sequence in sequences.values()])
    weights = np.array(list(tpm.values())) * np.maximum(lengths - mean_fragment(spec) + 1, 1)
    counts = apportion(weights, round(expression.pairs * scale))
    return sequenced_pairs(
        {transcript_id(gene): (Haplotype(sequence),) for gene, sequence in sequences.items()},
        {transcript_id(gene): (int(n),) for gene, n in zip(tpm, counts, strict=True)},
        rna_alleles(plan, patient, expression),
        spec,
        stream(seed, "rna", sample.name),
        stranded=True,
    )

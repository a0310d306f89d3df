"""The synthetic genome: random contigs, forced bases, synthetic gene models and their GFF3."""

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np

from tailorseq.demo.plan import Contig, Gene, Plan
from tailorseq.demo.sequence import BASES, complement, stream
from tailorseq.errors import TailorseqError

FASTA_WIDTH = 60
START, STOP = "ATG", "TAA"
STOPS = {"TAA", "TAG", "TGA"}
SENSE_CODONS = tuple(
    codon
    for codon in ("".join(bases) for bases in itertools.product("ACGT", repeat=3))
    if codon not in STOPS
)


class RefBase(NamedTuple):
    """A reference base (or run of bases) to force: contig, 1-based position, bases."""

    contig: str
    pos: int
    ref: str


class Reference:
    """Contig sequences (ASCII uint8 arrays) and which bases were forced, by whom."""

    def __init__(self, contigs: Iterable[Contig], gc_content: float, seed: int) -> None:
        at, gc = (1 - gc_content) / 2, gc_content / 2
        self.sequences: dict[str, np.ndarray] = {}
        for contig in contigs:
            rng = stream(seed, "genome", contig.name)
            self.sequences[contig.name] = rng.choice(BASES, size=contig.length, p=[at, gc, gc, at])
        self.forced: dict[tuple[str, int], tuple[str, str]] = {}

    def force(self, contig: str, pos: int, bases: str, why: str) -> None:
        """Set bases from 1-based `pos`; a clash with a differently forced base is an error."""
        sequence = self.sequences[contig]
        if pos < 1 or pos + len(bases) - 1 > len(sequence):
            raise TailorseqError(f"demo: {why}: {contig}:{pos} lies outside the contig")
        for offset, base in enumerate(bases):
            key = (contig, pos + offset)
            previous = self.forced.get(key)
            if previous and previous[0] != base:
                raise TailorseqError(
                    f"demo: {why} needs {base} at {contig}:{key[1]} "
                    f"but {previous[1]} needs {previous[0]}"
                )
            self.forced[key] = (base, previous[1] if previous else why)
            sequence[pos + offset - 1] = ord(base)

    def fetch(self, contig: str, pos: int, length: int = 1) -> str:
        """`length` bases from 1-based `pos`."""
        return self.sequences[contig][pos - 1 : pos - 1 + length].tobytes().decode()


@dataclass(frozen=True)
class GeneLayout:
    """A gene model placed on its contig (1-based inclusive genomic coordinates)."""

    gene: Gene
    origin: int  # genomic position of transcript offset 0

    @property
    def cds_length(self) -> int:
        """CDS bases including the stop codon."""
        return 3 * (self.gene.codons + 1)

    def _bounds(self) -> list[int]:
        """0, the last CDS base of every exon, and the CDS length."""
        return [0, *self.gene.exon_cds_ends, self.cds_length]

    def _exon_lengths(self) -> list[int]:
        """Exon lengths in transcript order, UTRs included."""
        bounds = self._bounds()
        lengths = [end - start for start, end in itertools.pairwise(bounds)]
        lengths[0] += self.gene.utr5
        lengths[-1] += self.gene.utr3
        return lengths

    def _exon_starts(self) -> list[int]:
        """Transcript offsets (introns included) of every exon's first base."""
        lengths, introns = self._exon_lengths(), self.gene.introns
        return [sum(lengths[:k]) + sum(introns[:k]) for k in range(len(lengths))]

    def offset(self, cds_pos: int) -> int:
        """Transcript offset (introns included) of a CDS base c.`cds_pos`."""
        exon = int(np.searchsorted(self.gene.exon_cds_ends, cds_pos))
        return self.gene.utr5 + cds_pos - 1 + sum(self.gene.introns[:exon])

    def genomic(self, offset: int) -> int:
        """Genomic position of a transcript offset."""
        return self.origin + offset if self.gene.strand == "+" else self.origin - offset

    def span(self, first: int, last: int) -> tuple[int, int]:
        """Genomic (start, end) of the transcript offsets first..last."""
        ends = sorted((self.genomic(first), self.genomic(last)))
        return ends[0], ends[1]

    def exons(self) -> list[tuple[int, int]]:
        """Genomic exon spans in transcript order."""
        return [
            self.span(start, start + length - 1)
            for start, length in zip(self._exon_starts(), self._exon_lengths(), strict=True)
        ]

    def cds_parts(self) -> list[tuple[int, int, int]]:
        """(start, end, phase) of each exon's CDS part, in transcript order."""
        return [
            (*self.span(self.offset(first + 1), self.offset(last)), (3 - first % 3) % 3)
            for first, last in itertools.pairwise(self._bounds())
        ]

    def utrs(self) -> list[tuple[str, int, int]]:
        """(feature type, start, end) of the 5' and 3' UTRs."""
        end = self._exon_starts()[-1] + self._exon_lengths()[-1] - 1
        return [
            ("five_prime_UTR", *self.span(0, self.gene.utr5 - 1)),
            ("three_prime_UTR", *self.span(self.offset(self.cds_length) + 1, end)),
        ]

    def introns(self) -> list[tuple[int, int]]:
        """Transcript offsets (first, last) of each intron."""
        starts, lengths = self._exon_starts(), self._exon_lengths()
        return [
            (start + length, start + length + intron - 1)
            for start, length, intron in zip(starts, lengths, self.gene.introns, strict=False)
        ]

    def strand_bases(self, bases: str) -> str:
        """Transcript-strand bases as they read on the genome's + strand at one position each."""
        return bases if self.gene.strand == "+" else complement(bases)


def transcript_id(gene: str) -> str:
    """The gene model's one transcript, as genes.gff3 names it (Ensembl style)."""
    return f"{gene}-201"


def place_gene(gene: Gene, contig: Contig) -> GeneLayout:
    """The layout that puts the gene's anchor CDS base at its GRCh38 position."""
    anchor = contig.to_demo(gene.anchor_grch38)
    probe = GeneLayout(gene, 0)
    shift = probe.offset(gene.anchor_cds)
    origin = anchor - shift if gene.strand == "+" else anchor + shift
    return GeneLayout(gene, origin)


def coding_sequence(gene: Gene, seed: int) -> str:
    """Random sense codons, ATG first and TAA last, with the plan's forced codons."""
    rng = stream(seed, "cds", gene.name)
    picks = rng.integers(0, len(SENSE_CODONS), size=gene.codons)
    cds = list("".join(SENSE_CODONS[pick] for pick in picks) + STOP)
    cds[:3] = START
    for codon, bases in gene.forced_cds.items():
        start = 3 * (codon - 1)
        cds[start : start + len(bases)] = bases
    sequence = "".join(cds)
    codons = [sequence[i : i + 3] for i in range(0, len(sequence) - 3, 3)]
    if not sequence.startswith(START) or STOPS & set(codons) or len(codons) != gene.codons:
        raise TailorseqError(
            f"demo: the forced codons of {gene.name} replace its start, add a stop or overrun it"
        )
    return sequence


def write_gene(reference: Reference, layout: GeneLayout, cds: str) -> None:
    """Force the CDS and the GT..AG splice sites of a gene into the reference."""
    gene = layout.gene
    why = f"gene model {gene.name}"
    for cds_pos, base in enumerate(cds, start=1):
        position = layout.genomic(layout.offset(cds_pos))
        reference.force(gene.name, position, layout.strand_bases(base), why)
    for first, last in layout.introns():
        for offset, base in zip((first, first + 1, last - 1, last), "GTAG", strict=True):
            reference.force(gene.name, layout.genomic(offset), layout.strand_bases(base), why)


def gff3_lines(layout: GeneLayout) -> list[str]:
    """Ensembl-style GFF3 records (gene, mRNA, exons, CDS, UTRs) that bcftools csq accepts."""
    gene, strand = layout.gene, layout.gene.strand
    name, transcript = gene.name, transcript_id(gene.name)
    exons = layout.exons()
    start, end = min(s for s, _ in exons), max(e for _, e in exons)

    def line(kind: str, first: int, last: int, phase: str, attributes: str) -> str:
        return "\t".join(
            [name, "tailorseq", kind, str(first), str(last), ".", strand, phase, attributes]
        )

    parent = f"Parent=transcript:{transcript}"
    children = [
        (s, 0, line("exon", s, e, ".", f"{parent};Name={transcript}-E{k}"))
        for k, (s, e) in enumerate(exons, start=1)
    ]
    children += [
        (s, 1, line("CDS", s, e, str(phase), f"ID=CDS:{transcript};{parent}"))
        for s, e, phase in layout.cds_parts()
    ]
    children += [(s, 2, line(kind, s, e, ".", parent)) for kind, s, e in layout.utrs()]
    return [
        line("gene", start, end, ".", f"ID=gene:{name};Name={name};biotype=protein_coding"),
        line(
            "mRNA",
            start,
            end,
            ".",
            f"ID=transcript:{transcript};Parent=gene:{name};"
            f"Name={transcript};biotype=protein_coding",
        ),
        *(text for _, _, text in sorted(children)),
    ]


def build_reference(
    plan: Plan, seed: int, extra: Iterable[RefBase] = ()
) -> tuple[Reference, dict[str, GeneLayout]]:
    """The demo reference with gene models, planted PGx reference bases and the plan's known
    GRCh38 sequence (`context`) forced in.

    `extra` bases (e.g. every PharmCAT-defining position of a window) are forced last; they
    change no random draw, so everything else stays as it would be without them.
    """
    reference = Reference(plan.contigs, plan.gc_content, seed)
    layouts = {}
    for gene in plan.genes:
        layout = place_gene(gene, plan.contig(gene.name))
        write_gene(reference, layout, coding_sequence(gene, seed))
        layouts[gene.name] = layout
    for variant in plan.pgx_variants:
        contig = plan.contig(variant.gene)
        position = contig.to_demo(variant.grch38.pos)
        reference.force(contig.name, position, variant.grch38.ref, variant.id)
    for item in plan.context:
        position = plan.contig(item.contig).to_demo(item.grch38)
        reference.force(item.contig, position, item.bases, f"GRCh38 context ({item.source})")
    for base in extra:
        reference.force(base.contig, base.pos, base.ref, f"extra base {base.contig}:{base.pos}")
    return reference, layouts


def write_fasta(reference: Reference, out_dir: Path) -> None:
    """genome.fa (60 bases a line) and its samtools-style genome.fa.fai."""
    fasta, index, offset = [], [], 0
    for name, sequence in reference.sequences.items():
        header = f">{name}\n"
        text = sequence.tobytes().decode()
        lines = [text[i : i + FASTA_WIDTH] for i in range(0, len(text), FASTA_WIDTH)]
        body = "\n".join(lines) + "\n"
        offset += len(header)
        index.append(f"{name}\t{len(text)}\t{offset}\t{FASTA_WIDTH}\t{FASTA_WIDTH + 1}\n")
        fasta += [header, body]
        offset += len(body)
    (out_dir / "genome.fa").write_text("".join(fasta))
    (out_dir / "genome.fa.fai").write_text("".join(index))


def write_gff3(plan: Plan, layouts: dict[str, GeneLayout], out_dir: Path) -> None:
    """genes.gff3 with every synthetic gene model, in contig order."""
    lines = ["##gff-version 3"]
    lines += [f"##sequence-region {contig.name} 1 {contig.length}" for contig in plan.contigs]
    for contig in plan.contigs:
        if contig.name in layouts:
            lines += gff3_lines(layouts[contig.name])
            lines.append("###")
    (out_dir / "genes.gff3").write_text("\n".join(lines) + "\n")

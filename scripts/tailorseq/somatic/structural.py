"""Somatic structural variants of a tumour/normal pair (DELLY, Rausch et al., Bioinformatics
2012;28:i333): the genes at each breakpoint and the gene fusions a junction makes.

A junction joins two genome sides. DELLY's connection type CT (`3to5`, `3to3`, `5to5`, `5to3`)
says which end of each side's piece meets the junction: `3` means the piece lies before (left
of) its breakpoint, `5` after it. A gene whose piece holds its start and whose transcription runs
into the junction is the 5' partner (left piece on the + strand, right piece on the - strand);
one whose piece holds its end and whose transcription runs away from the junction is the 3'
partner. A fusion needs one of each; it is named in HGNC notation, 5' partner first
(`EML4::ALK`; Bruford et al., Leukemia 2021;35:3040). Whether the joined exons keep the reading
frame is not assessed (intronic breakpoints of DNA reads do not say which exons are spliced).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tailorseq.gff import GeneSpan

KIND = "sv"
SVTYPES = ("DEL", "DUP", "INV", "BND", "INS")


@dataclass(frozen=True)
class Junction:
    """One breakend pair: each side's contig, 1-based position and connection end."""

    id: str
    svtype: str
    contig_a: str
    pos_a: int
    contig_b: str
    pos_b: int
    connection: str  # DELLY CT, e.g. 3to5

    @property
    def ends(self) -> tuple[str, str]:
        """Each side's piece: 'left' of its breakpoint (CT 3) or 'right' (CT 5)."""
        a, b = self.connection.split("to")
        return ("left" if a == "3" else "right", "left" if b == "3" else "right")


def genes_at(contig: str, pos: int, genes: list[GeneSpan]) -> list[GeneSpan]:
    """The genes whose span holds a 1-based position."""
    return [g for g in genes if g.contig == contig and g.start < pos <= g.end]


def role(gene: GeneSpan, piece: str) -> str | None:
    """'5prime' when the piece keeps the gene's start and reads into the junction, '3prime' when
    it keeps its end and reads out of it; None for a gene without a strand."""
    if gene.strand not in ("+", "-"):
        return None
    return "5prime" if (piece == "left") == (gene.strand == "+") else "3prime"


def fusions(junction: Junction, genes: list[GeneSpan]) -> list[dict[str, Any]]:
    """The gene fusions a junction makes (none when a side holds no gene, or both genes point
    the same way)."""
    piece_a, piece_b = junction.ends
    found = []
    for gene_a in genes_at(junction.contig_a, junction.pos_a, genes):
        for gene_b in genes_at(junction.contig_b, junction.pos_b, genes):
            roles = {
                role(gene_a, piece_a): (gene_a, junction.contig_a, junction.pos_a),
                role(gene_b, piece_b): (gene_b, junction.contig_b, junction.pos_b),
            }
            if set(roles) != {"5prime", "3prime"} or gene_a.name == gene_b.name:
                continue
            (five, contig5, pos5), (three, contig3, pos3) = roles["5prime"], roles["3prime"]
            found.append({
                "name": f"{five.name}::{three.name}",
                "five_prime": five.name,
                "three_prime": three.name,
                "five_prime_breakpoint": f"{contig5}:{pos5}",
                "three_prime_breakpoint": f"{contig3}:{pos3}",
                "sv_id": junction.id,
                "svtype": junction.svtype,
                "frame": "not assessed",
            })  # fmt: skip
    return found


def breakpoint_genes(junction: Junction, genes: list[GeneSpan]) -> tuple[list[str], list[str]]:
    """The gene names at each side of a junction."""
    return (
        [g.name for g in genes_at(junction.contig_a, junction.pos_a, genes)],
        [g.name for g in genes_at(junction.contig_b, junction.pos_b, genes)],
    )

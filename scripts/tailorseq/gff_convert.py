"""Gene models for `bcftools csq`: GENCODE or Ensembl GFF3 in, Ensembl-style GFF3 out.

bcftools csq reads Ensembl's GFF3 conventions only: genes `ID=gene:<id>` with `biotype=`,
transcripts `ID=transcript:<id>;Parent=gene:<id>` with `biotype=`, and exon/CDS/UTR lines with
`Parent=transcript:<id>`. GENCODE writes bare versioned ids (`ENSG...15`), `gene_type` and
`transcript_type`, generic `UTR` lines and start/stop codon lines, which csq rejects. `convert`
accepts either style, renames contigs to the reference's naming (`chr17` vs `17`), keeps one
transcript per gene (the canonical one, unless all are asked for) and writes csq's style. The
canonical transcript is `tailorseq.gff.canonical_transcript`'s.
"""

from collections.abc import Iterable
from pathlib import Path

from tailorseq.errors import InputError
from tailorseq.files import write_atomic
from tailorseq.gff import (
    Choice,
    Feature,
    Gene,
    Transcript,
    canonical_transcript,
    open_text,
    read_features,
    read_genes,
)
from tailorseq.reference import toggle_chr


def contig_names(gff_contigs: Iterable[str], reference: Iterable[str], source: str) -> dict:
    """GFF3 contig -> reference contig, for names that agree up to a 'chr' prefix."""
    reference = set(reference)
    mapping = {}
    for contig in gff_contigs:
        for candidate in (contig, toggle_chr(contig)):
            if candidate in reference:
                mapping[contig] = candidate
                break
    if not mapping:
        raise InputError(
            source,
            f"no contig matches the reference's (file: {_first(gff_contigs)}; "
            f"reference: {_first(reference)})",
            "use the gene annotation of the reference's genome build",
        )
    return mapping


def _first(items: Iterable[str], shown: int = 3) -> str:
    items = sorted(set(items))
    more = f" and {len(items) - shown} more" if len(items) > shown else ""
    return ", ".join(items[:shown]) + more


def _utr_type(part: Feature, transcript: Transcript) -> str:
    """five_prime_UTR or three_prime_UTR for a generic GENCODE `UTR` line."""
    cds = transcript.cds
    if not cds:
        return "five_prime_UTR"
    before_cds = part.end < cds[0].start
    upstream = before_cds if transcript.feature.strand == "+" else not before_cds
    return "five_prime_UTR" if upstream else "three_prime_UTR"


def _gene_line(gene: Gene, contig: str) -> Feature:
    attrs = gene.feature.attrs
    biotype = attrs.get("biotype") or attrs.get("gene_type") or "protein_coding"
    out = {"ID": f"gene:{gene.id}", "Name": gene.name, "biotype": biotype}
    return Feature(contig, *_columns(gene.feature), out)


def _transcript_line(transcript: Transcript, gene: Gene, contig: str) -> Feature:
    attrs = transcript.feature.attrs
    biotype = attrs.get("biotype") or attrs.get("transcript_type") or "protein_coding"
    name = attrs.get("Name") or attrs.get("transcript_name") or transcript.id
    out = {
        "ID": f"transcript:{transcript.id}",
        "Parent": f"gene:{gene.id}",
        "Name": name,
        "biotype": biotype,
    }
    if attrs.get("tag"):
        out["tag"] = attrs["tag"]
    kind = "mRNA" if biotype == "protein_coding" else transcript.feature.type
    feature = Feature(contig, *_columns(transcript.feature), out)
    feature.type = kind
    return feature


def _columns(feature: Feature) -> tuple:
    return (
        feature.source,
        feature.type,
        feature.start,
        feature.end,
        feature.score,
        feature.strand,
        feature.phase,
    )


def _part_lines(transcript: Transcript, contig: str) -> list[Feature]:
    lines = []
    parent = {"Parent": f"transcript:{transcript.id}"}
    for part in sorted(transcript.parts, key=lambda p: (p.start, p.type)):
        kind = _utr_type(part, transcript) if part.type == "UTR" else part.type
        attrs = {"ID": f"CDS:{transcript.id}", **parent} if kind == "CDS" else dict(parent)
        line = Feature(contig, *_columns(part), attrs)
        line.type = kind
        lines.append(line)
    return lines


def convert(
    source: Path,
    out: Path,
    reference_contigs: Iterable[str],
    transcripts: dict[str, str] | None = None,
    all_transcripts: bool = False,
) -> list[Choice]:
    """Write `source` (Ensembl or GENCODE GFF3) as csq-ready GFF3; return the canonical choices.

    `transcripts` maps a gene name (or gene id) to its reporting transcript (version optional).
    """
    transcripts = transcripts or {}
    with open_text(source) as handle:
        genes = read_genes(read_features(handle, str(source)), str(source))
    rename = contig_names({g.feature.seqid for g in genes}, reference_contigs, str(source))
    unknown = set(transcripts) - {g.name for g in genes} - {g.id for g in genes}
    if unknown:
        raise InputError(
            "config annotation.transcripts",
            f"gene(s) {', '.join(sorted(unknown))} are not in {source}",
            "correct the gene names or remove them",
        )
    choices, lines = [], ["##gff-version 3"]
    for gene in sorted(genes, key=lambda g: (g.feature.seqid, g.feature.start, g.id)):
        contig = rename.get(gene.feature.seqid)
        if contig is None or not gene.transcripts:
            continue
        wanted = transcripts.get(gene.name) or transcripts.get(gene.id)
        chosen, reason = canonical_transcript(gene, wanted)
        choices.append(Choice(gene.name, gene.id, chosen.id, reason, contig, chosen.feature.strand))
        kept = gene.transcripts if all_transcripts else [chosen]
        lines.append(_gene_line(gene, contig).line())
        for transcript in kept:
            lines.append(_transcript_line(transcript, gene, contig).line())
            lines += [part.line() for part in _part_lines(transcript, contig)]
        lines.append("###")
    write_atomic(out, "\n".join(lines) + "\n")
    return choices

"""GFF3 gene models: features and genes with their transcripts (GENCODE or Ensembl style), the
canonical transcript of a gene, the table of reporting transcripts, and exon/CDS models for
c. coordinates. Writing csq-ready GFF3 is `tailorseq.gff_convert`.

Canonical transcript of a gene: the configured one (`annotation.transcripts`), else the first
of MANE_Select, Ensembl_canonical, appris_principal and CCDS tags, else the longest CDS.
"""

import csv
import gzip
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TextIO
from urllib.parse import unquote

from tailorseq.errors import InputError
from tailorseq.files import write_atomic

CANONICAL_TAGS = ("MANE_Select", "Ensembl_canonical", "appris_principal", "CCDS")
_VERSION = re.compile(r"^(ENS[A-Z]*\d+)\.\d+((?:_PAR_Y)?)$")
_PREFIXES = ("gene:", "transcript:", "CDS:", "exon:")


@dataclass
class Feature:
    """One GFF3 line."""

    seqid: str
    source: str
    type: str
    start: int
    end: int
    score: str
    strand: str
    phase: str
    attrs: dict[str, str]

    def line(self) -> str:
        """The feature as a GFF3 line."""
        attrs = ";".join(f"{key}={value}" for key, value in self.attrs.items())
        fields = [self.seqid, self.source, self.type, str(self.start), str(self.end)]
        return "\t".join([*fields, self.score, self.strand, self.phase, attrs])


@dataclass
class Transcript:
    """A transcript with its parts, ids without versions or prefixes."""

    id: str
    gene: str
    feature: Feature
    parts: list[Feature] = field(default_factory=list)

    @property
    def tags(self) -> set[str]:
        """The transcript's `tag=` values."""
        return set(filter(None, self.feature.attrs.get("tag", "").split(",")))

    @property
    def cds(self) -> list[Feature]:
        """CDS segments in genomic order."""
        return sorted((p for p in self.parts if p.type == "CDS"), key=lambda p: p.start)

    @property
    def cds_length(self) -> int:
        """Coding bases (stop codon included when the GFF3 includes it)."""
        return sum(p.end - p.start + 1 for p in self.cds)


@dataclass
class Gene:
    """A gene with its transcripts, in file order."""

    id: str
    name: str
    feature: Feature
    transcripts: list[Transcript] = field(default_factory=list)


def bare_id(value: str) -> str:
    """An id without csq's prefix and Ensembl's version: 'transcript:ENST1.3' -> 'ENST1'."""
    for prefix in _PREFIXES:
        if value.startswith(prefix):
            value = value[len(prefix) :]
            break
    match = _VERSION.match(value)
    return match.group(1) + match.group(2) if match else value


def parse_attributes(text: str) -> dict[str, str]:
    """GFF3 column 9 as an ordered dict (values left percent-encoded, as they were)."""
    attrs = {}
    for item in text.strip().strip(";").split(";"):
        if "=" in item:
            key, value = item.split("=", 1)
            attrs[key.strip()] = value
    return attrs


def read_features(handle: TextIO, source: str) -> Iterator[Feature]:
    """Every feature line of a GFF3 (stops at a ##FASTA section)."""
    for number, line in enumerate(handle, start=1):
        if line.startswith("##FASTA"):
            return
        if line.startswith("#") or not line.strip():
            continue
        fields = line.rstrip("\n").split("\t")
        if len(fields) != 9 or not fields[3].isdigit() or not fields[4].isdigit():
            raise InputError(
                source,
                f"line {number} is not a GFF3 feature line (9 tab-separated columns)",
                "give a GFF3 file (Ensembl or GENCODE); a GTF must be converted to GFF3 first",
            )
        yield Feature(
            *fields[:3],
            int(fields[3]),
            int(fields[4]),
            *fields[5:8],
            parse_attributes(fields[8]),
        )


def _role(feature: Feature) -> str:
    """'gene', 'transcript', 'part' or 'other', for Ensembl and GENCODE styles alike."""
    ident = feature.attrs.get("ID", "")
    parent = feature.attrs.get("Parent", "")
    if ident.startswith("gene:") or (feature.type == "gene" and not parent):
        return "gene"
    if ident.startswith("transcript:") or (
        feature.type in ("transcript", "mRNA") and parent and "gene_id" in feature.attrs
    ):
        return "transcript"
    if parent and feature.type in ("exon", "CDS", "UTR", "five_prime_UTR", "three_prime_UTR"):
        return "part"
    if parent and feature.type in ("start_codon", "stop_codon"):
        return "codon"
    return "other"


def read_genes(features: Iterable[Feature], source: str) -> list[Gene]:
    """Genes with their transcripts and parts; stop codons merged into CDS where missing."""
    genes: dict[str, Gene] = {}
    transcripts: dict[str, Transcript] = {}
    codons: list[Feature] = []
    for feature in features:
        role = _role(feature)
        if role == "gene":
            gene_id = bare_id(feature.attrs.get("ID", feature.attrs.get("gene_id", "")))
            name = feature.attrs.get("Name") or feature.attrs.get("gene_name") or gene_id
            genes[gene_id] = Gene(gene_id, unquote(name), feature)
        elif role == "transcript":
            tid = bare_id(feature.attrs["ID"])
            gene_id = bare_id(feature.attrs["Parent"].split(",")[0])
            transcripts[tid] = Transcript(tid, gene_id, feature)
        elif role == "part":
            for parent in feature.attrs["Parent"].split(","):
                transcript = transcripts.get(bare_id(parent))
                if transcript is not None:
                    transcript.parts.append(feature)
        elif role == "codon" and feature.type == "stop_codon":
            codons.append(feature)
    if not transcripts:
        raise InputError(
            source,
            "has no transcripts (no gene -> transcript -> exon/CDS hierarchy)",
            "give a GFF3 gene annotation from Ensembl or GENCODE",
        )
    for codon in codons:
        transcript = transcripts.get(bare_id(codon.attrs["Parent"]))
        if transcript is not None:
            _merge_stop_codon(transcript, codon)
    for transcript in transcripts.values():
        gene = genes.get(transcript.gene)
        if gene is None:
            raise InputError(
                source,
                f"transcript {transcript.id} names gene {transcript.gene}, which has no gene line",
                "give a complete GFF3 (gene, transcript, exon and CDS lines)",
            )
        gene.transcripts.append(transcript)
    return list(genes.values())


def _merge_stop_codon(transcript: Transcript, codon: Feature) -> None:
    """Extend the adjacent CDS over a stop codon that the CDS lines leave out (GTF-style)."""
    cds = transcript.cds
    if not cds or any(p.start <= codon.start and codon.end <= p.end for p in cds):
        return
    for part in cds:
        if part.end + 1 == codon.start:
            part.end = codon.end
            return
        if codon.end + 1 == part.start:
            part.start = codon.start
            return


def canonical_transcript(gene: Gene, configured: str | None = None) -> tuple[Transcript, str]:
    """The gene's transcript for reporting, with the reason it was chosen."""
    if configured:
        for transcript in gene.transcripts:
            if transcript.id == bare_id(configured):
                return transcript, "configured"
        known = ", ".join(t.id for t in gene.transcripts)
        raise InputError(
            "config annotation.transcripts",
            f"{gene.name}: transcript {configured} is not in the gene annotation (has: {known})",
            "name one of the gene's transcripts, or remove the entry",
        )
    coding = [t for t in gene.transcripts if t.cds] or gene.transcripts
    for tag in CANONICAL_TAGS:
        tagged = [t for t in coding if tag in t.tags]
        if tagged:
            return max(tagged, key=lambda t: (t.cds_length, t.id)), tag
    if any(t.cds for t in coding):
        return max(coding, key=lambda t: (t.cds_length, t.id)), "longest_cds"
    return max(coding, key=lambda t: (t.feature.end - t.feature.start, t.id)), "longest"


@dataclass(frozen=True)
class Choice:
    """The transcript reported for a gene, and why."""

    gene: str
    gene_id: str
    transcript: str
    reason: str
    contig: str
    strand: str


def open_text(path: Path) -> TextIO:
    """A GFF3 opened as text, gunzipped when it is gzip/bgzip."""
    with path.open("rb") as probe:
        gzipped = probe.read(2) == b"\x1f\x8b"
    return gzip.open(path, "rt") if gzipped else path.open()


CHOICE_COLUMNS = ("gene", "gene_id", "transcript", "reason", "contig", "strand")


def write_choices(choices: list[Choice], path: Path) -> None:
    """The canonical transcript table (TSV)."""
    text = io.StringIO()
    writer = csv.writer(text, delimiter="\t", lineterminator="\n")
    writer.writerow(CHOICE_COLUMNS)
    for choice in choices:
        writer.writerow([getattr(choice, column) for column in CHOICE_COLUMNS])
    write_atomic(path, text.getvalue())


def read_choices(path: Path) -> dict[str, Choice]:
    """transcript id -> Choice, from `write_choices`' table."""
    with path.open() as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        return {row["transcript"]: Choice(**row) for row in rows}


# ---------------------------------------------------------------- coordinates (HGVS-like c.)


@dataclass(frozen=True)
class Model:
    """A transcript's exons and CDS, for genomic -> c. coordinates."""

    transcript: str
    strand: str
    exons: tuple[tuple[int, int], ...]
    cds: tuple[tuple[int, int], ...]

    @cached_property
    def _transcript_bases(self) -> tuple[list[int], dict[int, int], int, int]:
        """Exonic bases 5'->3', their index, and the indexes of the first and last CDS base."""
        spans = self.exons or self.cds
        bases = [pos for start, end in spans for pos in range(start, end + 1)]
        if self.strand == "-":
            bases.reverse()
        index = {base: number for number, base in enumerate(bases)}
        ends = (self.cds[0][0], self.cds[-1][1]) if self.cds else (0, 0)
        first, last = (ends[1], ends[0]) if self.strand == "-" else ends
        return bases, index, index.get(first, -1), index.get(last, -1)

    def _exonic(self, number: int) -> str:
        """c. position of the transcript's `number`th exonic base (0-based): '-12', '68', '*30'."""
        _, _, first, last = self._transcript_bases
        if number < first:
            return f"-{first - number}"
        if number > last:
            return f"*{number - last}"
        return str(number - first + 1)

    def c_position(self, pos: int) -> str | None:
        """The c. position of a genomic base (HGVS numbering): '68'; '80+1' / '81-2' in an
        intron (nearest exon; the middle base of an odd intron takes '+'); '-12' in the 5' UTR;
        '*30' after the stop codon. None outside the transcript or without a CDS."""
        bases, index, first, last = self._transcript_bases
        if first < 0 or last < 0:
            return None
        if pos in index:
            return self._exonic(index[pos])
        lo, hi = min(bases), max(bases)
        if not lo < pos < hi:
            return None
        before = max(b for b in bases if b < pos)
        after = min(b for b in bases if b > pos)
        # upstream / downstream exonic base along the transcript, and the distances to them
        up, down = (before, after) if self.strand == "+" else (after, before)
        up_gap, down_gap = abs(pos - up), abs(pos - down)
        if up_gap <= down_gap:
            return f"{self._exonic(index[up])}+{up_gap}"
        return f"{self._exonic(index[down])}-{down_gap}"


def read_models(gff: Path, wanted: Iterable[str]) -> dict[str, Model]:
    """Exon/CDS models of the wanted transcripts (bare ids) from a csq-style GFF3."""
    wanted = set(wanted)
    with open_text(gff) as handle:
        genes = read_genes(read_features(handle, str(gff)), str(gff))
    models = {}
    for gene in genes:
        for t in gene.transcripts:
            if t.id in wanted:
                exons = tuple(sorted((p.start, p.end) for p in t.parts if p.type == "exon"))
                cds = tuple((p.start, p.end) for p in t.cds)
                models[t.id] = Model(t.id, t.feature.strand, exons, cds)
    return models


@dataclass(frozen=True)
class GeneSpan:
    """A gene's extent (BED coordinates), name and strand."""

    contig: str
    start: int
    end: int
    name: str
    strand: str


def gene_spans(gff3: Path) -> list[GeneSpan]:
    """Every gene of a GFF3 file, in file order."""
    with open_text(gff3) as handle:
        return [
            GeneSpan(
                f.seqid, f.start - 1, f.end, f.attrs.get("Name", f.attrs.get("ID", "")), f.strand
            )
            for f in read_features(handle, str(gff3))
            if f.type == "gene"
        ]

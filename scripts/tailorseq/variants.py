"""HGVS names of variants on a transcript: c. from the genome and a gene model, p. from
bcftools csq's amino-acid field. The one home of variant naming in tailorseq.

Rules (HGVS nomenclature, varnomen.hgvs.org, v21; the pages named below):
- 3' rule (general/recommendations): a deletion, duplication or insertion in a repeat is named
  at its most 3' position *on the transcript*. On a plus-strand gene that is the rightmost
  genomic position; on a minus-strand gene the leftmost (the transcript's 3' is genomic 5').
  The genome's left-aligned VCF record is therefore shifted right on plus-strand genes and
  checked leftward on minus-strand ones.
- Duplication (DNA/dup): an insertion whose bases equal the bases just before it on the
  transcript (after the 3' shift) is a `dup` of those bases: c.5266dup, c.15_16dup.
- Deletion (DNA/del), insertion (DNA/ins: the two flanking positions, c.11_12insT),
  deletion-insertion (DNA/delins: c.25_26delinsA); deleted or duplicated bases are not listed.
- Positions (DNA/numbering, coding reference): c.1 is the A of the ATG; introns c.80+1 /
  c.81-2; 5' UTR c.-12; 3' UTR after the stop codon c.*30 (tailorseq.gff.Model.c_position).
- Protein (protein/*): three-letter amino acids, Ter for the stop: p.Leu858Arg, p.Arg300Ter,
  synonymous p.Leu200=, frameshift p.Glu23ValfsTer17 (Ter counted from the first changed
  residue), start lost p.Met1?, in-frame p.Gln12del / p.Ser10_Gln11insAla / p.Gln12dup /
  p.Lys5_Leu6delinsAsn (3' rule on the protein, which needs the reference protein), stop lost
  p.Ter901GlnextTer? (the new stop is not known from csq's field). The one-letter form for
  display (p.L858R, p.E23Vfs*17) is derived from the three-letter one.

Limits: the 3' shift is not stopped at exon/intron borders (HGVS keeps a c. name from
crossing one); a name that cannot be written is '' (never a guess).
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pysam

from tailorseq.gff import Model

#: (contig, start, end) -> bases, 0-based half-open: the signature of pysam.FastaFile.fetch.
Fetch = Callable[[str, int, int], str]

AA3 = {
    "A": "Ala", "R": "Arg", "N": "Asn", "D": "Asp", "C": "Cys", "E": "Glu", "Q": "Gln",
    "G": "Gly", "H": "His", "I": "Ile", "L": "Leu", "K": "Lys", "M": "Met", "F": "Phe",
    "P": "Pro", "S": "Ser", "T": "Thr", "W": "Trp", "Y": "Tyr", "V": "Val", "*": "Ter",
}  # fmt: skip
AA1 = {three: one for one, three in AA3.items()}
COMPLEMENT = str.maketrans("ACGTNacgtn", "TGCANtgcan")
# The standard genetic code (NCBI translation table 1), codons in TCAG order.
_CODE = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"
_INDEX = {base: i for i, base in enumerate("TCAG")}


@dataclass(frozen=True)
class Names:
    """A variant's names on one transcript ('' where a name cannot be written)."""

    transcript: str
    hgvsc: str
    hgvsp: str

    @property
    def hgvsp_short(self) -> str:
        """The p. name with one-letter amino acids (p.Leu858Arg -> p.L858R)."""
        return one_letter(self.hgvsp)


def reverse_complement(seq: str) -> str:
    """The reverse complement of a DNA sequence."""
    return seq.translate(COMPLEMENT)[::-1]


def one_letter(hgvsp: str) -> str:
    """p. name in one-letter form: p.Glu23ValfsTer17 -> p.E23Vfs*17."""
    return re.sub(r"[A-Z][a-z]{2}", lambda m: AA1.get(m[0], m[0]), hgvsp)


# ---------------------------------------------------------------- c.: genomic edits


@dataclass(frozen=True)
class Edit:
    """A minimal genomic change: `ref` (may be empty) at start.. replaced by `alt`; an
    insertion (empty ref) lies between start - 1 and start."""

    start: int
    ref: str
    alt: str


def minimal(pos: int, ref: str, alt: str) -> Edit:
    """A VCF allele trimmed of its shared suffix, then prefix (ACT>A at 10 -> CT>'' at 11)."""
    ref, alt = ref.upper(), alt.upper()
    while ref and alt and ref[-1] == alt[-1]:
        ref, alt = ref[:-1], alt[:-1]
    while ref and alt and ref[0] == alt[0]:
        ref, alt, pos = ref[1:], alt[1:], pos + 1
    return Edit(pos, ref, alt)


def shift(edit: Edit, contig: str, fetch: Fetch, strand: str) -> Edit:
    """Move a pure deletion or insertion to its 3'-most equivalent place on the strand."""
    if edit.ref and edit.alt:
        return edit
    seq = edit.ref or edit.alt
    length = len(edit.ref)  # bases the edit covers in the genome

    def base(pos: int) -> str:
        return fetch(contig, pos - 1, pos).upper() if pos >= 1 else ""

    start = edit.start
    if strand == "+":
        while base(start + length) == seq[0]:
            seq, start = seq[1:] + seq[0], start + 1
    else:
        while base(start - 1) == seq[-1]:
            seq, start = seq[-1] + seq[:-1], start - 1
    return Edit(start, seq, "") if edit.ref else Edit(start, "", seq)


def _span(model: Model, first: int, last: int) -> str | None:
    """'c.a_b' positions of a genomic span in transcript order ('a' when one base)."""
    ends = [model.c_position(first), model.c_position(last)]
    if None in ends:
        return None
    a, b = (ends[1], ends[0]) if model.strand == "-" else (ends[0], ends[1])
    return a if a == b else f"{a}_{b}"


def coding_change(
    model: Model | None, contig: str, pos: int, ref: str, alt: str, fetch: Fetch | None
) -> str:
    """The HGVS c. name of a VCF allele on a transcript ('' when it cannot be written).

    Indels need the reference (`fetch`) for the 3' rule and dup; without it they are ''.
    """
    if model is None:
        return ""
    edit = minimal(pos, ref, alt)
    on_strand = reverse_complement if model.strand == "-" else str
    if len(edit.ref) == 1 and len(edit.alt) == 1:
        where = model.c_position(edit.start)
        return f"c.{where}{on_strand(edit.ref)}>{on_strand(edit.alt)}" if where else ""
    if edit.ref and edit.alt:
        where = _span(model, edit.start, edit.start + len(edit.ref) - 1)
        return f"c.{where}delins{on_strand(edit.alt)}" if where else ""
    if fetch is None or not (edit.ref or edit.alt):
        return ""
    edit = shift(edit, contig, fetch, model.strand)
    if edit.ref:
        where = _span(model, edit.start, edit.start + len(edit.ref) - 1)
        return f"c.{where}del" if where else ""
    size = len(edit.alt)
    # the bases before the insertion on the transcript: genomic left (+) or right (-)
    before = edit.start - size if model.strand == "+" else edit.start
    if fetch(contig, before - 1, before - 1 + size).upper() == edit.alt:
        where = _span(model, before, before + size - 1)
        return f"c.{where}dup" if where else ""
    where = _span(model, edit.start - 1, edit.start)
    return f"c.{where}ins{on_strand(edit.alt)}" if where else ""


# ---------------------------------------------------------------- p.: from csq's field


@lru_cache(maxsize=256)
def protein_sequence(model: Model, contig: str, fetch: Fetch) -> str:
    """The reference protein of a transcript ('*' for its stop), translated from the genome."""
    cds = "".join(fetch(contig, start - 1, end) for start, end in model.cds).upper()
    if model.strand == "-":
        cds = reverse_complement(cds)
    codons = (cds[i : i + 3] for i in range(0, len(cds) - len(cds) % 3, 3))
    return "".join(_translate(codon) for codon in codons)


def _translate(codon: str) -> str:
    if any(base not in _INDEX for base in codon):
        return "X"
    return _CODE[16 * _INDEX[codon[0]] + 4 * _INDEX[codon[1]] + _INDEX[codon[2]]]


def _residues(start: int, seq: str) -> str:
    """'Ser10' or 'Ser10_Gln11' for residues `seq` from `start`."""
    first = f"{AA3[seq[0]]}{start}"
    return first if len(seq) == 1 else f"{first}_{AA3[seq[-1]]}{start + len(seq) - 1}"


def _three(seq: str) -> str:
    return "".join(AA3[aa] for aa in seq)


def _in_frame(start: int, ref: str, alt: str, protein: str | None) -> str:
    """p. of an in-frame deletion, insertion, duplication or deletion-insertion."""
    while ref and alt and ref[-1] == alt[-1]:
        ref, alt = ref[:-1], alt[:-1]
    while ref and alt and ref[0] == alt[0]:
        ref, alt, start = ref[1:], alt[1:], start + 1
    if ref and alt:
        return f"p.{_residues(start, ref)}delins{_three(alt)}"
    if protein is None:
        return ""  # the 3' rule needs the reference protein

    def residue(number: int) -> str:
        return protein[number - 1] if 1 <= number <= len(protein) else ""

    if ref:  # deletion of residues start..start+len-1, shifted to the C-terminal copy
        if protein[start - 1 : start - 1 + len(ref)] != ref:
            return ""
        while residue(start + len(ref)) == ref[0]:
            ref, start = ref[1:] + ref[0], start + 1
        return f"p.{_residues(start, ref)}del"
    # insertion before `start`
    while residue(start) == alt[0]:
        alt, start = alt[1:] + alt[0], start + 1
    size = len(alt)
    if protein[start - 1 - size : start - 1] == alt and start - 1 - size >= 0:
        return f"p.{_residues(start - size, alt)}dup"
    if not residue(start - 1) or not residue(start):
        return ""
    return f"p.{AA3[residue(start - 1)]}{start - 1}_{AA3[residue(start)]}{start}ins{_three(alt)}"


def protein_change(consequence: str, amino_acids: str, protein: str | None = None) -> str:
    """The HGVS p. name from bcftools csq's consequence and amino-acid field ('' when it
    cannot be written). `protein` (the reference protein) enables in-frame indel names."""
    terms = set(consequence.lstrip("*").split("&"))
    if "start_lost" in terms:
        return "p.Met1?"
    match = re.fullmatch(r"(\d+)([A-Z*]+)(?:>(\d+)([A-Z*]*))?", amino_acids)
    if not match or any(aa not in AA3 for aa in match[2] + (match[4] or "")):
        return ""
    start, ref, alt = int(match[1]), match[2], match[4] or ""
    if match[3] is None:
        return f"p.{AA3[ref[0]]}{start}=" if terms & {"synonymous", "stop_retained"} else ""
    if "frameshift" in terms:
        index = next((i for i, (a, b) in enumerate(zip(ref, alt, strict=False)) if a != b), None)
        if index is None:
            return ""
        if alt[index] == "*":  # an immediate stop is named as nonsense (protein/frameshift)
            return f"p.{AA3[ref[index]]}{start + index}Ter"
        stop = alt.find("*", index)
        ter = f"Ter{stop - index + 1}" if stop >= 0 else "Ter?"
        return f"p.{AA3[ref[index]]}{start + index}{AA3[alt[index]]}fs{ter}"
    if "stop_lost" in terms and ref == "*" and len(alt) == 1:
        return f"p.Ter{start}{AA3[alt]}extTer?"
    if len(ref) == 1 and len(alt) == 1:
        return f"p.{AA3[ref]}{start}{AA3[alt]}"
    if terms & {"inframe_deletion", "inframe_insertion", "inframe_altering"}:
        return _in_frame(start, ref, alt, protein)
    return ""


# ---------------------------------------------------------------- both, from a BCSQ entry


def bcsq_fields(entry: str) -> list[str]:
    """The 7 fields of one bcftools csq BCSQ entry
    (consequence|gene|transcript|biotype|strand|amino_acid_change|dna_change)."""
    return (entry.split("|") + [""] * 7)[:7]


def bcsq_entries(record: pysam.VariantRecord) -> list[list[str]]:
    """The fields of each of a record's own BCSQ consequences; an '@POS' entry (a compound
    consequence written at the record at POS) is left to that record."""
    if "BCSQ" not in record.header.info:
        return []
    return [bcsq_fields(entry) for entry in record.info.get("BCSQ") or () if entry[:1] != "@"]


def name(
    contig: str,
    pos: int,
    ref: str,
    alt: str,
    fields: list[str],
    model: Model | None,
    fetch: Fetch | None,
) -> Names:
    """c. and p. names of a VCF allele for one BCSQ entry's transcript."""
    protein = protein_sequence(model, contig, fetch) if model and fetch and model.cds else None
    return Names(
        transcript=fields[2],
        hgvsc=coding_change(model, contig, pos, ref, alt, fetch),
        hgvsp=protein_change(fields[0], fields[5], protein),
    )


def name_vcf(
    vcf: Path, models: dict[str, Model], canonical: Iterable[str], fetch: Fetch
) -> dict[tuple[str, int, str, str], Names]:
    """Names of every ALT allele of a csq-annotated VCF by (contig, pos, ref, alt), on the
    BCSQ entry of a canonical transcript (else the allele's first entry)."""
    canonical = set(canonical)
    found = {}
    with pysam.VariantFile(str(vcf)) as handle:
        if "BCSQ" not in handle.header.info:
            return found
        for record in handle:
            entries = bcsq_entries(record)
            if not entries:
                continue
            chosen = next((f for f in entries if f[2] in canonical), entries[0])
            for alt in record.alts or ():
                key = (record.chrom, record.pos, record.ref, alt)
                found[key] = name(*key, chosen, models.get(chosen[2]), fetch)
    return found

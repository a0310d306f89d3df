"""What every somatic knowledge source shares: the entry model, protein and allele keys, the
table reader and the knowledge files' versions (a URL's download record from tailorseq.download).

Protein changes compare in one-letter form: p.L858R, L858R, p.Leu858Arg and bcftools csq's
858L>858R are the same key. Genomic alleles compare after trimming to their minimal
representation and naming contigs without "chr" (the VCF is left-aligned by bcftools norm;
knowledge indels must be left-aligned too).
"""

import csv
import gzip
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from tailorseq.errors import TailorseqError
from tailorseq.files import sha256
from tailorseq.reference import standard_name
from tailorseq.variants import AA1


class KnowledgeError(TailorseqError):
    """A knowledge table that cannot be read as documented."""


@dataclass(frozen=True)
class Allele:
    """A genomic allele in minimal representation, contig named without 'chr'."""

    contig: str
    pos: int
    ref: str
    alt: str


@dataclass(frozen=True)
class Indication:
    """The tumours a piece of knowledge applies to: OncoTree codes (each with its descendants),
    tumour classes ('solid': every non-haematological tumour; 'any': every tumour), minus the
    excluded codes. `label` is the source's own wording."""

    label: str
    codes: frozenset[str] = frozenset()
    classes: frozenset[str] = frozenset()
    excluded: frozenset[str] = frozenset()


@dataclass
class Entry:
    """One piece of knowledge: a variant (or biomarker) in an indication, with drugs and sources;
    or, for diagnostic or prognostic evidence (`significance`), no drugs and its `implication`."""

    knowledge: str  # "curated" or "civic"
    gene: str
    variant: str
    rule: str  # protein, codon, region, allele, biomarker, copy_number, fusion
    indication: Indication
    drugs: list[str]
    significance: str
    evidence_level: str
    sources: list[str]
    protein: frozenset[str] = frozenset()  # one-letter keys (protein) or codons (codon, 'V600')
    region: tuple[int, int] | None = None
    consequences: frozenset[str] = frozenset()
    alleles: dict[str, Allele] = field(default_factory=dict)
    ids: list[str] = field(default_factory=list)
    amp_tier: str = ""
    source_date: str = ""
    implication: str = ""  # diagnostic or prognostic evidence: what the source says it means


def protein_key(change: str) -> str | None:
    """One-letter key of a single amino-acid substitution ('L858R'), or None.

    Accepts p.L858R, L858R, p.Leu858Arg, p.(Leu858Arg) and bcftools csq's 858L>858R.
    """
    text = change.strip().removeprefix("p.").strip("()")
    csq = re.fullmatch(r"(\d+)([A-Z*])>(\d+)([A-Z*])", text)
    if csq:
        start, ref, end, alt = csq.groups()
        return f"{ref}{start}{alt}" if start == end and ref != alt else None
    three = re.fullmatch(r"([A-Z][a-z]{2})(\d+)([A-Z][a-z]{2}|\*)", text)
    if three:
        ref, pos, alt = three.groups()
        if ref in AA1 and (alt == "*" or alt in AA1):
            ref, alt = AA1[ref], AA1.get(alt, "*")
            return f"{ref}{pos}{alt}" if ref != alt else None
        return None
    one = re.fullmatch(r"([A-Z*])(\d+)([A-Z*])", text.upper())
    if one and one.group(1) != one.group(3):
        return "".join(one.groups())
    return None


def protein_start(change: str) -> int | None:
    """The first codon of a csq amino-acid change ('746ELREA>746A' -> 746)."""
    found = re.match(r"(?:p\.)?[A-Za-z*]{0,3}(\d+)", change.strip())
    return int(found.group(1)) if found else None


def protein_codon(change: str) -> str | None:
    """The reference codon of a substitution, one-letter ('858L>858R' -> 'L858')."""
    key = protein_key(change)
    return key[:-1] if key else None


def normalise_allele(contig: str, pos: int, ref: str, alt: str) -> Allele:
    """Trim shared suffix then prefix bases (keeping one), contig named without 'chr'."""
    ref, alt = ref.upper(), alt.upper()
    while len(ref) > 1 and len(alt) > 1 and ref[-1] == alt[-1]:
        ref, alt = ref[:-1], alt[:-1]
    while len(ref) > 1 and len(alt) > 1 and ref[0] == alt[0]:
        ref, alt, pos = ref[1:], alt[1:], pos + 1
    name = standard_name(contig) or contig
    return Allele(name, pos, ref, alt)


def read_table(path: Path) -> tuple[list[str], list[dict[str, str]], dict[str, str]]:
    """A TSV (plain or gzipped) with '#' comment lines: header, rows, '# key: value' notes."""
    opener = gzip.open if path.suffix == ".gz" else open
    notes: dict[str, str] = {}
    with opener(path, "rt", newline="") as handle:
        lines = []
        for line in handle:
            if line.startswith("#"):
                key, sep, value = line[1:].partition(":")
                if sep and " " not in key.strip():
                    notes[key.strip()] = value.strip()
                continue
            lines.append(line)
    reader = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    header = list(reader.fieldnames or [])
    return header, list(reader), notes


def split_list(text: str, separator: str = ";") -> list[str]:
    """The non-empty, stripped items of a separated cell."""
    return [item.strip() for item in text.split(separator) if item.strip()]


def file_version(path: Path, record: Path | None = None) -> dict:
    """A knowledge file's path and sha256, with its download record (URL, date) when it was
    downloaded, else its modification date."""
    version: dict = {"path": str(path), "sha256": sha256(path)}
    if record is not None and record.exists():
        version.update(json.loads(record.read_text()))
    else:
        modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        version["file_date"] = modified.date().isoformat()
    return version

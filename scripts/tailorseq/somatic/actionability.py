"""Somatic actionability: a tumour's variants and biomarkers matched to therapies, with tiers.

Knowledge
- The curated table (`resources/actionable_variants.tsv`, or `somatic.actionable_variants`):
  FDA-approved indications with their sources, matched by gene + protein change, by an in-frame
  change inside a protein range (EGFR exon 19 deletions), by genomic allele per build, or by a
  biomarker (TMB-high, MSI-high).
- CIViC's evidence TSV (`somatic.civic`, CC0; nightly or a monthly release), when configured:
  accepted, unflagged, predictive evidence that supports its statement, of somatic origin.
  Molecular profiles naming one variant of one gene are matched: a protein change ("BRAF
  V600E"), a codon ("BRAF V600": any change of that codon), or a variant the curated table
  defines as a region ("EGFR Exon 19 Deletion"). Genomic alleles are matched too when the file
  carries the legacy coordinate columns (chromosome, start, reference_bases, variant_bases,
  reference_build). Compound profiles ("EGFR L858R AND EGFR T790M"), gene-level ones ("KRAS
  Mutation"), expression, fusions and copy-number variants are not matched.

Variants: PASS records of the annotated somatic VCF, every bcftools csq (INFO/BCSQ) consequence
of them. Protein changes compare in one-letter form: p.L858R, L858R, p.Leu858Arg and csq's
858L>858R are the same key. Genomic alleles compare after trimming to their minimal
representation and naming contigs without "chr" (the VCF is left-aligned by bcftools norm;
knowledge indels must be left-aligned too).

Tiers (AMP/ASCO/CAP 2017, Li et al., J Mol Diagn 2017;19:4-23), from the knowledge's evidence
level (the curated table: A; CIViC: A validated, B clinical, C case study, D preclinical, E
inferential) and whether the patient's tumour type (samples.tsv `tumor_type`) falls under the
indication's disease:
- tier I, level A or B: evidence level A or B in the patient's tumour type;
- tier II, level C: evidence level A or B in another tumour type (off-label), or level C;
- tier II, level D: evidence level D;
- CIViC level E (inferential) is not reported;
- tier III: every other PASS coding mutation (no actionable evidence: unknown significance);
- tier IV (benign or likely benign) is not assigned: somatic calls are not population-filtered.
Without a tumour type nothing can be tier I. Tumour-agnostic indications ("solid tumor",
"cancer") match every tumour type.
"""

import csv
import gzip
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pysam

from tailorseq.download import fetch
from tailorseq.errors import TailorseqError
from tailorseq.provenance import sha256
from tailorseq.reference import standard_name
from tailorseq.somatic.tmb import consequence_of, is_coding

CURATED_COLUMNS = (
    "id",
    "gene",
    "variant",
    "match",
    "protein_change",
    "protein_start",
    "protein_end",
    "consequences",
    "alleles",
    "disease",
    "drugs",
    "significance",
    "evidence_level",
    "amp_tier",
    "source",
)

# CIViC's ClinicalEvidenceSummaries.tsv (civic-v2 EvidenceItemTsvFormatter). The legacy (v1)
# file named some of them differently; both are read.
CIVIC_COLUMNS = (
    "molecular_profile",
    "molecular_profile_id",
    "disease",
    "doid",
    "phenotypes",
    "therapies",
    "therapy_interaction_type",
    "evidence_type",
    "evidence_direction",
    "evidence_level",
    "significance",
    "evidence_statement",
    "citation_id",
    "source_type",
    "asco_abstract_id",
    "citation",
    "nct_ids",
    "rating",
    "evidence_status",
    "evidence_id",
    "variant_origin",
    "last_review_date",
    "evidence_civic_url",
    "molecular_profile_civic_url",
    "is_flagged",
)
CIVIC_LEGACY = {"therapies": "drugs", "significance": "clinical_significance"}
CIVIC_SIGNIFICANCE = {
    "sensitivity/response": "sensitivity",
    "sensitivity": "sensitivity",
    "resistance": "resistance",
    "reduced sensitivity": "reduced sensitivity",
    "adverse response": "adverse response",
}

TIER_DEFINITIONS = {
    "framework": "AMP/ASCO/CAP 2017 (Li et al., J Mol Diagn 2017;19:4-23)",
    "I": "strong clinical significance: evidence level A or B (FDA-approved therapy, guideline, "
    "or well-powered studies) in the patient's tumour type",
    "II": "potential clinical significance: level A or B evidence in another tumour type "
    "(level C), case studies (level C) or preclinical evidence (level D)",
    "III": "unknown clinical significance: PASS coding mutation without actionable evidence",
    "IV": "benign or likely benign: not assigned (somatic calls are not population-filtered)",
}

AMINO_ACIDS = {
    "Ala": "A",
    "Arg": "R",
    "Asn": "N",
    "Asp": "D",
    "Cys": "C",
    "Gln": "Q",
    "Glu": "E",
    "Gly": "G",
    "His": "H",
    "Ile": "I",
    "Leu": "L",
    "Lys": "K",
    "Met": "M",
    "Phe": "F",
    "Pro": "P",
    "Ser": "S",
    "Thr": "T",
    "Trp": "W",
    "Tyr": "Y",
    "Val": "V",
    "Ter": "*",
}

# Disease names: synonyms onto one term, and each term's parent (Disease Ontology, DOID:3910
# lung adenocarcinoma is_a DOID:3908 lung non-small cell carcinoma is_a DOID:3905 lung
# carcinoma is_a DOID:1324 lung cancer; DOID:8923 skin melanoma is_a DOID:1909 melanoma).
DISEASE_SYNONYMS = {
    "non small cell lung cancer": "lung non small cell carcinoma",
    "non small cell lung carcinoma": "lung non small cell carcinoma",
    "nsclc": "lung non small cell carcinoma",
    "adenocarcinoma of the lung": "lung adenocarcinoma",
    "luad": "lung adenocarcinoma",
    "squamous cell lung carcinoma": "lung squamous cell carcinoma",
    "lusc": "lung squamous cell carcinoma",
    "small cell lung cancer": "lung small cell carcinoma",
    "sclc": "lung small cell carcinoma",
    "cutaneous melanoma": "skin melanoma",
    "colorectal carcinoma": "colorectal cancer",
    "crc": "colorectal cancer",
    "solid tumour": "solid tumor",
    "any solid tumor": "solid tumor",
}
DISEASE_PARENTS = {
    "lung adenocarcinoma": "lung non small cell carcinoma",
    "lung squamous cell carcinoma": "lung non small cell carcinoma",
    "lung large cell carcinoma": "lung non small cell carcinoma",
    "lung non small cell carcinoma": "lung carcinoma",
    "lung small cell carcinoma": "lung carcinoma",
    "lung carcinoma": "lung cancer",
    "skin melanoma": "melanoma",
    "uveal melanoma": "melanoma",
    "mucosal melanoma": "melanoma",
    "colon adenocarcinoma": "colorectal adenocarcinoma",
    "rectum adenocarcinoma": "colorectal adenocarcinoma",
    "colorectal adenocarcinoma": "colorectal cancer",
}
TUMOUR_AGNOSTIC = {"solid tumor", "cancer"}


class KnowledgeError(TailorseqError):
    """A knowledge table that cannot be read as documented."""


@dataclass(frozen=True)
class Allele:
    """A genomic allele in minimal representation, contig named without 'chr'."""

    contig: str
    pos: int
    ref: str
    alt: str


@dataclass
class Entry:
    """One piece of knowledge: a variant (or biomarker) in a disease, with drugs and sources."""

    knowledge: str  # "curated" or "civic"
    gene: str
    variant: str
    rule: str  # protein, codon, region, biomarker
    disease: str
    drugs: list[str]
    significance: str
    evidence_level: str
    sources: list[str]
    protein: str = ""  # one-letter key (protein rule) or the codon (codon rule, e.g. V600)
    region: tuple[int, int] | None = None
    consequences: frozenset[str] = frozenset()
    alleles: dict[str, Allele] = field(default_factory=dict)
    ids: list[str] = field(default_factory=list)
    amp_tier: str = ""


@dataclass
class Observed:
    """A PASS somatic record with its coding consequences (gene, consequence, csq change)."""

    contig: str
    pos: int
    ref: str
    alt: str
    vaf: float | None
    consequences: list[tuple[str, str, str]]

    @property
    def allele(self) -> Allele:
        return normalise_allele(self.contig, self.pos, self.ref, self.alt)


# ---------------------------------------------------------------- normalisation
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
        if ref in AMINO_ACIDS and (alt == "*" or alt in AMINO_ACIDS):
            ref, alt = AMINO_ACIDS[ref], AMINO_ACIDS.get(alt, "*")
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
    """The reference codon of a change, one-letter ('858L>858R' -> 'L858')."""
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


def disease_term(name: str) -> str:
    """A disease name as one lower-case term, synonyms resolved."""
    text = re.sub(r"[-_/,]", " ", name.lower()).replace("tumour", "tumor")
    text = " ".join(text.split())
    return DISEASE_SYNONYMS.get(text, text)


def disease_matches(tumour_type: str | None, indication: str) -> bool:
    """True when the patient's tumour type is the indication's disease or falls under it."""
    wanted = disease_term(indication)
    if wanted in TUMOUR_AGNOSTIC:
        return True
    if not tumour_type:
        return False
    term = disease_term(tumour_type)
    seen = set()
    while term and term not in seen:
        if term == wanted:
            return True
        seen.add(term)
        term = DISEASE_PARENTS.get(term, "")
    return False


def amp_tier(evidence_level: str, in_tumour_type: bool) -> tuple[str, str] | None:
    """(tier, AMP level) of a piece of evidence; None when it is not reported (level E)."""
    level = evidence_level.upper()
    if level in ("A", "B"):
        return ("I", level) if in_tumour_type else ("II", "C")
    if level in ("C", "D"):
        return "II", level
    return None


# ---------------------------------------------------------------- knowledge
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


def parse_alleles(text: str, where: str) -> dict[str, Allele]:
    """'GRCh38:chr7:55191822:T:G;demo:EGFR:21822:T:G' -> build -> allele."""
    alleles = {}
    for item in filter(None, (part.strip() for part in text.split(";"))):
        parts = item.split(":")
        if len(parts) != 5 or not parts[2].isdigit():
            raise KnowledgeError(
                f"{where}: allele {item!r} is not build:contig:pos:ref:alt. Fix: write it as "
                "e.g. GRCh38:chr7:55191822:T:G"
            )
        build, contig, pos, ref, alt = parts
        alleles[build] = normalise_allele(contig, int(pos), ref, alt)
    return alleles


def split_drugs(text: str) -> list[str]:
    """Alternatives separated by ';' (a combination stays one item: 'a + b')."""
    return [drug.strip() for drug in text.split(";") if drug.strip()]


def load_curated(path: Path) -> tuple[list[Entry], dict]:
    """The curated table's entries and its version (the '# version:' note and sha256)."""
    header, rows, notes = read_table(path)
    missing = [column for column in CURATED_COLUMNS if column not in header]
    if missing:
        raise KnowledgeError(
            f"{path}: missing column(s) {', '.join(missing)}. Fix: the table needs the columns "
            f"{', '.join(CURATED_COLUMNS)} (see resources/actionable_variants.tsv)"
        )
    entries = []
    for number, row in enumerate(rows, start=1):
        where = f"{path} row {number} ({row['id']})"
        rule = row["match"]
        entry = Entry(
            knowledge="curated",
            gene=row["gene"] if row["gene"] != "-" else "",
            variant=row["variant"],
            rule=rule,
            disease=row["disease"],
            drugs=split_drugs(row["drugs"]),
            significance=row["significance"],
            evidence_level=row["evidence_level"].upper(),
            sources=[s.strip() for s in row["source"].split(";") if s.strip()],
            alleles=parse_alleles(row["alleles"], where),
            ids=[row["id"]],
            amp_tier=row["amp_tier"],
        )
        if rule == "protein":
            key = protein_key(row["protein_change"])
            if key is None:
                raise KnowledgeError(
                    f"{where}: protein_change {row['protein_change']!r} is not a single "
                    "amino-acid substitution. Fix: write it as e.g. L858R or p.Leu858Arg"
                )
            entry.protein = key
        elif rule == "region":
            try:
                entry.region = (int(row["protein_start"]), int(row["protein_end"]))
            except ValueError as error:
                raise KnowledgeError(
                    f"{where}: a region needs whole numbers in protein_start and protein_end"
                ) from error
            entry.consequences = frozenset(
                c.strip() for c in row["consequences"].split(",") if c.strip()
            )
        elif rule == "biomarker":
            if row["variant"] not in ("TMB-high", "MSI-high"):
                raise KnowledgeError(f"{where}: biomarker must be TMB-high or MSI-high")
        else:
            raise KnowledgeError(f"{where}: match {rule!r} is not protein, region or biomarker")
        entries.append(entry)
    version = {
        "path": str(path),
        "version": notes.get("version", ""),
        "sha256": sha256(path),
        "entries": len(entries),
    }
    return entries, version


def civic_column(row: dict[str, str], name: str) -> str:
    """A CIViC column by its current name or its legacy (v1) name."""
    value = row.get(name)
    if value is None and name in CIVIC_LEGACY:
        value = row.get(CIVIC_LEGACY[name])
    return (value or "").strip()


def civic_profile(row: dict[str, str]) -> tuple[str, str] | None:
    """(gene, variant) of a one-variant molecular profile ('EGFR L858R'), else None."""
    if "molecular_profile" in row:
        parts = row["molecular_profile"].strip().split(" ", 1)
        if len(parts) != 2 or re.search(r"\b(AND|OR|NOT)\b", parts[1]):
            return None
        return parts[0], parts[1].strip()
    gene, variant = (row.get("gene") or "").strip(), (row.get("variant") or "").strip()
    return (gene, variant) if gene and variant else None


def civic_allele(row: dict[str, str]) -> dict[str, Allele]:
    """The legacy file's coordinates (chromosome, start, bases, reference_build), if any."""
    build = (row.get("reference_build") or "").strip()
    ref = (row.get("reference_bases") or "").strip()
    alt = (row.get("variant_bases") or "").strip()
    start = (row.get("start") or "").strip()
    chromosome = (row.get("chromosome") or "").strip()
    if not (build and start.isdigit() and chromosome and re.fullmatch("[ACGTacgt]+", ref + alt)):
        return {}
    if not ref or not alt:
        return {}  # CIViC writes indels without an anchor base: not comparable with VCF
    return {build: normalise_allele(chromosome, int(start), ref, alt)}


def load_civic(path: Path, curated: list[Entry], record: Path | None = None) -> tuple[list, dict]:
    """CIViC's predictive evidence as entries, and the file's version (download date, sha256).

    `curated` names the regions ('Exon 19 Deletion') a CIViC variant name can stand for.
    """
    header, rows, _ = read_table(path)
    needed = ["disease", "evidence_type", "evidence_direction", "evidence_level", "evidence_id"]
    missing = [c for c in needed if c not in header]
    if not ({"molecular_profile"} <= set(header) or {"gene", "variant"} <= set(header)):
        missing.append("molecular_profile")
    if not ({"therapies", "drugs"} & set(header)):
        missing.append("therapies")
    if missing:
        raise KnowledgeError(
            f"{path}: not a CIViC ClinicalEvidenceSummaries.tsv (missing {', '.join(missing)}). "
            "Fix: give somatic.civic the nightly or a monthly release of "
            "ClinicalEvidenceSummaries.tsv from civicdb.org/releases"
        )
    regions = {(e.gene, e.variant.lower()): e for e in curated if e.rule == "region"}
    entries, skipped = [], 0
    for row in rows:
        if not usable_civic_evidence(row):
            continue
        profile = civic_profile(row)
        significance = CIVIC_SIGNIFICANCE.get(civic_column(row, "significance").lower())
        entry = None
        if profile and significance:
            gene, variant = profile
            entry = civic_entry(row, gene, variant, significance, regions)
        if entry is None:
            skipped += 1
            continue
        entries.append(entry)
    version = {
        "path": str(path),
        "sha256": sha256(path),
        "entries": len(entries),
        "predictive_not_matchable": skipped,
    }
    if record is not None and record.exists():
        version.update(json.loads(record.read_text()))
    else:
        modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        version["file_date"] = modified.date().isoformat()
    return entries, version


def usable_civic_evidence(row: dict[str, str]) -> bool:
    """Accepted, unflagged, predictive, supporting evidence of somatic origin, level A-D."""
    status = civic_column(row, "evidence_status").lower()
    origin = civic_column(row, "variant_origin").lower()
    return (
        civic_column(row, "evidence_type").lower() == "predictive"
        and civic_column(row, "evidence_direction").lower() == "supports"
        and status in ("", "accepted")
        and civic_column(row, "is_flagged").lower() not in ("true", "1", "yes")
        and origin in ("", "somatic", "n/a")
        and bool(civic_column(row, "therapies"))
        and civic_column(row, "evidence_level").upper() in ("A", "B", "C", "D")
    )


def civic_entry(
    row: dict[str, str],
    gene: str,
    variant: str,
    significance: str,
    regions: dict[tuple[str, str], Entry],
) -> Entry | None:
    """An entry for one CIViC evidence item, or None when its variant cannot be matched."""
    evidence = civic_column(row, "evidence_id")
    url = civic_column(row, "evidence_civic_url") or f"https://civicdb.org/evidence/{evidence}"
    citation = civic_column(row, "citation")
    citation_id = civic_column(row, "citation_id") or civic_column(row, "pubmed_id")
    source_type = civic_column(row, "source_type") or "PubMed"
    sources = [f"CIViC EID{evidence} ({url})"]
    if citation_id:
        sources.append(f"{citation or 'citation'} ({source_type} {citation_id})")
    therapies = [t.strip() for t in civic_column(row, "therapies").split(",") if t.strip()]
    if civic_column(row, "therapy_interaction_type").lower() == "combination":
        therapies = [" + ".join(therapies)]
    entry = Entry(
        knowledge="civic",
        gene=gene,
        variant=variant,
        rule="protein",
        disease=civic_column(row, "disease"),
        drugs=therapies,
        significance=significance,
        evidence_level=civic_column(row, "evidence_level").upper(),
        sources=sources,
        alleles=civic_allele(row),
        ids=[f"EID{evidence}"],
    )
    key = protein_key(variant)
    if key:
        entry.protein = key
    elif re.fullmatch(r"[A-Z]\d+", variant):
        entry.rule, entry.protein = "codon", variant
    elif (gene, variant.lower()) in regions:
        region = regions[(gene, variant.lower())]
        entry.rule, entry.region, entry.consequences = "region", region.region, region.consequences
    elif not entry.alleles:
        return None
    else:
        entry.rule = "allele"
    return entry


def download_civic(url: str, out: Path, record: Path) -> dict:
    """Download a CIViC evidence TSV and record where from, when and its sha256."""
    digest = fetch(url, out)
    document = {
        "url": url,
        "downloaded": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "sha256": digest,
    }
    record.write_text(json.dumps(document, indent=2) + "\n")
    return document


# ---------------------------------------------------------------- matching
def read_somatic(vcf: Path) -> list[Observed]:
    """PASS records of the annotated somatic VCF with their coding consequences."""
    observed = []
    with pysam.VariantFile(str(vcf)) as handle:
        tumor = next(iter(handle.header.samples), None)
        has_af = "AF" in handle.header.formats
        for record in handle:
            if list(record.filter.keys()) != ["PASS"] or not record.alts:
                continue
            entries = []
            for entry in record.info.get("BCSQ") or ():
                if not entry.startswith("@"):
                    consequence, gene, change = consequence_of(entry)
                    entries.append((gene, consequence, change))
            vaf = None
            if tumor is not None and has_af:
                value = record.samples[tumor].get("AF")
                vaf = value[0] if isinstance(value, tuple) else value
                vaf = round(vaf, 4) if vaf is not None else None
            for alt in record.alts:
                observed.append(Observed(record.contig, record.pos, record.ref, alt, vaf, entries))
    return observed


def match_variant(entry: Entry, variant: Observed, build: str) -> tuple[list[str], str]:
    """How an entry matches a variant ('gene + protein change', 'genomic allele'...) and the
    csq protein change of the entry's gene; ([], '') when it does not match."""
    how, change = set(), ""
    allele = entry.alleles.get(build)
    if allele is not None and allele == variant.allele:
        how.add("genomic allele")
    for gene, consequence, aa in variant.consequences:
        if gene != entry.gene or not aa:
            continue
        change = change or aa
        if entry.rule == "protein" and protein_key(aa) == entry.protein:
            how.add("gene + protein change")
        elif entry.rule == "codon" and protein_codon(aa) == entry.protein:
            how.add("gene + codon")
        elif entry.rule == "region" and entry.region is not None:
            start = protein_start(aa)
            in_region = start is not None and entry.region[0] <= start <= entry.region[1]
            if in_region and set(consequence.split("&")) & entry.consequences:
                how.add("gene + protein region")
        else:
            continue
        if how - {"genomic allele"}:
            change = aa
            break
    return sorted(how), change if how else ""


def biomarker_status(biomarkers: dict) -> dict[str, dict]:
    """TMB-high and MSI-high from a biomarkers document: {name: {high, value, cutoff, ...}}."""
    status = {}
    tmb = biomarkers.get("tmb") or {}
    status["TMB-high"] = {
        "assessed": bool(tmb.get("assessed")),
        "high": bool(tmb.get("tmb_high")),
        "value": tmb.get("mutations_per_mb"),
        "unit": "mutations/Mb",
        "cutoff": tmb.get("cutoff"),
        "callable_coding_bases": tmb.get("callable_coding_bases"),
    }
    if tmb.get("callable_coding_bases") is not None and tmb["callable_coding_bases"] < 1_000_000:
        status["TMB-high"]["caveat"] = (
            f"TMB over {tmb['callable_coding_bases']} callable coding bases: the FDA cutoff of 10"
            " mutations/Mb was set with an approved panel of about 0.8-1.1 Mb; smaller footprints"
            " give unstable values"
        )
    msi = biomarkers.get("msi") or {}
    label = str(msi.get("status", "")).upper().replace("-", "")
    high = bool(msi.get("msi_high")) or label in ("MSIH", "MSIHIGH")
    status["MSI-high"] = {
        "assessed": bool(msi.get("assessed")),
        "high": high,
        "value": msi.get("score"),
        "unit": "score",
        "cutoff": msi.get("cutoff"),
    }
    if not status["MSI-high"]["assessed"] and msi.get("reason"):
        status["MSI-high"]["reason"] = msi["reason"]
    return status


def group_key(match: dict) -> tuple:
    return (
        match["kind"],
        match["gene"],
        match.get("variant_key", match["variant"]),
        match["knowledge"],
        disease_term(match["indication"]),
        tuple(match["drugs"]),
        match["significance"],
    )


def merge(matches: Iterable[dict]) -> list[dict]:
    """One match per (variant, knowledge, indication, drugs, significance): the best tier and
    level kept, evidence ids and sources pooled."""
    merged: dict[tuple, dict] = {}
    for match in matches:
        key = group_key(match)
        if key not in merged:
            merged[key] = match
            continue
        kept = merged[key]
        if rank(match) < rank(kept):
            match["evidence_ids"] = kept["evidence_ids"] + match["evidence_ids"]
            match["sources"] = kept["sources"] + match["sources"]
            merged[key] = kept = match
        else:
            kept["evidence_ids"] += match["evidence_ids"]
            kept["sources"] += match["sources"]
        kept["evidence_ids"] = list(dict.fromkeys(kept["evidence_ids"]))
        kept["sources"] = list(dict.fromkeys(kept["sources"]))
    return sorted(merged.values(), key=lambda m: (rank(m), m["kind"] != "variant", m["gene"]))


def rank(match: dict) -> tuple:
    """Sort order: tier, AMP level, curated before CIViC, sensitivity before resistance."""
    return (
        match["tier"],
        match["amp_level"],
        match["knowledge"] != "curated",
        match["significance"] != "sensitivity",
        match["evidence_level"],
    )


def describe(entry: Entry, tumour_type: str | None) -> dict | None:
    """The knowledge side of a match, with its tier; None when the evidence is not reported."""
    in_type = disease_matches(tumour_type, entry.disease)
    tier = amp_tier(entry.evidence_level, in_type)
    if tier is None:
        return None
    return {
        "tier": tier[0],
        "amp_level": tier[1],
        "indication": entry.disease,
        "tumor_type": tumour_type,
        "tumor_type_matches": in_type,
        "drugs": entry.drugs,
        "significance": entry.significance,
        "evidence_level": entry.evidence_level,
        "knowledge": entry.knowledge,
        "evidence_ids": list(entry.ids),
        "sources": list(entry.sources),
    }


def variant_matches(
    entries: list[Entry], variants: list[Observed], build: str, tumour_type: str | None
) -> Iterator[dict]:
    """Every (knowledge entry, PASS variant) pair that matches."""
    for variant in variants:
        for entry in entries:
            if entry.rule == "biomarker":
                continue
            how, change = match_variant(entry, variant, build)
            if not how:
                continue
            described = describe(entry, tumour_type)
            if described is None:
                continue
            key = protein_key(change) if change else None
            yield {
                "kind": "variant",
                "gene": entry.gene,
                "variant": key or entry.variant,
                "variant_key": (variant.contig, variant.pos, variant.ref, variant.alt),
                "knowledge_variant": entry.variant,
                "protein_change": change,
                "contig": variant.contig,
                "pos": variant.pos,
                "ref": variant.ref,
                "alt": variant.alt,
                "vaf": variant.vaf,
                "matched_by": how,
                **described,
            }


def biomarker_matches(
    entries: list[Entry], status: dict[str, dict], tumour_type: str | None
) -> Iterator[dict]:
    """Biomarker indications (TMB-high, MSI-high) the tumour meets."""
    for entry in entries:
        if entry.rule != "biomarker" or not status.get(entry.variant, {}).get("high"):
            continue
        described = describe(entry, tumour_type)
        if described is None:
            continue
        found = status[entry.variant]
        yield {
            "kind": "biomarker",
            "gene": "",
            "variant": entry.variant,
            "value": found["value"],
            "unit": found["unit"],
            "cutoff": found["cutoff"],
            **({"caveat": found["caveat"]} if "caveat" in found else {}),
            "matched_by": ["biomarker"],
            **described,
        }


def unknown_significance(variants: list[Observed], matched: set[tuple]) -> list[dict]:
    """Tier III: PASS coding mutations without a reported match."""
    found = []
    for variant in variants:
        key = (variant.contig, variant.pos, variant.ref, variant.alt)
        coding = [c for c in variant.consequences if is_coding(c[1])]
        if key in matched or not coding:
            continue
        gene, consequence, change = coding[0]
        found.append(
            {
                "kind": "variant",
                "tier": "III",
                "gene": gene,
                "variant": protein_key(change) or change,
                "protein_change": change,
                "consequence": consequence,
                "contig": variant.contig,
                "pos": variant.pos,
                "ref": variant.ref,
                "alt": variant.alt,
                "vaf": variant.vaf,
            }
        )
    return found


def actionability(
    vcf: Path,
    biomarkers_file: Path,
    curated_file: Path,
    build: str,
    tumour_type: str | None,
    civic_file: Path | None = None,
    civic_record: Path | None = None,
) -> dict:
    """The actionability document of a tumour/normal pair."""
    curated, curated_version = load_curated(curated_file)
    entries = list(curated)
    knowledge: dict = {"curated": curated_version, "civic": None}
    if civic_file is not None:
        civic, knowledge["civic"] = load_civic(civic_file, curated, civic_record)
        entries += civic
    biomarkers = json.loads(biomarkers_file.read_text())
    status = biomarker_status(biomarkers)
    variants = read_somatic(vcf)
    found = merge(
        [
            *variant_matches(entries, variants, build, tumour_type),
            *biomarker_matches(entries, status, tumour_type),
        ]
    )
    matched = {m["variant_key"] for m in found if m["kind"] == "variant"}
    for match in found:
        match.pop("variant_key", None)
    return {
        "tumor": biomarkers.get("tumor"),
        "normal": biomarkers.get("normal"),
        "tumor_type": tumour_type,
        "build": build,
        "knowledge": knowledge,
        "tiers": TIER_DEFINITIONS,
        "matches": found,
        "unknown_significance": unknown_significance(variants, matched),
        "biomarkers": status,
        "pass_variants": len(variants),
    }


TSV_COLUMNS = (
    "tier",
    "amp_level",
    "kind",
    "gene",
    "variant",
    "protein_change",
    "contig",
    "pos",
    "ref",
    "alt",
    "vaf",
    "value",
    "indication",
    "tumor_type",
    "tumor_type_matches",
    "drugs",
    "significance",
    "evidence_level",
    "knowledge",
    "matched_by",
    "evidence_ids",
    "sources",
)


def tsv_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).replace("\t", " ")


def write_outputs(document: dict, json_out: Path, tsv_out: Path) -> None:
    """The document as JSON, and its tier I-III rows as TSV."""
    json_out.write_text(json.dumps(document, indent=2) + "\n")
    rows = [*document["matches"], *document["unknown_significance"]]
    lines = ["\t".join(TSV_COLUMNS)]
    lines += ["\t".join(tsv_value(row.get(c)) for c in TSV_COLUMNS) for row in rows]
    tsv_out.write_text("\n".join(lines) + "\n")

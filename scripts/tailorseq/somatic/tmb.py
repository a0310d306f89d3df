"""Tumour mutational burden: PASS somatic coding mutations per Mb of callable coding sequence.

Callable coding sequence: the CDS bases of the prepared gene models (reporting transcripts)
where both tumour and normal reach `min_depth` (samtools depth, same mapping and base quality
minimums as calling). Counted mutations: PASS SNVs and indels whose consequence (bcftools csq,
INFO/BCSQ) touches the coding sequence: missense, synonymous, stop/start changes, frameshift and
in-frame indels, as in the FoundationOne-style definition that counts synonymous changes too.
"""

import gzip
from collections import Counter
from pathlib import Path

import pysam

from tailorseq.gff import read_features

CODING_CONSEQUENCES = {
    "missense",
    "synonymous",
    "stop_gained",
    "stop_lost",
    "stop_retained",
    "start_lost",
    "start_retained",
    "frameshift",
    "inframe_insertion",
    "inframe_deletion",
    "inframe_altering",
    "coding_sequence",
}

DEFINITION = (
    "PASS somatic SNVs and indels with a coding consequence (bcftools csq: missense, synonymous,"
    " stop/start gained or lost, frameshift, in-frame) per megabase of callable coding sequence"
    " (CDS bases of the reporting transcripts where tumour and normal both have depth >= "
    "{min_depth})"
)


def cds_intervals(gff3: Path) -> list[tuple[str, int, int]]:
    """Merged CDS intervals of a GFF3 as 0-based half-open (contig, start, end), sorted."""
    opener = gzip.open if gff3.suffix == ".gz" else open
    raw: list[tuple[str, int, int]] = []
    with opener(gff3, "rt") as handle:
        for feature in read_features(handle, str(gff3)):
            if feature.type == "CDS":
                raw.append((feature.seqid, feature.start - 1, feature.end))
    merged: list[tuple[str, int, int]] = []
    for contig, start, end in sorted(raw):
        if merged and merged[-1][0] == contig and start <= merged[-1][2]:
            merged[-1] = (contig, merged[-1][1], max(merged[-1][2], end))
        else:
            merged.append((contig, start, end))
    return merged


def write_cds_bed(gff3: Path, bed: Path) -> int:
    """Write the merged CDS of a GFF3 as BED; returns its size in bases."""
    intervals = cds_intervals(gff3)
    bed.write_text("".join(f"{c}\t{s}\t{e}\n" for c, s, e in intervals))
    return sum(end - start for _, start, end in intervals)


def read_callable(path: Path) -> dict[str, int]:
    """The `name<TAB>count` lines of the callable-bases file."""
    values = {}
    for line in path.read_text().splitlines():
        name, value = line.split("\t")
        values[name] = int(value)
    return values


def consequence_of(bcsq: str) -> tuple[str, str, str]:
    """(consequence, gene, protein change) of one BCSQ entry (consequence|gene|...|aa|...)."""
    fields = bcsq.split("|")
    consequence = fields[0].lstrip("@*")
    gene = fields[1] if len(fields) > 1 else ""
    change = fields[5] if len(fields) > 5 else ""
    return consequence, gene, change


def is_coding(consequence: str) -> bool:
    """True when a (possibly compound, '&'-joined) consequence touches the coding sequence."""
    return any(part in CODING_CONSEQUENCES for part in consequence.split("&"))


def coding_mutations(vcf: Path) -> list[dict]:
    """PASS records with a coding consequence, with gene, change and tumour VAF."""
    found = []
    with pysam.VariantFile(str(vcf)) as handle:
        tumor = next(iter(handle.header.samples))
        for record in handle:
            if list(record.filter.keys()) != ["PASS"]:
                continue
            entries = record.info.get("BCSQ") or ()
            coding = [consequence_of(entry) for entry in entries if not entry.startswith("@")]
            coding = [entry for entry in coding if is_coding(entry[0])]
            if not coding:
                continue
            consequence, gene, change = coding[0]
            found.append(
                {
                    "contig": record.contig,
                    "pos": record.pos,
                    "ref": record.ref,
                    "alt": record.alts[0],
                    "type": "snv" if len(record.ref) == len(record.alts[0]) == 1 else "indel",
                    "gene": gene,
                    "consequence": consequence,
                    "protein_change": change,
                    "vaf": record.samples[tumor]["AF"][0],
                }
            )
    return found


def tmb(
    vcf: Path,
    callable_file: Path,
    min_depth: int,
    cutoff: float,
    purity: float | None = None,
    pair_summary: dict | None = None,
    msi: dict | None = None,
) -> dict:
    """The biomarkers document of a pair: TMB with its definition, counts and callable size, and
    the pair's MSI document (tailorseq.somatic.msi) when given."""
    mutations = coding_mutations(vcf)
    sizes = read_callable(callable_file)
    callable_bases = sizes["callable_bases"]
    megabases = callable_bases / 1e6
    value = len(mutations) / megabases if megabases else None
    types = Counter(mutation["type"] for mutation in mutations)
    document = {
        "tumor": (pair_summary or {}).get("tumor"),
        "normal": (pair_summary or {}).get("normal"),
        "purity": purity,
        "tmb": {
            "definition": DEFINITION.format(min_depth=min_depth),
            "mutations_per_mb": round(value, 3) if value is not None else None,
            "coding_mutations": len(mutations),
            "snvs": types["snv"],
            "indels": types["indel"],
            "callable_coding_bases": callable_bases,
            "coding_bases": sizes["cds_bases"],
            "min_depth": min_depth,
            "cutoff": cutoff,
            "tmb_high": value is not None and value >= cutoff,
            "assessed": value is not None,
            "mutations": mutations,
        },
        "msi": msi if msi is not None else {"assessed": False, "reason": "MSI was not scored"},
    }
    if pair_summary is not None:
        document["concordance"] = pair_summary.get("concordance")
    return document

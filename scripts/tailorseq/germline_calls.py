"""The ALT alleles a sample carries in its annotated germline VCF, with their ClinVar record
(matched allele-exactly; review stars from CLNREVSTAT), population allele frequency (POP_AF)
and bcftools csq consequence on the reporting transcript, named in HGVS where it can be."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pysam

from tailorseq.gff import Choice, Model
from tailorseq.variants import Fetch, bcsq_entries, name

LOF = frozenset({"frameshift", "stop_gained", "splice_donor", "splice_acceptor", "start_lost"})
PLP = frozenset({"Pathogenic", "Likely_pathogenic", "Pathogenic/Likely_pathogenic"})
BENIGN = frozenset({"Benign", "Likely_benign", "Benign/Likely_benign"})
# ClinVar review status -> stars (ClinVar's "review status" documentation)
REVIEW_STARS = {
    "practice_guideline": 4,
    "reviewed_by_expert_panel": 3,
    "criteria_provided,_multiple_submitters,_no_conflicts": 2,
    "criteria_provided,_multiple_submitters": 2,
    "criteria_provided,_conflicting_classifications": 1,
    "criteria_provided,_conflicting_interpretations": 1,
    "criteria_provided,_single_submitter": 1,
    "no_assertion_criteria_provided": 0,
    "no_assertion_provided": 0,
    "no_classification_provided": 0,
    "no_interpretation_for_the_single_variant": 0,
    "no_classification_for_the_single_variant": 0,
}


@dataclass(frozen=True)
class ClinVar:
    """A ClinVar record matched allele-exactly."""

    variation_id: str
    significance: str
    review_status: str
    stars: int
    condition: str

    @property
    def kind(self) -> str:
        """plp, low_penetrance, conflicting, vus, benign or other."""
        primary = self.significance.split("|")[0]
        if "onflicting" in self.significance:
            return "conflicting"
        if "low_penetrance" in primary:
            return "low_penetrance"
        if primary in PLP:
            return "plp"
        if primary == "Uncertain_significance":
            return "vus"
        if primary in BENIGN:
            return "benign"
        return "other"


@dataclass(frozen=True)
class Consequence:
    """One bcftools csq consequence, with HGVS-like c. and p. where they can be written."""

    consequence: str
    gene: str
    transcript: str
    biotype: str
    amino_acids: str
    hgvsc: str = ""
    hgvsp: str = ""

    @property
    def terms(self) -> set[str]:
        """The consequence's terms ('frameshift&stop_lost' -> two)."""
        return set(self.consequence.lstrip("*").split("&"))

    @property
    def is_lof(self) -> bool:
        """True for a loss-of-function consequence."""
        return bool(self.terms & LOF)


@dataclass
class Call:
    """One ALT allele carried by the sample, with its annotations."""

    contig: str
    pos: int
    ref: str
    alt: str
    filter: str
    genotype: str
    zygosity: str
    depth: int | None
    allele_fraction: float | None
    clinvar: ClinVar | None = None
    pop_af: float | None = None
    consequence: Consequence | None = None
    clinvar_genes: tuple[str, ...] = ()

    @property
    def gene(self) -> str | None:
        """The gene of the reporting consequence, else ClinVar's gene."""
        if self.consequence is not None:
            return self.consequence.gene
        return self.clinvar_genes[0] if self.clinvar_genes else None


def review_stars(status: str) -> int:
    """ClinVar review stars of a CLNREVSTAT value (unknown statuses count 0)."""
    return REVIEW_STARS.get(status.strip(), 0)


def _text(value: Any) -> str:
    if value is None:
        return ""
    return ",".join(map(str, value)) if isinstance(value, tuple) else str(value)


def _consequence(
    record: pysam.VariantRecord,
    alt: str,
    canonical: dict[str, Choice],
    models: dict[str, Model],
    fetch: Fetch | None,
) -> Consequence | None:
    """The csq consequence on a canonical transcript (else the first one) for this record."""
    entries = bcsq_entries(record)
    if not entries:
        return None
    chosen = next((f for f in entries if f[2] in canonical), entries[0])
    names = name(record.chrom, record.pos, record.ref, alt, chosen, models.get(chosen[2]), fetch)
    return Consequence(
        consequence=chosen[0],
        gene=chosen[1],
        transcript=chosen[2],
        biotype=chosen[3],
        amino_acids=chosen[5],
        hgvsc=names.hgvsc,
        hgvsp=names.hgvsp,
    )


def read_calls(
    vcf: Path,
    canonical: dict[str, Choice] | None = None,
    models: dict[str, Model] | None = None,
    fetch: Fetch | None = None,
) -> list[Call]:
    """Every ALT allele the (first) sample carries, with ClinVar, POP_AF and consequence
    (indels are named in c. only with the reference's `fetch`: tailorseq.variants)."""
    canonical, models = canonical or {}, models or {}
    calls = []
    with pysam.VariantFile(str(vcf)) as handle:
        info = handle.header.info
        for record in handle:
            sample = record.samples[0]
            gt = sample.get("GT") or ()
            for index, alt in enumerate(record.alts or (), start=1):
                if index not in gt:
                    continue
                calls.append(_call(record, sample, gt, index, alt, info, canonical, models, fetch))
    return calls


def _call(record, sample, gt, index, alt, info, canonical, models, fetch) -> Call:
    copies = sum(allele == index for allele in gt)
    zygosity = "hemi" if len(gt) == 1 else ("hom" if copies == len(gt) else "het")
    sep = "|" if sample.phased else "/"
    depth = sample.get("DP") if "DP" in sample else None
    ad = sample.get("AD") if "AD" in sample else None
    fraction = None
    if ad and None not in ad and sum(ad) > 0 and index < len(ad):
        fraction = round(ad[index] / sum(ad), 3)
    if depth is None and ad and None not in ad:
        depth = sum(ad)
    call = Call(
        contig=record.chrom,
        pos=record.pos,
        ref=record.ref,
        alt=alt,
        filter=";".join(record.filter.keys()) or "PASS",
        genotype=sep.join("." if a is None else str(a) for a in gt),
        zygosity=zygosity,
        depth=depth,
        allele_fraction=fraction,
        consequence=_consequence(record, alt, canonical, models, fetch),
    )
    if "CLNSIG" in info and record.info.get("CLNSIG") is not None:
        status = _text(record.info.get("CLNREVSTAT"))
        call.clinvar = ClinVar(
            variation_id=_text(record.info.get("CLNVID")) if "CLNVID" in info else "",
            significance=_text(record.info.get("CLNSIG")),
            review_status=status,
            stars=review_stars(status),
            condition=_text(record.info.get("CLNDN")) if "CLNDN" in info else "",
        )
        geneinfo = _text(record.info.get("GENEINFO")) if "GENEINFO" in info else ""
        call.clinvar_genes = tuple(g.split(":")[0] for g in geneinfo.split("|") if g)
    if "POP_AF" in info and record.info.get("POP_AF") is not None:
        values = record.info["POP_AF"]
        value = values[index - 1] if isinstance(values, tuple) else values
        call.pop_af = None if value is None else float(value)
    return call

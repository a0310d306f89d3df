"""Somatic actionability: a tumour's variants and biomarkers matched to therapies, with tiers.

Knowledge: the curated table (`curated.py`), CIViC when configured (`civic.py`); tumour types
on OncoTree (`oncotree.py`); tiers and the cancer-gene list in `tiers.py`.

Variants: PASS records of the annotated somatic VCF, every bcftools csq (INFO/BCSQ) consequence
of them, compared by protein change, codon, protein region or genomic allele (`knowledge.py`).
Biomarkers: TMB-high and MSI-high from the pair's biomarkers.json, validated on reading
(`tmb.status` "high" / "not high" / "not assessed", `msi.status` "MSI-high" / "MSS" / "not
assessed"). A biomarker counts only when assessed.
Copy number and fusions (`alterations.py`): a gene's amplification or deep deletion from the
pair's cnv.json, only when assessed; a fusion with the gene as 3' partner from its sv.json.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from tailorseq import documents
from tailorseq.somatic import alterations
from tailorseq.somatic.civic import load_civic
from tailorseq.somatic.curated import load_curated
from tailorseq.somatic.knowledge import Entry, KnowledgeError, file_version, protein_key
from tailorseq.somatic.matching import match_variant
from tailorseq.somatic.oncotree import OncoTree, TumourType, applies, load_oncotree
from tailorseq.somatic.records import Observed, read_somatic
from tailorseq.somatic.tiers import (
    TIER_DEFINITIONS,
    amp_tier,
    cancer_genes,
    unknown_copy_number,
    unknown_significance,
)


@dataclass(frozen=True)
class KnowledgeFiles:
    """The knowledge an actionability run reads (records: download records of URL sources)."""

    curated: Path
    oncotree: Path | None = None
    oncotree_record: Path | None = None
    civic: Path | None = None
    civic_record: Path | None = None


def biomarker_status(biomarkers: dict) -> dict[str, dict]:
    """TMB-high and MSI-high from a biomarkers document (resources/biomarkers.schema.json, by
    its `status` fields): {name: {assessed, high, value, ...}}."""
    status = {}
    tmb = biomarkers["tmb"]
    status["TMB-high"] = {
        "assessed": tmb["status"] != "not assessed",
        "high": tmb["status"] == "high",
        "value": tmb["mutations_per_mb"],
        "unit": "mutations/Mb",
        "cutoff": tmb["cutoff"],
        # absent without gene annotation
        "callable_coding_bases": tmb.get("callable_coding_bases"),
    }
    if tmb.get("callable_coding_bases") is not None and tmb["callable_coding_bases"] < 1_000_000:
        status["TMB-high"]["caveat"] = (
            f"TMB over {tmb['callable_coding_bases']} callable coding bases: the FDA cutoff of 10"
            " mutations/Mb was set with an approved panel of about 0.8-1.1 Mb; smaller footprints"
            " give unstable values"
        )
    msi = biomarkers["msi"]
    status["MSI-high"] = {
        "assessed": msi["status"] != "not assessed",
        "high": msi["status"] == "MSI-high",
        "value": msi["score"],
        "unit": "score",
        "cutoff": msi.get("cutoff"),  # absent when MSI was not scored
    }
    for name, part in (("TMB-high", tmb), ("MSI-high", msi)):
        if not status[name]["assessed"] and part["reason"]:
            status[name]["reason"] = part["reason"]
    return status


def rank(match: dict) -> tuple:
    """Sort order: tier, AMP level, curated before CIViC, sensitivity before resistance."""
    return (
        match["tier"],
        match["amp_level"],
        match["knowledge"] != "curated",
        match["significance"] != "sensitivity",
        match["evidence_level"],
    )


def merge(matches: Iterable[dict]) -> list[dict]:
    """One match per (variant, knowledge, indication, drugs, significance): the best tier and
    level kept, evidence ids and sources pooled."""
    merged: dict[tuple, dict] = {}
    for match in matches:
        key = (
            match["kind"],
            match["gene"],
            match.get("variant_key", match["variant"]),
            match["knowledge"],
            match["indication"].lower(),
            tuple(match["drugs"]),
            match["significance"],
        )
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


@dataclass(frozen=True)
class Tumour:
    """The patient's tumour type as given and as resolved on OncoTree (None: not given)."""

    given: str | None
    node: TumourType | None
    tree: OncoTree | None


def describe(entry: Entry, tumour: Tumour) -> dict | None:
    """The knowledge side of a match, with its tier; None when the evidence is not reported:
    level E, or diagnostic or prognostic evidence outside its tumour type (what a guideline
    says an alteration means in one tumour type it does not say of another)."""
    in_type = tumour.tree is not None and applies(entry.indication, tumour.node, tumour.tree)
    tier = amp_tier(entry.evidence_level, in_type)
    if tier is None or (entry.implication and not in_type):
        return None
    described = {
        "tier": tier[0],
        "amp_level": tier[1],
        "indication": entry.indication.label,
        "indication_oncotree": sorted(entry.indication.codes | entry.indication.classes),
        "tumor_type": tumour.given,
        "tumor_type_matches": in_type,
        "drugs": entry.drugs,
        "significance": entry.significance,
        "evidence_level": entry.evidence_level,
        "knowledge": entry.knowledge,
        "evidence_ids": list(entry.ids),
        "sources": list(entry.sources),
    }
    if entry.indication.excluded:
        described["indication_excludes"] = sorted(entry.indication.excluded)
    if entry.source_date:
        described["source_date"] = entry.source_date
    if entry.implication:
        described["implication"] = entry.implication
    return described


def variant_matches(
    entries: list[Entry], variants: list[Observed], build: str, tumour: Tumour
) -> Iterator[dict]:
    """Every (knowledge entry, PASS variant) pair that matches."""
    for variant in variants:
        for entry in entries:
            if entry.rule in ("biomarker", *alterations.RULES):
                continue
            how, change = match_variant(entry, variant, build)
            described = describe(entry, tumour) if how else None
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
    entries: list[Entry], status: dict[str, dict], tumour: Tumour
) -> Iterator[dict]:
    """Biomarker indications (TMB-high, MSI-high) the tumour meets, when assessed."""
    for entry in entries:
        found = status.get(entry.variant, {})
        if entry.rule != "biomarker" or not (found.get("assessed") and found.get("high")):
            continue
        described = describe(entry, tumour)
        if described is None:
            continue
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


def alteration_matches(
    entries: list[Entry], copy_number: dict, structural: dict, tumour: Tumour
) -> Iterator[dict]:
    """Copy-number and fusion indications the tumour meets (tailorseq.somatic.alterations)."""
    for entry, found in alterations.hits(entries, copy_number, structural):
        described = describe(entry, tumour)
        if described is not None:
            yield {**found, **described}


def resolve_tumour(tumour_type: str | None, files: KnowledgeFiles) -> Tumour:
    """The tumour type on OncoTree; an error when it is given but cannot be resolved."""
    tree = load_oncotree(files.oncotree) if files.oncotree is not None else None
    if not tumour_type:
        return Tumour(None, None, tree)
    if tree is None:
        raise KnowledgeError(
            f"tumor_type {tumour_type!r} is given but no OncoTree file is configured, so it "
            "cannot be matched to any indication. Fix: set somatic.oncotree to OncoTree's tree "
            "file (a path, or a URL such as https://oncotree.mskcc.org/api/tumorTypes)"
        )
    return Tumour(tumour_type, tree.resolve(tumour_type, "samples.tsv"), tree)


def tumour_section(tumour: Tumour) -> dict | None:
    """The resolved tumour type for the document."""
    node = tumour.node
    if node is None:
        return None
    return {
        "code": node.code,
        "name": node.name,
        "main_type": node.main_type,
        "tissue": node.tissue,
        "haematological": node.haematological,
        "lineage": tumour.tree.lineage(node.code) if tumour.tree else [node.code],
    }


def actionability(
    vcf: Path,
    biomarkers_file: Path,
    build: str,
    tumour_type: str | None,
    files: KnowledgeFiles,
    cnv_file: Path | None = None,
    sv_file: Path | None = None,
) -> dict:
    """The actionability document of a tumour/normal pair (cnv_file, sv_file: its copy number
    and structural variants, when called)."""
    tumour = resolve_tumour(tumour_type, files)
    curated, curated_version = load_curated(files.curated)
    entries, civic_genes = list(curated), set()
    knowledge: dict = {"curated": curated_version, "civic": None, "oncotree": None}
    if files.civic is not None:
        civic, knowledge["civic"], civic_genes = load_civic(
            files.civic, curated, files.civic_record
        )
        entries += civic
    if files.oncotree is not None and tumour.tree is not None:
        named = {code for e in entries for code in e.indication.codes | e.indication.excluded}
        knowledge["oncotree"] = {
            **file_version(files.oncotree, files.oncotree_record),
            "nodes": len(tumour.tree.nodes),
            "indication_codes_not_in_tree": tumour.tree.unknown_codes(named),
        }
    biomarkers = documents.load("biomarkers", biomarkers_file)
    status = biomarker_status(biomarkers)
    variants = read_somatic(vcf)
    copy_number = alterations.copy_number_status(documents.load_optional("cnv", cnv_file))
    structural = alterations.fusion_status(documents.load_optional("sv", sv_file))
    found = merge(
        [
            *variant_matches(entries, variants, build, tumour),
            *biomarker_matches(entries, status, tumour),
            *alteration_matches(entries, copy_number, structural, tumour),
        ]
    )
    matched = {m.pop("variant_key") for m in found if m["kind"] == "variant"}
    altered = {(m["gene"], m["variant"]) for m in found if m["kind"] == "copy_number"}
    genes = cancer_genes(curated, civic_genes)
    return {
        "schema": documents.IDS["actionable"],
        "tumor": biomarkers["tumor"],
        "normal": biomarkers["normal"],
        "tumor_type": tumour_type,
        "tumor_type_oncotree": tumour_section(tumour),
        "build": build,
        "knowledge": knowledge,
        "tiers": TIER_DEFINITIONS,
        "matches": found,
        "unknown_significance": [
            *unknown_significance(variants, matched, genes),
            *unknown_copy_number(copy_number["altered_genes"], altered, genes),
        ],
        "cancer_genes": len(genes),
        "biomarkers": status,
        "copy_number": copy_number,
        "fusions": structural,
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
    documents.write("actionable", document, json_out)
    rows = [*document["matches"], *document["unknown_significance"]]
    lines = ["\t".join(TSV_COLUMNS)]
    lines += ["\t".join(tsv_value(row.get(c)) for c in TSV_COLUMNS) for row in rows]
    tsv_out.write_text("\n".join(lines) + "\n")

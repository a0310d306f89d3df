"""Assemble a patient's report document (resources/report.schema.json) from the outputs of
the patient's samples. Every section states plainly when it was not assessed and why."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import tailorseq
from tailorseq.report import SCHEMA_ID
from tailorseq.report.coverage import pgx_coverage, pgx_position_depths, read_gene_coverage
from tailorseq.report.plain import patient_summary
from tailorseq.report.qc import Thresholds, judge, overall, sample_qc

#: Words of a CPIC recommendation that advise a change from the usual prescription.
CHANGE_WORDS = (
    "avoid",
    "alternative",
    "reduce",
    "reduction",
    "increase",
    "lower",
    "not recommended",
    "contraindicated",
    "decrease",
    "titrat",
    "consider",
)
#: Words of a CPIC recommendation that advise the usual prescription.
STANDARD_WORDS = (
    "standard",
    "recommended starting dose",
    "desired starting dose",
    "label recommended",
    "normal starting dose",
)
GERMLINE_KINDS = ("germline", "normal")
#: Tumour/normal germline concordance below these warns / fails (a possible sample swap).
CONCORDANCE_WARN, CONCORDANCE_FAIL = 0.95, 0.9


@dataclass
class SampleFiles:
    """One sample of the patient and its outputs (None: not produced for this sample)."""

    name: str
    kind: str
    sex: str | None = None
    consent: bool = False
    stats: Path | None = None
    mosdepth: Path | None = None
    pgx: Path | None = None
    pgx_vcf: Path | None = None
    findings: Path | None = None
    gene_regions: Path | None = None
    gene_thresholds: Path | None = None
    sex_check: Path | None = None
    purity: float | None = None
    tumor_type: str | None = None


@dataclass
class Settings:
    """Thresholds and context of the report."""

    thresholds: Thresholds = field(default_factory=Thresholds)
    coverage_min_depth: int = 20
    coverage_min_fraction: float = 0.9
    pgx_min_depth: int = 8
    genes: list[str] = field(default_factory=list)
    gene_list: dict[str, dict[str, Any]] = field(default_factory=dict)
    pgx_positions: dict[tuple[str, int], str] = field(default_factory=dict)
    reference: dict[str, Any] = field(default_factory=dict)
    pipeline: dict[str, Any] = field(default_factory=dict)
    config_sha256: str | None = None


@dataclass
class TumourFiles:
    """A tumour/normal pair's outputs (biomarkers JSON, the model's pair summary, and the
    actionability JSON)."""

    tumor: str
    normal: str
    biomarkers: Path | None = None
    summary: Path | None = None
    actionable: Path | None = None


def _load(path: Path | None) -> dict[str, Any] | None:
    return json.loads(Path(path).read_text()) if path else None


def recommendation_action(text: str | None) -> str:
    """`change advised`, `standard prescribing` or `see recommendation`, from the words of a
    recommendation (a reading aid shown next to the full text, never instead of it)."""
    if not text:
        return "no recommendation text"
    lowered = text.lower()
    if any(word in lowered for word in CHANGE_WORDS):
        return "change advised"
    if any(word in lowered for word in STANDARD_WORDS):
        return "standard prescribing"
    return "see recommendation"


def germline_sample(samples: list[SampleFiles]) -> SampleFiles | None:
    """The sample whose germline results stand for the patient: a germline sample, else the
    normal of a tumour/normal pair."""
    for kind in GERMLINE_KINDS:
        for sample in samples:
            if sample.kind == kind:
                return sample
    return None


# ---------------------------------------------------------------- sections
def qc_section(samples: list[SampleFiles], tumours: list[TumourFiles], settings: Settings):
    entries = []
    for sample in samples:
        if sample.stats and sample.mosdepth:
            entry = {
                "sample": sample.name,
                "kind": sample.kind,
                **sample_qc(sample.stats, sample.mosdepth, settings.thresholds),
            }
        else:
            entry = {
                "sample": sample.name,
                "kind": sample.kind,
                "reads": None,
                "metrics": [],
                "status": "not assessed",
                "not_checked": ["QC files were not produced"],
            }
        entries.append(entry)
    pair_checks = []
    for tumour in tumours:
        summary = _load(tumour.summary) if tumour.summary else None
        concordance = (summary or {}).get("concordance")
        if concordance:
            fraction = concordance.get("fraction")
            verdict = concordance.get("verdict") or ""
            status = judge(fraction, CONCORDANCE_WARN, CONCORDANCE_FAIL)
            pair_checks.append(
                {
                    "tumor": tumour.tumor,
                    "normal": tumour.normal,
                    "check": "germline concordance",
                    "fraction": fraction,
                    "verdict": verdict,
                    "status": status,
                }
            )
            for entry in entries:
                if entry["sample"] == tumour.tumor and entry["not_checked"]:
                    entry["not_checked"] = ["contamination is not checked yet"]
    statuses = [e["status"] for e in entries] + [c["status"] for c in pair_checks]
    return {
        "status": overall(statuses),
        "samples": entries,
        "pair_checks": pair_checks,
        "thresholds": vars(settings.thresholds),
    }


def pgx_section(sample: SampleFiles | None) -> dict[str, Any]:
    if sample is None or sample.pgx is None:
        return {
            "assessed": False,
            "sample": sample.name if sample else None,
            "statement": "Pharmacogenomics was not assessed: no PGx allele definitions are"
            " configured for this reference (config pgx.definitions).",
            "genes": [],
            "drugs": [],
            "not_called": [],
            "knowledge": None,
        }
    document = _load(sample.pgx)
    genes, not_called = [], []
    for name, gene in sorted(document.get("genes", {}).items()):
        phenotype = gene.get("phenotype") or {}
        diplotypes = [d["name"] for d in gene.get("diplotypes", []) if d.get("name")]
        missing = [
            m.get("rsid") or f"{m.get('chromosome')}:{m.get('position')}"
            for m in gene.get("missing_positions", [])
        ]
        called = bool(gene.get("called")) and bool(diplotypes)
        reason = None
        if not called:
            reason = "; ".join(gene.get("warnings") or []) or (
                f"{len(missing)} defining position(s) without a usable genotype"
                if missing
                else "no named allele combination matches the genotypes"
            )
            not_called.append({"gene": name, "reason": reason})
        genes.append(
            {
                "gene": name,
                "called": called,
                "diplotype": " or ".join(diplotypes) if called else None,
                "phenotype": phenotype.get("phenotype") if called else None,
                "activity_score": phenotype.get("activity_score") if called else None,
                "source": gene.get("source"),
                "missing_positions": missing,
                "warnings": gene.get("warnings") or [],
                "not_called_reason": reason,
            }
        )
    drugs = []
    for rec in document.get("recommendations", []):
        text = rec.get("recommendation")
        drugs.append(
            {
                "drug": rec["drug"],
                "genes": rec.get("genes", {}),
                "recommendation": text,
                "action": recommendation_action(text),
                "cpic_level": rec.get("cpic_level"),
                "classification": rec.get("classification"),
                "guideline": rec.get("guideline"),
                "note": drug_note(rec),
            }
        )
    drugs.sort(key=lambda d: (d["action"] != "change advised", d["cpic_level"] or "Z", d["drug"]))
    knowledge = document.get("knowledge", {})
    return {
        "assessed": True,
        "sample": sample.name,
        "statement": f"{sum(g['called'] for g in genes)} of {len(genes)} genes called"
        f" from {sample.name}.",
        "genes": genes,
        "drugs": drugs,
        "not_called": not_called,
        "knowledge": {
            "definitions": knowledge.get("source"),
            "phenotypes": _version(knowledge.get("phenotypes")),
            "recommendations": _version(knowledge.get("recommendations")),
        },
        "warnings": document.get("warnings", []),
    }


def drug_note(rec: dict) -> str | None:
    """A drug row's caveat: the recommendation's note, the gene it also needs, or the population
    it is for (CPIC files have several per drug, e.g. adults and children)."""
    if rec.get("note"):
        return rec["note"]
    if rec.get("needs"):
        return f"also needs {', '.join(rec['needs'])}"
    population = rec.get("population")
    return f"population: {population}" if population and population != "general" else None


def _version(info: dict | None) -> str | None:
    if not info:
        return None
    return " ".join(str(info[k]) for k in ("name", "version") if info.get(k)) or None


def hereditary_section(sample: SampleFiles | None) -> dict[str, Any]:
    base = {"findings": [], "for_review": [], "gene_list": None, "clinvar": None}
    if sample is None or sample.findings is None:
        return base | {
            "assessed": False,
            "consent": bool(sample and sample.consent),
            "statement": "Hereditary findings were not assessed: no gene annotation"
            " is configured for this reference (reference.gff3).",
        }
    document = _load(sample.findings)
    gene_list = document.get("gene_list")
    clinvar = document.get("clinvar")
    common = base | {"gene_list": gene_list, "clinvar": clinvar, "consent": document["consent"]}
    if not document.get("assessed"):
        return common | {
            "assessed": False,
            "statement": "Hereditary findings were not assessed: the patient did not"
            " consent to secondary findings. Nothing was looked at in"
            " the secondary-findings genes.",
        }
    findings = [_finding(item) for item in document.get("findings", [])]
    for_review = [_finding(item) for item in document.get("for_review", [])]
    genes = gene_list.get("genes") if gene_list else "the listed"
    statement = (
        f"{len(findings)} pathogenic or likely pathogenic variant(s) found in {genes} genes"
        f" ({gene_list.get('name') if gene_list else 'gene list'})."
        if findings
        else f"No pathogenic or likely pathogenic variant found in {genes} genes"
        f" ({gene_list.get('name') if gene_list else 'gene list'})."
    )
    if not clinvar:
        statement += " ClinVar was not configured: only variants for review are listed."
    return common | {
        "assessed": True,
        "statement": statement,
        "findings": findings,
        "for_review": for_review,
    }


def _finding(item: dict[str, Any]) -> dict[str, Any]:
    csq = item.get("consequence") or {}
    clinvar = item.get("clinvar") or {}
    entry = item.get("gene_list_entry") or {}
    return {
        "gene": item["gene"],
        "variant": f"{item['contig']}:{item['pos']} {item['ref']}>{item['alt']}",
        "hgvsc": csq.get("hgvsc"),
        "hgvsp": csq.get("hgvsp"),
        "transcript": csq.get("transcript"),
        "consequence": csq.get("consequence"),
        "zygosity": item.get("zygosity"),
        "depth": item.get("depth"),
        "allele_fraction": item.get("allele_fraction"),
        "significance": clinvar.get("significance"),
        "review_stars": clinvar.get("stars"),
        "clinvar_id": clinvar.get("variation_id"),
        "condition": entry.get("condition") or clinvar.get("condition"),
        "inheritance": entry.get("inheritance"),
        "note": item.get("note") or None,
    }


def tumour_section(samples: list[SampleFiles], tumours: list[TumourFiles]) -> dict[str, Any]:
    tumour_samples = [s for s in samples if s.kind == "tumor"]
    if not tumour_samples:
        return {
            "present": False,
            "statement": "No tumour sample was tested for this patient.",
            "pairs": [],
        }
    by_name = {s.name: s for s in samples}
    pairs = []
    for tumour in tumours:
        document = _load(tumour.biomarkers)
        sample = by_name.get(tumour.tumor)
        pair: dict[str, Any] = {
            "tumor": tumour.tumor,
            "normal": tumour.normal,
            "tumor_type": sample.tumor_type if sample else None,
            "purity": sample.purity if sample else None,
        }
        if document is None:
            pairs.append(
                pair
                | {
                    "assessed": False,
                    "mutations": [],
                    "tmb": None,
                    "msi": {"assessed": False, "reason": "somatic results were not produced"},
                    "actionable": {
                        "assessed": False,
                        "variants": [],
                        "statement": "Somatic results were not produced for this pair.",
                    },
                    "statement": "Somatic calling did not produce results for this pair (somatic"
                    " calling needs reference.gff3 for TMB).",
                }
            )
            continue
        tmb = document.get("tmb") or {}
        mutations = [
            {
                k: m.get(k)
                for k in (
                    "gene",
                    "contig",
                    "pos",
                    "ref",
                    "alt",
                    "type",
                    "consequence",
                    "protein_change",
                    "vaf",
                )
            }
            for m in tmb.get("mutations", [])
        ]
        purity = document.get("purity", pair["purity"])
        for mutation in mutations:
            mutation["expected_vaf"], mutation["vaf_reading"] = vaf_reading(mutation["vaf"], purity)
        actionable = _load(tumour.actionable) or document.get("actionable")
        pairs.append(
            pair
            | {
                "assessed": True,
                "purity": purity,
                "mutations": mutations,
                "tmb": {
                    k: tmb.get(k)
                    for k in (
                        "assessed",
                        "mutations_per_mb",
                        "coding_mutations",
                        "callable_coding_bases",
                        "cutoff",
                        "tmb_high",
                        "definition",
                    )
                },
                "msi": document.get("msi") or {"assessed": False, "reason": "not reported"},
                "actionable": _actionable(actionable),
                "statement": f"{len(mutations)} somatic coding mutation(s) in {tumour.tumor}"
                f" (against {tumour.normal}).",
            }
        )
    if not pairs:
        return {
            "present": True,
            "pairs": [],
            "statement": "A tumour sample was sequenced but somatic calling has not run for it.",
        }
    return {"present": True, "statement": f"{len(pairs)} tumour/normal pair(s).", "pairs": pairs}


def vaf_reading(vaf: float | None, purity: float | None) -> tuple[float | None, str]:
    """The allele fraction a clonal heterozygous change would show at this purity (diploid
    region: purity / 2), and what the observed fraction suggests against it."""
    if purity is None:
        return None, "purity not given"
    expected = round(purity / 2, 3)
    if vaf is None:
        return expected, "allele fraction not measured"
    if vaf < 0.6 * expected:
        return expected, "below the clonal expectation: possibly subclonal"
    if vaf > 1.5 * expected:
        return (
            expected,
            "above the clonal expectation: possible copy gain or loss of the other allele",
        )
    return expected, "consistent with a clonal heterozygous change"


def _actionable(actionable: Any) -> dict[str, Any]:
    if not actionable:
        return {
            "assessed": False,
            "variants": [],
            "statement": "Actionability (evidence tiers and matching drugs) is not assessed"
            " yet: no somatic knowledge base is configured.",
        }
    if isinstance(actionable, list):
        variants = actionable
    else:
        variants = actionable.get("matches", actionable.get("variants", []))
    rows = [
        {
            "gene": v.get("gene"),
            "variant": v.get("protein_change") or v.get("variant"),
            "tier": v.get("tier"),
            "drugs": list(v.get("drugs") or []),
            "evidence": v.get("evidence") or _evidence(v),
        }
        for v in variants
    ]
    statement = f"{len(rows)} actionable variant(s)." if rows else "No actionable variant found."
    return {"assessed": True, "variants": rows, "statement": statement}


def _evidence(match: dict[str, Any]) -> str | None:
    """An actionability match's evidence in a few words: level, indication, knowledge."""
    parts = [
        f"level {match['evidence_level']}" if match.get("evidence_level") else None,
        match.get("indication"),
        match.get("knowledge"),
    ]
    return ", ".join(str(part) for part in parts if part) or None


def coverage_section(samples: list[SampleFiles], tumours: dict, settings: Settings):
    genes, pgx = [], []
    listed = set(settings.gene_list) | set(settings.genes)
    somatic_genes = {m["gene"] for pair in tumours.get("pairs", []) for m in pair["mutations"]}
    for sample in samples:
        if sample.gene_regions and sample.gene_thresholds:
            per_gene = read_gene_coverage(
                sample.gene_regions,
                sample.gene_thresholds,
                settings.coverage_min_depth,
                settings.coverage_min_fraction,
            )
            wanted = set(settings.genes) | (
                somatic_genes if sample.kind == "tumor" else set(settings.gene_list)
            )
            for gene in sorted(wanted & set(per_gene)):
                genes.append({"sample": sample.name, **per_gene[gene]})
        if sample.pgx_vcf and settings.pgx_positions:
            depths = pgx_position_depths(sample.pgx_vcf, settings.pgx_positions)
            for entry in pgx_coverage(depths, settings.pgx_min_depth).values():
                pgx.append({"sample": sample.name, **entry})
    assessed = bool(genes or pgx)
    return {
        "assessed": assessed,
        "statement": None
        if assessed
        else "Coverage per gene was not assessed: no gene"
        " annotation (reference.gff3) and no PGx definitions are configured.",
        "min_depth": settings.coverage_min_depth,
        "min_fraction": settings.coverage_min_fraction,
        "genes": genes,
        "genes_without_cds": sorted(listed - {g["gene"] for g in genes}) if genes else [],
        "pgx_positions": pgx,
    }


PGX_LIMITS = (
    "Only small variants at the allele-defining positions are genotyped: gene deletions,"
    " duplications and hybrid alleles (e.g. CYP2D6) are not detected, and genes that need them"
    " are not called here. Unphased results list the most likely diplotype."
)
HEREDITARY_LIMITS = (
    "Only small variants (SNVs and short indels) classified pathogenic or likely pathogenic"
    " in ClinVar are reported; copy-number changes, structural variants and repeat expansions"
    " are not assessed, and a negative result does not rule out a hereditary condition."
)
QUALITY_LIMITS = (
    "Contamination is not estimated yet; sample identity is checked only between a tumour"
    " and its normal (germline concordance)."
)


def limitations(report: dict[str, Any], settings: Settings) -> list[dict[str, str]]:
    """What the test could not see for this patient, one statement per item."""
    items: list[dict[str, str]] = []

    def add(topic: str, text: str) -> None:
        items.append({"topic": topic, "text": text})

    coverage = report["coverage"]
    for gene in coverage["genes"]:
        if not gene["adequate"]:
            fraction = f"{gene['fraction_at_min_depth']:.0%}"
            add(
                "coverage",
                f"{gene['gene']} ({gene['sample']}): only {fraction} of its coding"
                f" bases reach {gene['min_depth']}x; variants in the"
                f" {len(gene['low_regions'])} low-coverage region(s) may be missed.",
            )
    for gene in coverage["pgx_positions"]:
        if gene["below_min_depth"]:
            add(
                "coverage",
                f"{gene['gene']} ({gene['sample']}): {gene['below_min_depth']} of"
                f" {gene['positions']} allele-defining positions below {gene['min_depth']}x.",
            )
    absent = coverage["genes_without_cds"]
    if absent:
        more = f" and {len(absent) - 12} more" if len(absent) > 12 else ""
        add(
            "genes not assessed",
            f"{len(absent)} listed gene(s) are not in the gene annotation"
            " used: their coverage was not measured and their variants get no consequence:"
            f" {', '.join(absent[:12])}{more}.",
        )
    for gene in report["pharmacogenomics"]["not_called"]:
        add("genes not assessed", f"{gene['gene']} was not called: {gene['reason']}.")
    if report["pharmacogenomics"]["assessed"]:
        add("pharmacogenomics", PGX_LIMITS)
    hereditary = report["hereditary"]
    add("hereditary", HEREDITARY_LIMITS if hereditary["assessed"] else hereditary["statement"])
    for pair in report["tumour"]["pairs"]:
        msi = pair.get("msi") or {}
        if not msi.get("assessed"):
            reason = msi.get("reason", "not reported")
            add("tumour", f"MSI of {pair['tumor']} not assessed: {reason}.")
        if not pair["actionable"]["assessed"]:
            add("tumour", pair["actionable"]["statement"])
    add("quality", QUALITY_LIMITS)
    return items


def provenance_section(samples: list[SampleFiles], settings: Settings) -> dict[str, Any]:
    sample = germline_sample(samples)
    clinvar = None
    pgx = None
    gene_list = None
    if sample and sample.findings:
        findings = _load(sample.findings)
        clinvar = (findings.get("clinvar") or {}).get("file_date")
        gene_list = (findings.get("gene_list") or {}).get("name")
    if sample and sample.pgx:
        knowledge = _load(sample.pgx).get("knowledge", {})
        pgx = knowledge.get("source")
    return {
        "pipeline": {
            "name": "tailorseq",
            "version": settings.pipeline.get("version") or tailorseq.__version__,
            "commit": settings.pipeline.get("commit"),
        },
        "config_sha256": settings.config_sha256,
        "reference": {
            "build": settings.reference.get("build"),
            "fasta": settings.reference.get("fasta"),
        },
        "knowledge": {
            "clinvar_file_date": clinvar,
            "pgx_definitions": pgx,
            "gene_list": gene_list,
        },
        "manifest": "results/run/provenance.json",
    }


def sample_sex(sample: SampleFiles) -> dict[str, Any]:
    """The sample's sex: the sheet's, or when it gives none the one the reads show
    (tailorseq.sex), with the sex check's verdict, message and evidence."""
    if sample.sex_check is None:
        return {"sex": sample.sex or None, "sex_check": None}
    check = json.loads(sample.sex_check.read_text())
    sex = sample.sex
    if sex in (None, "unknown") and check["inferred_sex"] in ("male", "female"):
        sex = check["inferred_sex"]
    keys = ("verdict", "inferred_sex", "sheet_sex", "message", "reason", "evidence")
    return {"sex": sex or None, "sex_check": {key: check[key] for key in keys}}


def assemble(
    patient: str,
    patient_pseudonym: str,
    samples: list[SampleFiles],
    tumours: list[TumourFiles],
    settings: Settings,
    generated: datetime | None = None,
) -> dict[str, Any]:
    """The report document of one patient."""
    germline = germline_sample(samples)
    report: dict[str, Any] = {
        "schema": SCHEMA_ID,
        "header": {
            "patient": patient,
            "patient_pseudonym": patient_pseudonym,
            "samples": [
                {
                    "sample": s.name,
                    "kind": s.kind,
                    **sample_sex(s),
                    "secondary_findings_consent": s.consent,
                }
                for s in samples
            ],
            "generated": (generated or datetime.now(UTC)).isoformat(timespec="seconds"),
            "pipeline": settings.pipeline.get("version") or tailorseq.__version__,
            "reference_build": settings.reference.get("build"),
        },
        "qc": qc_section(samples, tumours, settings),
        "pharmacogenomics": pgx_section(germline),
        "hereditary": hereditary_section(germline),
        "tumour": tumour_section(samples, tumours),
    }
    report["coverage"] = coverage_section(samples, report["tumour"], settings)
    report["limitations"] = limitations(report, settings)
    report["provenance"] = provenance_section(samples, settings)
    report["patient_summary"] = patient_summary(report)
    return report

"""Assemble a patient's report document (resources/report.schema.json) from the outputs of
the patient's samples. Every section states plainly when it was not assessed and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import tailorseq
from tailorseq import documents
from tailorseq.report import SCHEMA_ID
from tailorseq.report.coverage import coverage_section
from tailorseq.report.hereditary import hereditary_section
from tailorseq.report.methods import (
    limitations,
    methods_section,
    provenance_section,
    sign_off_section,
    tumour_knowledge,
)
from tailorseq.report.pgx_section import pgx_section
from tailorseq.report.plain import patient_summary
from tailorseq.report.qc import Thresholds, qc_section
from tailorseq.report.rna_section import tumour_rna
from tailorseq.report.summary import summary_section
from tailorseq.somatic.alterations import fusion_status

GERMLINE_KINDS = ("germline", "normal")


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
    findings: Path | None = None
    gene_regions: Path | None = None
    gene_thresholds: Path | None = None
    sex_check: Path | None = None
    purity: float | None = None
    tumor_type: str | None = None


@dataclass
class Settings:
    """Thresholds and context of the report."""

    thresholds: Thresholds = field(default_factory=lambda: Thresholds.from_config(None))
    coverage_min_depth: int = 20
    coverage_min_fraction: float = 0.9
    pgx_min_depth: int = 8
    genes: list[str] = field(default_factory=list)
    gene_list: dict[str, dict[str, Any]] = field(default_factory=dict)
    reference: dict[str, Any] = field(default_factory=dict)
    pipeline: dict[str, Any] = field(default_factory=dict)
    config_sha256: str | None = None
    # methods and sign-off (config `report`, `targets`; tools as they ran: versions records)
    assay: str = ""
    targets: str = ""
    tools: dict[str, str] = field(default_factory=dict)
    laboratory: str = ""
    sign_off: dict[str, str] = field(default_factory=dict)
    use_statement: str = ""
    # download records (tailorseq.download) of every URL the run read; why PGx did not run
    downloads: list[dict[str, Any]] = field(default_factory=list)
    pgx_unavailable: str = ""


@dataclass
class TumourFiles:
    """A tumour/normal pair's outputs (biomarkers JSON, the model's pair summary, and the
    actionability JSON)."""

    tumor: str
    normal: str
    biomarkers: Path | None = None
    summary: Path | None = None
    actionable: Path | None = None
    #: HGVS names of the pair's somatic alleles by (contig, pos, ref, alt): variants.name_vcf
    names: dict = field(default_factory=dict)
    cnv: Path | None = None  # the copy-number document (None: copy number not called)
    cnv_plot: Path | None = None
    sv: Path | None = None  # the structural-variant document (None: SVs not called)
    rna: Path | None = None  # the tumour RNA document (None: no RNA sequenced or RNA off)


# The biomarkers document's fields the report carries (tailorseq.somatic.biomarkers).
TMB_FIELDS = (
    "status",
    "reason",
    "assessed",
    "tmb_high",
    "mutations_per_mb",
    "coding_mutations",
    "callable_coding_bases",
    "min_territory",
    "cutoff",
    "definition",
    "floors",
    "caveat",
    "fda_statement",
)
MSI_FIELDS = (
    "status",
    "reason",
    "assessed",
    "msi_high",
    "score",
    "sites_used",
    "sites_found",
    "sites_examined",
    "unstable_sites",
    "cutoff",
    "cutoff_source",
    "method_name",
    "purity_note",
)


def germline_sample(samples: list[SampleFiles]) -> SampleFiles | None:
    """The sample whose germline results stand for the patient: a germline sample, else the
    normal of a tumour/normal pair."""
    for kind in GERMLINE_KINDS:
        for sample in samples:
            if sample.kind == kind:
                return sample
    return None


# ---------------------------------------------------------------- sections
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
        document = documents.load_optional("biomarkers", tumour.biomarkers)
        sample = by_name.get(tumour.tumor)
        pair: dict[str, Any] = {
            "tumor": tumour.tumor,
            "normal": tumour.normal,
            "tumor_type": sample.tumor_type if sample else None,
            "purity": sample.purity if sample else None,
            "rna": tumour_rna(
                documents.load_optional("rna", tumour.rna),
                partial(hgvs_names, tumour.names),
            ),
        }
        if document is None:
            pairs.append(
                pair
                | {
                    "assessed": False,
                    "mutations": [],
                    "tmb": None,
                    "msi": {
                        "status": "not assessed",
                        "assessed": False,
                        "reason": "somatic results were not produced",
                    },
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
        tmb = document["tmb"]
        mutations = [
            {
                k: m[k]
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
            for m in tmb["mutations"]
        ]
        purity = document["purity"]
        for mutation in mutations:
            mutation["expected_vaf"], mutation["vaf_reading"] = vaf_reading(mutation["vaf"], purity)
            mutation |= hgvs_names(tumour.names, mutation)
        actionable = documents.load_optional("actionable", tumour.actionable)
        pair["copy_number"] = copy_number(documents.load_optional("cnv", tumour.cnv))
        pair["fusions"] = gene_fusions(documents.load_optional("sv", tumour.sv))
        pairs.append(
            pair
            | {
                "assessed": True,
                "purity": purity,
                "mutations": mutations,
                # fields the schema leaves out when not assessed are carried as null
                "tmb": {k: tmb.get(k) for k in TMB_FIELDS},
                "msi": {k: document["msi"].get(k) for k in MSI_FIELDS},
                "actionable": _actionable(actionable, tumour.names),
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


def hgvs_names(names: dict, variant: dict[str, Any]) -> dict[str, str | None]:
    """A somatic variant's transcript and HGVS names (None when not named)."""
    key = (variant["contig"], variant["pos"], variant["ref"], variant["alt"])
    found = names.get(key)
    if found is None:
        return dict.fromkeys(("transcript", "hgvsc", "hgvsp", "hgvsp_short"))
    return {
        "transcript": found.transcript,
        "hgvsc": found.hgvsc or None,
        "hgvsp": found.hgvsp or None,
        "hgvsp_short": found.hgvsp_short or None,
    }


def _actionable(actionable: dict[str, Any] | None, names: dict | None = None) -> dict[str, Any]:
    """The pair's actionability document's tier I-II matches, with their HGVS names."""
    if actionable is None:
        return {
            "assessed": False,
            "variants": [],
            "statement": "Actionability (evidence tiers and matching drugs) is not assessed"
            " yet: no somatic knowledge base is configured.",
        }
    rows = [
        {
            "gene": v["gene"],
            # biomarker (TMB-high, MSI-high) and copy-number matches have no protein change
            "variant": v.get("protein_change") or v["variant"],
            "tier": v["tier"],
            "kind": v["kind"],
            "drugs": list(v["drugs"]),
            # diagnostic or prognostic evidence: no drugs, what the source says it means
            "significance": v.get("significance"),
            "implication": v.get("implication"),
            "evidence": _evidence(v),
            "caveat": v.get("caveat"),
            **(hgvs_names(names, v) if names and v["kind"] == "variant" else {}),
        }
        for v in actionable["matches"]
    ]
    statement = f"{len(rows)} actionable variant(s)." if rows else "No actionable variant found."
    return {"assessed": True, "variants": rows, "statement": statement}


def copy_number(cnv: dict[str, Any] | None) -> dict[str, Any]:
    """A pair's copy number for the report: status, what was examined, the altered genes."""
    if cnv is None:
        return {"status": "not assessed", "reason": "copy number was not called (cnv.enabled)",
                "altered_genes": [], "territory_bases": 0, "purity": None,
                "scar": None}  # fmt: skip
    return {
        "status": cnv["status"],
        "reason": cnv["reason"],
        "altered_genes": cnv["altered_genes"],
        "territory_bases": cnv["territory"]["bases"],
        "purity": cnv["purity"],
        "tool": f"{cnv['tool']['name']} {cnv['tool']['version']}",
        "amplification_copies": cnv["settings"].get("amplification_copies"),
        "reference": reference_text(cnv["reference"]),
        "scar": scar_counts(cnv),
    }


def reference_text(reference: dict[str, Any]) -> str:
    """What the tumour was compared with, for the report."""
    if reference["kind"] == "paired normal":
        return "the pair's normal as reference"
    normals = reference["normals"]
    count = f"{normals} normals" if normals else "normals (how many is not recorded in it)"
    return f"a pooled reference of {count}, {reference['path']} (sha256 {reference['sha256']})"


def scar_counts(cnv: dict[str, Any]) -> dict[str, Any] | None:
    """The research-use genomic scar counts without their segments (None in older documents)."""
    if "scar" not in cnv:
        return None
    return {key: value for key, value in cnv["scar"].items() if key != "segments"}


def gene_fusions(sv: dict[str, Any] | None) -> dict[str, Any]:
    """A pair's gene fusions for the report: whether looked for, those found, the PASS SVs."""
    status = fusion_status(sv)
    return {**status, "pass_svs": sum(sv["pass_by_type"].values()) if sv else 0}


def _evidence(match: dict[str, Any]) -> str | None:
    """An actionability match's evidence in a few words: level, indication, knowledge."""
    parts = [
        f"level {match['evidence_level']}" if match["evidence_level"] else None,
        match["indication"],
        match["knowledge"],
    ]
    return ", ".join(str(part) for part in parts if part) or None


def sample_sex(sample: SampleFiles) -> dict[str, Any]:
    """The sample's sex: the sheet's, or when it gives none the one the reads show
    (tailorseq.sex), with the sex check's verdict, message and evidence."""
    if sample.sex_check is None:
        return {"sex": sample.sex or None, "sex_check": None}
    check = documents.load("sex", sample.sex_check)
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
    dna = [s for s in samples if s.kind != "tumor_rna"]  # RNA's QC is in its pair's RNA part
    report: dict[str, Any] = {
        "schema": SCHEMA_ID,
        "header": {
            "identifier": patient,
            "patient": patient,
            "patient_pseudonym": patient_pseudonym,
            "pseudonymised": patient == patient_pseudonym,
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
            "use_statement": settings.use_statement,
        },
        "qc": qc_section(dna, tumours, settings),
        "pharmacogenomics": pgx_section(
            germline.name if germline else None,
            germline.pgx if germline else None,
            settings.pgx_unavailable,
        ),
        "hereditary": hereditary_section(germline),
        "tumour": tumour_section(samples, tumours),
    }
    report["coverage"] = coverage_section(dna, report["tumour"], settings)
    report["summary"] = summary_section(report)
    report["methods"] = methods_section(germline, tumour_knowledge(tumours), settings)
    report["limitations"] = limitations(report)
    report["provenance"] = provenance_section(germline, settings)
    report["sign_off"] = sign_off_section(settings)
    report["patient_summary"] = patient_summary(report)
    return report

"""The report's methods, limitations, provenance and sign-off: how the test was done (assay,
reference, targets, tools and knowledge with versions), what it could not see for this patient
and never sees with short reads, and who signs it (from config `report`, or blank lines)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import tailorseq
from tailorseq import documents

if TYPE_CHECKING:
    from tailorseq.report.assemble import SampleFiles, Settings

PGX_LIMITS = (
    "Only small variants at the allele-defining positions are genotyped: gene deletions,"
    " duplications and hybrid alleles are not detected from them, and genes that need them are"
    " not called here (CYP2D6's come from Aldy where configured, or from an outside call)."
    " Heterozygous positions close enough for one read pair are phased from the reads"
    " (WhatsHap); farther apart they stay unphased, the diplotype is the most"
    " likely one, and the gene says 'phase not determined'."
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
#: What short-read small-variant calling cannot see, whatever the coverage (every report).
SHORT_READ_LIMITS = (
    "CYP2D6 structure (whole-gene deletion, duplications, CYP2D6/CYP2D7 hybrids) is called"
    " from the reads only where Aldy is configured (pgx.cyp2d6_caller) on a GRCh38 or GRCh37"
    " whole-genome run, and shown with that source; otherwise CYP2D6 is reported only from an"
    " outside call (config pgx.outside_calls).",
    "HLA alleles (HLA-A, HLA-B) are not typed from the reads: they are reported only from an"
    " outside call.",
    "Repeat expansions are not assessed.",
    "Germline copy number is called per coding exon from read depth against the run's other"
    " germline samples (at least two); only frameshifting exon deletions become findings, and"
    " they need orthogonal confirmation. Germline structural variants are not called; in"
    " tumours, copy number (CNVkit) and structural variants (DELLY) are called against the"
    " matched normal, and a fusion's reading frame is not assessed.",
)
#: Sign-off fields, in order: config key -> label (an empty value is a blank line to fill in).
SIGN_OFF_FIELDS = {
    "specimen": "Specimen",
    "ordering_clinician": "Ordering clinician",
    "reviewed_by": "Reviewed by",
    "signed_by": "Signed off by",
}
NOT_STATED = "not stated in the run's config"


def _findings(sample: SampleFiles | None) -> dict[str, Any] | None:
    """The sample's findings document, None when there is none."""
    return documents.load_optional("findings", sample.findings) if sample else None


def _pgx_knowledge(sample: SampleFiles | None) -> dict[str, Any]:
    """The knowledge part of the sample's PGx document, empty when there is none."""
    pgx = documents.load_optional("pgx", sample.pgx) if sample else None
    return pgx["knowledge"] if pgx else {}


def limitations(report: dict[str, Any]) -> list[dict[str, str]]:
    """What the test could not see for this patient, one statement per item, then what short
    reads never show."""
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
    for gene in report["pharmacogenomics"]["not_assessed"]:
        add("genes not assessed", f"{gene['gene']} was not assessed: {gene['reason']}.")
    if report["pharmacogenomics"]["assessed"]:
        add("pharmacogenomics", PGX_LIMITS)
    hereditary = report["hereditary"]
    add("hereditary", HEREDITARY_LIMITS if hereditary["assessed"] else hereditary["statement"])
    for pair in report["tumour"]["pairs"]:
        tmb = pair["tmb"]  # null when somatic results were not produced
        if tmb and tmb["status"] == "not assessed":
            add("tumour", f"TMB of {pair['tumor']} not assessed: {tmb['reason']}.")
        if not pair["msi"]["assessed"]:
            add("tumour", f"MSI of {pair['tumor']} not assessed: {pair['msi']['reason']}.")
        if not pair["actionable"]["assessed"]:
            add("tumour", pair["actionable"]["statement"])
    add("quality", QUALITY_LIMITS)
    for text in SHORT_READ_LIMITS:
        add("not seen by short reads", text)
    return items


def knowledge_used(sample: SampleFiles | None, tumour_knowledge: list[dict]) -> list[dict]:
    """Every knowledge source the patient's results used, with its version (name, version,
    detail), from the documents of the steps that used them."""
    used = []
    findings = _findings(sample)
    if findings is not None:
        used.append({"name": "gene list", "version": findings["gene_list"]["name"], "detail": None})
    clinvar = findings["clinvar"] if findings else None
    if clinvar:
        detail = f"sha256 {clinvar['sha256'][:12]}" if clinvar["sha256"] else None
        used.append({"name": "ClinVar", "version": clinvar["file_date"], "detail": detail})
    pgx = _pgx_knowledge(sample)
    if pgx:
        used.append(
            {
                "name": "PGx allele definitions",
                # a SOURCE file's text, else the release the definitions were fetched from
                "version": pgx.get("source")
                or next((d["version"] for d in pgx.get("downloads", []) if "version" in d), None),
                "detail": ", ".join(pgx["definition_versions"]) or None,
            }
        )
    for key, name in (
        ("phenotypes", "PGx phenotypes"),
        ("recommendations", "CPIC recommendations"),
    ):
        info = pgx.get(key)
        if info:
            parts = [info.get(k) for k in ("source", "file", "file_date") if info.get(k)]
            if info.get("sha256"):
                parts.append(f"sha256 {info['sha256'][:12]}")
            version = " ".join(str(info[k]) for k in ("name", "version") if info.get(k))
            used.append(
                {
                    "name": name,
                    "version": version or None,
                    "detail": ", ".join(str(p) for p in parts) or None,
                }
            )
    return used + tumour_knowledge


def download_knowledge(downloads: list[dict[str, Any]]) -> list[dict]:
    """One knowledge entry per file the run fetched by URL: its release (or date), URL,
    bytes, sha256 and whether the sha256 was verified against a given one."""
    return [
        {
            "name": f"download {record['url'].rsplit('/', 1)[-1]}",
            "version": record.get("version") or record["downloaded"],
            "detail": f"{record['url']}, {record['bytes']} bytes, sha256 {record['sha256'][:12]}"
            + (" (verified)" if record.get("sha256_verified") else " (not checked)")
            + f", fetched {record['downloaded']}",
        }
        for record in downloads
    ]


def methods_section(
    sample: SampleFiles | None, tumour_knowledge: list[dict], settings: Settings
) -> dict[str, Any]:
    """How the test was done."""
    return {
        "assay": settings.assay or None,
        "assay_statement": settings.assay or f"{NOT_STATED} (report.assay)",
        "reference": {
            "build": settings.reference.get("build"),
            "fasta": settings.reference.get("fasta"),
        },
        "targets": settings.targets or None,
        "targets_statement": f"Capture targets: {settings.targets}."
        if settings.targets
        else "No capture targets: the whole reference was analysed.",
        "tools": [{"name": k, "version": v} for k, v in sorted(settings.tools.items())],
        "knowledge": knowledge_used(sample, tumour_knowledge)
        + download_knowledge(settings.downloads),
        "manifest": "results/run/provenance.json",
    }


def provenance_section(sample: SampleFiles | None, settings: Settings) -> dict[str, Any]:
    findings = _findings(sample)
    clinvar = findings["clinvar"] if findings else None
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
            "clinvar_file_date": clinvar["file_date"] if clinvar else None,
            "pgx_definitions": _pgx_knowledge(sample).get("source"),
            "gene_list": findings["gene_list"]["name"] if findings else None,
        },
        "manifest": "results/run/provenance.json",
    }


def sign_off_section(settings: Settings) -> dict[str, Any]:
    """The laboratory, the sign-off fields (config report.sign_off; empty = a blank line to
    sign by hand) and the use statement (config report.use_statement)."""
    return {
        "laboratory": settings.laboratory or None,
        "fields": [
            {"key": key, "label": label, "value": settings.sign_off.get(key) or None}
            for key, label in SIGN_OFF_FIELDS.items()
        ],
        "use_statement": settings.use_statement,
    }


def tumour_knowledge(tumours: list) -> list[dict]:
    """The actionability knowledge (curated table, CIViC) the patient's tumour pairs used,
    from their actionability documents."""
    used: dict[str, dict] = {}
    for tumour in tumours:
        actionable = documents.load_optional("actionable", tumour.actionable)
        for name, info in (actionable["knowledge"] if actionable else {}).items():
            if info:
                detail = f"sha256 {info['sha256'][:12]}" if info.get("sha256") else None
                version = info.get("version") or info.get("file_date") or None
                used[name] = {
                    "name": f"actionability: {name}",
                    "version": version,
                    "detail": detail,
                }
    return list(used.values())

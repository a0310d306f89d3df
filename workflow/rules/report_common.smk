# Input functions of the report stage (rules in report.smk): per-patient reports, gene
# coverage, MultiQC custom content and the run's provenance. Functions only, no rules.
from tailorseq import __version__ as PIPELINE_VERSION

REPORT_CONFIG = config.get("report", {})


def patients() -> list[str]:
    """Every patient of the sample sheet, in sheet order."""
    return list(dict.fromkeys(sample.patient for sample in SHEET.samples.values()))


def patient_samples(patient: str) -> list:
    """The sheet's samples of one patient."""
    return [s for s in SHEET.samples.values() if s.patient == patient]


def gene_coverage_enabled() -> bool:
    """Coverage per gene needs the gene models (reference.gff3)."""
    return annotation_enabled()


def gene_bed() -> str:
    """The CDS of every gene of the prepared gene models, one named line per CDS part."""
    return prepared_gff3().replace(".gff3", ".report-genes.bed")


def gene_coverage_prefix(pid: str) -> str:
    """mosdepth's output prefix of a sample's coverage over the genes' CDS (reads of mapping
    quality >= calling.min_mapq: what the caller sees), read by the report and findings.
    """
    return f"work/{pid}/qc/{pid}.genes"


def gene_coverage_thresholds() -> str:
    """mosdepth --thresholds: the report's depth and the findings' callable depth."""
    depths = {REPORT_CONFIG["min_depth"], config["findings"]["min_callable_depth"]}
    return ",".join(str(depth) for depth in sorted(depths))


def is_germline(sample) -> bool:
    """True for samples of constitutional DNA (kind germline or normal)."""
    return sample.kind in ("germline", "normal")


def sample_report_files(sample) -> dict[str, str]:
    """A sample's outputs read by its patient's report, by role."""
    pid = PID[sample.sample]
    files = {
        "stats": f"work/{pid}/qc/{pid}.stats.txt",
        "mosdepth": f"work/{pid}/qc/{pid}.mosdepth.summary.txt",
        "sex_check": sex_json(pid),
    }
    if gene_coverage_enabled():
        prefix = gene_coverage_prefix(pid)
        files["gene_regions"] = f"{prefix}.regions.bed.gz"
        files["gene_thresholds"] = f"{prefix}.thresholds.bed.gz"
    if is_germline(sample) and pgx_enabled():
        files["pgx"] = f"{pgx_file(pid)}.json"
    if is_germline(sample) and annotation_enabled():
        files["findings"] = f"{findings_file(pid)}.json"
    return files


def patient_tumours(patient: str) -> list[dict[str, str]]:
    """The patient's tumour/normal pairs and their somatic outputs, when the somatic stage
    (somatic_common.smk) is part of the workflow and produces them."""
    pairs = []
    for tumor, normal in SHEET.tumor_normal_pairs():
        if tumor.patient != patient:
            continue
        pid = PID[tumor.sample]
        entry = {"tumor": tumor.sample, "normal": normal.sample}
        if "somatic_biomarkers" in globals() and annotation_enabled():
            entry["biomarkers"] = somatic_biomarkers(pid)
            entry["summary"] = f"work/{pid}/somatic/{pid}.somatic.json"
            entry["vcf"] = somatic_annotated_vcf(pid)
        if "somatic_actionable" in globals() and annotation_enabled():
            entry["actionable"] = f"{somatic_actionable(pid)}.json"
        pairs.append(entry)
    return pairs


def report_samples(wildcards) -> list[dict]:
    """Params function: the patient's samples with their sheet facts and files."""
    return [
        {
            "name": s.sample,
            "kind": s.kind,
            "sex": s.sex,
            "consent": s.secondary_findings,
            "purity": s.purity,
            "tumor_type": s.tumor_type,
            "files": sample_report_files(s),
        }
        for s in patient_samples(wildcards.patient)
    ]


def report_tumours(wildcards) -> list[dict[str, str]]:
    """Params function: the patient's tumour/normal pairs with their somatic outputs."""
    return patient_tumours(wildcards.patient)


def report_inputs(wildcards) -> list[str]:
    """Every file a patient's report reads."""
    files = [
        path
        for s in patient_samples(wildcards.patient)
        for path in sample_report_files(s).values()
    ]
    for pair in patient_tumours(wildcards.patient):
        files += [
            pair[key]
            for key in ("biomarkers", "summary", "actionable", "vcf")
            if key in pair
        ]
        if "vcf" in pair:
            files += [*report_gene_models().values(), f"{GENOME}.fai"]
    return files + sex_cleared_patient(wildcards)


def report_gene_models() -> dict[str, str]:
    """The gene models and genome that name somatic variants in HGVS (tailorseq.variants)."""
    if not annotation_enabled():
        return {}
    gff3 = prepared_gff3()
    return {
        "gff3": gff3,
        "canonical": gff3.replace(".gff3", ".canonical.tsv"),
        "genome": GENOME,
    }


def report_pseudonym(wildcards) -> str:
    """Params function: the patient's pseudonym (common.smk's PATIENT_PSEUDONYM)."""
    return PATIENT_PSEUDONYM[wildcards.patient]


def report_options() -> dict:
    """Settings and run context the report shows (thresholds, knowledge, reference)."""
    return {
        "report": REPORT_CONFIG,
        "gene_list": GENE_LIST if annotation_enabled() else None,
        "pgx_min_depth": config["pgx"]["min_depth"],
        "reference": {
            "build": config["reference"]["build"],
            "fasta": config["reference"]["fasta"],
        },
        "targets": config["targets"],
        "version": PIPELINE_VERSION,
        "genes": report_gene_models() or None,
    }


def report_patterns() -> dict[str, str]:
    """Wildcard constraint of the report paths: the sheet's patients."""
    return {"patient": "|".join(sorted(patients()))}


def report_outputs() -> list[str]:
    """The per-patient reports and the run's provenance manifest."""
    outputs = [
        f"results/{patient}/{patient}.report.{ext}"
        for patient in patients()
        for ext in ("json", "html")
    ]
    return outputs + ["results/run/provenance.json"]


def mqc_counts_inputs() -> list[str]:
    """Per-sample PGx and findings documents counted in MultiQC's custom section."""
    files = []
    for sample in SHEET.germline_samples():
        pid = PID[sample.sample]
        if pgx_enabled():
            files.append(f"{pgx_file(pid)}.json")
        if annotation_enabled():
            files.append(f"{findings_file(pid)}.json")
    return files


def report_sample_names() -> dict[str, str]:
    """Pseudonym -> the sample's name in outputs, for MultiQC custom content (a local rule)."""
    return dict(SAMPLE)


def multiqc_custom_content() -> list[str]:
    """The custom-content files added to the MultiQC report."""
    return ["work/run/tailorseq_counts_mqc.tsv"] if mqc_counts_inputs() else []


def provenance_outputs() -> list[str]:
    """Final outputs whose checksums the provenance manifest records."""
    outputs = final_outputs() + [
        f"results/{patient}/{patient}.report.{ext}"
        for patient in patients()
        for ext in ("json", "html")
    ]
    if "somatic_outputs" in globals():
        outputs += somatic_outputs()
    return outputs


def provenance_inputs() -> list[str]:
    """The run's input files: every unit's FASTQ or BAM and the reference FASTA."""
    files = []
    for units in SHEET.units.values():
        for row in units:
            files += [str(row.bam)] if row.is_bam else [str(row.fq1), str(row.fq2)]
    if not REF_IS_URL:
        files.append(REF_SOURCE)
    return files


def provenance_renames() -> dict[str, str]:
    """Lab id -> pseudonym of each sample and patient when outputs are pseudonymised (else
    none): the manifest replaces them in the paths the user gave (e.g. FASTQ names)."""
    return {lab: public for lab, public in PUBLIC_NAME.items() if lab != public}


def provenance_knowledge() -> dict:
    """Knowledge files whose versions the manifest records (read by scripts/provenance.py)."""
    knowledge = {
        "reference": {"build": config["reference"]["build"], "fasta": REF_SOURCE}
    }
    if annotation_enabled():
        knowledge["gff3"] = config["reference"]["gff3"]
        knowledge["gene_list"] = GENE_LIST
    if config["annotation"]["clinvar"]:
        knowledge["clinvar_summary"] = clinvar_summary()[0]
    if pgx_enabled():
        knowledge["pgx_definitions"] = config["pgx"]["definitions"]
    return knowledge


def provenance_pgx_document() -> list[str]:
    """One sample's PGx document, whose knowledge versions the manifest records."""
    germline = SHEET.germline_samples()
    if pgx_enabled() and germline:
        return [f"{pgx_file(PID[germline[0].sample])}.json"]
    return []

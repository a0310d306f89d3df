# Input functions of the report stage: MultiQC, per-patient reports, gene coverage and the run's provenance
# (rules in report.smk).
from snakemake import __version__ as SNAKEMAKE_VERSION
from tailorseq import __version__ as PIPELINE_VERSION
from tailorseq.report.render import TEMPLATES
from tailorseq.versions import read_env

REPORT_CONFIG = config.get("report", {})
# The templates the package renders the patient reports with: a change re-renders them.
REPORT_TEMPLATES = [str(TEMPLATES / "report.html.j2"), str(TEMPLATES / "report.css")]


def patients() -> list[str]:
    """Every patient of the sample sheet, in sheet order."""
    return list(dict.fromkeys(sample.patient for sample in SHEET.samples.values()))


def gene_coverage_enabled() -> bool:
    """Coverage per gene needs the gene models (reference.gff3)."""
    return annotation_enabled()


def gene_bed() -> str:
    """The CDS of every gene of the prepared gene models, one named line per CDS part."""
    return prepared_gff3().replace(".gff3", ".report-genes.bed")


def gene_coverage_thresholds() -> str:
    """mosdepth --thresholds: the report's depth and the findings' callable depth."""
    depths = {REPORT_CONFIG["min_depth"], config["findings"]["min_callable_depth"]}
    return ",".join(str(depth) for depth in sorted(depths))


def is_germline(sample) -> bool:
    """True for samples of constitutional DNA (kind germline or normal)."""
    return sample.kind in ("germline", "normal")


def sample_report_files(sample) -> dict[str, str]:
    """A sample's outputs read by its patient's report, by role (a tumour RNA sample's are
    its pair's: patient_tumours)."""
    if sample.kind == "tumor_rna":
        return {}
    pid = PID[sample.sample]
    files = {
        "stats": qc_file(pid, "stats.txt"),
        "mosdepth": qc_file(pid, "mosdepth.summary.txt"),
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
    """The patient's tumour/normal pairs and their somatic outputs (annotated ones only when
    the build has a gene annotation)."""
    pairs = []
    for tumor, normal in SHEET.tumor_normal_pairs():
        if tumor.patient != patient:
            continue
        pid = PID[tumor.sample]
        entry = {"tumor": tumor.sample, "normal": normal.sample}
        if annotation_enabled():
            entry["biomarkers"] = somatic_biomarkers(pid)
            entry["summary"] = somatic_summary(pid)
            entry["vcf"] = somatic_annotated_vcf(pid)
            entry["actionable"] = f"{somatic_actionable(pid)}.json"
        if config["cnv"]["enabled"]:
            entry["cnv"] = somatic_cnv(pid, "json")
            entry["cnv_plot"] = somatic_cnv(pid, "png")
        if config["sv"]["enabled"]:
            entry["sv"] = somatic_sv(pid, "json")
        rna = [rna_pid for rna_pid, tumour in RNA_TUMOUR.items() if tumour == pid]
        if rna and rna_enabled():
            entry["rna"] = rna_summary(rna[0], "rna.json")
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
        for s in SHEET.patient_samples(wildcards.patient)
    ]


def report_tumours(wildcards) -> list[dict[str, str]]:
    """Params function: the patient's tumour/normal pairs with their somatic outputs."""
    return patient_tumours(wildcards.patient)


def report_inputs(wildcards) -> list[str]:
    """Every file a patient's report reads."""
    files = [
        path
        for s in SHEET.patient_samples(wildcards.patient)
        for path in sample_report_files(s).values()
    ]
    for pair in patient_tumours(wildcards.patient):
        files += [
            pair[key]
            for key in (
                "biomarkers",
                "summary",
                "actionable",
                "vcf",
                "cnv",
                "cnv_plot",
                "sv",
                "rna",
            )
            if key in pair
        ]
        if "vcf" in pair:
            files += [*report_gene_models().values(), f"{GENOME}.fai"]
    return files + sex_cleared_patient(wildcards) + all_download_records()


def report_gene_models() -> dict[str, str]:
    """The gene models and genome that name somatic variants in HGVS (tailorseq.variants)."""
    if not annotation_enabled():
        return {}
    return {
        "gff3": prepared_gff3(),
        "canonical": prepared_canonical(),
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
        "downloads": all_download_records(),
        "pgx_unavailable": pgx_unavailable(),
    }


def report_patterns() -> dict[str, str]:
    """Wildcard constraint of the report paths: the sheet's patients."""
    return {"patient": "|".join(sorted(patients()))}


def report_outputs() -> list[str]:
    """The per-patient reports with their exports, and the run's provenance manifest."""
    outputs = [path for patient in patients() for path in patient_report_files(patient)]
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


def mqc_scores_inputs() -> list[str]:
    """Germline VCFs whose variant-score distribution MultiQC shows (score filter only)."""
    if config["calling"]["filter"] != "score":
        return []
    return [germline_vcf(pid) for pid in germline_pids()]


def multiqc_custom_content() -> list[str]:
    """The custom-content files added to the MultiQC report (software versions always)."""
    files = [MULTIQC_VERSIONS] + ([MULTIQC_COUNTS] if mqc_counts_inputs() else [])
    return files + ([MULTIQC_SCORES] if mqc_scores_inputs() else [])


def provenance_outputs() -> list[str]:
    """Final outputs whose checksums the provenance manifest records."""
    return (
        final_outputs()
        + [path for patient in patients() for path in patient_report_files(patient)]
        + somatic_outputs()
    )


def provenance_inputs() -> list[str]:
    """The run's input files: every unit's FASTQ or BAM, the reference FASTA, and for copy number
    the pooled reference of normals and the centromere BED when used."""
    files = []
    for units in SHEET.units.values():
        for row in units:
            files += [str(row.bam)] if row.is_bam else [str(row.fq1), str(row.fq2)]
    if not is_url(REF_SOURCE):
        files.append(REF_SOURCE)
    if config["cnv"]["enabled"] and config["cnv"]["reference"]:
        # the pooled reference and the record of its normals, if any
        pooled = Path(config["cnv"]["reference"])
        found = [p for p in (pooled, cnv_reference.record_path(pooled)) if p.is_file()]
        files += [str(p) for p in found]
    if config["cnv"]["enabled"] and cnv_centromeres():
        files.append(cnv_centromeres())  # the scar counts' arms
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


def final_outputs() -> list[str]:
    """Everything a default run produces."""
    outputs = ["results/run/multiqc.html"]
    for sample in SHEET.dna_samples():
        outputs.append(published(sample.sample, f".{ALIGNMENT_EXT}"))
        outputs.append(published(sample.sample, f".{ALIGNMENT_EXT}.{INDEX_EXT}"))
    for sample in SHEET.germline_samples():
        outputs.append(published(sample.sample, ".vcf.gz"))
        outputs.append(published(sample.sample, ".vcf.gz.tbi"))
    if config["calling"]["joint"]:
        outputs += [
            "results/run/germline.joint.vcf.gz",
            "results/run/germline.joint.vcf.gz.tbi",
        ]
    outputs += annotation_outputs()
    outputs += germline_cnv_outputs()
    outputs += pgx_outputs()
    return outputs


def fastq_units() -> list[tuple[str, str]]:
    """(pid, uid) of every FASTQ unit of the run's DNA samples."""
    return [
        (PID[sample.sample], uid)
        for sample in SHEET.dna_samples()
        for uid, row in UID[sample.sample].items()
        if not row.is_bam
    ]


def multiqc_inputs(wildcards) -> list[str]:
    """Every QC file of the run that MultiQC reads."""
    files = [qc_file(pid, f"{uid}.fastp.json") for pid, uid in fastq_units()]
    for sample in SHEET.dna_samples():
        pid = PID[sample.sample]
        files += [
            qc_file(pid, "stats.txt"),
            qc_file(pid, "flagstat.txt"),
            qc_file(pid, "mosdepth.summary.txt"),
            qc_file(pid, "mosdepth.global.dist.txt"),
        ]
    files += [qc_file(pid, "bcftools_stats.txt") for pid in germline_pids()]
    return files + rna_multiqc_inputs()


def multiqc_name_pairs(wildcards) -> list[tuple[str, str]]:
    """(pseudonym, name in outputs) for every sample and unit, for MultiQC's --replace-names."""
    pairs = []
    for name, units in UID.items():
        # MultiQC replaces substrings in order: units (pid.uid) before their sample (pid).
        pairs += [
            (f"{PID[name]}.{uid}", f"{name}.{row.unit}") for uid, row in units.items()
        ]
        pairs.append((PID[name], name))
    return pairs


# ---------------------------------------------------------------- versions as they ran
def unchosen_rules() -> set[str]:
    """Rules of the aligner and caller the config does not choose: defined, never run."""
    aligners = {"bwa", "minimap2"} - {config["aligner"]}
    callers = {"bcftools", "freebayes"} - {config["caller"]}
    return (
        {f"align_{aligner}" for aligner in aligners}
        | {f"{aligner}_index" for aligner in aligners}
        | {f"call_{caller}" for caller in callers}
    )


def rule_conda_envs(wildcards=None) -> dict[str, str]:
    """Rule -> its `conda:` path, for the rules this run defines with one (not the aligner's
    and caller's the config does not choose, nor tool_versions, whose env is a wildcard);
    a params function, so that it sees every rule."""
    unchosen = unchosen_rules()
    return {
        defined.name: str(defined.conda_env)
        for defined in workflow.rules
        if defined.conda_env
        and "{" not in str(defined.conda_env)
        and defined.name not in unchosen
    }


def run_environments() -> list[str]:
    """The conda envs (envs/<env>.yaml) of the run's rules."""
    return sorted({Path(path).stem for path in rule_conda_envs().values()})


def version_records(wildcards=None) -> list[str]:
    """Input function: every env's versions record (ENV_FILES, report.smk: the run's envs,
    listed once every rule is defined)."""
    return [versions_record(env) for env in ENV_FILES]


def env_file(wildcards) -> str:
    """Input function: the env file of a tool_versions job (ENV_FILES, report.smk)."""
    return ENV_FILES[wildcards.env]


def env_dependencies(wildcards) -> list[str]:
    """Params function: the names of an env's dependencies, each probed for its version."""
    return list(read_env(Path(ENV_FILES[wildcards.env])).dependencies)


def software_deployment() -> str:
    """How the rules get their tools: conda (--sdm conda) or system (PATH)."""
    return "conda" if uses_conda() else "system"

rule multiqc_names:
    output:
        temp(MULTIQC_NAMES),
    log:
        "logs/multiqc_names/run.log",
    conda:
        "../../envs/python.yaml"
    params:
        names=multiqc_name_pairs,
    script:
        "../../scripts/multiqc_names.py"


rule multiqc:
    input:
        qc=multiqc_inputs,
        custom=multiqc_custom_content(),
        names=MULTIQC_NAMES,
        sex=sex_cleared_all,
        config=workflow.source_path("../../config/multiqc.yaml"),
    output:
        html=report(
            "results/run/multiqc.html",
            caption="../report/multiqc.rst",
            category="Run",
        ),
        data=directory("results/run/multiqc_data"),
    log:
        "logs/multiqc/run.log",
    benchmark:
        "benchmarks/multiqc/run.tsv"
    conda:
        "../../envs/multiqc.yaml"
    resources:
        mem_mb=4000,
        runtime=60,
    shell:
        "multiqc --force --no-ai --config {input.config} --replace-names {input.names}"
        " --filename multiqc.html --outdir results/run {input.qc} {input.custom} 2> {log}"


localrules:
    multiqc_names,
    multiqc_versions,
    multiqc_counts,
    multiqc_scores,
    patient_report,
    provenance,


rule multiqc_counts:
    input:
        mqc_counts_inputs(),
    output:
        temp(MULTIQC_COUNTS),
    log:
        "logs/multiqc_counts/run.log",
    conda:
        "../../envs/report.yaml"
    params:
        names=report_sample_names(),
    script:
        "../../scripts/report_mqc.py"


rule multiqc_scores:
    input:
        mqc_scores_inputs(),
    output:
        temp(MULTIQC_SCORES),
    log:
        "logs/multiqc_scores/run.log",
    conda:
        "../../envs/scoring.yaml"
    params:
        names=report_sample_names(),
        model=str(SCORE_MODEL),
        caller=config["caller"],
    script:
        "../../scripts/score_mqc.py"


if gene_coverage_enabled():

    rule report_genes_bed:
        input:
            prepared_gff3(),
        output:
            gene_bed(),
        log:
            f"logs/report_genes_bed/{REF_ID}.log",
        conda:
            "../../envs/report.yaml"
        script:
            "../../scripts/report_genes_bed.py"

    rule gene_coverage:
        input:
            aln=alignment("{pid}"),
            index=alignment_index("{pid}"),
            ref=GENOME,
            bed=gene_bed(),
        output:
            regions=f"{gene_coverage_prefix('{pid}')}.regions.bed.gz",
            thresholds=f"{gene_coverage_prefix('{pid}')}.thresholds.bed.gz",
        log:
            "logs/gene_coverage/{pid}.log",
        benchmark:
            "benchmarks/gene_coverage/{pid}.tsv"
        conda:
            "../../envs/mosdepth.yaml"
        threads: 2
        resources:
            mem_mb=4000,
            runtime=60,
        params:
            prefix=gene_coverage_prefix("{pid}"),
            thresholds=gene_coverage_thresholds(),
            min_mapq=config["calling"]["min_mapq"],
        shell:
            "mosdepth --threads {threads} --no-per-base --fasta {input.ref}"
            " --by {input.bed} --thresholds {params.thresholds} --mapq {params.min_mapq}"
            " {params.prefix} {input.aln} 2> {log}"


rule patient_report:
    input:
        report_inputs,
        templates=REPORT_TEMPLATES,
        versions=version_records,
    output:
        json=patient_report_file("{patient}", "json"),
        html=report(
            patient_report_file("{patient}", "html"),
            caption="../report/patient_report.rst",
            category="Patient reports",
            labels={"patient": "{patient}", "file": "report"},
        ),
        fhir=patient_export_file("{patient}", "fhir"),
        phenopacket=patient_export_file("{patient}", "phenopacket"),
    log:
        "logs/patient_report/{patient}.log",
    wildcard_constraints:
        **report_patterns(),
    conda:
        "../../envs/report.yaml"
    params:
        pseudonym=report_pseudonym,
        samples=report_samples,
        tumours=report_tumours,
        options=report_options(),
    script:
        "../../scripts/report_patient.py"


rule provenance:
    input:
        outputs=provenance_outputs(),
        # ancient: the inputs' content identity reruns what reads them, and so this; their
        # times alone (a store re-synced) must not re-hash every FASTQ and the reference
        units=ancient(provenance_inputs()),
        clinvar=clinvar_summary(),
        pgx=provenance_pgx_document(),
        versions=version_records,
        downloads=all_download_records(),
    output:
        report(
            "results/run/provenance.json",
            caption="../report/provenance.rst",
            category="Run",
        ),
    log:
        "logs/provenance/run.log",
    conda:
        "../../envs/report.yaml"
    params:
        knowledge=provenance_knowledge(),
        renames=provenance_renames(),
        rules=rule_conda_envs,
        snakemake=SNAKEMAKE_VERSION,
    script:
        "../../scripts/provenance.py"


# Every env of the run records its tools' versions from inside itself (nf-core style): one
# small job per env, with that env's `conda:` (tailorseq.versions). Every other rule is
# defined by now (this file is included last), so their envs are known.
ENV_FILES = {
    env: workflow.source_path(f"../../envs/{env}.yaml") for env in run_environments()
}


rule tool_versions:
    input:
        env_file,
    output:
        versions_record("{env}"),
    log:
        "logs/tool_versions/{env}.log",
    wildcard_constraints:
        env="|".join(ENV_FILES),
    conda:
        "../../envs/{env}.yaml"
    resources:
        mem_mb=200,
        runtime=5,
    params:
        dependencies=env_dependencies,
        deployment=software_deployment(),
    script:
        "../../scripts/tool_versions.py"


rule multiqc_versions:
    input:
        version_records,
    output:
        temp(MULTIQC_VERSIONS),
    log:
        "logs/multiqc_versions/run.log",
    conda:
        "../../envs/report.yaml"
    script:
        "../../scripts/multiqc_versions.py"

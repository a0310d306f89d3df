rule multiqc_names:
    output:
        temp("work/run/multiqc_names.tsv"),
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
        names="work/run/multiqc_names.tsv",
    output:
        html="results/run/multiqc.html",
        data=directory("results/run/multiqc_data"),
    log:
        "logs/multiqc/run.log",
    conda:
        "../../envs/multiqc.yaml"
    resources:
        mem_mb=4000,
        runtime=60,
    params:
        config=f"{workflow.basedir}/../config/multiqc.yaml",
    shell:
        "multiqc --force --no-ai --config {params.config} --replace-names {input.names}"
        " --filename multiqc.html --outdir results/run {input.qc} 2> {log}"


localrules:
    multiqc_names,

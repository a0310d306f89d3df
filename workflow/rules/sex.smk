# The sex stage: each sample's sex check and gate, and each callset's ploidy
# (input functions in functions/sex.smk).


rule sex_check:
    input:
        aln=alignment("{pid}"),
        index=alignment_index("{pid}"),
        ref=GENOME,
        fai=f"{GENOME}.fai",
        targets=sample_targets,
    output:
        json=sex_json("{pid}"),
    log:
        "logs/sex_check/{pid}.log",
    benchmark:
        "benchmarks/sex_check/{pid}.tsv"
    conda:
        "../../envs/sex.yaml"
    resources:
        mem_mb=1000,
        runtime=30,
    params:
        sheet_sex=sheet_sex_of_pid,
        kind=kind_of_pid,
        limits=SEX_LIMITS,
    script:
        "../../scripts/sex_check.py"


localrules:
    sex_gate,
    callset_ploidy,


rule sex_gate:
    input:
        json=sex_json("{pid}"),
    output:
        ok=sex_cleared("{pid}"),
    log:
        "logs/sex_gate/{pid}.log",
    conda:
        "../../envs/python.yaml"
    params:
        sample=sample_name,
    script:
        "../../scripts/sex_gate.py"


rule callset_ploidy:
    input:
        sexes=callset_sexes,
        fai=f"{GENOME}.fai",
    output:
        ploidy=callset_ploidy("ploidy"),
        samples=callset_ploidy("samples"),
        cnv=callset_ploidy("cnv"),
    log:
        "logs/callset_ploidy/{callset}.log",
    conda:
        "../../envs/python.yaml"
    params:
        names=callset_names,
    script:
        "../../scripts/callset_ploidy.py"

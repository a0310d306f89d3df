# Staging links the user's files (whose paths may name the sample) under pseudonyms: it runs
# on the submitting host, so no scheduler job's command line lists those paths.
localrules:
    stage_fastq,
    stage_bam,
    stage_sample_file,


rule stage_fastq:
    input:
        unpack(staged_unit_inputs),
    output:
        fq1=temp(staged_fastq("{pid}", "{uid}", 1)),
        fq2=temp(staged_fastq("{pid}", "{uid}", 2)),
    log:
        "logs/stage_fastq/{pid}.{uid}.log",
    conda:
        "../../envs/python.yaml"
    script:
        "../../scripts/stage_unit.py"


rule stage_bam:
    input:
        unpack(staged_unit_inputs),
    output:
        bam=temp(staged_bam("{pid}", "{uid}")),
    log:
        "logs/stage_bam/{pid}.{uid}.log",
    conda:
        "../../envs/python.yaml"
    script:
        "../../scripts/stage_unit.py"


rule stage_sample_file:
    input:
        sample_file_source,
    output:
        staged_sample_file("{pid}", "{role}"),
    log:
        "logs/stage_sample_file/{pid}.{role}.log",
    wildcard_constraints:
        role=r"targets\.bed|outside_calls\.\d+\.tsv",
    conda:
        "../../envs/python.yaml"
    script:
        "../../scripts/stage_unit.py"


rule samtools_stats:
    input:
        aln=alignment("{pid}"),
        index=alignment_index("{pid}"),
        ref=GENOME,
        targets=sample_targets,
    output:
        stats=qc_file("{pid}", "stats.txt"),
        flagstat=qc_file("{pid}", "flagstat.txt"),
    log:
        "logs/samtools_stats/{pid}.log",
    benchmark:
        "benchmarks/samtools_stats/{pid}.tsv"
    conda:
        "../../envs/samtools.yaml"
    threads: 2
    resources:
        mem_mb=2000,
        runtime=120,
    params:
        targets=targets_option("--target-regions"),
    shell:
        "(samtools stats --threads {threads} --reference {input.ref} {params.targets}"
        " {input.aln} > {output.stats}"
        " && samtools flagstat --threads {threads} {input.aln} > {output.flagstat}) 2> {log}"


rule mosdepth:
    input:
        aln=alignment("{pid}"),
        index=alignment_index("{pid}"),
        ref=GENOME,
        targets=sample_targets,
    output:
        summary=qc_file("{pid}", "mosdepth.summary.txt"),
        dist=qc_file("{pid}", "mosdepth.global.dist.txt"),
    log:
        "logs/mosdepth/{pid}.log",
    benchmark:
        "benchmarks/mosdepth/{pid}.tsv"
    conda:
        "../../envs/mosdepth.yaml"
    threads: 2
    resources:
        mem_mb=4000,
        runtime=60,
    params:
        prefix=qc_file("{pid}"),
        by=targets_option("--by"),
    shell:
        "mosdepth --threads {threads} --no-per-base --fast-mode --fasta {input.ref}"
        " {params.by} {params.prefix} {input.aln} 2> {log}"

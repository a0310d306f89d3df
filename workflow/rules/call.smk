rule call_bcftools:
    input:
        alns=callset_alignments,
        indexes=callset_indexes,
        ref=GENOME,
        fai=f"{GENOME}.fai",
        bed=chunk_bed,
        ploidy=callset_ploidy("ploidy"),
        sexes=callset_ploidy("samples"),
    output:
        temp(chunk_calls("{callset}", "bcftools", "{chunk}")),
    log:
        "logs/call_bcftools/{callset}.{chunk}.log",
    benchmark:
        "benchmarks/call_bcftools/{callset}.{chunk}.tsv"
    conda:
        "../../envs/bcftools.yaml"
    resources:
        mem_mb=2000,
        runtime=240,
    params:
        min_mapq=config["calling"]["min_mapq"],
        min_baseq=config["calling"]["min_baseq"],
        prior=bcftools_prior(),
        min_gapped_reads=bcftools_min_gapped_reads(),
        annotations=",".join(BCFTOOLS_ANNOTATIONS),
    shell:
        "(bcftools mpileup --fasta-ref {input.ref} --regions-file {input.bed}"
        " --min-MQ {params.min_mapq} --min-BQ {params.min_baseq} --max-depth 1000"
        " --min-ireads {params.min_gapped_reads}"
        " --annotate {params.annotations} --output-type u {input.alns}"
        " | bcftools call --multiallelic-caller --variants-only --prior {params.prior}"
        " --ploidy-file {input.ploidy} --samples-file {input.sexes}"
        " --output-type b --output {output}) 2> {log}"


rule call_freebayes:
    input:
        alns=callset_alignments,
        indexes=callset_indexes,
        ref=GENOME,
        fai=f"{GENOME}.fai",
        bed=chunk_bed,
        cnv=callset_ploidy("cnv"),
    output:
        temp(chunk_calls("{callset}", "freebayes", "{chunk}")),
    log:
        "logs/call_freebayes/{callset}.{chunk}.log",
    benchmark:
        "benchmarks/call_freebayes/{callset}.{chunk}.tsv"
    conda:
        "../../envs/freebayes.yaml"
    resources:
        mem_mb=4000,
        runtime=480,
    params:
        min_mapq=config["calling"]["min_mapq"],
        min_baseq=config["calling"]["min_baseq"],
    shell:
        "(freebayes --fasta-reference {input.ref} --targets {input.bed}"
        " --min-mapping-quality {params.min_mapq} --min-base-quality {params.min_baseq}"
        " --cnv-map {input.cnv} {input.alns}"
        " | bcftools view --output-type b --output {output}) 2> {log}"


rule gather_calls:
    input:
        chunks=callset_chunks,
        ref=GENOME,
    output:
        temp(raw_callset_vcf("{callset}")),
    log:
        "logs/gather_calls/{callset}.log",
    benchmark:
        "benchmarks/gather_calls/{callset}.tsv"
    conda:
        "../../envs/bcftools.yaml"
    resources:
        mem_mb=2000,
        runtime=60,
    params:
        no_calls=single_sample_no_calls,
    shell:
        "(bcftools concat --output-type u {input.chunks} {params.no_calls}"
        " | bcftools norm --fasta-ref {input.ref} --multiallelics -both --atomize"
        " --output-type z --output {output}) 2> {log}"


rule filter_calls:
    input:
        vcf=raw_callset_vcf("{callset}"),
        ref=GENOME,
        fai=f"{GENOME}.fai",
        model=score_model_files,
    output:
        vcf=callset_vcf("{callset}"),
        index=f"{callset_vcf('{callset}')}.tbi",
    log:
        "logs/filter_calls/{callset}.log",
    benchmark:
        "benchmarks/filter_calls/{callset}.tsv"
    conda:
        "../../envs/scoring.yaml"
    resources:
        mem_mb=2000,
        runtime=60,
    params:
        filter=config["calling"]["filter"],
        caller=config["caller"],
        model=str(SCORE_MODEL),
        min_qual=config["calling"]["min_qual"][config["caller"]],
        snv_min_qual_depth=config["calling"]["snv_min_qual_depth"][config["caller"]],
        min_depth=config["calling"]["min_depth"],
    script:
        "../../scripts/filter_calls.py"


# The sample is taken by the name its alignment's read groups carry (SM), the name the joint
# callset's column has, never by its column: callers order a joint callset's samples their own
# way (freebayes does not keep the alignments' order). The name passes in a file, off the
# command line.
rule extract_from_joint:
    input:
        vcf=callset_vcf("joint"),
        index=f"{callset_vcf('joint')}.tbi",
        aln=alignment("{pid}"),
    output:
        vcf=joint_extract_vcf("{pid}"),
        index=f"{joint_extract_vcf('{pid}')}.tbi",
    log:
        "logs/extract_from_joint/{pid}.log",
    benchmark:
        "benchmarks/extract_from_joint/{pid}.tsv"
    conda:
        "../../envs/bcftools.yaml"
    shell:
        "(samtools samples {input.aln} | cut -f 1 > {output.vcf}.sample"
        " && bcftools view --samples-file {output.vcf}.sample --min-ac 1:nref"
        " --output-type z --output {output.vcf} {input.vcf}"
        " && rm {output.vcf}.sample && tabix --preset vcf {output.vcf}"
        " && touch -r {output.vcf} {output.index}) 2> {log}"


rule bcftools_stats:
    input:
        vcf=germline_vcf_of_pid,
        ref=GENOME,
    output:
        qc_file("{pid}", "bcftools_stats.txt"),
    log:
        "logs/bcftools_stats/{pid}.log",
    benchmark:
        "benchmarks/bcftools_stats/{pid}.tsv"
    conda:
        "../../envs/bcftools.yaml"
    shell:
        "bcftools stats --fasta-ref {input.ref} {input.vcf} > {output} 2> {log}"


localrules:
    publish_vcf,
    publish_joint_vcf,


rule publish_vcf:
    input:
        vcf=published_source(germline_vcf),
        index=published_source(germline_vcf, ".tbi"),
        sex=sex_cleared_sample,
    output:
        vcf=published("{sample}", ".vcf.gz"),
        index=published("{sample}", ".vcf.gz.tbi"),
    log:
        "logs/publish_vcf/{sample}.log",
    conda:
        "../../envs/python.yaml"
    script:
        "../../scripts/publish.py"


rule publish_joint_vcf:
    input:
        vcf=callset_vcf("joint"),
        index=f"{callset_vcf('joint')}.tbi",
        sex=sex_cleared_all,
    output:
        vcf="results/run/germline.joint.vcf.gz",
        index="results/run/germline.joint.vcf.gz.tbi",
    log:
        "logs/publish_joint_vcf/run.log",
    conda:
        "../../envs/python.yaml"
    script:
        "../../scripts/publish.py"

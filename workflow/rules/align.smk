# fastp streams each unit's trimmed pairs, interleaved, into the aligner: no trimmed FASTQ is
# compressed, written and read back. The unit's sorted BAM lives until the merge: compression
# level 1 halves sort's CPU for a file 3% larger (bench/genome.py).
rule align_bwa:
    input:
        fq1=staged_fastq("{pid}", "{uid}", 1),
        fq2=staged_fastq("{pid}", "{uid}", 2),
        ref=GENOME,
        index=multiext(GENOME, ".amb", ".ann", ".bwt", ".pac", ".sa"),
        downloads=ancient(all_download_records()),
    output:
        aln=temp(unit_alignment("{pid}", "{uid}", "bwa")),
        json=qc_file("{pid}", "{uid}.fastp.json"),
        html=qc_file("{pid}", "{uid}.fastp.html"),
    log:
        fastp="logs/fastp/{pid}.{uid}.log",
        align="logs/align_bwa/{pid}.{uid}.log",
    benchmark:
        "benchmarks/align_bwa/{pid}.{uid}.tsv"
    conda:
        "../../envs/bwa.yaml"
    threads: 8
    resources:
        mem_mb=16000,
        runtime=720,
    params:
        trim=fastp_stream,
        read_group=read_group,
    shell:
        "({params.trim} 2> {log.fastp}"
        " | bwa mem -p -t {threads} -K 100000000 -Y -R '{params.read_group}' {input.ref} -"
        " | samtools fixmate -m -u - -"
        " | samtools sort -@ {threads} -m 768M -l 1 -T {output.aln}.tmp -o {output.aln} -)"
        " 2> {log.align}"


rule align_minimap2:
    input:
        fq1=staged_fastq("{pid}", "{uid}", 1),
        fq2=staged_fastq("{pid}", "{uid}", 2),
        index=f"{GENOME}.sr.mmi",
        downloads=ancient(all_download_records()),
    output:
        aln=temp(unit_alignment("{pid}", "{uid}", "minimap2")),
        json=qc_file("{pid}", "{uid}.fastp.json"),
        html=qc_file("{pid}", "{uid}.fastp.html"),
    log:
        fastp="logs/fastp/{pid}.{uid}.log",
        align="logs/align_minimap2/{pid}.{uid}.log",
    benchmark:
        "benchmarks/align_minimap2/{pid}.{uid}.tsv"
    conda:
        "../../envs/minimap2.yaml"
    threads: 8
    resources:
        mem_mb=16000,
        runtime=720,
    params:
        trim=fastp_stream,
        read_group=read_group,
    shell:
        "({params.trim} 2> {log.fastp}"
        " | minimap2 -ax sr -t {threads} -R '{params.read_group}' {input.index} -"
        " | samtools fixmate -m -u - -"
        " | samtools sort -@ {threads} -m 768M -l 1 -T {output.aln}.tmp -o {output.aln} -)"
        " 2> {log.align}"


# Both rules write the unit's fastp report: the configured aligner's rule makes it.
if config["aligner"] == "bwa":

    ruleorder: align_bwa > align_minimap2

else:

    ruleorder: align_minimap2 > align_bwa


localrules:
    sample_header,
    publish_alignment,


rule sample_header:
    input:
        fai=f"{GENOME}.fai",
        bams=staged_bams,
    output:
        temp(header_sam("{pid}")),
    log:
        "logs/sample_header/{pid}.log",
    conda:
        "../../envs/python.yaml"
    params:
        sample=sample_name,
        fastq_units=fastq_unit_names,
    script:
        "../../scripts/sample_header.py"


rule merge_markdup:
    input:
        units=unit_alignments,
        header=header_sam("{pid}"),
        ref=GENOME,
    output:
        aln=alignment("{pid}"),
        index=alignment_index("{pid}"),
        metrics=qc_file("{pid}", "markdup.txt"),
    log:
        "logs/merge_markdup/{pid}.log",
    benchmark:
        "benchmarks/merge_markdup/{pid}.tsv"
    conda:
        "../../envs/samtools.yaml"
    threads: 4
    resources:
        mem_mb=4000,
        runtime=480,
    params:
        finish=finish_alignment,
    shell:
        "(samtools merge -c -p -u -h {input.header} -o - {input.units}"
        " | {params.finish} && touch -r {output.aln} {output.index}) 2> {log}"


rule publish_alignment:
    input:
        aln=published_source(alignment),
        index=published_source(alignment_index),
        # ancient: the gate orders the job but its time must not count, or Snakemake would touch
        # the hard-linked outputs, and with them their sources, one after the other
        sex=ancient(sex_cleared_sample),
    output:
        aln=published("{sample}", f".{ALIGNMENT_EXT}"),
        index=published("{sample}", f".{ALIGNMENT_EXT}.{INDEX_EXT}"),
    log:
        "logs/publish_alignment/{sample}.log",
    conda:
        "../../envs/python.yaml"
    script:
        "../../scripts/publish.py"

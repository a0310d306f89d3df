# Tumour RNA (input functions in functions/rna.smk): trimmed reads are quantified by salmon
# against the transcripts of the build's gene models (the genome as decoys) and aligned spliced
# to the genome by minimap2; scripts/rna_summary.py turns both into gene expression, receptor
# status, the research-use 21-gene profile and the RNA support of the tumour's mutations.
if rna_enabled():

    rule rna_transcripts:
        input:
            genome=GENOME,
            fai=f"{GENOME}.fai",
            gff3=prepared_gff3(),
        output:
            rna_transcripts(),
        log:
            f"logs/rna_transcripts/{REF_ID}.log",
        conda:
            "../../envs/rna.yaml"
        shell:
            "gffread -w {output} -g {input.genome} {input.gff3} 2> {log}"

    rule salmon_index:
        input:
            transcripts=rna_transcripts(),
            genome=GENOME,
            fai=f"{GENOME}.fai",
        output:
            directory(salmon_index()),
        log:
            f"logs/salmon_index/{REF_ID}.log",
        benchmark:
            f"benchmarks/salmon_index/{REF_ID}.tsv"
        conda:
            "../../envs/rna.yaml"
        threads: 8
        resources:
            mem_mb=32000,
            runtime=360,
        params:
            command=salmon_index_command,
        shell:
            "({params.command}) > {log} 2>&1"

    # The trimmed reads are temporary: fastp's lightest compression keeps them cheap.
    rule rna_trim:
        input:
            fq1=staged_fastq("{pid}", "{uid}", 1),
            fq2=staged_fastq("{pid}", "{uid}", 2),
        output:
            r1=temp(rna_trimmed("{pid}", "{uid}", 1)),
            r2=temp(rna_trimmed("{pid}", "{uid}", 2)),
            json=qc_file("{pid}", "{uid}.rna.fastp.json"),
            html=qc_file("{pid}", "{uid}.rna.fastp.html"),
        log:
            "logs/rna_trim/{pid}.{uid}.log",
        benchmark:
            "benchmarks/rna_trim/{pid}.{uid}.tsv"
        conda:
            "../../envs/rna.yaml"
        threads: 4
        resources:
            mem_mb=4000,
            runtime=240,
        params:
            adapters=fastp_adapter_options,
            min_length=config["trimming"]["min_length"],
        shell:
            "fastp --in1 {input.fq1} --in2 {input.fq2} --out1 {output.r1} --out2 {output.r2}"
            " {params.adapters} --length_required {params.min_length} --thread {threads}"
            " --compression 1"
            " --json {output.json} --html {output.html}"
            " --report_title {wildcards.pid}.{wildcards.uid} 2> {log}"

    rule salmon_quant:
        input:
            unpack(rna_trimmed_reads),
            index=salmon_index(),
        output:
            directory(salmon_quant("{pid}")),
        log:
            "logs/salmon_quant/{pid}.log",
        benchmark:
            "benchmarks/salmon_quant/{pid}.tsv"
        conda:
            "../../envs/rna.yaml"
        threads: 8
        resources:
            mem_mb=24000,
            runtime=480,
        params:
            library_type=config["rna"]["library_type"],
        shell:
            "salmon quant --index {input.index} --libType {params.library_type}"
            " --mates1 {input.r1} --mates2 {input.r2} --threads {threads}"
            " --output {output} > {log} 2>&1"

    rule rna_splice_index:
        input:
            GENOME,
        output:
            f"{GENOME}.splice.mmi",
        log:
            f"logs/rna_splice_index/{REF_ID}.log",
        benchmark:
            f"benchmarks/rna_splice_index/{REF_ID}.tsv"
        conda:
            "../../envs/rna.yaml"
        threads: 4
        resources:
            mem_mb=16000,
            runtime=60,
        params:
            record=RECORD_CHECKSUMS,
        shell:
            "(minimap2 -x splice -t {threads} -d {output} {input}"
            " && {params.record} --name rna_splice_index {output}) 2> {log}"

    # Without minimap2's fragment mode (sr only) the two reads of a pair are aligned as single
    # reads of one name; the RNA support counts each fragment once.
    rule rna_align:
        input:
            unpack(rna_trimmed_reads),
            index=f"{GENOME}.splice.mmi",
        output:
            bam=rna_alignment("{pid}"),
            bai=f"{rna_alignment('{pid}')}.bai",
        log:
            "logs/rna_align/{pid}.log",
        benchmark:
            "benchmarks/rna_align/{pid}.tsv"
        conda:
            "../../envs/rna.yaml"
        threads: 8
        resources:
            mem_mb=16000,
            runtime=480,
        shell:
            "(minimap2 -ax splice --secondary=no -t {threads} {input.index}"
            " <(cat {input.r1}) <(cat {input.r2})"
            " | samtools sort -@ {threads} -m 768M -T {output.bam}.tmp -o {output.bam} -"
            " && samtools index {output.bam}) 2> {log}"

    rule rna_summary:
        input:
            unpack(rna_summary_inputs),
        output:
            tsv=rna_summary("{pid}", "expression.tsv"),
            json=rna_summary("{pid}", "rna.json"),
        log:
            "logs/rna_summary/{pid}.log",
        benchmark:
            "benchmarks/rna_summary/{pid}.tsv"
        conda:
            "../../envs/python.yaml"
        resources:
            mem_mb=2000,
            runtime=60,
        params:
            settings=config["rna"],
            tumor_type=rna_tumour_type,
            sample=sample_name,
            patient=rna_patient_name,
        script:
            "../../scripts/rna_summary.py"

    localrules:
        publish_rna,

    rule publish_rna:
        input:
            rna_published_source,
            sex=sex_cleared_patient,
        output:
            somatic_published("{patient}", "{name}", ".{ext}"),
        log:
            "logs/publish_rna/{patient}.{name}.{ext}.log",
        wildcard_constraints:
            **rna_patterns(),
        conda:
            "../../envs/python.yaml"
        script:
            "../../scripts/publish.py"

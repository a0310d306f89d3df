if annotation_enabled():

    rule prepare_gff3:
        input:
            gff3=knowledge_source("gff3"),
            fai=f"{GENOME}.fai",
        output:
            gff3=prepared_gff3(),
            canonical=prepared_canonical(),
        log:
            f"logs/prepare_gff3/{REF_ID}.log",
        benchmark:
            f"benchmarks/prepare_gff3/{REF_ID}.tsv"
        conda:
            "../../envs/python.yaml"
        params:
            transcripts=config["annotation"]["transcripts"],
            all_transcripts=config["annotation"]["all_transcripts"],
        script:
            "../../scripts/prepare_gff3.py"


if annotation_enabled() and config["annotation"]["clinvar"]:

    rule prepare_clinvar:
        input:
            vcf=knowledge_source("clinvar"),
            ref=GENOME,
            fai=f"{GENOME}.fai",
            gene_list=GENE_LIST,
        output:
            vcf=prepared_knowledge("clinvar"),
            index=prepared_knowledge("clinvar", ".vcf.gz.tbi"),
            no_secondary=prepared_knowledge("clinvar", ".no-secondary.vcf.gz"),
            no_secondary_index=prepared_knowledge("clinvar", ".no-secondary.vcf.gz.tbi"),
            summary=prepared_knowledge("clinvar", ".json"),
        log:
            f"logs/prepare_clinvar/{REF_ID}.log",
        benchmark:
            f"benchmarks/prepare_clinvar/{REF_ID}.tsv"
        conda:
            "../../envs/annotation.yaml"
        resources:
            mem_mb=2000,
            runtime=120,
        params:
            kind="clinvar",
            source=lambda wildcards: knowledge_given("clinvar"),
        script:
            "../../scripts/prepare_knowledge.py"


if annotation_enabled() and config["annotation"]["population"]:

    rule prepare_population:
        input:
            vcf=knowledge_source("population"),
            ref=GENOME,
            fai=f"{GENOME}.fai",
        output:
            vcf=prepared_knowledge("population"),
            index=prepared_knowledge("population", ".vcf.gz.tbi"),
            summary=prepared_knowledge("population", ".json"),
        log:
            f"logs/prepare_population/{REF_ID}.log",
        benchmark:
            f"benchmarks/prepare_population/{REF_ID}.tsv"
        conda:
            "../../envs/annotation.yaml"
        resources:
            mem_mb=2000,
            runtime=240,
        params:
            kind="population",
            source=lambda wildcards: knowledge_given("population"),
        script:
            "../../scripts/prepare_knowledge.py"


if annotation_enabled():

    rule annotate:
        input:
            vcf=germline_vcf_of_pid,
            vcf_index=germline_index_of_pid,
            ref=GENOME,
            fai=f"{GENOME}.fai",
            gff3=prepared_gff3(),
            clinvar=sample_clinvar,
            population=sample_population,
        output:
            vcf=annotated_vcf("{pid}"),
            index=f"{annotated_vcf('{pid}')}.tbi",
        log:
            "logs/annotate/{pid}.log",
        benchmark:
            "benchmarks/annotate/{pid}.tsv"
        conda:
            "../../envs/bcftools.yaml"
        resources:
            mem_mb=2000,
            runtime=60,
        params:
            phase=config["annotation"]["csq_phase"],
            local="--local-csq" if config["annotation"]["local_csq"] else "",
            knowledge=knowledge_steps,
            csq_input=csq_input,
        shell:
            "({params.knowledge}bcftools csq --fasta-ref {input.ref} --gff-annot {input.gff3}"
            " {params.local} --phase {params.phase} --ncsq 64 --output-type u {params.csq_input}"
            " | bcftools view --output-type z --output {output.vcf} -"
            " && tabix --preset vcf {output.vcf} && touch -r {output.vcf} {output.index}"
            " && rm -f {output.vcf}.step*) 2> {log}"

    localrules:
        publish_annotated,

    rule publish_annotated:
        input:
            vcf=published_source(annotated_vcf),
            index=published_source(annotated_vcf, ".tbi"),
            sex=sex_cleared_sample,
        output:
            vcf=published("{sample}", ".annotated.vcf.gz"),
            index=published("{sample}", ".annotated.vcf.gz.tbi"),
        log:
            "logs/publish_annotated/{sample}.log",
        conda:
            "../../envs/python.yaml"
        script:
            "../../scripts/publish.py"

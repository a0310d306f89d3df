if annotation_enabled():

    rule findings_phase:
        input:
            vcf=annotated_vcf("{pid}"),
            index=f"{annotated_vcf('{pid}')}.tbi",
            bam=alignment("{pid}"),
            bam_index=alignment_index("{pid}"),
            fasta=GENOME,
            fai=f"{GENOME}.fai",
            gff3=prepared_gff3(),
            gene_list=GENE_LIST,
        output:
            vcf=findings_phased_vcf("{pid}"),
            index=f"{findings_phased_vcf('{pid}')}.tbi",
        log:
            "logs/findings_phase/{pid}.log",
        benchmark:
            "benchmarks/findings_phase/{pid}.tsv"
        conda:
            "../../envs/pgx.yaml"
        resources:
            mem_mb=1000,
            runtime=30,
        script:
            "../../scripts/findings_phase.py"

    rule findings:
        input:
            unpack(findings_coverage),
            vcf=annotated_vcf("{pid}"),
            index=f"{annotated_vcf('{pid}')}.tbi",
            gff3=prepared_gff3(),
            canonical=prepared_canonical(),
            ref=GENOME,
            fai=f"{GENOME}.fai",
            gene_list=GENE_LIST,
            clinvar=clinvar_summary(),
        output:
            json=f"{findings_file('{pid}')}.json",
            tsv=f"{findings_file('{pid}')}.tsv",
            review=f"{findings_file('{pid}')}.review.tsv",
        log:
            "logs/findings/{pid}.log",
        benchmark:
            "benchmarks/findings/{pid}.tsv"
        conda:
            "../../envs/python.yaml"
        params:
            consent=consent_of_pid,
            min_review_stars=config["findings"]["min_review_stars"],
            max_population_af=config["findings"]["max_population_af"],
            min_callable_depth=config["findings"]["min_callable_depth"],
            min_callable_fraction=config["findings"]["min_callable_fraction"],
            min_mapq=config["calling"]["min_mapq"],
        script:
            "../../scripts/findings.py"

    localrules:
        publish_findings,

    rule publish_findings:
        input:
            json=published_source(findings_file, ".json"),
            tsv=published_source(findings_file, ".tsv"),
            review=published_source(findings_file, ".review.tsv"),
            sex=sex_cleared_sample,
        output:
            json=published("{sample}", ".findings.json"),
            tsv=published("{sample}", ".findings.tsv"),
            review=published("{sample}", ".findings.review.tsv"),
        log:
            "logs/publish_findings/{sample}.log",
        conda:
            "../../envs/python.yaml"
        script:
            "../../scripts/publish.py"

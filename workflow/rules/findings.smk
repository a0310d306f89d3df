if annotation_enabled():

    rule findings:
        input:
            vcf=annotated_vcf("{pid}"),
            index=f"{annotated_vcf('{pid}')}.tbi",
            gff3=prepared_gff3(),
            canonical=prepared_gff3().replace(".gff3", ".canonical.tsv"),
            gene_list=GENE_LIST,
            clinvar=clinvar_summary(),
        output:
            json=f"{findings_file('{pid}')}.json",
            tsv=f"{findings_file('{pid}')}.tsv",
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
        script:
            "../../scripts/findings.py"

    localrules:
        publish_findings,

    rule publish_findings:
        input:
            json=published_source(findings_file, ".json"),
            tsv=published_source(findings_file, ".tsv"),
            sex=sex_cleared_sample,
        output:
            json=published("{sample}", ".findings.json"),
            tsv=published("{sample}", ".findings.tsv"),
        log:
            "logs/publish_findings/{sample}.log",
        conda:
            "../../envs/python.yaml"
        script:
            "../../scripts/publish.py"

if pgx_enabled():

    rule pgx_genotype:
        input:
            bam=alignment("{pid}"),
            index=alignment_index("{pid}"),
            fasta=GENOME,
            fai=f"{GENOME}.fai",
            definitions=pgx_definition_files(),
            sex=sex_json("{pid}"),
        output:
            vcf=pgx_vcf("{pid}"),
            index=f"{pgx_vcf('{pid}')}.tbi",
        log:
            "logs/pgx_genotype/{pid}.log",
        benchmark:
            "benchmarks/pgx_genotype/{pid}.tsv"
        conda:
            "../../envs/pgx.yaml"
        resources:
            mem_mb=1000,
            runtime=30,
        params:
            definitions=pgx_definitions_folder,
            build=config["reference"]["build"],
            sample=sample_name,
            min_depth=config["pgx"]["min_depth"],
            min_gq=config["pgx"]["min_gq"],
        script:
            "../../scripts/pgx_genotype.py"

    rule pgx_phase:
        input:
            vcf=pgx_vcf("{pid}"),
            index=f"{pgx_vcf('{pid}')}.tbi",
            bam=alignment("{pid}"),
            bam_index=alignment_index("{pid}"),
            fasta=GENOME,
            fai=f"{GENOME}.fai",
        output:
            vcf=pgx_phased_vcf("{pid}"),
            index=f"{pgx_phased_vcf('{pid}')}.tbi",
        log:
            "logs/pgx_phase/{pid}.log",
        benchmark:
            "benchmarks/pgx_phase/{pid}.tsv"
        conda:
            "../../envs/pgx.yaml"
        resources:
            mem_mb=1000,
            runtime=30,
        script:
            "../../scripts/pgx_phase.py"

    if config["pgx"]["cyp2d6_caller"] == "aldy":

        rule pgx_cyp2d6:
            input:
                bam=alignment("{pid}"),
                index=alignment_index("{pid}"),
                fai=f"{GENOME}.fai",
            output:
                json=pgx_cyp2d6_json("{pid}"),
            log:
                "logs/pgx_cyp2d6/{pid}.log",
            benchmark:
                "benchmarks/pgx_cyp2d6/{pid}.tsv"
            conda:
                "../../envs/cyp2d6.yaml"
            resources:
                mem_mb=2000,
                runtime=30,
            params:
                build=config["reference"]["build"],
                targeted=is_targeted,
                min_depth=config["pgx"]["cyp2d6_min_depth"],
            script:
                "../../scripts/pgx_cyp2d6.py"

    rule pgx_call:
        input:
            vcf=pgx_matched_vcf("{pid}"),
            index=f"{pgx_matched_vcf('{pid}')}.tbi",
            definitions=pgx_definition_files(),
            definition_records=pgx_definition_records(),
            phenotypes=pgx_phenotype_files(),
            outside_calls=pgx_outside_calls,
            structural=pgx_structural_calls,
            recommendations=pgx_recommendations(),
            sex=sex_json("{pid}"),
        output:
            json=f"{pgx_file('{pid}')}.json",
            tsv=f"{pgx_file('{pid}')}.tsv",
            phenotype=f"{pgx_file('{pid}')}.phenotype.json",
            outside_calls=f"{pgx_file('{pid}')}.outside_calls.tsv",
        log:
            "logs/pgx_call/{pid}.log",
        benchmark:
            "benchmarks/pgx_call/{pid}.tsv"
        conda:
            "../../envs/pgx.yaml"
        resources:
            mem_mb=1000,
            runtime=30,
        params:
            definitions=pgx_definitions_folder,
            build=config["reference"]["build"],
            sample=sample_name,
            phenotypes=pgx_phenotypes_folder,
            recommendations=pgx_recommendations_url(),
        script:
            "../../scripts/pgx.py"

    localrules:
        publish_pgx,

    rule publish_pgx:
        input:
            json=published_source(pgx_file, ".json"),
            tsv=published_source(pgx_file, ".tsv"),
            phenotype=published_source(pgx_file, ".phenotype.json"),
            outside_calls=published_source(pgx_file, ".outside_calls.tsv"),
            sex=sex_cleared_sample,
        output:
            json=published("{sample}", ".pgx.json"),
            tsv=published("{sample}", ".pgx.tsv"),
            phenotype=published("{sample}", ".pgx.phenotype.json"),
            outside_calls=published("{sample}", ".pgx.outside_calls.tsv"),
        log:
            "logs/publish_pgx/{sample}.log",
        conda:
            "../../envs/python.yaml"
        script:
            "../../scripts/publish.py"

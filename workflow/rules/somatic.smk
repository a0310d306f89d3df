# Two passes over a chunk: a cheap count of both BAMs' reads finds the positions where a candidate
# the model can use could be (scripts/somatic_sites.sh, tailorseq.somatic.candidate_sites), then
# the full mpileup runs there only (--targets-file; bcftools reads the whole list into memory).
rule somatic_candidates:
    input:
        alns=somatic_pair_alignments,
        indexes=somatic_pair_indexes,
        ref=GENOME,
        fai=f"{GENOME}.fai",
        bed=chunk_bed,
    output:
        candidates=temp(somatic_chunk("{pid}", "{chunk}")),
        sites=temp(somatic_chunk_sites("{pid}", "{chunk}")),
    log:
        "logs/somatic_candidates/{pid}.{chunk}.log",
    benchmark:
        "benchmarks/somatic_candidates/{pid}.{chunk}.tsv"
    conda:
        "../../envs/bcftools.yaml"
    resources:
        mem_mb=2000,
        runtime=240,
    params:
        first_pass=SOMATIC_SITES,
        thresholds=SOMATIC_SITE_THRESHOLDS.arguments(),
        min_alt=SOMATIC_SITE_THRESHOLDS.alt,
        min_gapped=SOMATIC_SITE_THRESHOLDS.gapped,
        min_mapq=config["somatic"]["min_mapq"],
        min_baseq=config["somatic"]["min_baseq"],
        max_depth=SOMATIC_MAX_DEPTH,
        keep=somatic_candidate_filter(),
    shell:
        "(bash {params.first_pass} {input.bed} {input.ref} {params.min_mapq}"
        " {params.thresholds} {input.alns} | bgzip > {output.sites}"
        " && bcftools mpileup --fasta-ref {input.ref} --regions-file {input.bed}"
        " --targets-file {output.sites} --min-ireads {params.min_gapped}"
        " --min-MQ {params.min_mapq} --min-BQ {params.min_baseq} --max-depth {params.max_depth}"
        " --annotate FORMAT/AD,FORMAT/ADF,FORMAT/ADR,FORMAT/DP,FORMAT/QS,INFO/AD"
        " --output-type u {input.alns}"
        # sites where no alternate allele has 2 reads go before the split, not after it: the
        # same records come out, in a quarter less CPU (bench/somatic.py)
        " | bcftools view --include 'MAX(INFO/AD[1-])>={params.min_alt}' --output-type u"
        " | bcftools norm --fasta-ref {input.ref} --multiallelics -both --output-type u"
        # only candidates the model can use: their tumour LOD can reach the minimum, or the
        # sample-swap check counts them (tailorseq.somatic.caller.candidate_filter)
        " | bcftools view --include 'ALT!=\"<*>\" && INFO/AD[1]>={params.min_alt} && ({params.keep})'"
        " --output-type b --output {output.candidates}) 2> {log}"


rule somatic_model:
    input:
        chunks=somatic_chunks,
        panel=panel_of_normals(),
    output:
        vcf=somatic_vcf("{pid}"),
        index=f"{somatic_vcf('{pid}')}.tbi",
        summary=somatic_summary("{pid}"),
    log:
        "logs/somatic_model/{pid}.log",
    benchmark:
        "benchmarks/somatic_model/{pid}.tsv"
    conda:
        "../../envs/python.yaml"
    resources:
        mem_mb=2000,
        runtime=120,
    params:
        settings=config["somatic"],
        purity=somatic_purity,
    script:
        "../../scripts/somatic_model.py"


localrules:
    publish_somatic,


rule publish_somatic:
    input:
        vcf=somatic_published_source(somatic_vcf),
        index=somatic_published_source(somatic_vcf, ".tbi"),
        sex=sex_cleared_patient,
    output:
        vcf=somatic_published("{patient}", "{name}", ".somatic.vcf.gz"),
        index=somatic_published("{patient}", "{name}", ".somatic.vcf.gz.tbi"),
    log:
        "logs/publish_somatic/{patient}.{name}.log",
    wildcard_constraints:
        **somatic_patterns(),
    conda:
        "../../envs/python.yaml"
    script:
        "../../scripts/publish.py"


rule somatic_msi:
    input:
        alns=somatic_pair_alignments,
        indexes=somatic_pair_indexes,
        ref=GENOME,
        fai=f"{GENOME}.fai",
    output:
        json=somatic_msi("{pid}"),
        sites=somatic_msi_sites("{pid}"),
    log:
        "logs/somatic_msi/{pid}.log",
    benchmark:
        "benchmarks/somatic_msi/{pid}.tsv"
    conda:
        "../../envs/python.yaml"
    resources:
        mem_mb=2000,
        runtime=120,
    params:
        settings=config["somatic"],
        purity=somatic_purity,
    script:
        "../../scripts/somatic_msi.py"


if annotation_enabled():

    rule somatic_cds_bed:
        input:
            gff3=prepared_gff3(),
        output:
            coding_bed(),
        log:
            f"logs/somatic_cds_bed/{REF_ID}.log",
        conda:
            "../../envs/python.yaml"
        script:
            "../../scripts/somatic_cds_bed.py"

    rule somatic_callable:
        input:
            alns=somatic_pair_alignments,
            indexes=somatic_pair_indexes,
            ref=GENOME,
            bed=coding_bed(),
        output:
            somatic_callable_tsv("{pid}"),
        log:
            "logs/somatic_callable/{pid}.log",
        benchmark:
            "benchmarks/somatic_callable/{pid}.tsv"
        conda:
            "../../envs/samtools.yaml"
        resources:
            mem_mb=1000,
            runtime=120,
        params:
            min_mapq=config["somatic"]["min_mapq"],
            min_baseq=config["somatic"]["min_baseq"],
            min_depth=config["somatic"]["tmb_min_depth"],
        shell:
            "(samtools depth -a -b {input.bed} --reference {input.ref}"
            " -Q {params.min_mapq} -q {params.min_baseq} {input.alns}"
            " | awk -v min={params.min_depth} 'BEGIN {{cds = 0; callable = 0}}"
            " {{cds++; if ($3 >= min && $4 >= min) callable++}}"
            ' END {{print "cds_bases\\t" cds; print "callable_bases\\t" callable}}\''
            " > {output}) 2> {log}"

    rule somatic_csq:
        input:
            vcf=somatic_vcf("{pid}"),
            ref=GENOME,
            gff3=prepared_gff3(),
        output:
            vcf=somatic_annotated_vcf("{pid}"),
            index=f"{somatic_annotated_vcf('{pid}')}.tbi",
        log:
            "logs/somatic_csq/{pid}.log",
        conda:
            "../../envs/annotation.yaml"
        shell:
            "(bcftools csq --fasta-ref {input.ref} --gff-annot {input.gff3} --samples -"
            " --local-csq --ncsq 64 --output-type z --output {output.vcf} {input.vcf}"
            " && tabix --preset vcf {output.vcf} && touch -r {output.vcf} {output.index})"
            " 2> {log}"

    localrules:
        publish_somatic_annotation,

    rule publish_somatic_annotation:
        input:
            vcf=somatic_published_source(somatic_annotated_vcf),
            index=somatic_published_source(somatic_annotated_vcf, ".tbi"),
            sex=sex_cleared_patient,
        output:
            vcf=somatic_published("{patient}", "{name}", ".somatic.annotated.vcf.gz"),
            index=somatic_published(
                "{patient}", "{name}", ".somatic.annotated.vcf.gz.tbi"
            ),
        log:
            "logs/publish_somatic_annotation/{patient}.{name}.log",
        wildcard_constraints:
            **somatic_patterns(),
        conda:
            "../../envs/python.yaml"
        script:
            "../../scripts/publish.py"


# Biomarkers of every pair: MSI always, TMB when the build has a gene annotation (otherwise TMB
# is "not assessed" with that reason).
rule somatic_biomarkers:
    input:
        unpack(somatic_tmb_inputs),
        summary=somatic_summary("{pid}"),
        msi=somatic_msi("{pid}"),
    output:
        somatic_biomarkers("{pid}"),
    log:
        "logs/somatic_biomarkers/{pid}.log",
    benchmark:
        "benchmarks/somatic_biomarkers/{pid}.tsv"
    conda:
        "../../envs/python.yaml"
    params:
        settings=config["somatic"],
        purity=somatic_purity,
    script:
        "../../scripts/somatic_biomarkers.py"


localrules:
    publish_biomarkers,


rule publish_biomarkers:
    input:
        somatic_published_source(somatic_biomarkers),
        sex=sex_cleared_patient,
    output:
        somatic_published("{patient}", "{name}", ".biomarkers.json"),
    log:
        "logs/publish_biomarkers/{patient}.{name}.log",
    wildcard_constraints:
        **somatic_patterns(),
    conda:
        "../../envs/python.yaml"
    script:
        "../../scripts/publish.py"

# Somatic copy number of every tumour/normal pair (input functions in functions/somatic.smk):
# CNVkit in WGS mode over the territory the normal covers, the pair's normal as the reference
# (or a pooled reference of normals, cnv.reference, over its own bins); see
# scripts/somatic_cnv.py and scripts/tailorseq/somatic/copy_number.py.
if config["cnv"]["enabled"]:

    rule cnvkit_access:
        input:
            GENOME,
        output:
            cnvkit_access(),
        log:
            f"logs/cnvkit_access/{REF_ID}.log",
        benchmark:
            f"benchmarks/cnvkit_access/{REF_ID}.tsv"
        conda:
            "../../envs/cnvkit.yaml"
        resources:
            mem_mb=4000,
            runtime=60,
        shell:
            "cnvkit.py access {input} --output {output} > {log} 2>&1"

    rule somatic_cnv:
        input:
            unpack(somatic_cnv_inputs),
        output:
            tsv=somatic_cnv("{pid}", "tsv"),
            json=somatic_cnv("{pid}", "json"),
            png=somatic_cnv("{pid}", "png"),
        log:
            "logs/somatic_cnv/{pid}.log",
        benchmark:
            "benchmarks/somatic_cnv/{pid}.tsv"
        conda:
            "../../envs/cnvkit.yaml"
        threads: 2
        resources:
            mem_mb=4000,
            runtime=240,
        params:
            settings=config["cnv"],
            purity=somatic_purity,
            min_mapq=config["somatic"]["min_mapq"],
        script:
            "../../scripts/somatic_cnv.py"

    localrules:
        publish_cnv,

    rule publish_cnv:
        input:
            somatic_cnv_source,
            sex=sex_cleared_patient,
        output:
            somatic_published("{patient}", "{name}", ".cnv.{ext}"),
        log:
            "logs/publish_cnv/{patient}.{name}.{ext}.log",
        wildcard_constraints:
            **somatic_patterns(),
            ext="tsv|json|png",
        conda:
            "../../envs/python.yaml"
        script:
            "../../scripts/publish.py"


# Germline exon-level copy number: every germline sample against the run's others (one job for
# the run: each sample's reference is the others), or against a configured panel of normals
# (germline_cnv.panel); scripts/tailorseq/germline_cnv.py.
if germline_cnv_enabled():

    rule germline_cnv:
        input:
            **germline_cnv_panel(),
            regions=[
                f"{gene_coverage_prefix(pid)}.regions.bed.gz"
                for pid in germline_pids()
            ],
            sex=[sex_json(pid) for pid in germline_pids()],
            gff3=prepared_gff3(),
            canonical=prepared_canonical(),
        output:
            tsv=[germline_cnv(pid, "tsv") for pid in germline_pids()],
            json=[germline_cnv(pid, "json") for pid in germline_pids()],
        log:
            "logs/germline_cnv/run.log",
        benchmark:
            "benchmarks/germline_cnv/run.tsv"
        conda:
            "../../envs/python.yaml"
        resources:
            mem_mb=4000,
            runtime=60,
        params:
            pids=germline_pids(),
            settings=config["germline_cnv"],
        script:
            "../../scripts/germline_cnv.py"

    localrules:
        publish_germline_cnv,

    rule publish_germline_cnv:
        input:
            lambda wildcards: germline_cnv(PID[wildcards.sample], wildcards.ext),
            sex=sex_cleared_sample,
        output:
            published("{sample}", ".germline.cnv.{ext}"),
        log:
            "logs/publish_germline_cnv/{sample}.{ext}.log",
        wildcard_constraints:
            ext="tsv|json",
        conda:
            "../../envs/python.yaml"
        script:
            "../../scripts/publish.py"

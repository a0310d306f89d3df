# Somatic actionability (functions in somatic_common.smk): a pair's PASS variants (gene +
# protein change from bcftools csq, genomic allele) and biomarkers (TMB-high, MSI-high) matched
# to the curated table and CIViC, with AMP/ASCO/CAP tiers; see
# scripts/tailorseq/somatic/actionability.py.
if annotation_enabled() and is_url(CIVIC_SOURCE):

    rule download_civic:
        output:
            tsv=civic_download(),
            record=f"{civic_download()}.json",
        log:
            "logs/download_civic/civic.log",
        retries: 2
        conda:
            "../../envs/python.yaml"
        params:
            url=CIVIC_SOURCE,
        script:
            "../../scripts/download_civic.py"


if annotation_enabled():

    rule somatic_actionability:
        input:
            vcf=somatic_annotated_vcf("{pid}"),
            biomarkers=somatic_biomarkers("{pid}"),
            curated=ACTIONABLE_VARIANTS,
            civic=civic_evidence(),
            civic_record=civic_record(),
        output:
            json=f"{somatic_actionable('{pid}')}.json",
            tsv=f"{somatic_actionable('{pid}')}.tsv",
        log:
            "logs/somatic_actionability/{pid}.log",
        benchmark:
            "benchmarks/somatic_actionability/{pid}.tsv"
        conda:
            "../../envs/python.yaml"
        resources:
            mem_mb=1000,
            runtime=30,
        params:
            build=config["reference"]["build"],
            tumor_type=somatic_tumor_type,
        script:
            "../../scripts/somatic_actionability.py"

    localrules:
        publish_actionability,

    rule publish_actionability:
        input:
            json=somatic_published_source(somatic_actionable, ".json"),
            tsv=somatic_published_source(somatic_actionable, ".tsv"),
            sex=sex_cleared_patient,
        output:
            json=somatic_published("{patient}", "{name}", ".actionable.json"),
            tsv=somatic_published("{patient}", "{name}", ".actionable.tsv"),
        log:
            "logs/publish_actionability/{patient}.{name}.log",
        wildcard_constraints:
            **somatic_patterns(),
        conda:
            "../../envs/python.yaml"
        script:
            "../../scripts/publish.py"

# Somatic actionability (input functions in functions/actionability.smk): a pair's PASS variants
# (gene + protein change from bcftools csq, genomic allele) and biomarkers (TMB-high, MSI-high)
# matched to the curated table and CIViC, tumour types on OncoTree, with AMP/ASCO/CAP tiers; see
# scripts/tailorseq/somatic/actionability.py.
if annotation_enabled():

    rule somatic_actionability:
        input:
            vcf=somatic_annotated_vcf("{pid}"),
            biomarkers=somatic_biomarkers("{pid}"),
            cnv=somatic_cnv_document,
            sv=somatic_sv_document,
            curated=ACTIONABLE_VARIANTS,
            oncotree=somatic_knowledge_file("oncotree"),
            oncotree_record=somatic_knowledge_record("oncotree"),
            civic=somatic_knowledge_file("civic"),
            civic_record=somatic_knowledge_record("civic"),
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

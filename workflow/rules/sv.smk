# Somatic structural variants of every tumour/normal pair (input functions in
# functions/somatic.smk): DELLY on both BAMs, somatic filter, breakpoint genes and fusions; see
# scripts/somatic_sv.py and scripts/tailorseq/somatic/structural.py.
if config["sv"]["enabled"]:

    rule somatic_sv:
        input:
            unpack(somatic_pair_inputs),
        output:
            vcf=somatic_sv("{pid}", "vcf.gz"),
            index=somatic_sv("{pid}", "vcf.gz.tbi"),
            json=somatic_sv("{pid}", "json"),
        log:
            "logs/somatic_sv/{pid}.log",
        benchmark:
            "benchmarks/somatic_sv/{pid}.tsv"
        conda:
            "../../envs/delly.yaml"
        threads: 2
        resources:
            mem_mb=4000,
            runtime=480,
        params:
            settings=config["sv"],
        script:
            "../../scripts/somatic_sv.py"

    localrules:
        publish_sv,

    rule publish_sv:
        input:
            somatic_sv_source,
            sex=sex_cleared_patient,
        output:
            somatic_published("{patient}", "{name}", ".sv.{ext}"),
        log:
            "logs/publish_sv/{patient}.{name}.{ext}.log",
        wildcard_constraints:
            **somatic_patterns(),
            ext="vcf.gz|vcf.gz.tbi|json",
        conda:
            "../../envs/python.yaml"
        script:
            "../../scripts/publish.py"

import sys

from tailorseq.locations import ROOT

# Index builders record their outputs' checksums (tailorseq.refcache), so that a run can detect
# a damaged cached index before using it. The script is the installed package's copy (the
# checkout's, or the wheel's): a params value must not change between runs, as a
# workflow.source_path() does (Snakemake's runtime cache of a module's files is a new folder each
# run), or every run would rebuild the indexes.
RECORD_CHECKSUMS = f"{sys.executable} {ROOT / 'scripts' / 'record_checksums.py'}"


rule prepare_reference:
    input:
        reference_source(),
    output:
        fasta=GENOME,
        fai=f"{GENOME}.fai",
    log:
        f"logs/prepare_reference/{REF_ID}.log",
    conda:
        "../../envs/python.yaml"
    params:
        build=config["reference"]["build"],
        content_identified=REF_BY_CONTENT,
    script:
        "../../scripts/prepare_reference.py"


rule bwa_index:
    input:
        GENOME,
    output:
        multiext(GENOME, ".amb", ".ann", ".bwt", ".pac", ".sa"),
    log:
        f"logs/bwa_index/{REF_ID}.log",
    benchmark:
        f"benchmarks/bwa_index/{REF_ID}.tsv"
    conda:
        "../../envs/bwa.yaml"
    resources:
        mem_mb=8000,
        runtime=180,
    params:
        record=RECORD_CHECKSUMS,
    shell:
        "(bwa index {input} && {params.record} --name bwa_index {output}) 2> {log}"


rule minimap2_index:
    input:
        GENOME,
    output:
        f"{GENOME}.sr.mmi",
    log:
        f"logs/minimap2_index/{REF_ID}.log",
    benchmark:
        f"benchmarks/minimap2_index/{REF_ID}.tsv"
    conda:
        "../../envs/minimap2.yaml"
    threads: 4
    resources:
        mem_mb=16000,
        runtime=60,
    params:
        record=RECORD_CHECKSUMS,
    shell:
        "(minimap2 -x sr -t {threads} -d {output} {input}"
        " && {params.record} --name minimap2_index {output}) 2> {log}"


rule scatter_regions:
    input:
        ref=GENOME,
        fai=f"{GENOME}.fai",
        targets=targets_bed(),
    output:
        [scatter_bed(chunk) for chunk in CHUNKS],
    log:
        f"logs/scatter_regions/{REF_ID}.log",
    benchmark:
        f"benchmarks/scatter_regions/{REF_ID}.tsv"
    conda:
        "../../envs/python.yaml"
    script:
        "../../scripts/scatter_regions.py"

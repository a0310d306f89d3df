# Input functions of the tumour RNA stage (rules in rna.smk): every tumor_rna sample is quantified
# by salmon and aligned (spliced) to the genome; its results are published beside its tumour's.

# RNA sample's pseudonym -> its tumour's (the pair's working files live under the tumour's).
RNA_TUMOUR = {
    PID[rna.sample]: PID[SHEET.rna_tumour(rna).sample] for rna in SHEET.rna_samples()
}
# (patient, name) of every RNA sample's published products -> the RNA sample's pseudonym.
RNA_PUBLISHED = {
    (rna.patient, somatic_name(SHEET.rna_tumour(rna))): PID[rna.sample]
    for rna in SHEET.rna_samples()
}
RNA_EXTS = ("expression.tsv", "rna.json")


def rna_enabled() -> bool:
    """Tumour RNA runs when switched on and the sheet has tumor_rna samples (the transcripts
    come from the build's gene models: the check refuses RNA samples without them)."""
    return config["rna"]["enabled"] and bool(RNA_TUMOUR) and annotation_enabled()


def rna_transcripts() -> str:
    """The transcript sequences of the prepared gene models (gffread)."""
    return prepared_gff3().replace(".gff3", ".transcripts.fa")


def salmon_index() -> str:
    """The salmon index of those transcripts, with the genome as decoys when configured."""
    decoys = "-decoys" if config["rna"]["decoys"] else ""
    return prepared_gff3().replace(".gff3", f".salmon{decoys}")


def salmon_index_command(wildcards, input, output, threads) -> str:
    """salmon index over the transcripts, decoy-aware when configured: the genome's contigs
    appended as decoys (salmon's recommended full-genome decoys), removed afterwards."""
    index = f"salmon index --kmerLen 31 --threads {threads} --index {output}"
    if not config["rna"]["decoys"]:
        return f"{index} --transcripts {input.transcripts}"
    gentrome, decoys = f"{output}.gentrome.fa", f"{output}.decoys.txt"
    return (
        f"cut -f1 {input.fai} > {decoys} && cat {input.transcripts} {input.genome} > {gentrome}"
        f" && {index} --transcripts {gentrome} --decoys {decoys} && rm {gentrome} {decoys}"
    )


def rna_trimmed_reads(wildcards) -> dict[str, list[str]]:
    """The trimmed read files of every unit of an RNA sample, read 1 and read 2 in unit order."""
    uids = list(sample_units(wildcards))
    return {
        f"r{read}": [rna_trimmed(wildcards.pid, uid, read) for uid in uids]
        for read in (1, 2)
    }


def rna_tumour_type(wildcards) -> str | None:
    """Params function: the tumour type (samples.tsv) of the RNA sample's tumour."""
    return SHEET.samples[SAMPLE[RNA_TUMOUR[wildcards.pid]]].tumor_type


def rna_summary_inputs(wildcards) -> dict[str, str | list[str]]:
    """What an RNA sample's summary reads: its quantification and alignment, the gene models
    the transcripts came from, and its tumour's PASS somatic calls, actionability, copy number
    and tumour type tree (optional inputs are lists, empty when absent). RNA runs only with
    gene models, so the pair is annotated and its actionability assessed."""
    pid, tumour = wildcards.pid, RNA_TUMOUR[wildcards.pid]
    return {
        "quant": salmon_quant(pid),
        "gff3": prepared_gff3(),
        "bam": rna_alignment(pid),
        "bai": f"{rna_alignment(pid)}.bai",
        "ref": GENOME,
        "vcf": [somatic_annotated_vcf(tumour)],
        "actionable": [f"{somatic_actionable(tumour)}.json"],
        "cnv": [somatic_cnv(tumour, "json")] if config["cnv"]["enabled"] else [],
        "oncotree": somatic_knowledge_file("oncotree"),
    }


def rna_patient_name(wildcards) -> str:
    """Params function: the RNA sample's patient as outputs name it."""
    return SHEET.samples[SAMPLE[wildcards.pid]].patient


def rna_published_source(wildcards) -> str:
    """The pseudonymous source of a published RNA product."""
    pid = RNA_PUBLISHED[(wildcards.patient, wildcards.name)]
    return rna_summary(pid, wildcards.ext)


def rna_patterns() -> dict[str, str]:
    """Wildcard constraints of the published RNA paths (the sheet's patients and names)."""
    pairs = RNA_PUBLISHED or {("-", "-"): ""}
    return {
        "patient": "|".join(sorted({patient for patient, _ in pairs})),
        "name": "|".join(sorted({name for _, name in pairs})),
        "ext": "|".join(RNA_EXTS).replace(".", r"\."),
    }


def rna_outputs() -> list[str]:
    """Everything the RNA stage publishes."""
    if not rna_enabled():
        return []
    return [
        somatic_published(patient, name, f".{ext}")
        for patient, name in RNA_PUBLISHED
        for ext in RNA_EXTS
    ]


def rna_multiqc_inputs() -> list[str]:
    """The RNA samples' trimming reports and salmon folders, for MultiQC."""
    if not rna_enabled():
        return []
    files = [
        qc_file(pid, f"{uid}.rna.fastp.json")
        for pid in RNA_TUMOUR
        for uid in UID[SAMPLE[pid]]
    ]
    return files + [salmon_quant(pid) for pid in RNA_TUMOUR]

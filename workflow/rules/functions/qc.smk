# Input functions of staging, trimming and alignment QC (rules in qc.smk).


def staged_unit_inputs(wildcards) -> dict[str, str]:
    """The user's files for one unit (FASTQ pair or BAM), to be linked under pseudonymous names."""
    row = unit(wildcards)
    if row.is_bam:
        return {"bam": str(row.bam)}
    return {"fq1": str(row.fq1), "fq2": str(row.fq2)}


def sample_file_source(wildcards) -> str:
    """The user's file behind a staged per-sample file: the sheet's targets BED of the sample,
    or its PGx outside calls (config pgx.outside_calls)."""
    name = SAMPLE[wildcards.pid]
    if wildcards.role == "targets.bed":
        return str(SHEET.samples[name].targets)
    return config["pgx"]["outside_calls"][name]


def sample_targets(wildcards) -> list[str]:
    """Coverage QC targets of a sample: its own BED from the sheet (staged), else the config's."""
    own = SHEET.samples[SAMPLE[wildcards.pid]].targets
    return [staged_sample_file(wildcards.pid, "targets.bed")] if own else targets_bed()


def targets_option(flag: str):
    """A params function giving `flag BED` when targets are configured, else nothing."""

    def option(wildcards, input) -> str:
        return f"{flag} {input.targets}" if input.targets else ""

    return option


def fastp_adapter_options(wildcards) -> str:
    """The unit's adapter sequence when the sheet gives one, else fastp's paired-end detection."""
    adapters = unit(wildcards).adapters
    if adapters:
        return f"--adapter_sequence {adapters} --adapter_sequence_r2 {adapters}"
    return "--detect_adapter_for_pe"

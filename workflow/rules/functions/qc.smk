from tailorseq.checks import SCAN_CACHE
from tailorseq.fastq import ScanCache, record_content

# Input functions of staging, trimming and alignment QC (rules in qc.smk).


def staged_unit_inputs(wildcards) -> dict[str, str]:
    """The user's files for one unit (FASTQ pair or BAM), to be staged under pseudonymous names,
    and the unit's content identity. The files are `ancient`: their content identity decides
    when staging reruns, so files re-synced with new times realign nothing."""
    row = unit(wildcards)
    content = unit_content(wildcards.pid, wildcards.uid)
    if row.is_bam:
        return {"bam": ancient(str(row.bam)), "content": content}
    return {
        "fq1": ancient(str(row.fq1)),
        "fq2": ancient(str(row.fq2)),
        "content": content,
    }


def sample_file_source(wildcards) -> str:
    """The user's file behind a staged per-sample file: the sheet's targets BED of the sample,
    or its n-th outside-call file (role outside_calls.<n>.tsv, pgx.outside_calls)."""
    name = SAMPLE[wildcards.pid]
    if wildcards.role == "targets.bed":
        return str(SHEET.samples[name].targets)
    return outside_call_source(name, int(wildcards.role.split(".")[1]))


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


def fastp_stream(wildcards, input, output, threads) -> str:
    """fastp writing a unit's trimmed pairs interleaved to stdout (`bwa mem -p`, and minimap2's
    pairing of adjacent reads of one name, read them), with its JSON/HTML report for MultiQC.
    A quarter of the job's threads trim; the aligner needs the rest. fastp's duplication
    estimate is left out (7% of its CPU and 1 GB): duplicates are marked on the alignments.
    """
    trimming = config["trimming"]
    return (
        f"fastp --in1 {input.fq1} --in2 {input.fq2} --stdout {fastp_adapter_options(wildcards)}"
        f" --n_base_limit {trimming['n_base_limit']} --length_required {trimming['min_length']}"
        f" --thread {max(1, threads // 4)} --dont_eval_duplication"
        f" --json {output.json} --html {output.html}"
        f" --report_title {wildcards.pid}.{wildcards.uid}"
    )


# Rewritten only when a unit's content changed (checksums cached with the FASTQ scans).
if workflow.is_main_process:
    record_content(
        ScanCache(Path(config["cache_dir"]) / SCAN_CACHE),
        {
            Path(unit_content(PID[name], uid)): list(row.files.values())
            for name, units in UID.items()
            for uid, row in units.items()
        },
    )

# Input functions of the alignment stage (rules in align.smk).
from tailorseq.alignment import aligner_read_group


def is_bam_sample(wildcards) -> bool:
    """True when the sample's units are existing alignments (used as they are)."""
    return any(row.is_bam for row in sample_units(wildcards).values())


def unit_alignments(wildcards) -> list[str]:
    """Every unit's coordinate-sorted alignment of a sample, in sheet order."""
    pid = wildcards.pid
    if is_bam_sample(wildcards):
        return [staged_bam(pid, uid) for uid in sample_units(wildcards)]
    aligner = config["aligner"]
    return [unit_alignment(pid, uid, aligner) for uid in sample_units(wildcards)]


def staged_bams(wildcards) -> list[str]:
    """A BAM-input sample's staged unit BAMs (their read groups are kept); none for FASTQ."""
    return unit_alignments(wildcards) if is_bam_sample(wildcards) else []


def read_group(wildcards) -> str:
    """The aligner's read group for a unit: pseudonymous, since it shows on the command line."""
    return aligner_read_group(wildcards.pid, wildcards.uid)


def fastq_unit_names(wildcards) -> dict[str, str]:
    """uid -> the sheet's unit name, for the FASTQ units of a sample."""
    return {
        uid: row.unit for uid, row in sample_units(wildcards).items() if not row.is_bam
    }


def finish_alignment(wildcards, input, output, threads) -> str:
    """The command that writes a sample's merged alignment and its index.

    FASTQ-derived alignments get duplicates marked; existing BAM units are used as they are.
    Afterwards the index gets the alignment's time stamp: published copies are hard links,
    which share their source's time stamp, and must not look older than the index.
    """
    write = (
        f"--output-fmt {ALIGNMENT_EXT} --reference {input.ref}"
        f" --write-index -@ {threads}"
    )
    target = f"{output.aln}##idx##{output.index}"
    if is_bam_sample(wildcards):
        return (
            f"samtools view {write} -o {target} -"
            f" && echo 'existing alignments: duplicates not re-marked' > {output.metrics}"
        )
    return f"samtools markdup {write} -T {output.aln}.tmp -f {output.metrics} -S - {target}"

"""Read groups and BAM headers: pseudonymous on the command line, the real sample in the file."""

from dataclasses import dataclass
from pathlib import Path

import pysam

from tailorseq.regions import read_fai


@dataclass(frozen=True)
class ReadGroup:
    """One @RG line: the id the reads carry and the sample they belong to."""

    id: str
    sample: str
    library: str
    platform_unit: str
    platform: str = "ILLUMINA"

    def line(self) -> str:
        fields = [
            f"ID:{self.id}",
            f"SM:{self.sample}",
            f"LB:{self.library}",
            f"PL:{self.platform}",
            f"PU:{self.platform_unit}",
        ]
        return "@RG\t" + "\t".join(fields)


def unit_read_group_id(pid: str, uid: str) -> str:
    """The read-group id given to a FASTQ unit: pseudonymous, unique within the run."""
    return f"{pid}.{uid}"


def aligner_read_group(pid: str, uid: str) -> str:
    """The @RG string passed to the aligner, which carries no sample name (it is visible in ps)."""
    return ReadGroup(unit_read_group_id(pid, uid), pid, pid, uid).line().replace("\t", "\\t")


def bam_read_groups(bam: Path, sample: str) -> list[str]:
    """The @RG lines of an existing BAM/CRAM with their sample name set to `sample`."""
    with pysam.AlignmentFile(str(bam), "rb", check_sq=False) as handle:
        groups = handle.header.to_dict().get("RG", [])
    lines = []
    for group in groups:
        fields = {**group, "SM": sample}
        lines.append("@RG\t" + "\t".join(f"{key}:{value}" for key, value in fields.items()))
    return lines


def sample_header(fai: Path, read_groups: list[str]) -> str:
    """The SAM header of a sample's merged BAM: reference contigs and its read groups."""
    lines = ["@HD\tVN:1.6\tSO:coordinate"]
    lines += [f"@SQ\tSN:{contig.contig}\tLN:{contig.end}" for contig in read_fai(fai)]
    lines += read_groups
    return "\n".join(lines) + "\n"


def sample_read_groups(
    pid: str, sample: str, fastq_units: dict[str, str], bams: list[Path]
) -> list[str]:
    """Every @RG line of a sample's merged alignment, with the real sample name.

    FASTQ units get the ids the aligner wrote (pid.uid) and one library per sample, so
    duplicates are marked across lanes; BAM units keep their own read groups.
    """
    lines = [
        ReadGroup(unit_read_group_id(pid, uid), sample, sample, name).line()
        for uid, name in fastq_units.items()
    ]
    for bam in bams:
        lines += bam_read_groups(bam, sample)
    return lines

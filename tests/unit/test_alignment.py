"""Read groups and the merged header: pseudonyms on command lines, real names in files."""

from pathlib import Path

import pysam

from tailorseq.alignment import aligner_read_group, sample_header, sample_read_groups


def make_bam(path: Path, read_groups: list[dict]) -> Path:
    header = {"HD": {"VN": "1.6"}, "SQ": [{"SN": "c1", "LN": 100}], "RG": read_groups}
    with pysam.AlignmentFile(str(path), "wb", header=header):
        pass
    return path


def test_aligner_read_group_carries_only_the_pseudonym() -> None:
    text = aligner_read_group("s0123456789", "u2")
    assert text == "@RG\\tID:s0123456789.u2\\tSM:s0123456789\\tLB:s0123456789\\tPL:ILLUMINA\\tPU:u2"


def test_fastq_units_get_the_real_sample_and_one_library(tmp_path: Path) -> None:
    lines = sample_read_groups("s0123456789", "demo1", {"u1": "L001", "u2": "L002"}, [])
    assert lines == [
        "@RG\tID:s0123456789.u1\tSM:demo1\tLB:demo1\tPL:ILLUMINA\tPU:L001",
        "@RG\tID:s0123456789.u2\tSM:demo1\tLB:demo1\tPL:ILLUMINA\tPU:L002",
    ]


def test_bam_units_keep_their_read_groups_with_the_sheet_sample(tmp_path: Path) -> None:
    bam = make_bam(tmp_path / "in.bam", [{"ID": "lane7", "SM": "old-name", "LB": "libA"}])
    lines = sample_read_groups("s0123456789", "patient-x", {}, [bam])
    assert lines == ["@RG\tID:lane7\tSM:patient-x\tLB:libA"]


def test_header_lists_contigs_in_reference_order(tmp_path: Path) -> None:
    fai = tmp_path / "g.fa.fai"
    fai.write_text("chr2\t500\t6\t60\t61\nchr1\t1000\t600\t60\t61\n")
    header = sample_header(fai, ["@RG\tID:x\tSM:y"])
    assert header.splitlines() == [
        "@HD\tVN:1.6\tSO:coordinate",
        "@SQ\tSN:chr2\tLN:500",
        "@SQ\tSN:chr1\tLN:1000",
        "@RG\tID:x\tSM:y",
    ]

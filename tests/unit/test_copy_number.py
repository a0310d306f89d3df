"""Somatic copy number (tailorseq.somatic.copy_number): calls against ploidy, the normal's
territory, when copy number is not assessed, and the genes a segment names."""

import gzip
from pathlib import Path

import pytest

from tailorseq.defaults import config_defaults
from tailorseq.gff import gene_spans
from tailorseq.regions import Region
from tailorseq.somatic import copy_number as cnv

SETTINGS = cnv.CnvSettings.from_config(config_defaults("cnv"))
SEX_CONTIGS = {"x": "chrX", "y": "chrY", "m": "chrM"}


@pytest.mark.parametrize(
    ("copies", "ploidy", "call"),
    [(0, 2, "deep_deletion"), (1, 2, "loss"), (2, 2, "neutral"), (3, 2, "gain"), (5, 2, "gain"),
     (6, 2, "amplification"), (8, 2, "amplification"), (1, 1, "neutral"), (2, 1, "gain"),
     (0, 1, "deep_deletion")],
)  # fmt: skip
def test_calls_follow_the_contigs_ploidy_and_the_amplification_threshold(
    copies: int, ploidy: int, call: str
) -> None:
    assert cnv.classify(copies, ploidy, SETTINGS.amplification_copies) == call


def test_a_males_x_and_y_have_one_copy_a_females_x_two_and_y_none() -> None:
    assert cnv.contig_ploidy("chrX", "male", SEX_CONTIGS) == 1
    assert cnv.contig_ploidy("chrY", "male", SEX_CONTIGS) == 1
    assert cnv.contig_ploidy("chrX", "female", SEX_CONTIGS) == 2
    assert cnv.contig_ploidy("chrY", "female", SEX_CONTIGS) == 0
    assert cnv.contig_ploidy("chr17", "male", SEX_CONTIGS) == 2


def quantized(path: Path, rows: list[tuple[str, int, int, str]]) -> Path:
    with gzip.open(path, "wt") as handle:
        handle.writelines(f"{c}\t{s}\t{e}\t{label}\n" for c, s, e, label in rows)
    return path


def test_the_territory_is_covered_sequence_joined_over_small_gaps_within_access(
    tmp_path: Path,
) -> None:
    bed = quantized(tmp_path / "q.bed.gz", [
        ("chr1", 0, 1000, "low"), ("chr1", 1000, 5000, "covered"), ("chr1", 5000, 5500, "low"),
        ("chr1", 5500, 9000, "covered"), ("chr1", 9000, 20000, "low"),
        ("chr1", 20000, 30000, "covered"), ("chr2", 0, 500, "covered"),
    ])  # fmt: skip
    access = [Region("chr1", 0, 8000), Region("chr1", 25000, 40000), Region("chr3", 0, 100)]
    assert cnv.territory(bed, access, max_gap=1000) == [
        Region("chr1", 1000, 8000),  # joined over the 500-base dip, cut at the access gap
        Region("chr1", 25000, 30000),
    ]


def test_too_little_or_too_shallow_territory_is_not_assessed_with_the_reason() -> None:
    bases, depth = SETTINGS.min_territory, SETTINGS.min_normal_depth
    small = cnv.unassessable(bases - 1, 30.0, SETTINGS)
    assert small is not None and "cnv.min_territory" in small and f"{bases - 1:,}" in small
    shallow = cnv.unassessable(10 * bases, depth - 0.5, SETTINGS)
    assert shallow is not None and "cnv.min_normal_depth" in shallow
    assert cnv.unassessable(bases, depth, SETTINGS) is None


def test_segments_name_the_genes_they_overlap_and_short_segments_name_none_altered(
    tmp_path: Path,
) -> None:
    gff = tmp_path / "genes.gff3"
    gff.write_text(
        "##gff-version 3\n"
        "chr17\tt\tgene\t1001\t2000\t.\t+\t.\tID=gene:G1;Name=ERBB2\n"
        "chr17\tt\tgene\t2001\t3000\t.\t+\t.\tID=gene:G2;Name=GRB7\n"
        "chr9\tt\tgene\t101\t900\t.\t-\t.\tID=gene:G3;Name=CDKN2A\n"
        "chr17\tt\tmRNA\t1001\t2000\t.\t+\t.\tID=transcript:T1;Parent=gene:G1\n"
    )
    genes = gene_spans(gff)
    segments = [
        cnv.Segment("chr17", 0, 2000, 1.9, 8, 12, 160.0),  # ends where GRB7 starts (BED)
        cnv.Segment("chr17", 2000, 5000, 0.0, 2, 20, 60.0),
        cnv.Segment("chr9", 0, 1000, -5.0, 0, 2, 1.0),  # too few bins to name CDKN2A
    ]
    rows = cnv.segment_rows(segments, genes, {"chr17": 2, "chr9": 2}, SETTINGS)
    assert [(r["genes"], r["call"]) for r in rows] == [
        ("ERBB2", "amplification"),
        ("GRB7", "neutral"),
        ("CDKN2A", "deep_deletion"),
    ]
    altered = cnv.altered_genes(rows, SETTINGS.min_bins)
    assert [(g["gene"], g["copy_number"]) for g in altered] == [("ERBB2", 8)]


def test_the_table_has_its_header_even_without_segments(tmp_path: Path) -> None:
    cnv.write_table([], tmp_path / "cnv.tsv")
    assert (tmp_path / "cnv.tsv").read_text() == "\t".join(cnv.COLUMNS) + "\n"


def test_cnvkits_called_segments_are_read_with_their_integer_copy_number(tmp_path: Path) -> None:
    called = tmp_path / "t.call.cns"
    called.write_text(
        "chromosome\tstart\tend\tgene\tlog2\tcn\tdepth\tprobes\tweight\n"
        "ERBB2\t53\t49963\t-\t1.9688\t8\t166.7\t15\t14.9\n"
    )
    assert cnv.read_segments(called) == [cnv.Segment("ERBB2", 53, 49963, 1.9688, 8, 15, 166.7)]

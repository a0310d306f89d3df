"""Scatter chunks: cover everything once, in order, nearly equal."""

from itertools import pairwise
from pathlib import Path

import pysam
import pytest

from scatter_regions import scatter
from tailorseq.regions import (
    GAP_MIN,
    Region,
    contig_lengths,
    gaps,
    intersect,
    read_bed,
    read_fai,
    split_evenly,
    subtract,
    write_bed,
)

GENOME = [Region("chr1", 0, 1000), Region("chr2", 0, 500), Region("chrM", 0, 17)]


def covered(chunks: list[list[Region]]) -> list[Region]:
    return [region for chunk in chunks for region in chunk]


@pytest.mark.parametrize("count", [1, 2, 3, 7, 64])
def test_chunks_cover_the_genome_once_in_order(count: int) -> None:
    chunks = split_evenly(GENOME, count)
    assert len(chunks) == count
    pieces = covered(chunks)
    assert sum(piece.length for piece in pieces) == 1517
    for left, right in pairwise(pieces):
        if left.contig == right.contig:
            assert left.end == right.start
    sizes = [sum(piece.length for piece in chunk) for chunk in chunks]
    assert max(sizes) - min(sizes) <= 1


def test_a_contig_may_span_chunks_and_a_chunk_contigs() -> None:
    chunks = split_evenly(GENOME, 2)
    assert chunks[0] == [Region("chr1", 0, 758)]
    assert chunks[1] == [Region("chr1", 758, 1000), Region("chr2", 0, 500), Region("chrM", 0, 17)]


def test_zero_chunks_is_refused() -> None:
    with pytest.raises(ValueError):
        split_evenly(GENOME, 0)


def test_targets_are_clipped_merged_and_ordered() -> None:
    targets = [
        Region("chr2", 400, 900),
        Region("chr1", 10, 20),
        Region("chr1", 15, 30),
        Region("chrUn", 0, 10),
        Region("chr1", 50, 50),
    ]
    assert intersect(GENOME, targets) == [Region("chr1", 10, 30), Region("chr2", 400, 500)]


def test_fai_and_bed_round_trip(tmp_path: Path) -> None:
    fai = tmp_path / "ref.fa.fai"
    fai.write_text("chr1\t1000\t6\t60\t61\nchr2\t500\t1030\t60\t61\n")
    assert read_fai(fai) == GENOME[:2]
    assert list(contig_lengths(str(fai)).items()) == [("chr1", 1000), ("chr2", 500)]
    bed = tmp_path / "t.bed"
    bed.write_text("track name=x\n# comment\nchr1\t5\t9\textra\n")
    assert read_bed(bed) == [Region("chr1", 5, 9)]
    write_bed(GENOME[:2], bed)
    assert read_bed(bed) == GENOME[:2]


def test_subtract_cuts_holes_out_in_order() -> None:
    holes = [Region("chr1", 0, 100), Region("chr1", 400, 600), Region("chr2", 450, 550)]
    assert subtract(GENOME, holes) == [
        Region("chr1", 100, 400),
        Region("chr1", 600, 1000),
        Region("chr2", 0, 450),
        Region("chrM", 0, 17),
    ]
    assert subtract([Region("chr1", 450, 500)], holes) == []


def test_gaps_are_long_n_runs_only(tmp_path: Path) -> None:
    fasta = tmp_path / "ref.fa"
    sequence = "N" * 150 + "ACGT" * 50 + "N" * (GAP_MIN - 1) + "ACGT" * 50 + "n" * GAP_MIN + "AC"
    fasta.write_text(f">chr1\n{sequence}\n")
    pysam.faidx(str(fasta))
    assert gaps(fasta) == [Region("chr1", 0, 150), Region("chr1", 649, 649 + GAP_MIN)]


def test_scatter_balances_sequence_not_length(tmp_path: Path) -> None:
    """A chromosome whose first half is a gap (as chr20's centromere is for its left arm): equal
    length would give one chunk nearly nothing to call."""
    fasta = tmp_path / "ref.fa"
    fasta.write_text(">chr1\n" + "N" * 600 + "ACGT" * 150 + "\n")
    pysam.faidx(str(fasta))
    outputs = [tmp_path / f"chunk{index}.bed" for index in range(2)]
    scatter(fasta, None, outputs)
    assert [read_bed(path) for path in outputs] == [
        [Region("chr1", 600, 900)],
        [Region("chr1", 900, 1200)],
    ]


def test_a_malformed_fai_line_raises(tmp_path: Path) -> None:
    fai = tmp_path / "ref.fa.fai"
    fai.write_text("chr1\tlong\t6\t60\t61\n")
    with pytest.raises(ValueError):
        contig_lengths(fai)

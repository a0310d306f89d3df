"""Scatter chunks: cover everything once, in order, nearly equal."""

from itertools import pairwise
from pathlib import Path

import pytest

from tailorseq.regions import Region, intersect, read_bed, read_fai, split_evenly, write_bed

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
    bed = tmp_path / "t.bed"
    bed.write_text("track name=x\n# comment\nchr1\t5\t9\textra\n")
    assert read_bed(bed) == [Region("chr1", 5, 9)]
    write_bed(GENOME[:2], bed)
    assert read_bed(bed) == GENOME[:2]

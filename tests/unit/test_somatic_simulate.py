"""The simulated tumour/normal pair: planted variants, haplotypes, reads that carry them."""

import gzip
import itertools
import shutil
from pathlib import Path

import numpy as np
import pysam
import pytest

from tailorseq.somatic.rearrangements import Event, away_from_events, check_events
from tailorseq.somatic.simulate import (
    MIN_SPACING,
    PairSpec,
    Variant,
    haplotype,
    plant,
    rearranged,
    simulate_pair,
)

COMPLEMENT = str.maketrans("ACGT", "TGCA")


def random_sequence(length: int, seed: int) -> str:
    return "".join(np.random.default_rng(seed).choice(list("ACGT"), length))


def test_haplotype_applies_only_the_variants_it_carries() -> None:
    sequence = "AAAACCCCGGGGTTTT"
    variants = [
        Variant(1, "A", "T", (0,)),  # SNV on haplotype 0
        Variant(4, "CCC", "C", (1,)),  # 2 bp deletion on haplotype 1
        Variant(9, "G", "GAA", (0, 1)),  # homozygous insertion
    ]
    assert haplotype(sequence, variants, 0) == "ATAACCCCGGAAGGTTTT"
    assert haplotype(sequence, variants, 1) == "AAAACCGGAAGGTTTT"


def test_planted_variants_match_the_sequence_are_spaced_and_avoid_n() -> None:
    sequence = random_sequence(20_000, 1)
    sequence = sequence[:5000] + "N" * 200 + sequence[5200:]
    taken = {100, 10_000}
    variants = plant(sequence, 0.01, np.random.default_rng(2), taken, 1 / 3)
    assert len(variants) > 100
    positions = sorted(v.position for v in variants)
    assert min(b - a for a, b in itertools.pairwise(positions)) >= MIN_SPACING
    assert all(abs(v.position - 100) >= MIN_SPACING for v in variants)
    assert not any(4990 <= v.position < 5200 for v in variants)
    for variant in variants:
        assert sequence[variant.position : variant.position + len(variant.ref)] == variant.ref
        snv = len(variant.ref) == len(variant.alt) == 1
        assert variant.ref != variant.alt and (snv or variant.ref[0] == variant.alt[0])
    homozygous = sum(len(v.haplotypes) == 2 for v in variants) / len(variants)
    assert 0.2 < homozygous < 0.45
    assert any(len(v.ref) > 1 for v in variants) and any(len(v.alt) > 1 for v in variants)
    again = plant(sequence, 0.01, np.random.default_rng(2), {100, 10_000}, 1 / 3)
    assert again == variants


def reads_of(paths: tuple[Path, Path]) -> list[str]:
    sequences = []
    for path in paths:
        with gzip.open(path, "rt") as handle:
            sequences += [line.strip() for number, line in enumerate(handle) if number % 4 == 1]
    return sequences


def carriers(reads: list[str], kmer: str) -> int:
    reverse = kmer.translate(COMPLEMENT)[::-1]
    return sum(kmer in read or reverse in read for read in reads)


@pytest.mark.skipif(shutil.which("dwgsim") is None, reason="needs dwgsim (apt-get install dwgsim)")
def test_somatic_variants_are_in_the_tumour_reads_only(tmp_path: Path) -> None:
    fasta = tmp_path / "ref.fa"
    fasta.write_text(f">chrT\n{random_sequence(30_000, 3)}\n")
    pysam.faidx(str(fasta))
    spec = PairSpec("p", "chrT", 2001, 25_000, 30.0, 15.0, 0.6, 2000.0, "clean", 4)
    pair = simulate_pair(fasta, spec, tmp_path / "pair")
    tumor, normal = reads_of(pair.tumor), reads_of(pair.normal)
    assert 1.8 < len(tumor) / len(normal) < 2.2  # 30x against 15x
    reference = fasta.read_text().split("\n")[1]
    with pysam.VariantFile(str(pair.somatic)) as vcf:
        somatic = list(vcf)
    assert len(somatic) > 20
    in_tumor, in_normal, snvs = 0, 0, 0
    for record in somatic:
        assert 2001 <= record.pos <= 27_000
        start = record.pos - 1
        assert reference[start : start + len(record.ref)] == record.ref
        assert record.info["EXPECTED_VAF"] == pytest.approx(0.3)
        if len(record.ref) == len(record.alts[0]) == 1:
            kmer = (
                reference[start - 10 : start] + record.alts[0] + reference[start + 1 : start + 11]
            )
            snvs += 1
            in_tumor += carriers(tumor, kmer)
            in_normal += carriers(normal, kmer)
    # about 30x * 0.3 tumour reads per SNV; in the normal only a sequencing error can make one
    assert 6 * snvs < in_tumor < 12 * snvs
    assert in_normal <= 0.03 * in_tumor
    with pysam.VariantFile(str(pair.germline)) as vcf:
        germline = list(vcf)
    positions = [record.pos for record in germline]
    for record in germline[:30]:
        start = record.pos - 1
        alone = sum(abs(position - record.pos) <= 15 for position in positions) == 1
        if alone and len(record.ref) == len(record.alts[0]) == 1:
            kmer = (
                reference[start - 10 : start] + record.alts[0] + reference[start + 1 : start + 11]
            )
            assert carriers(normal, kmer) > 0 and carriers(tumor, kmer) > 0, record
    assert pair.confident.read_text() == "chrT\t2000\t27000\n"
    assert pair.events.read_text() == ""
    assert simulate_pair(fasta, spec, tmp_path / "pair") == pair  # kept, not redone


@pytest.mark.skipif(shutil.which("dwgsim") is None, reason="needs dwgsim (apt-get install dwgsim)")
def test_a_tumours_events_show_in_its_reads_as_depth_and_breakpoints(tmp_path: Path) -> None:
    """Purity 1 for clear ratios: 6 copies of a 5 kb segment give the tumour 3x the depth there,
    a homozygous deletion none; reads across the inversion's breakpoint join its two sides."""
    sequence = random_sequence(40_000, 5)
    fasta = tmp_path / "ref.fa"
    fasta.write_text(f">chrT\n{sequence}\n")
    pysam.faidx(str(fasta))
    events = (
        Event("amplification", 5_000, 10_000, copies=(5, 1)),
        Event("deletion", 20_000, 25_000, copies=(0, 0)),
        Event("inversion", 30_000, 35_000, inverted=(0, 1)),
    )
    spec = PairSpec("e", "chrT", 1, 40_000, 20.0, 20.0, 1.0, 0.0, "clean", 6, events)
    pair = simulate_pair(fasta, spec, tmp_path / "pair")
    tumor, normal = reads_of(pair.tumor), reads_of(pair.normal)

    def depth(reads: list[str], start: int) -> int:
        kmers = [sequence[p : p + 25] for p in range(start, start + 4_000, 200)]
        return sum(carriers(reads, kmer) for kmer in kmers)

    assert 2.5 < depth(tumor, 5_500) / depth(normal, 5_500) < 3.5
    assert depth(tumor, 20_500) == 0 < depth(normal, 20_500)
    assert 0.8 < depth(tumor, 40_000 - 4_500) / depth(normal, 40_000 - 4_500) < 1.25
    junction = sequence[29_980:30_000] + sequence[34_980:35_000].translate(COMPLEMENT)[::-1]
    assert carriers(tumor, junction) > 3 and carriers(normal, junction) == 0
    assert pair.events.read_text().splitlines() == [
        "chrT\t5000\t10000\tamplification\t6",
        "chrT\t20000\t25000\tdeletion\t0",
        "chrT\t30000\t35000\tinversion\t2",
    ]


def test_events_delete_repeat_or_invert_a_segment_on_the_haplotypes_they_name() -> None:
    sequence = "AAAAACCCCCGGGGGTTTTT"
    snv = [Variant(6, "C", "A", (0, 1))]  # inside the middle segment, on both haplotypes
    amplified = (Event("amplification", 5, 10, copies=(3, 1)),)
    assert rearranged(sequence, snv, 0, amplified) == "AAAAA" + "CACCC" * 3 + "GGGGGTTTTT"
    assert rearranged(sequence, snv, 1, amplified) == "AAAAACACCCGGGGGTTTTT"
    deleted = (Event("deletion", 5, 10, copies=(0, 1)),)
    assert rearranged(sequence, snv, 0, deleted) == "AAAAAGGGGGTTTTT"
    inverted = (Event("inversion", 10, 15, inverted=(1,)),)
    assert rearranged(sequence, [], 1, inverted) == "AAAAACCCCCCCCCCTTTTT"
    assert rearranged(sequence, [], 0, inverted) == sequence
    assert amplified[0].total == 4 and deleted[0].total == 1


def test_variants_near_event_boundaries_are_not_planted_and_events_must_not_overlap() -> None:
    events = (Event("deletion", 1000, 2000, copies=(0, 0)),)
    variants = [Variant(p, "A", "C", (0,)) for p in (500, 990, 1500, 2010, 2100)]
    kept = [v.position for v in away_from_events(variants, events, margin=15)]
    assert kept == [500, 1500, 2100]
    with pytest.raises(ValueError, match="overlap"):
        check_events((*events, Event("inversion", 1990, 3000, inverted=(0,))), 10_000, 10)
    with pytest.raises(ValueError, match="inside the window"):
        check_events((Event("deletion", 9000, 11_000),), 10_000, 10)

"""The somatic candidates' first pass (scripts/somatic_sites.sh with
tailorseq.somatic.candidate_sites' thresholds) on a hand-made tumour/normal pair: it keeps every
position where a usable candidate could be, thresholds included, and only those."""

import random
import subprocess
from dataclasses import replace
from pathlib import Path

import pysam
import pytest

from tailorseq.locations import ROOT
from tailorseq.somatic.caller import min_tumor_alt_reads, tumor_lod_expression
from tailorseq.somatic.candidate_sites import SiteThresholds, site_thresholds
from tailorseq.somatic.concordance import Concordance, min_informative_normal_alt
from tailorseq.somatic.model import Settings, min_tumor_alt_fraction

SETTINGS = Settings()
MIN_MAPQ = 20
LENGTH = 320
CHUNK_END = 270  # the chunk's BED interval is 0-270: position 280 lies outside it


def test_the_thresholds_are_the_fewest_reads_the_filters_keep() -> None:
    reads = min_tumor_alt_reads(SETTINGS)
    assert reads == 2 and min_tumor_alt_fraction(reads, SETTINGS) <= 1
    assert min_tumor_alt_fraction(reads - 1, SETTINGS) > 1
    assert tumor_lod_expression(SETTINGS).startswith(f"(FORMAT/AD[0:1]=={reads} &&")
    assert min_tumor_alt_reads(replace(SETTINGS, min_tumor_lod=0.0)) == 0
    assert min_tumor_alt_reads(replace(SETTINGS, min_tumor_lod=12.0)) == 3
    # the sample-swap check counts a normal with 5 alt reads of 15 and none with 4
    normal_alt = min_informative_normal_alt()
    counted, not_counted = Concordance(), Concordance()
    counted.add(20, 2, 15 - normal_alt, normal_alt)
    for depth in range(15, 40):
        not_counted.add(20, 2, depth - (normal_alt - 1), normal_alt - 1)
    assert (normal_alt, counted.sites, not_counted.sites) == (5, 1, 0)
    assert site_thresholds(SETTINGS) == SiteThresholds(tumor_alt=2, normal_alt=5)


def _segment(header, name: str, start: int, seq: str, cigar: str, **fields):
    read = pysam.AlignedSegment(header)
    read.query_name, read.reference_id, read.reference_start = name, 0, start
    read.query_sequence, read.cigarstring = seq, cigar
    read.mapping_quality = fields.get("mapq", 60)
    read.is_reverse = fields.get("reverse", False)
    read.is_paired = fields.get("orphan", False)  # paired, its pair not proper
    read.query_qualities = pysam.qualitystring_to_array("I" * len(seq))
    for offset, quality in fields.get("qualities", {}).items():
        qualities = read.query_qualities
        qualities[offset] = quality
        read.query_qualities = qualities
    return read


def _alt(base: str, shift: int = 1) -> str:
    return "ACGT"[("ACGT".index(base) + shift) % 4]


class Pair:
    """Reads of a tumour and a normal over a random reference: full-length reference reads
    (20 in the tumour, 10 in the normal) and 40 bp reads carrying the planted events."""

    def __init__(self, seed: int = 7) -> None:
        draw = random.Random(seed)
        self.ref = "".join(draw.choice("ACGT") for _ in range(LENGTH))
        self.reads: dict[str, list] = {"tumor": [], "normal": []}
        self.header = pysam.AlignmentHeader.from_dict(
            {"HD": {"VN": "1.6", "SO": "coordinate"}, "SQ": [{"SN": "chr1", "LN": LENGTH}]}
        )
        for sample, copies in (("tumor", 20), ("normal", 10)):
            for index in range(copies):
                self.add(sample, 0, self.ref[:300], "300M", name=f"{sample}-ref{index}")

    def add(self, sample: str, start: int, seq: str, cigar: str, name: str = "", **fields):
        name = name or f"{sample}-{len(self.reads[sample])}"
        self.reads[sample].append(_segment(self.header, name, start, seq, cigar, **fields))

    def snv(self, sample: str, pos: int, shift: int = 1, base: str = "", **fields) -> None:
        """A read with another base (`base`, else the reference's shifted) at 1-based `pos`
        (at offset 20 of the read)."""
        start = pos - 21
        seq = list(self.ref[start : start + 40])
        seq[20] = base or _alt(seq[20], shift)
        self.add(sample, start, "".join(seq), "40M", **fields)

    def deletion(self, sample: str, pos: int, **fields) -> None:
        """A read deleting the base after 1-based `pos` (its anchor, offset 19). One base, so
        that the deleted sequence samtools writes is one letter, no allele's second read."""
        start = pos - 20
        seq = self.ref[start : start + 20] + self.ref[start + 21 : start + 41]
        self.add(sample, start, seq, "20M1D20M", **fields)

    def insertion(self, sample: str, pos: int) -> None:
        """A read inserting a base after 1-based `pos`."""
        start = pos - 20
        seq = self.ref[start : start + 20] + "T" + self.ref[start + 20 : start + 40]
        self.add(sample, start, seq, "20M1I20M")

    def write(self, folder: Path) -> tuple[Path, Path, Path]:
        fasta = folder / "ref.fa"
        fasta.write_text(f">chr1\n{self.ref}\n")
        pysam.faidx(str(fasta))
        paths = []
        for sample, reads in self.reads.items():
            path = folder / f"{sample}.bam"
            with pysam.AlignmentFile(str(path), "wb", header=self.header) as out:
                for read in sorted(reads, key=lambda read: read.reference_start):
                    out.write(read)
            pysam.index(str(path))
            paths.append(path)
        return fasta, paths[0], paths[1]


def first_pass(folder: Path, fasta: Path, tumor: Path, normal: Path) -> list[str]:
    bed = folder / "chunk.bed"
    bed.write_text(f"chr1\t0\t{CHUNK_END}\n")
    thresholds = site_thresholds(SETTINGS).arguments().split()
    command = ["bash", ROOT / "scripts" / "somatic_sites.sh", bed, fasta, str(MIN_MAPQ),
               *thresholds, tumor, normal]  # fmt: skip
    result = subprocess.run(command, check=True, capture_output=True, text=True)
    return result.stdout.splitlines()


@pytest.fixture(scope="module")
def kept(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    pair = Pair()
    for reverse in (False, True):
        pair.snv("tumor", 50, reverse=reverse)  # exactly the tumour's 2 alt reads: kept
    pair.snv("tumor", 70)  # one tumour read: no TLOD reaches the minimum
    pair.snv("tumor", 90)
    pair.snv("normal", 90)  # 2 reads in all, but 1 in the tumour and 1 in the normal
    for index in range(5):  # exactly the normal's 5 for the sample-swap check: kept
        pair.snv("normal", 110, reverse=index % 2 == 1)
    for _ in range(4):
        pair.snv("normal", 130)
    pair.deletion("tumor", 150)
    pair.deletion("normal", 150, reverse=True)  # 2 gapped reads of both samples: kept
    pair.insertion("tumor", 170)  # 1 gapped read makes none
    for _ in range(2):
        pair.snv("tumor", 190, qualities={20: 2})  # below min-BQ as read, kept all the same
    pair.snv("tumor", 210, shift=1)
    pair.snv("tumor", 210, shift=2)  # two alleles of one read each
    for _ in range(2):
        pair.deletion("tumor", 230, qualities={19: 0})  # an anchor base of quality 0: kept
    for _ in range(2):
        pair.snv("tumor", 250, mapq=MIN_MAPQ - 1)  # reads below min-MQ, as bcftools drops them
    for _ in range(2):
        pair.snv("tumor", 260, orphan=True)  # which bcftools skips: counted all the same
    for _ in range(3):
        pair.snv("tumor", 280)  # outside the chunk
    folder = tmp_path_factory.mktemp("sites")
    return first_pass(folder, *pair.write(folder))


def test_every_position_a_usable_candidate_could_be_is_kept_thresholds_included(
    kept: list[str],
) -> None:
    assert kept == [f"chr1\t{pos}\t{pos}" for pos in (50, 110, 150, 190, 230, 260)]


def test_adjacent_positions_are_written_as_one_run(tmp_path: Path) -> None:
    pair = Pair()
    for pos in (60, 61, 62, 64):
        for _ in range(2):
            pair.snv("tumor", pos)
    assert first_pass(tmp_path, *pair.write(tmp_path)) == ["chr1\t60\t62", "chr1\t64\t64"]


def test_every_allele_counts_on_both_strands(tmp_path: Path) -> None:
    pair = Pair()
    positions = {}
    for base in "ACGT":  # one forward and one reverse read of each allele somewhere
        pos = next(p for p in range(40 + 20 * len(positions), 260) if pair.ref[p - 1] != base)
        positions[base] = pos
        for reverse in (False, True):
            pair.snv("tumor", pos, base=base, reverse=reverse)
    kept = first_pass(tmp_path, *pair.write(tmp_path))
    assert kept == [f"chr1\t{pos}\t{pos}" for pos in sorted(positions.values())]

"""RNA read support of somatic mutations (tailorseq.rna.mutations) from alignments written read
by read with pysam: SNVs and indels counted per fragment, low-quality, duplicate and spliced
reads left out, the expressed / not expressed / not assessed status and the actionable flag."""

import random
from pathlib import Path

import pysam
import pytest
from rna_helpers import SETTINGS, actionable_document, read, variant_match, write_bam

from tailorseq.rna.mutations import actionable_tiers, count_support, expressed_mutations
from tailorseq.somatic.records import Observed

CONTIG = "BRCA1"
REF = "".join(random.Random(7).choices("ACGT", k=300))
OTHER = {"A": "C", "C": "G", "G": "T", "T": "A"}


def base_read(name: str, anchor: int, alt: str | None = None, **options) -> dict:
    """A 40-base read over 0-based `anchor`, with base `alt` there when given."""
    start = anchor - 20
    sequence = REF[start : start + 40]
    if alt is not None:
        sequence = sequence[:20] + alt + sequence[21:]
    return read(name, start, "40M", sequence, **options)


def insertion_read(name: str, anchor: int, inserted: str) -> dict:
    start = anchor - 20
    sequence = REF[start : anchor + 1] + inserted + REF[anchor + 1 : start + 40 - len(inserted)]
    return read(name, start, f"21M{len(inserted)}I{19 - len(inserted)}M", sequence)


def deletion_read(name: str, anchor: int, length: int) -> dict:
    start = anchor - 20
    sequence = REF[start : anchor + 1] + REF[anchor + 1 + length : start + 40 + length]
    return read(name, start, f"21M{length}D19M", sequence)


def variant(pos: int, ref: str, alt: str, contig: str = CONTIG) -> Observed:
    return Observed(contig, pos, ref, alt, 0.31, [("BRCA1", "missense", "5V>5X")], 40)


SNV = variant(100, REF[99], OTHER[REF[99]])
INSERTION = variant(150, REF[149], REF[149] + "TG")
DELETION = variant(50, REF[49:52], REF[49])
QUIET = variant(200, REF[199], OTHER[REF[199]])
SHALLOW = variant(250, REF[249], OTHER[REF[249]])


def snv_reads() -> list[dict]:
    anchor, alt = 99, SNV.alt
    reads = [base_read(f"alt{i}", anchor, alt) for i in range(5)]
    reads += [base_read(f"ref{i}", anchor) for i in range(8)]
    reads += [
        base_read("pair", anchor, alt, flag=0x1 | 0x40),  # both mates of one fragment: once
        base_read("pair", anchor, alt, flag=0x1 | 0x80),
        base_read("lowq", anchor, alt, quality=10),
        base_read("lowmapq", anchor, alt, mapq=5),
        base_read("dup", anchor, alt, flag=0x400),
        base_read("secondary", anchor, alt, flag=0x100),
        base_read("third", anchor, OTHER[alt]),  # another base: depth only
    ]
    start = anchor - 20  # spliced over the position: says nothing
    spliced = REF[start : start + 10] + REF[start + 60 : start + 90]
    return [*reads, read("spliced", start, "10M50N30M", spliced)]


def indel_reads() -> list[dict]:
    reads = [insertion_read(f"ins{i}", 149, "TG") for i in range(3)]
    reads += [insertion_read("ins_other", 149, "TA"), deletion_read("del_at_ins", 149, 1)]
    reads += [base_read(f"insref{i}", 149) for i in range(6)]
    ending = REF[149 - 20 : 150]  # ends at the anchor, or is spliced right after it: says nothing
    reads.append(read("ending", 129, "21M", ending))
    reads.append(read("junction", 129, "21M30N19M", ending + REF[180:199]))
    reads += [deletion_read(f"del{i}", 49, 2) for i in range(2)]
    reads += [deletion_read("del_other", 49, 1)]
    reads += [base_read(f"delref{i}", 49) for i in range(9)]
    return reads


def quiet_reads() -> list[dict]:
    reads = [base_read(f"q{i}", 199) for i in range(12)] + [base_read("qalt", 199, QUIET.alt)]
    return reads + [base_read(f"s{i}", 249) for i in range(3)]


@pytest.fixture
def bam(tmp_path: Path) -> Path:
    reads = snv_reads() + indel_reads() + quiet_reads()
    return write_bam(tmp_path / "rna.bam", CONTIG, len(REF), reads)


def support(bam: Path, observed: Observed) -> tuple[int, int, int]:
    with pysam.AlignmentFile(str(bam)) as handle:
        found = count_support(handle, observed, SETTINGS)
    assert found is not None
    return found.ref, found.alt, found.other


def test_snv_support_counts_fragments_of_good_reads(bam: Path) -> None:
    # alt: 5 reads + one fragment of two mates; low base or mapping quality, duplicate,
    # secondary and spliced reads are left out; a third base counts in the depth only
    assert support(bam, SNV) == (8, 6, 1)


def test_indel_support_counts_reads_with_exactly_that_indel(bam: Path) -> None:
    # another insertion and a deletion at the anchor are "other"; a read ending or spliced at
    # it says nothing; the SNV's spliced read aligns through the anchor (6 reference reads and it)
    assert support(bam, INSERTION) == (7, 3, 2)
    assert support(bam, DELETION) == (9, 2, 1)


def test_statuses_with_reasons_and_the_actionable_flag(bam: Path, tmp_path: Path) -> None:
    complex_change = variant(270, REF[269:271], OTHER[REF[269]] + OTHER[REF[270]])
    elsewhere = variant(10, "A", "C", contig="EGFR")
    matches = [
        variant_match(CONTIG, SNV.pos, SNV.ref, SNV.alt, "I"),
        variant_match(CONTIG, QUIET.pos, QUIET.ref, QUIET.alt, "I"),
        variant_match(CONTIG, SHALLOW.pos, SHALLOW.ref, SHALLOW.alt, "II"),
    ]
    observed = [SNV, INSERTION, DELETION, QUIET, SHALLOW, complex_change, elsewhere]
    result = expressed_mutations(
        bam, tmp_path / "unused.fa", observed, actionable_document(matches), SETTINGS
    )
    rows = {row["pos"]: row for row in result["mutations"]}
    assert result["assessed"] is True
    snv = rows[SNV.pos]
    assert (snv["status"], snv["rna_depth"], snv["rna_vaf"], snv["flag"]) == (
        "expressed",
        15,
        0.4,
        None,
    )
    assert (snv["dna_vaf"], snv["dna_depth"], snv["gene"], snv["protein_change"]) == (
        0.31, 40, "BRCA1", "5V>5X",
    )  # fmt: skip
    assert (
        rows[INSERTION.pos]["status"] == "expressed"
        and rows[INSERTION.pos]["actionable_tier"] is None
    )
    assert rows[DELETION.pos]["status"] == "expressed"
    quiet = rows[QUIET.pos]
    assert (quiet["status"], quiet["rna_alt_reads"], quiet["rna_depth"]) == ("not expressed", 1, 13)
    assert quiet["flag"] == "actionable (tier I) but not expressed in the tumour RNA"
    shallow = rows[SHALLOW.pos]
    assert (shallow["status"], shallow["reason"]) == ("not assessed", "RNA depth 3 < 10")
    assert (
        shallow["flag"] == "actionable (tier II) but RNA expression not assessed: RNA depth 3 < 10"
    )
    assert rows[270]["reason"] == "complex allele (not an SNV or an anchored indel)"
    assert rows[270]["rna_depth"] is None
    assert rows[10]["reason"] == "contig EGFR is not in the RNA alignment"


def test_without_somatic_calls_nothing_is_assessed(bam: Path, tmp_path: Path) -> None:
    result = expressed_mutations(bam, tmp_path / "unused.fa", None, None, SETTINGS)
    assert result == {
        "assessed": False,
        "mutations": [],
        "outside_genes": 0,
        "reason": "no somatic calls for this tumour (no tumour/normal pair)",
    }


def test_mutations_outside_genes_are_counted_not_examined(bam: Path, tmp_path: Path) -> None:
    intergenic = Observed(CONTIG, SNV.pos, SNV.ref, SNV.alt, 0.31, [], 40)
    result = expressed_mutations(bam, tmp_path / "unused.fa", [intergenic, SNV], None, SETTINGS)
    assert result["outside_genes"] == 1
    assert [(m["pos"], m["gene"]) for m in result["mutations"]] == [(SNV.pos, "BRCA1")]


def test_only_tier_one_and_two_variant_matches_count_as_actionable() -> None:
    matches = [
        variant_match("X", 1, "A", "C", "IA"),
        variant_match("X", 1, "A", "C", "II"),
        variant_match("X", 2, "A", "C", "III"),
        {**variant_match("X", 3, "A", "C", "I"), "kind": "biomarker"},
    ]
    assert actionable_tiers({"matches": matches}) == {("X", 1, "A", "C"): "IA"}
    assert actionable_tiers(None) == {}

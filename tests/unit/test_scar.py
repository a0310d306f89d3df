"""Genomic scar counts (research use) on synthetic allele-specific segment sets with known LOH,
TAI and LST counts, and "not assessed" when too little of the genome is examined."""

from pathlib import Path

from rna_helpers import cnv_document

from tailorseq import documents
from tailorseq.regions import Region
from tailorseq.report.assemble import copy_number
from tailorseq.somatic.scar import (
    MB,
    AlleleSegment,
    autosome_arms,
    loh_count,
    lst_count,
    not_assessed,
    read_allele_segments,
    scar_scores,
    tai_count,
)

# A genome of 22 autosomes of 150 Mb, centromeres at 50-60 Mb: p arms 0-50, q arms 60-150 Mb
# (no p arm for the acrocentric 13, 14, 15, 21 and 22).
LENGTHS = {f"chr{n}": 150 * MB for n in range(1, 23)} | {"chrX": 150 * MB}
ARMS = autosome_arms(LENGTHS, [Region(c, 50 * MB, 60 * MB) for c in LENGTHS])


def seg(contig: str, start_mb: float, end_mb: float, cn1: int, cn2: int) -> AlleleSegment:
    return AlleleSegment(contig, int(start_mb * MB), int(end_mb * MB), cn1 + cn2, cn1, cn2)


def balanced(contig: str, start_mb: float = 0, end_mb: float = 150) -> list[AlleleSegment]:
    return [seg(contig, start_mb, end_mb, 1, 1)]


def test_loh_longer_than_15_mb_counts_unless_the_whole_chromosome_is_lost() -> None:
    segments = [
        seg("chr1", 0, 20, 1, 1),
        seg("chr1", 20, 28, 1, 0),  # 8 Mb + 9 Mb of LOH (cn 1 then 2): one 17 Mb region
        seg("chr1", 28, 37, 2, 0),
        seg("chr1", 37, 70, 1, 1),
        seg("chr1", 70, 80, 1, 0),  # 10 Mb: too short
        seg("chr1", 80, 150, 1, 1),
        seg("chr2", 0, 150, 1, 0),  # whole-chromosome LOH: excluded
    ]
    assert loh_count(segments, ARMS) == 1
    homozygous = [seg("chr1", 0, 20, 1, 1), seg("chr1", 20, 40, 0, 0), *balanced("chr1", 40)]
    assert loh_count(homozygous, ARMS) == 0  # a homozygous deletion is not LOH
    # CNVkit may write the lost allele first (cn1 0, cn2 1), as beside the bench's deletion
    swapped = [seg("chr1", 0, 20, 1, 1), seg("chr1", 20, 40, 0, 1), *balanced("chr1", 40)]
    assert loh_count(swapped, ARMS) == 1


def test_tai_reaches_a_telomere_without_crossing_the_centromere() -> None:
    telomeric = [seg("chr1", 0, 10, 2, 1), *balanced("chr1", 10)]
    assert tai_count(telomeric, ARMS) == 1
    interstitial = [*balanced("chr1", 0, 20), seg("chr1", 20, 30, 2, 1), *balanced("chr1", 30)]
    assert tai_count(interstitial, ARMS) == 0
    both_ends = [seg("chr1", 0, 10, 2, 0), *balanced("chr1", 10, 140), seg("chr1", 140, 150, 3, 1)]
    assert tai_count(both_ends, ARMS) == 2
    across = [seg("chr1", 0, 80, 2, 1), *balanced("chr1", 80)]  # p telomere into q: crosses
    assert tai_count(across, ARMS) == 0
    whole_chromosome = [seg("chr2", 0, 150, 2, 0)]
    assert tai_count(whole_chromosome, ARMS) == 0
    whole_p_arm = [seg("chr2", 0, 50, 2, 0), *balanced("chr2", 60)]
    assert tai_count(whole_p_arm, ARMS) == 1


def test_lst_counts_breaks_between_10_mb_regions_after_removing_short_ones() -> None:
    smoothed = [
        seg("chr1", 60, 80, 1, 1),
        seg("chr1", 80, 82, 2, 0),  # < 3 Mb: removed
        seg("chr1", 82, 97, 2, 1),
        seg("chr1", 97, 109, 1, 1),
        seg("chr1", 109, 150, 1, 1),  # same state: joined with the one before
    ]
    assert lst_count(smoothed, ARMS) == 2
    short_middle = [seg("chr1", 60, 80, 1, 1), seg("chr1", 80, 85, 2, 1), *balanced("chr1", 85)]
    assert lst_count(short_middle, ARMS) == 0
    # A change at the centromere is not a breakpoint within an arm.
    assert lst_count([seg("chr1", 0, 50, 1, 1), seg("chr1", 60, 150, 2, 1)], ARMS) == 0


def test_the_arms_leave_out_acrocentric_p_arms_and_other_contigs() -> None:
    assert len(ARMS) == 22 * 2 - 5
    assert {(a.contig, a.name) for a in ARMS if a.contig in ("chr13", "chr1")} == {
        ("chr13", "q"), ("chr1", "p"), ("chr1", "q")
    }  # fmt: skip
    assert ARMS[0].start == 0 and ARMS[0].end == 50 * MB and ARMS[1].start == 60 * MB


def whole_genome(*chr1: AlleleSegment) -> list[AlleleSegment]:
    """chr1 as given, every other autosome balanced from end to end."""
    return [*chr1, *(s for n in range(2, 23) for s in balanced(f"chr{n}"))]


def test_scores_on_a_fully_examined_genome_with_their_research_use_statement() -> None:
    segments = whole_genome(
        seg("chr1", 0, 20, 1, 0),  # LOH 20 Mb reaching the p telomere: LOH 1, TAI 1
        seg("chr1", 20, 50, 1, 1),  # LST: 20 | 30 Mb on p
        *balanced("chr1", 60),
    )
    scores = scar_scores(segments, LENGTHS, ARMS)
    assert (scores["status"], scores["loh"], scores["tai"], scores["lst"], scores["sum"]) == (
        "assessed", 1, 1, 1, 3
    )  # fmt: skip
    assert "not an HRD test result" in scores["research_use"]


def test_one_chromosome_or_a_panel_is_not_assessed_and_says_what_is_needed() -> None:
    scores = scar_scores(balanced("chr20"), LENGTHS, ARMS)
    assert scores["status"] == "not assessed" and scores["sum"] is None
    assert "covers 150 Mb of the autosomes (1 of 22 examined)" in scores["reason"]
    assert (
        "at least 80% of every autosome and arm (about 2,300 Mb of the 2,875 Mb"
        in (scores["reason"])
    )
    no_arms = scar_scores(whole_genome(*balanced("chr1")), LENGTHS, [])
    assert "no centromere positions" in no_arms["reason"]
    short_arm = whole_genome(seg("chr1", 0, 30, 1, 1), *balanced("chr1", 60))
    assert "less than 80% of 1 arm(s) (chr1p)" in scar_scores(short_arm, LENGTHS, ARMS)["reason"]


def test_cnvkit_call_segments_without_allele_frequencies_are_left_out(tmp_path: Path) -> None:
    cns = tmp_path / "call.cns"
    cns.write_text(
        "chromosome\tstart\tend\tgene\tlog2\tbaf\tcn\tcn1\tcn2\tdepth\tprobes\tweight\n"
        "chr20\t0\t1000\tA\t0.0\t0.5\t2\t1\t1\t30\t10\t10\n"
        "chr20\t1000\t2000\tB\t-0.4\t\t1\t\t\t20\t10\t10\n"
        "chr20\t2000\t3000\tC\t0.0\t0.1\t2\t2\t0\t30\t10\t10\n"
    )
    assert read_allele_segments(cns) == [
        AlleleSegment("chr20", 0, 1000, 2, 1, 1),
        AlleleSegment("chr20", 2000, 3000, 2, 2, 0),
    ]


def test_the_document_part_validates_and_reaches_the_report_without_its_segments() -> None:
    assessed = scar_scores(whole_genome(*balanced("chr1")), LENGTHS, ARMS)
    assert assessed["segments"][0] == {
        "contig": "chr1", "start": 0, "end": 150 * MB, "cn": 2, "cn1": 1, "cn2": 1
    }  # fmt: skip
    for part in (assessed, not_assessed("copy number was not assessed: too shallow")):
        documents.validate("cnv", cnv_document([]) | {"scar": part}, "test cnv")
    shown = copy_number(cnv_document([]) | {"scar": assessed})["scar"]
    assert (shown["loh"], shown["sum"]) == (0, 0) and "segments" not in shown
    assert copy_number(cnv_document([]))["scar"] is None  # an older document

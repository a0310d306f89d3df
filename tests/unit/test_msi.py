"""MSI scoring (tailorseq.somatic.msi) on constructed sequences and pysam-built alignments."""

import itertools
import json
import math
import random
from dataclasses import replace
from pathlib import Path

import pysam
import pytest

from somatic_biomarkers import biomarkers
from tailorseq.defaults import config_defaults
from tailorseq.documents import load
from tailorseq.somatic.msi import (
    METHOD_NAME,
    METHODS,
    MsiSettings,
    benjamini_hochberg,
    chi_square_test,
    cutoff_of,
    first_sites,
    msi,
    purity_note,
    spread_order,
    status_of,
)
from tailorseq.somatic.repeats import Site, find_microsatellites, is_primitive, repeat_length
from tailorseq.somatic.tmb import TmbSettings

FLANK = 5  # the constructed sequences' unique flanks


def settings(**changes: object) -> MsiSettings:
    """The config schema's MSI settings with `changes` (cutoff, min_sites...)."""
    return replace(MsiSettings.from_config(config_defaults("somatic")), **changes)


READ_LENGTH = 100
# Repeats planted in unique sequence: 0-based start, unit, copies.
PLANTED = [(400, "A", 12), (1200, "CA", 8), (2000, "AGC", 6)]
CONTIG_LENGTH = 2600


def unique_sequence(length: int, seed: int) -> str:
    """Random sequence without homopolymers of 4 or dinucleotide repeats of 3 copies."""
    rng = random.Random(seed)
    bases: list[str] = []
    while len(bases) < length:
        base = rng.choice("ACGT")
        if bases[-3:] == [base] * 3:
            continue
        if len(bases) >= 5 and bases[-5:] == [*bases[-2:], base, *bases[-2:]]:
            continue
        bases.append(base)
    return "".join(bases)


def reference_sequence() -> str:
    """Unique sequence with the planted repeats between fixed flanks (GTCTG ... TGTCG)."""
    sequence = unique_sequence(CONTIG_LENGTH, seed=7)
    for start, unit, copies in PLANTED:
        repeat = "GTCTG" + unit * copies + "TGTCG"
        sequence = sequence[: start - 5] + repeat + sequence[start - 5 + len(repeat) :]
    return sequence


@pytest.fixture
def reference(tmp_path: Path) -> Path:
    fasta = tmp_path / "ref.fa"
    sequence = reference_sequence()
    lines = [sequence[i : i + 60] for i in range(0, len(sequence), 60)]
    fasta.write_text(">chrT\n" + "\n".join(lines) + "\n")
    pysam.faidx(str(fasta))
    return fasta


def planted_sites() -> list[Site]:
    return find_microsatellites(reference_sequence(), "chrT", flank=FLANK)


def read_with(
    header: pysam.AlignmentHeader, name: str, site: Site, delta: int, offset: int
) -> pysam.AlignedSegment:
    """A read across `site` whose repeat is `delta` bases longer (or shorter) than the
    reference's; `offset` shifts where the read starts before the flanks."""
    reference = reference_sequence()
    start = site.start - len(site.left) - offset
    read = pysam.AlignedSegment(header)
    read.query_name = name
    read.reference_id = 0
    read.reference_start = start
    read.mapping_quality = 60
    if delta < 0:  # deletion at the repeat's start, as aligners place it
        before = site.start - start
        after = READ_LENGTH - before
        sequence = reference[start : site.start] + reference[site.start - delta :][:after]
        read.cigartuples = [(0, before), (2, -delta), (0, after)]
    elif delta > 0:  # insertion at the repeat's end
        before = site.end - start
        inserted = (site.unit * delta)[:delta]
        after = READ_LENGTH - before - delta
        sequence = reference[start : site.end] + inserted + reference[site.end :][:after]
        read.cigartuples = [(0, before), (1, delta), (0, after)]
    else:
        sequence = reference[start : start + READ_LENGTH]
        read.cigartuples = [(0, READ_LENGTH)]
    read.query_sequence = sequence
    read.query_qualities = pysam.qualitystring_to_array("I" * len(sequence))
    return read


def write_bam(path: Path, reads: list[pysam.AlignedSegment], header: pysam.AlignmentHeader):
    unsorted = path.with_suffix(".unsorted.bam")
    with pysam.AlignmentFile(str(unsorted), "wb", header=header) as out:
        for read in reads:
            out.write(read)
    pysam.sort("-o", str(path), str(unsorted))
    pysam.index(str(path))
    return path


def header() -> pysam.AlignmentHeader:
    return pysam.AlignmentHeader.from_dict(
        {"HD": {"VN": "1.6"}, "SQ": [{"SN": "chrT", "LN": CONTIG_LENGTH}]}
    )


def sample_bam(
    path: Path, deltas: dict[int, list[int]], depth: int = 30, sample: str = "s"
) -> Path:
    """A BAM with `depth` reads across each planted site; deltas[i]: the repeat length changes
    of site i's reads, cycled (empty or absent: all reference length)."""
    head = header()
    reads = []
    for index, site in enumerate(planted_sites()):
        changes = deltas.get(index) or [0]
        for n in range(depth):
            delta = changes[n % len(changes)]
            reads.append(read_with(head, f"{sample}-{index}-{n}", site, delta, offset=n % 20))
    return write_bam(path, reads, head)


def test_primitive_units() -> None:
    assert is_primitive("A") and is_primitive("CA") and is_primitive("AAC")
    assert not is_primitive("AA") and not is_primitive("ATAT") and not is_primitive("CACACA")


def test_planted_repeats_are_found_with_their_units_and_flanks() -> None:
    sites = planted_sites()
    sequence = reference_sequence()
    assert [(s.start, s.unit, s.length) for s in sites] == [
        (start, unit, len(unit) * copies) for start, unit, copies in PLANTED
    ]
    for site in sites:
        assert site.left == sequence[site.start - 5 : site.start]
        assert site.right == sequence[site.end : site.end + 5]


def test_repeats_below_the_minimum_units_are_not_sites() -> None:
    flank = "GTCAG"
    assert find_microsatellites(flank + "A" * 9 + "CTGAC", "c", flank=FLANK) == []
    assert find_microsatellites(flank + "CA" * 4 + "CTGTC", "c", flank=FLANK) == []
    (site,) = find_microsatellites(flank + "A" * 10 + "CTGAC", "c", flank=FLANK, offset=100)
    assert (site.start, site.end, site.unit) == (105, 115, "A")


def test_a_dinucleotide_repeat_is_not_a_mononucleotide_or_tetranucleotide_site() -> None:
    (site,) = find_microsatellites("GTCAC" + "TG" * 10 + "ACGAC", "c", flank=FLANK)
    assert site.unit == "TG" and site.length == 20


def test_flanks_must_be_unique_sequence() -> None:
    repeat = "A" * 12
    assert find_microsatellites("GTCAG" + repeat + "CTNAC", "c", flank=FLANK) == []  # N in a flank
    assert (
        find_microsatellites("GTCAG" + repeat + "CCCCCCGT", "c", flank=FLANK) == []
    )  # C6 in the flank
    assert (
        find_microsatellites("GTCAG" + repeat + "GTGTGTCA", "c", flank=FLANK) == []
    )  # (GT)3 in the flank
    assert find_microsatellites("GTC" + repeat + "CTGAC", "c", flank=FLANK) == []  # flank too short
    assert len(find_microsatellites("GTCAG" + repeat + "CTGAC", "c", flank=FLANK)) == 1


def test_chi_square_test_is_pearsons_without_continuity_correction() -> None:
    # [[20, 20], [30, 0]]: expected 28.57/11.43 and 21.43/8.57, X2 = 21.0 on 1 df, whose tail
    # is erfc(sqrt(X2 / 2)); Yates' correction would give a larger p-value.
    assert chi_square_test({12: 20, 10: 20}, {12: 30}) == pytest.approx(
        math.erfc(math.sqrt(21.0 / 2)), rel=1e-6
    )


def test_chi_square_test_of_length_distributions() -> None:
    assert chi_square_test({12: 40}, {12: 30}) == 1.0
    assert chi_square_test({12: 38, 11: 2}, {12: 29, 11: 1}) > 0.5
    assert chi_square_test({12: 20, 10: 20}, {12: 30}) < 1e-4


def test_benjamini_hochberg() -> None:
    q = benjamini_hochberg([0.01, 0.04, 0.03, 0.5])
    assert q == pytest.approx([0.04, 0.04 * 4 / 3, 0.04 * 4 / 3, 0.5])


def test_repeat_length_of_reads(tmp_path: Path) -> None:
    head = header()
    site = planted_sites()[0]
    assert repeat_length(read_with(head, "r", site, 0, 3), site) == 12
    assert repeat_length(read_with(head, "r", site, -2, 3), site) == 10
    assert repeat_length(read_with(head, "r", site, 3, 3), site) == 15
    late = read_with(head, "r", site, 0, 0)
    late.reference_start += 1  # starts after the left flank's first base
    assert repeat_length(late, site) is None
    wrong_flank = read_with(head, "r", site, 0, 3)
    sequence = list(wrong_flank.query_sequence)
    sequence[3] = "A" if sequence[3] != "A" else "C"  # first left-flank base
    wrong_flank.query_sequence = "".join(sequence)
    assert repeat_length(wrong_flank, site) is None


def test_stable_pair_scores_zero(tmp_path: Path, reference: Path) -> None:
    tumor = sample_bam(tmp_path / "tumor.bam", {}, sample="t")
    normal = sample_bam(tmp_path / "normal.bam", {}, sample="n")
    document = msi(tumor, normal, reference, settings(min_sites=3))
    assert document["assessed"] is True
    assert document["sites_used"] == 3 and document["unstable_sites"] == 0
    assert document["score"] == 0.0 and document["msi_high"] is False
    assert document["status"] == "MSS" and document["cutoff"] == 3.5


def test_shifted_repeat_lengths_in_the_tumour_are_unstable(tmp_path: Path, reference: Path) -> None:
    # Mononucleotide site: half the tumour's fragments lost 2 bases, some gained 1; the CA site
    # lost one unit in half; the AGC site is stable.
    tumor = sample_bam(tmp_path / "tumor.bam", {0: [0, -2, 0, -2, 1], 1: [0, -2]}, sample="t")
    normal = sample_bam(tmp_path / "normal.bam", {0: [0] * 19 + [-1]}, sample="n")
    sites_tsv = tmp_path / "sites.tsv"
    document = msi(
        tumor, normal, reference, settings(cutoff=20.0, min_sites=3), sites_tsv=sites_tsv
    )
    assert document["sites_used"] == 3 and document["unstable_sites"] == 2
    assert document["score"] == pytest.approx(200 / 3, abs=0.01)
    assert document["msi_high"] is True and document["cutoff"] == 20.0
    assert [(s["pos"], s["unit"]) for s in document["unstable"]] == [(401, "A"), (1201, "CA")]
    rows = sites_tsv.read_text().splitlines()
    assert rows[0].split("\t")[:3] == ["contig", "pos", "unit"] and len(rows) == 4
    assert "14:15,16:15" in rows[2] and "11:1,12:29" in rows[1]


def test_a_cap_examines_that_many_sites_the_same_ones_every_run(
    tmp_path: Path, reference: Path
) -> None:
    tumor = sample_bam(tmp_path / "tumor.bam", {0: [0, -2, 0, -2, 1], 1: [0, -2]}, sample="t")
    normal = sample_bam(tmp_path / "normal.bam", {}, sample="n")
    capped = [msi(tumor, normal, reference, settings(min_sites=1, max_sites=2)) for _ in range(2)]
    assert capped[0]["sites_found"] == 3 and capped[0]["sites_examined"] == 2
    assert capped[0]["sites_used"] == 2 and "at most 2 sites examined" in capped[0]["method"]
    assert capped[0] == capped[1]


def test_the_window_order_is_a_permutation_whose_prefixes_spread_evenly() -> None:
    assert list(spread_order(8)) == [0, 4, 2, 6, 1, 5, 3, 7]
    assert list(spread_order(1)) == [0] and list(spread_order(0)) == []
    order = list(spread_order(31_000))  # a tenth of a genome's 10 kb windows
    assert sorted(order) == list(range(31_000))
    first = sorted(order[:1_000])  # the windows scanned first: one every ~31
    gaps = [b - a for a, b in itertools.pairwise(first)]
    assert first[0] == 0 and first[-1] > 30_000 and max(gaps) <= 2 * 31_000 / 1_000


def test_the_scan_stops_at_the_window_that_reaches_the_cap() -> None:
    def windows():
        for rank in (5, 1, 3):
            starts = (rank * 100, rank * 100 + 50)
            yield rank, [Site("c", start, start + 10, "A", "", "") for start in starts]
        raise AssertionError("scanned past the cap")

    chosen, found = first_sites(windows(), 3)
    assert found == 4  # both windows scanned counted, the third never read
    assert [site.start for site in chosen] == [100, 500, 550]  # genome order
    everything = [(rank, [Site("c", rank, rank + 10, "A", "", "")]) for rank in (2, 0, 1)]
    assert first_sites(iter(everything), 10) == ([site for _, (site,) in sorted(everything)], 3)


def test_low_coverage_sites_are_not_used(tmp_path: Path, reference: Path) -> None:
    tumor = sample_bam(tmp_path / "tumor.bam", {0: [0, -2]}, depth=19, sample="t")
    normal = sample_bam(tmp_path / "normal.bam", {}, depth=40, sample="n")
    document = msi(tumor, normal, reference, settings(min_coverage=20, min_sites=1))
    assert document["sites_used"] == 0 and document["score"] is None
    assert document["assessed"] is False and document["msi_high"] is False
    assert "only 0 microsatellite(s)" in document["reason"]
    assert document["status"] == "not assessed"


def test_too_few_sites_reports_the_score_without_a_status(tmp_path: Path, reference: Path):
    tumor = sample_bam(tmp_path / "tumor.bam", {0: [0, -2], 1: [0, -2]}, sample="t")
    normal = sample_bam(tmp_path / "normal.bam", {}, sample="n")
    document = msi(tumor, normal, reference, settings(min_sites=50))
    assert document["sites_used"] == 3 and document["unstable_sites"] == 2
    assert document["assessed"] is False and document["msi_high"] is False
    assert "at least 50 are needed" in document["reason"]
    assert document["status"] == "not assessed" and document["score"] == pytest.approx(66.67)


def test_a_fragment_counts_once_and_low_mapq_reads_not_at_all(
    tmp_path: Path, reference: Path
) -> None:
    head = header()
    site = planted_sites()[0]
    reads = []
    for n in range(25):
        first = read_with(head, f"f{n}", site, 0, 2)
        mate = read_with(head, f"f{n}", site, 0, 8)  # overlapping mate of the same fragment
        low = read_with(head, f"low{n}", site, -2, 4)
        low.mapping_quality = 5
        reads += [first, mate, low]
    tumor = write_bam(tmp_path / "tumor.bam", reads, head)
    normal = sample_bam(tmp_path / "normal.bam", {}, sample="n")
    sites_tsv = tmp_path / "sites.tsv"
    msi(tumor, normal, reference, settings(min_sites=1), sites_tsv=sites_tsv)
    first_site = sites_tsv.read_text().splitlines()[1].split("\t")
    assert first_site[4] == "12:25"  # tumour lengths


def test_biomarkers_merge_the_msi_document(tmp_path: Path) -> None:
    vcf = tmp_path / "somatic.vcf"
    vcf.write_text(
        "##fileformat=VCFv4.2\n##contig=<ID=g,length=1000>\n"
        '##INFO=<ID=BCSQ,Number=.,Type=String,Description="x">\n'
        '##FORMAT=<ID=AF,Number=A,Type=Float,Description="x">\n'
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tT\tN\n"
    )
    callable_file = tmp_path / "callable.tsv"
    callable_file.write_text("cds_bases\t5000\ncallable_bases\t4000\n")
    msi_json = tmp_path / "msi.json"
    scored = {
        "status": "MSS",
        "assessed": True,
        "msi_high": False,
        "score": 1.5,
        "reason": None,
        "sites_used": 200,
        "cutoff": 3.5,
        "cutoff_source": METHODS[METHOD_NAME][1],
        "method_name": METHOD_NAME,
        "purity_note": purity_note(0.6),
    }
    msi_json.write_text(json.dumps(scored))
    out = tmp_path / "biomarkers.json"
    document = biomarkers(vcf, callable_file, None, TmbSettings(), None, out, msi_json)
    assert document["msi"] == scored
    assert load("biomarkers", out)["msi"]["sites_used"] == 200
    msi_json.write_text(json.dumps(scored | {"status": "MSS", "cutoff": None}))
    with pytest.raises(ValueError, match="msi/cutoff"):
        biomarkers(vcf, callable_file, None, TmbSettings(), None, out, msi_json)


def test_the_cut_off_is_the_methods_unless_configured(tmp_path: Path, reference: Path) -> None:
    # One of three sites unstable: 33% is MSI-high at MSIsensor's 3.5% and at 20%; MSS at 50%.
    tumor = sample_bam(tmp_path / "tumor.bam", {0: [0, -2, 0, -2, 1]}, sample="t")
    normal = sample_bam(tmp_path / "normal.bam", {}, sample="n")
    default = msi(tumor, normal, reference, settings(min_sites=3), purity=0.6)
    assert default["score"] == pytest.approx(100 / 3, abs=0.01)
    assert (default["status"], default["cutoff"]) == ("MSI-high", 3.5)
    assert "Niu" in default["cutoff_source"] and "Bioinformatics 2014" in default["cutoff_source"]
    assert default["method_name"] == "MSIsensor paired chi-square" and default["reason"] is None
    assert "purity 0.6" in default["purity_note"] and "40%" in default["purity_note"]
    configured = msi(tumor, normal, reference, settings(cutoff=50.0, min_sites=3))
    assert (configured["status"], configured["cutoff"]) == ("MSS", 50.0)
    assert configured["assessed"] and not configured["msi_high"]
    assert "somatic.msi_high" in configured["cutoff_source"]
    assert "purity was not given" in configured["purity_note"]


def test_status_of_each_case() -> None:
    assert status_of(3.5, 50, 50, 3.5) == "MSI-high"
    assert status_of(3.49, 50, 50, 3.5) == "MSS"
    assert status_of(80.0, 49, 50, 3.5) == "not assessed"
    assert status_of(None, 0, 1, 3.5) == "not assessed"
    assert cutoff_of(None) == METHODS[METHOD_NAME] and METHODS[METHOD_NAME][0] == 3.5

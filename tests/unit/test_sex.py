"""Sex chromosomes: contig names, PARs and ploidy per build, and the sex read from evidence."""

import shutil
import subprocess

import pytest

from tailorseq.sex import (
    SexEvidence,
    SexThresholds,
    autosomes,
    cnv_map,
    find_sex_contigs,
    haploid_regions,
    infer_sex,
    mismatch_message,
    ploidy_file,
    samples_file,
    sex_record,
    sex_verdict,
    spread_windows,
)

GRCH38 = {"chr1": 248_956_422, "chrX": 156_040_895, "chrY": 57_227_415, "chrM": 16_569}
GRCH37 = {"1": 249_250_621, "X": 155_270_560, "Y": 59_373_566, "MT": 16_569}
LIMITS = SexThresholds(0.15, 0.3, 0.65, 0.8, 0.2, 0.05, 20)


def ploidy_of(text: str, contig: str, pos: int, sex: str) -> int:
    """The ploidy a bcftools ploidy definition gives a position (first matching line wins,
    as in bcftools; `*` lines are the defaults)."""
    for line in text.splitlines():
        chrom, first, last, who, ploidy = line.split()
        if who == sex and chrom == contig and int(first) <= pos <= int(last):
            return int(ploidy)
    return next(int(line.split()[4]) for line in text.splitlines()
                if line.split()[0] == "*" and line.split()[3] == sex)  # fmt: skip


def test_sex_contigs_are_found_by_their_standard_names():
    ucsc = find_sex_contigs(GRCH38)
    assert (ucsc.x, ucsc.y, ucsc.m) == ("chrX", "chrY", "chrM")
    ensembl = find_sex_contigs(GRCH37)
    assert (ensembl.x, ensembl.y, ensembl.m) == ("X", "Y", "MT")
    chr20 = find_sex_contigs({"chr20": 64_444_167})
    assert (chr20.x, chr20.y, chr20.m) == (None, None, None)


@pytest.mark.parametrize(("lengths", "build"), [(GRCH38, "GRCh38"), (GRCH37, "GRCh37")])
def test_par_regions_are_the_grc_ones_and_agree_with_bcftools(lengths, build):
    contigs = find_sex_contigs(lengths)
    assert contigs.par_build() == build
    ours = ploidy_file(contigs)
    x, y, m = contigs.x, contigs.y, contigs.m
    # GRC region tables (https://www.ncbi.nlm.nih.gov/grc/human)
    par1_end, par2_start = {"GRCh38": (2_781_479, 155_701_383),
                            "GRCh37": (2_699_520, 154_931_044)}[build]  # fmt: skip
    assert ploidy_of(ours, x, par1_end, "M") == 2
    assert ploidy_of(ours, x, par1_end + 1, "M") == 1
    assert ploidy_of(ours, x, par2_start - 1, "M") == 1
    assert ploidy_of(ours, x, par2_start, "M") == 2
    assert ploidy_of(ours, x, 50_000_000, "F") == 2
    assert ploidy_of(ours, y, 20_000_000, "M") == 1
    assert ploidy_of(ours, y, 20_000_000, "F") == 0
    assert ploidy_of(ours, m, 3_000, "F") == 1
    assert ploidy_of(ours, m, 3_000, "U") == 1
    assert ploidy_of(ours, "chr1" if x == "chrX" else "1", 1_000_000, "M") == 2
    if not shutil.which("bcftools"):
        pytest.skip("bcftools is not installed")
    builtin = subprocess.run(["bcftools", "call", "--ploidy", f"{build}?"],
                             capture_output=True, text=True).stderr  # fmt: skip
    builtin = "\n".join(line for line in builtin.splitlines() if len(line.split()) == 5)
    # bcftools' GRCh38 PARs start one base earlier (10,000; 155,701,382): compare elsewhere
    for pos in (60_000, 60_001, par1_end, par1_end + 1, 100_000_000, par2_start - 2, par2_start):
        for sex in "MF":
            assert ploidy_of(ours, x, pos, sex) == ploidy_of(builtin, x, pos, sex), (pos, sex)
    for sex in "MF":
        assert ploidy_of(ours, y, 20_000_000, sex) == ploidy_of(builtin, y, 20_000_000, sex)
        assert ploidy_of(ours, m, 100, sex) == ploidy_of(builtin, m, 100, sex)


def test_a_window_chrx_has_no_par_and_is_haploid_in_males_throughout():
    contigs = find_sex_contigs({"G6PD": 40_000, "chrX": 60_000, "chrY": 20_000, "chrM": 16_569})
    assert contigs.par_build() is None
    assert contigs.non_par("chrX") == [(1, 60_000)]
    text = ploidy_file(contigs)
    assert "chrX\t1\t60000\tM\t1" in text.splitlines()
    assert ploidy_of(text, "chrX", 30_000, "F") == 2
    assert ploidy_of(text, "chrX", 30_000, "U") == 2


def test_samples_file_and_freebayes_cnv_map():
    contigs = find_sex_contigs({"chr7": 1000, "chrX": 500, "chrY": 300, "chrM": 100})
    sexes = {"P1": "male", "P2": "female", "P3": "unknown"}
    assert samples_file(sexes) == "P1\tM\nP2\tF\nP3\tU\n"
    lines = cnv_map(contigs, sexes).splitlines()
    assert "chrX\t0\t500\tP1\t1" in lines and "chrY\t0\t300\tP1\t1" in lines
    assert "chrM\t0\t100\tP2\t1" in lines and "chrM\t0\t100\tP3\t1" in lines
    assert "chrY\t0\t300\tP2\t0" in lines
    assert not [line for line in lines if "chrX" in line and "P2" in line]
    assert not [line for line in lines if "chrY" in line and "P3" in line]
    assert haploid_regions(contigs, "female") == [("chrM", 1, 100)]


def test_windows_are_spread_evenly_within_the_budget():
    spans = [("a", 1, 1_000_000), ("b", 1, 1_000_000)]
    windows = spread_windows(spans, 400_000, 100_000)
    assert windows == [("a", 1, 100_000), ("a", 500_001, 600_000),
                       ("b", 1, 100_000), ("b", 500_001, 600_000)]  # fmt: skip
    assert spread_windows([("a", 1, 5_000)], 400_000, 100_000) == [("a", 1, 5_000)]


@pytest.mark.parametrize(
    ("evidence", "sex", "why"),
    [
        (SexEvidence(0.02, 300, 0.5, 0.48), "male", "x_heterozygosity male"),
        (SexEvidence(0.58, 400, 1.01, 0.001), "female", "y_depth female"),
        (SexEvidence(0.55, 400, 0.98, None), "female", "x_depth female"),
        (SexEvidence(None, 0, None, None), "undetermined", "no chrX or chrY data"),
        (SexEvidence(0.6, 5, None, None), "undetermined", "too few confident variant sites"),
        (SexEvidence(0.55, 400, 1.0, 0.45), "undetermined", "evidence disagrees"),
        (SexEvidence(0.22, 400, 0.72, 0.1), "undetermined", "grey zone"),
    ],
)
def test_sex_from_evidence(evidence, sex, why):
    inferred, reason = infer_sex(evidence, LIMITS)
    assert inferred == sex
    assert why in reason


def test_verdicts():
    assert sex_verdict("female", "female", "germline")[0] == "consistent"
    assert sex_verdict("female", "male", "germline") == (
        "mismatch",
        "the sheet says female, the reads show male",
    )
    assert sex_verdict("male", "female", "normal")[0] == "mismatch"
    assert sex_verdict("female", "male", "tumor")[0] == "mismatch"
    assert sex_verdict("male", "female", "tumor")[0] == "unconfirmed"
    assert sex_verdict("male", "undetermined", "germline")[0] == "not checked"
    assert sex_verdict("unknown", "male", "germline")[0] == "inferred"


def test_record_uses_the_inferred_sex_only_when_the_sheet_has_none():
    contigs = find_sex_contigs({"chr7": 1000, "chrX": 500, "chrY": 300})
    male = SexEvidence(0.0, 50, 0.52, 0.5)
    unknown = sex_record("unknown", "germline", male, contigs, LIMITS)
    assert (unknown["verdict"], unknown["calling_sex"]) == ("inferred", "male")
    swapped = sex_record("female", "germline", male, contigs, LIMITS)
    assert (swapped["verdict"], swapped["calling_sex"]) == ("mismatch", "female")
    message = mismatch_message("P2-blood", swapped)
    for text in ("P2-blood", "says female", "show male", "x_het_share=0.0",
                 "y_depth_ratio=0.5", "likely sample swap"):  # fmt: skip
        assert text in message
    nothing = sex_record("unknown", "germline", SexEvidence(None, 0, None, None),
                         find_sex_contigs({"chr20": 100}), LIMITS)  # fmt: skip
    assert (nothing["inferred_sex"], nothing["verdict"], nothing["calling_sex"]) == (
        "undetermined",
        "not checked",
        "unknown",
    )
    assert nothing["reason"] == "no chrX or chrY in the reference"


def test_autosomes_leave_out_unplaced_alt_and_decoy_contigs():
    names = [
        "chr1",
        "chr2",
        "chrX",
        "chrY",
        "chrM",
        "chr1_KI270706v1_random",
        "chrUn_GL000195v1",
        "chrEBV",
        "HLA-A*01:01:01:01",
        "GL000192.1",
        "hs37d5",
        "NC_007605",
        "CYP2C19",
    ]
    contigs = find_sex_contigs(dict.fromkeys(names, 1000))
    assert autosomes(contigs) == ["chr1", "chr2", "CYP2C19"]

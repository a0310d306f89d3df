"""The centromere BEDs shipped for GRCh37 and GRCh38 (resources/centromeres): one interval per
chromosome inside the build's lengths, their upstream source in the header, and the arms and
scar counts they give on a synthetic whole genome; a demo build ships none."""

import pytest

from tailorseq.reference import load_builds, standard_name
from tailorseq.regions import read_bed
from tailorseq.somatic.scar import (
    MB,
    AlleleSegment,
    autosome_arms,
    scar_scores,
    shipped_centromeres,
)

CHROMOSOMES = [str(n) for n in range(1, 23)] + ["X", "Y"]
NAMING = {"GRCh37": "", "GRCh38": "chr"}  # the builds' contig names as tailorseq uses them


def genome(build: str, prefix: str) -> dict[str, int]:
    """The build's autosome and X lengths (resources/genome_builds.tsv), named with `prefix`."""
    lengths = load_builds()[build]
    return {f"{prefix}{n}": max(lengths[n]) for n in CHROMOSOMES[:23]}


@pytest.mark.parametrize("build", ["GRCh37", "GRCh38"])
def test_each_build_has_one_centromere_per_chromosome_inside_its_lengths_with_its_source(
    build: str,
) -> None:
    bed = shipped_centromeres(build)
    regions = read_bed(bed)
    assert [r.contig for r in regions] == [f"{NAMING[build]}{n}" for n in CHROMOSOMES]
    lengths = load_builds()[build]
    assert all(0 < r.start < r.end < min(lengths[standard_name(r.contig)]) for r in regions)
    header = bed.read_text().split("\n# ")
    upstream = {"GRCh37": "UCSC hg19 `gap` table", "GRCh38": "UCSC hg38 `centromeres` table"}
    assert any(line.startswith(f"Upstream: {upstream[build]}") for line in header)
    text = " ".join(bed.read_text().replace("\n# ", " ").split())
    assert "freeseek/mocha genome_rules.c at" in text
    assert "b48c520f1c789deca6ca1114c7340c1d8f052508" in text


def test_a_demo_or_custom_build_ships_no_centromeres() -> None:
    assert shipped_centromeres("demo") is None and shipped_centromeres("CHM13") is None


NAMINGS = [("GRCh38", "chr"), ("GRCh37", ""), ("GRCh37", "chr")]


@pytest.mark.parametrize(("build", "prefix"), NAMINGS)
def test_the_shipped_bed_gives_each_autosome_its_arms_whatever_the_contig_naming(
    build: str, prefix: str
) -> None:
    """39 arms (no p arm for 13, 14, 15, 21, 22): the p arm ends where the chromosome's
    centromere starts and the q arm runs from its end to the telomere, on a reference named
    like the build or the other way (1 or chr1)."""
    lengths = genome(build, prefix)
    centromeres = {standard_name(r.contig): r for r in read_bed(shipped_centromeres(build))}
    arms = autosome_arms(lengths, read_bed(shipped_centromeres(build)))
    assert len(arms) == 39
    by_arm = {(standard_name(a.contig), a.name): a for a in arms}
    assert ("13", "p") not in by_arm and ("X", "q") not in by_arm
    for name in ("1", "17"):
        p, q = by_arm[(name, "p")], by_arm[(name, "q")]
        assert (p.start, p.end) == (0, centromeres[name].start)
        assert (q.start, q.end) == (centromeres[name].end, lengths[f"{prefix}{name}"])


def test_scar_counts_on_a_synthetic_grch38_genome_follow_the_shipped_arms() -> None:
    """Every autosome balanced but chr17: a 20 Mb LOH from the q telomere inward (LOH 1, TAI 1,
    no break inside the arm otherwise) and an imbalance of the whole p arm up to the
    centromere, which ends at the arm's edge and so is no LST break (TAI 1 more: it reaches
    the p telomere without crossing the centromere)."""
    lengths = genome("GRCh38", "chr")
    cen17 = {r.contig: r for r in read_bed(shipped_centromeres("GRCh38"))}["chr17"]
    end17 = lengths["chr17"]
    chr17 = [
        AlleleSegment("chr17", 0, cen17.start, 3, 2, 1),  # p arm: allelic imbalance, no LOH
        AlleleSegment("chr17", cen17.end, end17 - 20 * MB, 2, 1, 1),
        AlleleSegment("chr17", end17 - 20 * MB, end17, 1, 1, 0),  # q telomere: LOH 20 Mb
    ]
    skipped = ("chr17", "chrX")
    others = [AlleleSegment(c, 0, n, 2, 1, 1) for c, n in lengths.items() if c not in skipped]
    arms = autosome_arms(lengths, read_bed(shipped_centromeres("GRCh38")))
    scores = scar_scores([*others, *chr17], lengths, arms)
    assert (scores["status"], scores["loh"], scores["tai"]) == ("assessed", 1, 2)

"""Tumour purity from somatic SNV allele fractions (tailorseq.somatic.purity): the clonal peak
at purity / 2 among subclonal SNVs, the interval, too few SNVs, which SNVs and segments count,
and which purity copy number is adjusted for."""

from pathlib import Path

import numpy as np
import pysam
import pytest

from tailorseq.defaults import config_defaults
from tailorseq.regions import Region
from tailorseq.somatic import purity

SETTINGS = purity.PuritySettings.from_config(config_defaults("cnv"))


def tumour_reads(
    rng: np.random.Generator, fraction: float, count: int, depth: int = 60
) -> np.ndarray:
    """(alternate reads, depth) of `count` SNVs whose true allele fraction is `fraction`."""
    depths = rng.poisson(depth, count).clip(SETTINGS.min_depth)
    return np.column_stack([rng.binomial(depths, fraction), depths]).astype(float)


@pytest.mark.parametrize("true_purity", [0.3, 0.6, 0.9])
def test_the_clonal_peak_gives_the_purity_among_subclonal_snvs(true_purity: float) -> None:
    rng = np.random.default_rng(7)
    counts = np.vstack(
        [
            tumour_reads(rng, true_purity / 2, 40),
            tumour_reads(rng, true_purity / 6, 15),  # a subclone in a third of the tumour cells
        ]
    )
    found = purity.estimate(counts, SETTINGS)
    assert found["status"] == "estimated" and found["mutations"] == 55
    assert abs(found["value"] - true_purity) <= 0.06, found
    low, high = found["interval"]
    assert low <= true_purity <= high and high - low < 0.2, found


def test_fractions_above_one_half_do_not_make_the_peak() -> None:
    """A clonal SNV made homozygous by a copy-neutral loss of heterozygosity sits at the purity
    itself (0.7 here, above any heterozygous fraction): it must not raise the estimate."""
    rng = np.random.default_rng(3)
    counts = np.vstack([tumour_reads(rng, 0.35, 30), tumour_reads(rng, 0.7, 12)])
    assert abs(purity.estimate(counts, SETTINGS)["value"] - 0.7) <= 0.06


def test_too_few_snvs_are_not_an_estimate() -> None:
    counts = tumour_reads(np.random.default_rng(1), 0.3, SETTINGS.min_mutations - 1)
    found = purity.estimate(counts, SETTINGS)
    assert found["status"] == "not estimated" and found["value"] is None
    assert found["interval"] is None
    assert f"{SETTINGS.min_mutations - 1} PASS SNV(s)" in found["reason"]
    assert "cnv.purity_min_mutations" in found["reason"]


def test_the_same_snvs_give_the_same_interval() -> None:
    counts = tumour_reads(np.random.default_rng(5), 0.3, 25)
    assert purity.estimate(counts, SETTINGS) == purity.estimate(counts, SETTINGS)


def test_neutral_segments_are_autosomal_flat_and_long_enough(tmp_path: Path) -> None:
    cns = tmp_path / "tumor.cns"
    rows = [
        ("chr1", 0, 1000, 0.05, 10),  # kept
        ("chr1", 1000, 2000, -0.4, 10),  # a loss
        ("chr1", 2000, 3000, 0.02, 2),  # too few bins
        ("chrX", 0, 1000, 0.0, 10),  # a sex chromosome
        ("chr2", 0, 1000, -0.1, 10),  # at the limit: kept
    ]
    lines = ["chromosome\tstart\tend\tgene\tlog2\tdepth\tprobes\tweight"]
    lines += [f"{c}\t{s}\t{e}\t-\t{log2}\t30\t{n}\t{n}" for c, s, e, log2, n in rows]
    cns.write_text("\n".join(lines) + "\n")
    found = purity.neutral_segments(cns, 0.1, 3, {"chrX"})
    assert found == [Region("chr1", 0, 1000), Region("chr2", 0, 1000)]


def write_vcf(path: Path, records: list[tuple[int, str, str, str, tuple[int, int]]]) -> Path:
    header = pysam.VariantHeader()
    header.add_line("##contig=<ID=chr1,length=100000>")
    header.add_line('##FILTER=<ID=LowTLOD,Description="low">')
    header.add_line('##FORMAT=<ID=AD,Number=R,Type=Integer,Description="depths">')
    header.add_samples("tumour", "normal")
    with pysam.VariantFile(str(path), "w", header=header) as out:
        for pos, ref, alt, status, depths in records:
            record = out.new_record(contig="chr1", start=pos - 1, alleles=(ref, alt))
            record.filter.add(status)
            record.samples["tumour"]["AD"] = depths
            record.samples["normal"]["AD"] = (30, 0)
            out.write(record)
    return path


def test_only_pass_snvs_in_neutral_segments_with_depth_count(tmp_path: Path) -> None:
    vcf = write_vcf(
        tmp_path / "somatic.vcf",
        [
            (100, "A", "C", "PASS", (40, 20)),  # counted
            (200, "A", "C", "LowTLOD", (40, 20)),  # filtered
            (300, "A", "AC", "PASS", (40, 20)),  # an indel
            (400, "A", "C", "PASS", (10, 5)),  # shallow
            (5000, "A", "C", "PASS", (40, 20)),  # outside the neutral segment
        ],
    )
    counts = purity.snv_counts(vcf, [Region("chr1", 0, 1000)], SETTINGS.min_depth)
    assert counts.tolist() == [[20.0, 60.0]]


ESTIMATED = {"status": "estimated", "value": 0.58, "interval": [0.5, 0.66]}


def test_the_sheets_purity_wins_and_a_disagreement_is_noted() -> None:
    agreed = purity.resolve(0.6, ESTIMATED)
    assert (agreed["value"], agreed["source"], agreed["note"]) == (0.6, "samples.tsv", "")
    disagreed = purity.resolve(0.9, ESTIMATED)
    assert disagreed["value"] == 0.9
    assert "0.9 lies outside the estimate's 90% interval 0.5-0.66" in disagreed["note"]


def test_without_the_sheets_purity_the_estimate_or_none_is_used() -> None:
    used = purity.resolve(None, ESTIMATED)
    assert used["value"] == 0.58 and used["source"].startswith("estimated")
    none = purity.resolve(None, purity.not_estimated("too few"))
    assert none["value"] is None and "assumes a pure tumour" in none["source"]

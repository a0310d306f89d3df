"""The candidates step's bcftools filter (tailorseq.somatic.caller.candidate_filter): it drops
only candidates the somatic model would read and discard."""

import itertools
import subprocess
from dataclasses import replace
from pathlib import Path

import pysam
from test_somatic import write_candidates

from tailorseq.somatic.caller import call, candidate_filter, tumor_lod_expression
from tailorseq.somatic.model import Reads, Settings, min_tumor_alt_fraction, tumor_lod

SETTINGS = Settings()


def test_no_tumour_read_set_below_the_fraction_bound_reaches_the_minimum_lod() -> None:
    for alt, ref, quality in itertools.product(range(1, 8), range(0, 400, 3), (2, 13, 30, 40, 60)):
        reads = Reads(ref - ref // 2, ref // 2, alt - alt // 2, alt // 2, quality, quality)
        if tumor_lod(reads) >= SETTINGS.min_tumor_lod:
            assert alt / (alt + ref) >= min_tumor_alt_fraction(alt, SETTINGS), (alt, ref, quality)
    # one alt read never reaches 6.3 (at most log10(3 / 1e-4) = 4.48), two can at 4.7 %
    assert min_tumor_alt_fraction(1, SETTINGS) > 1
    assert 0.047 < min_tumor_alt_fraction(2, SETTINGS) < 0.0471


def test_the_expression_keeps_everything_when_any_lod_is_enough() -> None:
    assert tumor_lod_expression(replace(SETTINGS, min_tumor_lod=0.0)) == "FORMAT/AD[0:1]>=0"
    # 6.3: two alt reads need 4.7 %, three 0.42 %, four any fraction under 2,000 reads
    assert tumor_lod_expression(SETTINGS).endswith("FORMAT/AD[0:1]>=4")


def written(vcf: Path) -> list[str]:
    with pysam.VariantFile(str(vcf)) as handle:
        return [str(record) for record in handle]


def test_the_filtered_candidates_give_the_same_calls_and_concordance(tmp_path: Path) -> None:
    # Tumour alt 0-5 reads among 0-90 ref, normal ref or carrying the allele (the swap check's
    # sites), at the highest base quality (where the fewest alt reads reach the minimum).
    grid = itertools.product(range(6), (0, 10, 20, 38, 42, 60, 90), ((20, 0), (8, 1), (9, 7)))
    records = []
    for index, (alt, ref, (normal_ref, normal_alt)) in enumerate(grid):
        tumor = ((ref - ref // 2, alt - alt // 2), (ref // 2, alt // 2))
        normal = ((normal_ref, normal_alt), (normal_ref, normal_alt))
        records.append((100 + 100 * index, "A", "G", tumor, normal))
    everything = write_candidates(tmp_path / "all.bcf", records, quality=40)
    kept = tmp_path / "kept.bcf"
    subprocess.run(["bcftools", "view", "--include", candidate_filter(SETTINGS), "--output-type",
                    "b", "--output", kept, everything], check=True)  # fmt: skip
    settings = replace(SETTINGS, min_concordance=0.0)  # the grid is no real pair
    full = call([everything], tmp_path / "all.vcf.gz", settings)
    filtered = call([kept], tmp_path / "kept.vcf.gz", settings)
    assert written(tmp_path / "kept.vcf.gz") == written(tmp_path / "all.vcf.gz")
    assert filtered["concordance"] == full["concordance"] and full["concordance"]["sites"] > 0
    assert full["records"]["PASS"] > 0
    dropped = full["records"]["below_min_tumor_lod"] - filtered["records"]["below_min_tumor_lod"]
    assert len(records) - sum(1 for _ in pysam.VariantFile(str(kept))) == dropped >= 30

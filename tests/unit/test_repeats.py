"""The site-local repeat search (repeats.longest_repeats_touching) finds exactly what filtering
the full scan (repeats.tandem_repeats) finds, on constructed and real chr20 sequence."""

import random

import pysam
import pytest

from helpers import shared
from tailorseq.somatic.repeats import longest_repeats_touching, tandem_repeats

UNITS = {1: 2, 2: 2, 3: 2, 4: 2, 5: 2, 6: 2}  # the variant score's minimums
MSI_UNITS = {1: 5, 2: 3, 3: 3, 4: 3, 5: 3, 6: 3}  # stricter minimums, as the MSI flanks use


def by_full_scan(sequence: str, first: int, last: int, min_units: dict) -> dict[int, int]:
    """The definition: the longest repeat per unit size among tandem_repeats' repeats
    touching [first, last]."""
    longest = dict.fromkeys(min_units, 0)
    for start, end, unit in tandem_repeats(sequence, min_units):
        if start <= last and end >= first:
            longest[len(unit)] = max(longest[len(unit)], end - start)
    return longest


def repetitive_sequence(rng: random.Random, length: int) -> str:
    """Random pieces: plain bases, N runs, and tandem repeats of 1-6 base units (some
    imperfect, some of non-primitive units such as ATAT)."""
    pieces = []
    while sum(map(len, pieces)) < length:
        kind = rng.random()
        if kind < 0.4:
            pieces.append("".join(rng.choices("ACGT", k=rng.randint(1, 6))))
        elif kind < 0.45:
            pieces.append("N" * rng.randint(1, 4))
        else:
            unit = "".join(rng.choices("ACGT", k=rng.randint(1, 6)))
            repeat = unit * rng.randint(1, 6)
            if rng.random() < 0.3:
                cut = rng.randrange(len(repeat))
                repeat = repeat[:cut] + rng.choice("ACGTN") + repeat[cut + 1 :]
            pieces.append(repeat)
    return "".join(pieces)[:length]


@pytest.mark.parametrize("min_units", [UNITS, MSI_UNITS])
def test_local_search_matches_the_full_scan_on_constructed_sequences(min_units) -> None:
    rng = random.Random(13)
    compared = 0
    for length in [0, 1, 2, 5, 7, 13, 40, 61, 90]:
        for _ in range(15):
            sequence = repetitive_sequence(rng, length)
            # intervals across the whole sequence, past both ends, and wider than it
            for first in range(-3, length + 3):
                for last in range(first, first + 5):
                    expected = by_full_scan(sequence, first, last, min_units)
                    found = longest_repeats_touching(sequence, first, last, min_units)
                    assert found == expected, (sequence, first, last)
                    compared += 1
    assert compared > 10_000


def test_local_search_on_known_repeats() -> None:
    sequence = "GTCAAAAAAAAGTCACACACACAGTTNNNNNNACTGACTGC"
    # the A8 run (3-11) touches a site at 11 (its end), not one at 12
    assert longest_repeats_touching(sequence, 11, 11, UNITS)[1] == 8
    assert longest_repeats_touching(sequence, 12, 12, UNITS)[1] == 0
    # (CA)x5 from 13: CACACACACA is 10 bases; its unit size is 2, not 1 or 4
    site = longest_repeats_touching(sequence, 16, 16, UNITS)
    assert site[2] == 10 and site[1] == 0 and site[4] == 0
    # N runs are no repeat; ACTG twice (32-39) is
    assert longest_repeats_touching(sequence, 27, 29, UNITS)[1] == 0
    assert longest_repeats_touching(sequence, 35, 35, UNITS)[4] == 8


@pytest.mark.shared
def test_local_search_matches_the_full_scan_on_real_chr20_sequence() -> None:
    """Around each true variant of chr20-sim-dev, with the variant score's 30-base windows."""
    positions = [
        (record.pos - 1, len(record.ref))
        for record in pysam.VariantFile(str(shared("chr20-sim-dev", "truth.vcf")))
    ]
    with pysam.FastaFile(str(shared("grch37-chr20", "20.fa.gz"))) as fasta:
        for site, ref_length in positions:
            window = fasta.fetch("20", site - 30, site + 30 + ref_length).upper()
            for first, last in [(30, 30), (31, 30 + ref_length), (29, 33)]:
                expected = by_full_scan(window, first, last, UNITS)
                assert longest_repeats_touching(window, first, last, UNITS) == expected
    assert len(positions) > 1000

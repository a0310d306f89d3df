"""The variant score's features are the ones the model was trained on: the current code gives,
bit for bit, what the code before the speed-up gave (tests/fixtures/scoring/README.md), on real
calls and on hand-made edge cases."""

import gzip
import json
import shutil
import struct
from pathlib import Path

import pysam
import pytest

from helpers import ROOT, shared
from tailorseq.scoring import features

FIXTURES = ROOT / "tests" / "fixtures" / "scoring"


def before(name: str) -> list:
    """The fixture's features as the code before the speed-up computed them."""
    with gzip.open(FIXTURES / "features_before.json.gz", "rt") as text:
        return json.load(text)[name]


def same_bits(a: float, b: float) -> bool:
    """The same type and the same double, NaN equal to NaN."""
    return type(a) is type(b) and struct.pack("<d", a) == struct.pack("<d", b)


def assert_unchanged(vcf: Path, reference: Path, expected: list) -> None:
    found = [
        [site.record, site.pos, site.sample, site.values]
        for site in features.vcf_features(str(vcf), str(reference), "bcftools")
    ]
    assert [row[:3] for row in found] == [row[:3] for row in expected]
    for (*key, values), (*_, old) in zip(found, expected, strict=True):
        assert values.keys() == old.keys(), key
        changed = {name: (old[name], values[name]) for name in old}
        changed = {n: v for n, v in changed.items() if not same_bits(*v)}
        assert not changed, (key, changed)


def test_features_unchanged_on_edge_cases(tmp_path: Path) -> None:
    reference = tmp_path / "edge_ref.fa"
    shutil.copy(FIXTURES / "edge_ref.fa", reference)
    pysam.faidx(str(reference))
    expected = before("edge_calls")
    assert_unchanged(FIXTURES / "edge_calls.vcf", reference, expected)
    # the cases are there: both contig ends, two carriers, a sample without read counts
    assert {row[1] for row in expected} >= {1, 126}
    assert any(row[3]["depth"] != row[3]["depth"] for row in expected)  # NaN


@pytest.mark.shared
def test_features_unchanged_on_real_chr20_calls() -> None:
    reference = shared("grch37-chr20", "20.fa.gz")
    expected = before("chr20_calls")
    assert len(expected) == 263
    assert_unchanged(FIXTURES / "chr20_calls.vcf", reference, expected)


def test_a_changed_feature_is_caught() -> None:
    """The comparison sees a one-ulp change and an int turned float."""
    assert same_bits(0.1, 0.1) and same_bits(float("nan"), float("nan"))
    assert not same_bits(0.1, 0.1 + 2**-56) and not same_bits(3, 3.0)

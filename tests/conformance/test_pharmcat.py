"""The matcher against PharmCAT's own material in ../shared/data/pharmcat (read at run time):
the 45 cases from its Java tests, its named test VCFs, and its example VCF and report."""

from functools import cache

import pytest

from conformance.pharmcat import (
    case_flags,
    decode_test_vcf,
    diplotype_set,
    load_cases,
    run_case,
    run_example,
    run_test_vcfs,
)
from helpers import SHARED_DATA, shared
from tailorseq.pgx import load_definitions

pytestmark = pytest.mark.shared

PHARMCAT = SHARED_DATA / "pharmcat"

# Cases whose expected list in matcher_cases.json is not what PharmCAT's test asserts. In
# PharmCAT's NamedAlleleMatcherIfnl3Test / NamedAlleleMatcherVkorc1Test the expectation is a
# one-entry list (e.g. "rs12979860 reference (C)/rs12979860 reference (C)" for rs12979860CC, and
# the reference/variant pair for CT); the extraction into matcher_cases.json lost it and wrote an
# empty list. We call exactly what PharmCAT's test asserts (checked below in
# test_single_position_genes and by the same files in test_named_test_vcfs), so the extracted
# empty expectation is marked xfail, strictly, rather than skipped.
LOST_EXPECTATION = {
    "NamedAlleleMatcherIfnl3Test.rs12979860CC": "rs12979860 reference (C)/rs12979860 reference (C)",
    "NamedAlleleMatcherIfnl3Test.rs12979860CT": "rs12979860 reference (C)/rs12979860 variant (T)",
    "NamedAlleleMatcherVkorc1Test.vkorc1gg": "rs9923231 reference (C)/rs9923231 reference (C)",
    "NamedAlleleMatcherVkorc1Test.vkorc1ga": "rs9923231 reference (C)/rs9923231 variant (T)",
}


@cache
def definitions():
    return load_definitions(shared("pharmcat", "definition", "alleles"))


def _cases():
    if not (PHARMCAT / "matcher_cases.json").exists():
        return [pytest.param(None, id="matcher_cases-absent")]
    params = []
    for case in load_cases(PHARMCAT):
        marks = []
        if case["test"] in LOST_EXPECTATION:
            marks.append(
                pytest.mark.xfail(
                    strict=True,
                    reason="matcher_cases.json has [] where PharmCAT's test expects "
                    f"{LOST_EXPECTATION[case['test']]!r} (lost in extraction)",
                )
            )
        params.append(pytest.param(case, id=case["test"], marks=marks))
    return params


@pytest.mark.parametrize("case", _cases())
def test_matcher_case(case, tmp_path):
    shared("pharmcat", "matcher_cases.json")
    outcome = run_case(case, definitions(), PHARMCAT, tmp_path)
    assert outcome.agreed, f"expected {outcome.expected}, got {outcome.got}"


def test_all_cases_counted(tmp_path):
    cases = load_cases(shared("pharmcat"))
    assert len(cases) == 45
    outcomes = [run_case(c, definitions(), PHARMCAT, tmp_path) for c in cases]
    disagreed = {o.id for o in outcomes if not o.agreed}
    assert disagreed == set(LOST_EXPECTATION)


def test_single_position_genes(tmp_path):
    """What PharmCAT's IFNL3/VKORC1 tests assert, on the same VCFs."""
    cases = {c["test"]: c for c in load_cases(shared("pharmcat"))}
    for test_id, expected in LOST_EXPECTATION.items():
        outcome = run_case(cases[test_id], definitions(), PHARMCAT, tmp_path)
        assert outcome.got == [expected]


def test_case_flags():
    assert case_flags({}) == (False, False)
    assert case_flags({"matcher_flags": ["true"]}) == (False, True)
    assert case_flags({"matcher_flags": ["true", "true"]}) == (True, True)
    assert case_flags({"matcher_flags": ["true", "false", "false"]}) == (False, True)


def test_decode_test_vcf_names():
    defs = definitions()
    assert decode_test_vcf(defs["CYP2C19"], "s1s17") == ["*1/*17"]
    assert decode_test_vcf(defs["TPMT"], "s3as3b") == ["*3A/*3B"]
    assert decode_test_vcf(defs["SLCO1B1"], "SLCO1B1_s1_s15_t1") == ["*1/*15"]
    assert decode_test_vcf(defs["CYP2C19"], "s4bs17") is None  # *4B is no longer defined
    assert decode_test_vcf(defs["CYP2C19"], "s1s2rs58973490het") is None
    assert decode_test_vcf(defs["IFNL3"], "rs12979860CT") == [
        "rs12979860 reference (C)/rs12979860 variant (T)"
    ]


def test_named_test_vcfs():
    shared("pharmcat", "test-vcfs")
    outcomes = run_test_vcfs(definitions(), PHARMCAT)
    assert len(outcomes) >= 40
    bad = [(o.id, o.expected, o.got) for o in outcomes if not o.agreed]
    assert not bad
    # where the file's genotypes fit several diplotypes, PharmCAT's score prefers the pairing
    # with the reference allele; only these two named files are not top-ranked:
    not_top = {o.id for o in outcomes if o.note != "top-ranked"}
    assert not_top == {"SLCO1B1/SLCO1B1_s19_s37_t1.vcf", "TPMT/s3bs3c.vcf"}


def test_example_vcf_equals_pharmcat_report():
    shared("pharmcat", "examples", "pharmcat.example.vcf")
    outcomes = run_example(definitions(), PHARMCAT)
    # CYP2D6 is an outside call in PharmCAT's report: run_example leaves it out
    assert "CYP2D6" not in {o.id for o in outcomes}
    assert len(outcomes) == 19
    assert [(o.id, o.expected, o.got, o.note) for o in outcomes if not o.agreed] == []
    assert diplotype_set(next(o for o in outcomes if o.id == "CYP2C19").got) == {("*38", "*38")}

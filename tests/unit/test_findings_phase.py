"""Two P/LP variants in one autosomal-recessive gene (tailorseq.findings_phase): what the
read-backed phase (WhatsHap's GT and PS) makes of them. A patient with MUTYH c.536A>G
(p.Tyr179Cys) and c.1187G>A (p.Gly396Asp) on different copies of the gene has MUTYH-associated
polyposis (compound heterozygote, a finding); with both on one copy they are a carrier (not a
finding); when the reads do not connect the two, the report says "possible" and why."""

import pytest
from test_findings import GENES, SETTINGS, call

from tailorseq.findings import classify
from tailorseq.findings_phase import APART, NOT_RUN, ReadPhase, pair_phase, phase_note

FIRST, SECOND = 100, 250  # positions of the calls (test_findings.call: contig 17, ACT>A)
TOOL = "WhatsHap 2.8"


def phased(*entries: tuple[int, tuple[str, str], int]) -> ReadPhase:
    """ReadPhase of (pos, alleles in haplotype order, phase set) on contig 17."""
    return ReadPhase({("17", pos): (alleles, ps) for pos, alleles, ps in entries}, TOOL)


def mutyh_pair(third: bool = False) -> list:
    calls = [call(gene="MUTYH", pos=FIRST), call(gene="MUTYH", pos=SECOND)]
    return [*calls, call(gene="MUTYH", pos=400)] if third else calls


REF_ALT, ALT_REF = ("ACT", "A"), ("A", "ACT")
IDS = [
    "trans", "cis", "cis-other-haplotype", "sets-trans", "sets-cis", "one-unphased",
    "none-phased", "not-run",
]  # fmt: skip


@pytest.mark.parametrize(
    ("phase", "status", "basis"),
    [
        # 0|1 and 1|0 in one phase set: one variant on each copy
        (phased((FIRST, REF_ALT, FIRST), (SECOND, ALT_REF, FIRST)), "trans", f"reads ({TOOL})"),
        # 0|1 and 0|1 in one phase set: both on the same copy
        (phased((FIRST, REF_ALT, FIRST), (SECOND, REF_ALT, FIRST)), "cis", f"reads ({TOOL})"),
        (phased((FIRST, ALT_REF, FIRST), (SECOND, ALT_REF, FIRST)), "cis", f"reads ({TOOL})"),
        # different phase sets: blocks not joined by reads, the haplotype labels say nothing
        (phased((FIRST, REF_ALT, FIRST), (SECOND, ALT_REF, SECOND)), "unknown", APART),
        (phased((FIRST, REF_ALT, FIRST), (SECOND, REF_ALT, SECOND)), "unknown", APART),
        # one variant unphased (no read joins it to another heterozygous call)
        (phased((FIRST, REF_ALT, FIRST)), "unknown", "not determined: 1 of the variants"),
        (phased(), "unknown", "not determined: 2 of the variants"),
        # phasing not run at all
        (None, "unknown", NOT_RUN),
    ],
    ids=IDS,
)
def test_pair_phase(phase, status: str, basis: str) -> None:
    found = pair_phase(mutyh_pair(), phase)
    assert found["status"] == status and found["basis"].startswith(basis)


def test_a_record_phased_with_the_alt_on_both_haplotypes_is_not_placed() -> None:
    # a homozygous ALT (1|1) or an allele the record does not carry cannot be put on one copy
    both = phased((FIRST, ("A", "A"), FIRST), (SECOND, ALT_REF, FIRST))
    assert pair_phase(mutyh_pair(), both)["status"] == "unknown"
    other = phased((FIRST, ("ACT", "G"), FIRST), (SECOND, ALT_REF, FIRST))
    assert pair_phase(mutyh_pair(), other)["status"] == "unknown"


def test_three_variants_one_on_the_other_copy_is_trans_all_on_one_is_cis() -> None:
    trans = phased((FIRST, REF_ALT, 7), (SECOND, REF_ALT, 7), (400, ALT_REF, 7))
    assert pair_phase(mutyh_pair(third=True), trans)["status"] == "trans"
    # two on the other copy in one set, the third unphased: trans all the same
    partly = phased((FIRST, REF_ALT, 7), (SECOND, ALT_REF, 7))
    assert pair_phase(mutyh_pair(third=True), partly)["status"] == "trans"
    # two in cis and the third unphased: the third could be on the other copy
    cis_and_one = phased((FIRST, REF_ALT, 7), (SECOND, REF_ALT, 7))
    assert pair_phase(mutyh_pair(third=True), cis_and_one)["status"] == "unknown"
    cis = phased((FIRST, REF_ALT, 7), (SECOND, REF_ALT, 7), (400, REF_ALT, 7))
    assert pair_phase(mutyh_pair(third=True), cis)["status"] == "cis"


def test_in_trans_is_a_compound_heterozygote_finding_with_its_phase() -> None:
    trans = phased((FIRST, REF_ALT, FIRST), (SECOND, ALT_REF, FIRST))
    result = classify(mutyh_pair(), GENES, SETTINGS, trans)
    assert [item["pos"] for item in result.findings] == [FIRST, SECOND]
    for item in result.findings:
        assert item["note"] == "compound heterozygote, in trans (phase from reads)"
        assert item["phase"] == {"status": "trans", "basis": f"reads ({TOOL})"}
    assert result.for_review == []


def test_in_cis_is_a_carrier_kept_for_lab_review_not_a_finding() -> None:
    cis = phased((FIRST, REF_ALT, FIRST), (SECOND, REF_ALT, FIRST))
    result = classify(mutyh_pair(), GENES, SETTINGS, cis)
    assert result.findings == [] and result.needs_confirmation == []
    assert [item["pos"] for item in result.for_review] == [FIRST, SECOND]
    assert all(item["phase"]["status"] == "cis" for item in result.for_review)
    assert "in cis (phase from reads)" in result.for_review[0]["note"]
    assert "carrier" in result.for_review[0]["note"]
    assert result.counts["carrier_in_cis"] == 2 and result.counts["findings"] == 0


def test_unknown_phase_stays_a_possible_compound_heterozygote_with_the_reason() -> None:
    apart = phased((FIRST, REF_ALT, FIRST), (SECOND, ALT_REF, SECOND))
    for phase in (apart, None):
        result = classify(mutyh_pair(), GENES, SETTINGS, phase)
        assert len(result.findings) == 2
        for item in result.findings:
            assert item["phase"]["status"] == "unknown"
            assert item["note"].startswith("possible compound heterozygote (2 P/LP variants)")
            assert item["phase"]["basis"].removeprefix("not determined: ") in item["note"]


def test_in_cis_with_a_filtered_call_is_still_not_a_finding() -> None:
    calls = [call(gene="MUTYH", pos=FIRST), call(gene="MUTYH", pos=SECOND, filter="LowQual")]
    phase = phased((FIRST, REF_ALT, FIRST), (SECOND, REF_ALT, FIRST))
    result = classify(calls, GENES, SETTINGS, phase)
    assert result.findings == [] and result.needs_confirmation == []
    assert len(result.for_review) == 2
    # in trans it needs confirmation, with its phase
    trans = phased((FIRST, REF_ALT, FIRST), (SECOND, ALT_REF, FIRST))
    result = classify(calls, GENES, SETTINGS, trans)
    assert len(result.needs_confirmation) == 2
    assert {item["phase"]["status"] for item in result.needs_confirmation} == {"trans"}


def test_phase_is_null_where_it_does_not_matter() -> None:
    # homozygous in an AR gene, a dominant gene's carrier: phase is null
    hom = classify([call(gene="MUTYH", zygosity="hom")], GENES, SETTINGS, phased())
    assert hom.findings[0]["phase"] is None and hom.findings[0]["note"] == "homozygous"
    dominant = classify([call(), call(pos=SECOND)], GENES, SETTINGS, phased())
    assert [item["phase"] for item in dominant.findings] == [None, None]
    # a homozygous P/LP and a heterozygous one in an AR gene: the homozygous is the finding,
    # the single heterozygous call is a carrier state as without phasing
    mixed = [call(gene="MUTYH", zygosity="hom"), call(gene="MUTYH", pos=SECOND)]
    result = classify(mixed, GENES, SETTINGS, phased((SECOND, REF_ALT, SECOND)))
    assert [(item["pos"], item["phase"]) for item in result.findings] == [(100, None)]


def test_phase_notes() -> None:
    assert phase_note({"status": "trans", "basis": "reads (WhatsHap 2.8)"}, 2) == (
        "compound heterozygote, in trans (phase from reads)"
    )
    assert phase_note({"status": "unknown", "basis": NOT_RUN}, 3) == (
        "possible compound heterozygote (3 P/LP variants), phase unknown (read-backed phasing"
        " was not run)"
    )

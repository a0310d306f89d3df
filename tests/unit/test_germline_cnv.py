"""Germline exon-level copy number (tailorseq.germline_cnv) and its findings
(tailorseq.findings_cnv), on depth matrices whose answer is known."""

import gzip
from pathlib import Path

import numpy as np
import pytest

from tailorseq import findings_cnv as fc
from tailorseq import germline_cnv as gc
from tailorseq.defaults import config_defaults
from tailorseq.gene_list import load_gene_list
from tailorseq.gff import Model
from tailorseq.report.hereditary import _copy_number as hereditary_copy_number
from tailorseq.report.plain import hereditary_paragraphs

# BRCA1-like: 5 exons on the - strand, each with 300 coding bases but the 3' one (CDS 1-1100)
BRCA1 = Model(
    "BRCA1-201",
    "-",
    ((1000, 1500), (3000, 3299), (5000, 5399), (7000, 7319), (9000, 9199)),
    ((1200, 1500), (3000, 3299), (5000, 5399), (7000, 7319), (9000, 9080)),
)

SETTINGS = gc.GermlineCnvSettings.from_config(config_defaults("germline_cnv"))


def matrix(samples: int = 4, genes: int = 30, depth: float = 40.0, seed: int = 7):
    """Parts of `genes` genes (5 parts of 300 bases each) with Poisson-like depth noise."""
    rng = np.random.default_rng(seed)
    parts = [
        gc.Part("chr1", 10_000 * g + 1000 * i, 10_000 * g + 1000 * i + 300, f"G{g}")
        for g in range(genes)
        for i in range(5)
    ]
    bias = rng.uniform(0.6, 1.4, len(parts))  # a part's own capture/mappability bias
    scale = rng.uniform(0.7, 1.3, samples)  # each sample's total coverage
    depths = np.array(
        [rng.poisson(depth * s * bias * 300 / 150) * 150 / 300 for s in scale], dtype=float
    )
    return parts, depths, np.full(depths.shape, 2.0)


def test_a_heterozygous_two_exon_deletion_is_one_segment_at_one_copy() -> None:
    parts, depths, ploidy = matrix()
    depths[0, 7:9] *= 0.5  # G1 parts 3 and 4
    calls = gc.sample_calls(parts, depths, ploidy, 0, SETTINGS)
    changed = [s.row() for s in gc.segments(calls) if s.first.call != "neutral"]
    assert [(r["genes"], r["call"], r["copy_number"], r["probes"]) for r in changed] == [
        ("G1", "deletion", 1, 2)
    ]
    assert -1.3 < changed[0]["log2"] < -0.7


def test_a_duplication_and_a_homozygous_deletion() -> None:
    """At exome depth (150x): a one-exon duplication (log2 0.58) stands out of the noise."""
    parts, depths, ploidy = matrix(depth=150.0)
    depths[1, 20] *= 1.5
    depths[1, 40:42] = 0.0
    calls = gc.sample_calls(parts, depths, ploidy, 1, SETTINGS)
    changed = [(c.part.gene, c.call, c.copy_number) for c in calls if c.call != "neutral"]
    assert changed == [("G4", "duplication", 3), ("G8", "deletion", 0), ("G8", "deletion", 0)]


def test_samples_without_events_get_at_most_one_false_part_in_900() -> None:
    """Six samples, 150 parts each, down to ~17x expected depth: counting noise alone."""
    parts, depths, ploidy = matrix(samples=6)
    false = [
        (sample, c.part)
        for sample in range(6)
        for c in gc.sample_calls(parts, depths, ploidy, sample, SETTINGS)
        if c.call != "neutral"
    ]
    assert len(false) <= 1, false


def test_a_male_chrx_is_called_against_one_copy() -> None:
    parts, depths, ploidy = matrix()
    ploidy[0, :5] = 1.0
    depths[0, :5] *= 0.5  # one chrX: half the depth is normal for him
    calls = gc.sample_calls(parts, depths, ploidy, 0, SETTINGS)
    assert all(c.call == "neutral" and c.copy_number == c.ploidy for c in calls)
    assert {c.ploidy for c in calls if c.part in parts[:5]} == {1}


def test_shallow_parts_and_too_few_references_are_not_assessed() -> None:
    parts, depths, ploidy = matrix(samples=2)
    settings = SETTINGS
    assert gc.sample_calls(parts, depths, ploidy, 0, settings) is None
    document = gc.document("s0", parts, None, gc.run_reference(1), settings, {})
    assert document["status"] == "not assessed"
    assert "1 other germline sample(s)" in document["reason"] and document["events"] == []
    parts, depths, ploidy = matrix()
    depths[:, :5] = 3.0
    calls = gc.sample_calls(parts, depths, ploidy, 0, settings)
    document = gc.document("s0", parts, calls, gc.run_reference(3), settings, {})
    assert document["genes_not_assessed"] == [
        {
            "gene": "G0",
            "reason": "0 of 5 coding parts at the depth needed"
            " (germline_cnv.min_depth) in the reference",
        }
    ]
    assert "G0" not in document["genes_assessed"] and "G1" in document["genes_assessed"]


def test_exon_numbers_coding_bases_and_start_codon_follow_the_strand() -> None:
    assert gc.exon_numbers(BRCA1, 6999, 7319) == [2]
    assert gc.exon_numbers(BRCA1, 2999, 5399) == [3, 4]
    assert gc.coding_bases(BRCA1, 6999, 7319) == 320
    assert gc.covers_start_codon(BRCA1, 9000, 9100) and not gc.covers_start_codon(BRCA1, 6999, 7319)


def brca1_event(**changes) -> dict:
    event = {"contig": "chr17", "start": 6999, "end": 7319, "copy_number": 1, "call": "deletion",
             "gene": "BRCA1", "ploidy": 2, "log2": -1.0, "min_abs_z": 6.0, "parts": 1,
             "transcript": "BRCA1-201", "exons": [2], "last_exon": False, "exon_count": 5,
             "coding_bases": 320, "start_codon": False}  # fmt: skip
    return {**event, **changes}


def cnv_document(*events: dict) -> dict:
    return {"status": "assessed", "reason": None, "reference_samples": 2,
            "reference": gc.run_reference(2),
            "genes_assessed": ["BRCA1", "HFE", "NOTLISTED"], "events": list(events)}  # fmt: skip


def test_a_frameshifting_brca1_exon_deletion_is_a_finding_to_confirm() -> None:
    part = fc.copy_number_findings(cnv_document(brca1_event()), load_gene_list())
    (finding,) = part["findings"]
    assert finding["description"].startswith("heterozygous deletion of exon 2 of BRCA1-201")
    assert "Abou Tayoun" in finding["evidence"] and "MLPA" in finding["note"]
    assert part["genes_assessed"] == ["BRCA1", "HFE"]  # listed genes only, list order
    row = fc.tsv_row(finding)
    assert row[:4] == ["needs_confirmation", "BRCA1", "AD", "heterozygous"]
    assert row[8] == "<DEL>" and row[10] == "exon 2"


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        ({"coding_bases": 300}, "in frame"),
        ({"exons": [4], "coding_bases": 400}, "penultimate exon: no NMD predicted"),
        ({"exons": [5], "last_exon": True, "coding_bases": 253}, "last exon"),
        ({"exons": [1], "start_codon": True, "coding_bases": 82}, "start codon branch"),
        ({"call": "duplication", "copy_number": 3}, "duplication"),
        ({"gene": "HFE"}, "HFE: p.Cys282Tyr only, not loss of function"),
        ({"gene": "NOTLISTED"}, "not a listed gene"),
    ],
)
def test_other_events_are_not_findings(changes: dict, why: str) -> None:
    part = fc.copy_number_findings(cnv_document(brca1_event(**changes)), load_gene_list())
    assert part["findings"] == [], why


def test_an_ar_gene_needs_no_copy_left() -> None:
    genes = load_gene_list()
    one_copy = brca1_event(gene="MUTYH")
    assert fc.copy_number_findings(cnv_document(one_copy), genes)["findings"] == []
    none_left = brca1_event(gene="MUTYH", copy_number=0)
    (finding,) = fc.copy_number_findings(cnv_document(none_left), genes)["findings"]
    assert finding["zygosity"] == "homozygous"


def test_not_measured_or_not_assessed_says_why() -> None:
    genes = load_gene_list()
    assert fc.copy_number_findings(None, genes)["reason"] == fc.NOT_MEASURED
    not_assessed = {"status": "not assessed", "reason": "1 other germline sample(s)"}
    part = fc.copy_number_findings(not_assessed, genes)
    assert (part["status"], part["reason"]) == ("not assessed", "1 other germline sample(s)")


def test_mosdepth_regions_are_read_as_parts(tmp_path: Path) -> None:
    regions = tmp_path / "s.regions.bed.gz"
    with gzip.open(regions, "wt") as handle:
        handle.write("chr17\t99\t400\tBRCA1|1\t31.5\nchr17\t999\t1300\tBRCA1|2\t15.25\n")
    parts, depths = gc.read_part_depths(regions)
    assert parts[1] == gc.Part("chr17", 999, 1300, "BRCA1") and depths.tolist() == [31.5, 15.25]


@pytest.mark.parametrize(
    ("copies", "ploidy", "words"),
    [(1, 2, "of one copy of your BRCA1"), (0, 2, "of both copies of your BRCA1"),
     (0, 1, "of the only copy of your BRCA1")],
)  # fmt: skip
def test_the_plain_text_says_which_copies_a_deletion_takes(copies, ploidy, words) -> None:
    """A finding's zygosity reaches the patient's words: a homozygous deletion is not 'one
    copy'."""
    event = brca1_event(copy_number=copies, ploidy=ploidy)
    part = fc.copy_number_findings(cnv_document(event), load_gene_list())
    hereditary = {"assessed": True, "consent": True, "findings": [], "needs_confirmation": [],
                  "copy_number": hereditary_copy_number(part), "genes_assessed": ["BRCA1"],
                  "genes_not_assessed": []}  # fmt: skip
    (paragraph,) = [p for p in hereditary_paragraphs(hereditary) if "missing piece" in p]
    assert f"We may have found a missing piece (a deleted part) {words} gene" in paragraph

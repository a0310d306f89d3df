"""Classification of hereditary findings: one test per rule of `tailorseq.findings`."""

import json
from pathlib import Path

import pytest

from tailorseq.errors import InputError
from tailorseq.findings import (
    NO_CONSENT,
    Call,
    ClinVar,
    Consequence,
    Settings,
    classify,
    load_gene_list,
    report,
    review_stars,
    write_outputs,
)

GENES = load_gene_list()
SETTINGS = Settings(min_review_stars=1, max_population_af=0.01)
EXPERT = "reviewed_by_expert_panel"
SINGLE = "criteria_provided,_single_submitter"


def call(
    gene: str = "BRCA1",
    significance: str | None = "Pathogenic",
    status: str = EXPERT,
    zygosity: str = "het",
    consequence: str = "frameshift",
    amino_acids: str = "23E>23VSHLSGVDQGTCLHKV*",
    pop_af: float | None = None,
    filter: str = "PASS",
    pos: int = 100,
) -> Call:
    clinvar = None
    if significance is not None:
        clinvar = ClinVar("17662", significance, status, review_stars(status), "HBOC")
    genotype = {"het": "0/1", "hom": "1/1", "hemi": "1"}[zygosity]
    return Call(
        contig="17",
        pos=pos,
        ref="ACT",
        alt="A",
        filter=filter,
        genotype=genotype,
        zygosity=zygosity,
        depth=30,
        allele_fraction=0.5 if zygosity == "het" else 1.0,
        clinvar=clinvar,
        pop_af=pop_af,
        consequence=Consequence(consequence, gene, "ENST1", "protein_coding", amino_acids),
    )


def found(*calls: Call, settings: Settings = SETTINGS) -> tuple[list[dict], list[dict]]:
    result = classify(list(calls), GENES, settings)
    return result.findings, result.for_review


def test_gene_list_is_acmg_sf_v3_2() -> None:
    assert GENES.name == "ACMG SF v3.2"
    assert len(GENES.genes) == 81
    assert "Miller" in GENES.source and "2023" in GENES.source
    assert {"CALM1", "CALM2", "CALM3", "TTR", "BAG3"} <= set(GENES.genes)
    assert GENES.genes["MUTYH"].inheritance == "AR"
    assert GENES.genes["GLA"].inheritance == "XL"
    assert GENES.genes["TTN"].restriction == "truncating"


def test_a_broken_gene_list_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "genes.tsv"
    bad.write_text("gene\tcondition\nBRCA1\tHBOC\n")
    with pytest.raises(InputError, match="gene-list columns"):
        load_gene_list(bad)


@pytest.mark.parametrize(
    ("status", "stars"),
    [
        ("practice_guideline", 4),
        (EXPERT, 3),
        ("criteria_provided,_multiple_submitters,_no_conflicts", 2),
        (SINGLE, 1),
        ("criteria_provided,_conflicting_classifications", 1),
        ("no_assertion_criteria_provided", 0),
        ("no_classification_provided", 0),
        ("something_new", 0),
    ],
)
def test_review_status_stars(status: str, stars: int) -> None:
    assert review_stars(status) == stars


@pytest.mark.parametrize(
    "significance",
    ["Pathogenic", "Likely_pathogenic", "Pathogenic/Likely_pathogenic", "Pathogenic|risk_factor"],
)
def test_pathogenic_in_a_listed_gene_is_a_finding(significance: str) -> None:
    findings, review = found(call(significance=significance))
    assert len(findings) == 1 and review == []
    item = findings[0]
    assert item["gene"] == "BRCA1"
    assert item["genotype"] == "0/1" and item["depth"] == 30 and item["allele_fraction"] == 0.5
    assert item["clinvar"]["stars"] == 3 and item["clinvar"]["variation_id"] == "17662"
    assert item["gene_list_entry"]["condition"] == "Hereditary breast and ovarian cancer"


@pytest.mark.parametrize(
    "significance",
    [
        "Uncertain_significance",
        "Benign",
        "Likely_benign",
        "Benign/Likely_benign",
        "Conflicting_classifications_of_pathogenicity",
        "Conflicting_interpretations_of_pathogenicity",
        "Pathogenic/Likely_pathogenic/Conflicting_classifications_of_pathogenicity",
        "Likely_pathogenic,_low_penetrance",
        "risk_factor",
    ],
)
def test_vus_benign_conflicting_are_never_findings(significance: str) -> None:
    findings, review = found(call(significance=significance))
    assert findings == [] and review == []


def test_review_stars_below_the_minimum_are_not_findings() -> None:
    no_stars = call(status="no_assertion_criteria_provided", consequence="missense")
    assert found(no_stars) == ([], [])
    assert len(found(call(status=SINGLE))[0]) == 1
    assert found(call(status=SINGLE), settings=Settings(min_review_stars=2)) == ([], [])


def test_genes_not_on_the_list_are_ignored() -> None:
    assert found(call(gene="CFTR")) == ([], [])


def test_common_variants_are_excluded() -> None:
    assert found(call(pop_af=0.05)) == ([], [])
    assert len(found(call(pop_af=0.001))[0]) == 1
    assert found(call(pop_af=0.001), settings=Settings(max_population_af=0.0001)) == ([], [])


def test_filtered_calls_are_not_findings() -> None:
    assert found(call(filter="LowDepth")) == ([], [])


def test_autosomal_recessive_needs_two_hits() -> None:
    single = call(gene="MUTYH", consequence="missense", amino_acids="393G>393D")
    assert found(single) == ([], [])
    findings, _ = found(call(gene="MUTYH", zygosity="hom"))
    assert len(findings) == 1 and findings[0]["note"] == "homozygous"
    second = call(gene="MUTYH", pos=200)
    findings, _ = found(single, second)
    assert len(findings) == 2
    assert all("possible compound heterozygote" in item["note"] for item in findings)


def test_x_linked_and_dominant_report_any_carrier() -> None:
    assert len(found(call(gene="GLA", zygosity="hemi"))[0]) == 1
    assert len(found(call(gene="GLA", zygosity="het"))[0]) == 1
    assert len(found(call(zygosity="hom"))[0]) == 1


def test_gene_restrictions() -> None:
    missense = call(gene="TTN", consequence="missense", amino_acids="100R>100W")
    assert found(missense) == ([], [])
    assert len(found(call(gene="TTN", consequence="stop_gained", amino_acids="100R>100*"))[0])
    c282y = call(gene="HFE", zygosity="hom", consequence="missense", amino_acids="282C>282Y")
    h63d = call(gene="HFE", zygosity="hom", consequence="missense", amino_acids="63H>63D")
    assert len(found(c282y)[0]) == 1
    assert found(h63d) == ([], [])
    assert found(call(gene="HFE", consequence="missense", amino_acids="282C>282Y")) == ([], [])


def test_unclassified_loss_of_function_is_for_review_only() -> None:
    findings, review = found(call(significance=None))
    assert findings == [] and len(review) == 1
    assert review[0]["clinvar"] is None and "loss of function" in review[0]["note"]
    # not in a gene where loss of function is the mechanism
    assert found(call(gene="RET", significance=None)) == ([], [])
    # not a loss-of-function consequence
    assert found(call(significance=None, consequence="missense", amino_acids="1V>1I")) == ([], [])
    # a 0-star ClinVar P/LP loss-of-function is for review, a 0-star benign one is not
    zero = "no_assertion_criteria_provided"
    assert len(found(call(status=zero))[1]) == 1
    assert found(call(significance="Benign", status=zero)) == ([], [])
    # AR gene: one unclassified LoF alone is a carrier state
    assert found(call(gene="MUTYH", significance=None)) == ([], [])
    assert len(found(call(gene="MUTYH", significance=None, zygosity="hom"))[1]) == 1


def test_without_consent_nothing_is_assessed(tmp_path: Path) -> None:
    document = report("s0123456789", False, [call()], GENES, SETTINGS, None)
    assert document["assessed"] is False and document["status"] == NO_CONSENT
    assert document["findings"] == [] and document["for_review"] == []
    assert "counts" not in document
    write_outputs(document, tmp_path / "f.json", tmp_path / "f.tsv")
    text = (tmp_path / "f.json").read_text() + (tmp_path / "f.tsv").read_text()
    assert "BRCA1" not in text and "Pathogenic" not in text
    assert (tmp_path / "f.tsv").read_text().count("\n") == 2  # status comment and header


def test_outputs_carry_the_evidence(tmp_path: Path) -> None:
    release = {"source": "clinvar.vcf.gz", "file_date": "2024-01-07"}
    calls = [call(), call(significance=None, pos=300)]
    document = report("s0123456789", True, calls, GENES, SETTINGS, release)
    write_outputs(document, tmp_path / "f.json", tmp_path / "f.tsv")
    loaded = json.loads((tmp_path / "f.json").read_text())
    assert loaded["clinvar"]["file_date"] == "2024-01-07"
    assert loaded["counts"]["findings"] == 1 and loaded["counts"]["for_review"] == 1
    rows = [line.split("\t") for line in (tmp_path / "f.tsv").read_text().splitlines()[1:]]
    assert [row[0] for row in rows[1:]] == ["finding", "for_review"]
    assert rows[1][rows[0].index("stars")] == "3"

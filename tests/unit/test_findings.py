"""Classification of hereditary findings: one test per rule of `tailorseq.findings`."""

import json
from pathlib import Path

import pytest

from tailorseq.errors import InputError
from tailorseq.findings import NO_CONSENT, Settings, classify, report, write_outputs
from tailorseq.gene_assessment import Callable, assess_genes
from tailorseq.gene_list import load_gene_list
from tailorseq.germline_calls import Call, ClinVar, Consequence, review_stars

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


def test_common_variants_are_excluded_unless_clinvar_plp_with_stars() -> None:
    # Frequency filtering applies only to variants that are not ClinVar P/LP with the
    # required stars (CPSR: frequency criteria classify non-ClinVar variants only; ClinGen
    # SVI BA1 exceptions, Ghosh et al. 2018: some pathogenic variants exceed 5%).
    (item,) = found(call(pop_af=0.05))[0]
    assert "population allele frequency 0.05" in item["note"]
    assert len(found(call(pop_af=0.001))[0]) == 1
    # a common benign variant, a common unclassified LoF and a common 0-star P/LP stay out
    result = classify(
        [
            call(significance="Benign", consequence="missense", amino_acids="1V>1I", pop_af=0.3),
            call(significance=None, pop_af=0.05, pos=200),
            call(status="no_assertion_criteria_provided", pop_af=0.05, pos=300),
        ],
        GENES,
        SETTINGS,
    )
    assert result.findings == [] and result.for_review == []
    assert result.counts["excluded_common"] == 3
    # a rare variant below the stars minimum is not a finding either
    assert found(call(status=SINGLE, pop_af=0.05), settings=Settings(min_review_stars=2)) == (
        [],
        [],
    )


def test_filtered_plp_calls_need_confirmation_and_are_not_counted_away() -> None:
    result = classify([call(filter="LowDepth")], GENES, SETTINGS)
    assert result.findings == [] and result.for_review == []
    (item,) = result.needs_confirmation
    assert item["gene"] == "BRCA1" and item["filter"] == "LowDepth"
    assert "needs confirmation" in item["note"] and "LowDepth" in item["note"]
    assert result.counts["needs_confirmation"] == 1
    # an AR gene: a filtered call in a homozygous or two-hit state needs confirmation too
    hom = classify([call(gene="MUTYH", zygosity="hom", filter="LowQual")], GENES, SETTINGS)
    assert hom.findings == [] and len(hom.needs_confirmation) == 1
    pair = [call(gene="MUTYH"), call(gene="MUTYH", pos=200, filter="LowQual")]
    both = classify(pair, GENES, SETTINGS)
    assert both.findings == [] and len(both.needs_confirmation) == 2
    # a filtered unclassified LoF is not a review item (it is not a P/LP call)
    assert classify([call(significance=None, filter="LowDepth")], GENES, SETTINGS).for_review == []


def c282y(zygosity: str, pop_af: float = 0.06) -> Call:
    """HFE NM_000410.4:c.845G>A p.Cys282Tyr (ClinVar 9, expert panel), as bcftools csq names it."""
    return call(
        gene="HFE",
        zygosity=zygosity,
        consequence="missense",
        amino_acids="282C>282Y",
        pop_af=pop_af,
        status="criteria_provided,_multiple_submitters,_no_conflicts",
    )


def test_hfe_c282y_homozygous_is_a_finding_even_though_common() -> None:
    (item,) = found(c282y("hom"))[0]
    assert item["gene"] == "HFE" and item["zygosity"] == "hom"
    assert item["population_af"] == 0.06 and "homozygous" in item["note"]


def test_hfe_c282y_heterozygous_is_not_a_finding() -> None:
    result = classify([c282y("het")], GENES, SETTINGS)
    assert result.findings == [] and result.needs_confirmation == [] and result.for_review == []
    # nor with H63D beside it: H63D is outside the list's restriction (C282Y homozygotes only)
    h63d = call(gene="HFE", consequence="missense", amino_acids="63H>63D", pos=50, pop_af=0.13)
    assert found(c282y("het"), h63d) == ([], [])


def test_ttr_v142i_heterozygous_is_a_finding_even_though_common() -> None:
    # TTR NM_000371.4:c.424G>A p.Val142Ile, ~3.5% in people of African ancestry; AD
    v142i = call(
        gene="TTR", consequence="missense", amino_acids="142V>142I", pop_af=0.035, status=EXPERT
    )
    (item,) = found(v142i)[0]
    assert item["gene"] == "TTR" and item["zygosity"] == "het"
    assert item["gene_list_entry"]["inheritance"] == "AD"


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


def outputs(tmp_path: Path, document: dict) -> tuple[dict, str, str]:
    """Write the document's three files; return the JSON, the TSV and the review TSV."""
    paths = (tmp_path / "f.json", tmp_path / "f.tsv", tmp_path / "f.review.tsv")
    write_outputs(document, *paths)
    return json.loads(paths[0].read_text()), paths[1].read_text(), paths[2].read_text()


def test_without_consent_nothing_is_assessed(tmp_path: Path) -> None:
    document = report("s0123456789", False, [call()], GENES, SETTINGS, None, COVERAGE)
    assert document["assessed"] is False and document["status"] == NO_CONSENT
    assert document["findings"] == [] and document["needs_confirmation"] == []
    assert "counts" not in document and document["genes_assessed"] == []
    assert {g["reason"] for g in document["genes_not_assessed"]} == {NO_CONSENT}
    assert len(document["genes_not_assessed"]) == 81
    _, tsv, review = outputs(tmp_path, document)
    text = json.dumps(document) + tsv + review
    assert "Pathogenic" not in text and "17662" not in text
    assert tsv.count("\n") == 2 and review.count("\n") == 2  # status comment and header


def test_outputs_carry_the_evidence_and_review_items_go_to_a_lab_only_file(
    tmp_path: Path,
) -> None:
    release = {"source": "clinvar.vcf.gz", "file_date": "2024-01-07", "sha256": "0" * 64}
    calls = [call(), call(significance=None, pos=300), call(pos=400, filter="LowQual")]
    document = report("s0123456789", True, calls, GENES, SETTINGS, release, COVERAGE)
    loaded, tsv, review = outputs(tmp_path, document)
    assert loaded["clinvar"]["file_date"] == "2024-01-07"
    assert loaded["counts"]["findings"] == 1 and loaded["counts"]["for_review"] == 1
    assert "for_review" not in loaded  # the clinician's document returns reportable items only
    assert [item["pos"] for item in loaded["needs_confirmation"]] == [400]
    rows = [line.split("\t") for line in tsv.splitlines()[1:]]
    assert [row[0] for row in rows[1:]] == ["finding", "needs_confirmation"]
    assert rows[1][rows[0].index("stars")] == "3"
    review_rows = [line.split("\t") for line in review.splitlines()[1:]]
    assert [(row[0], row[review_rows[0].index("pos")]) for row in review_rows[1:]] == [
        ("for_review", "300")
    ]
    assert "lab review only" in review.splitlines()[0]


# ---------------------------------------------------------------- which genes were assessed

CALLABLE = Callable(min_depth=20, min_fraction=0.95, min_mapq=20)
COVERAGE = {
    "BRCA1": {
        "gene": "BRCA1",
        "cds_bases": 5592,
        "mean_depth": 41.0,
        "fraction_at_min_depth": 0.99,
    },
    "BRCA2": {
        "gene": "BRCA2",
        "cds_bases": 10257,
        "mean_depth": 9.5,
        "fraction_at_min_depth": 0.31,
    },
    "CFTR": {"gene": "CFTR", "cds_bases": 4443, "mean_depth": 40.0, "fraction_at_min_depth": 1.0},
}


def test_a_gene_is_assessed_only_when_enough_of_its_coding_bases_are_callable() -> None:
    assessed, not_assessed = assess_genes(GENES.genes, COVERAGE, CALLABLE)
    assert [g["gene"] for g in assessed] == ["BRCA1"]  # CFTR is covered but not listed
    assert assessed[0]["fraction_callable"] == 0.99 and assessed[0]["cds_bases"] == 5592
    reasons = {g["gene"]: g["reason"] for g in not_assessed}
    assert len(reasons) == 80 and set(reasons) == set(GENES.genes) - {"BRCA1"}
    assert reasons["BRCA2"] == (
        "31% of coding bases at >= 20x (mapping quality >= 20); needs >= 95%"
    )
    assert reasons["TTR"] == "no coding sequence in the gene annotation of this reference"
    brca2 = next(g for g in not_assessed if g["gene"] == "BRCA2")
    assert brca2["fraction_callable"] == 0.31 and brca2["mean_depth"] == 9.5
    # the threshold is inclusive and configurable
    assessed, _ = assess_genes(GENES.genes, COVERAGE, Callable(20, 0.31, 20))
    assert [g["gene"] for g in assessed] == ["BRCA1", "BRCA2"]


def test_the_document_lists_every_listed_gene_once() -> None:
    document = report("s0123456789", True, [], GENES, SETTINGS, None, COVERAGE)
    assessed = [g["gene"] for g in document["genes_assessed"]]
    not_assessed = [g["gene"] for g in document["genes_not_assessed"]]
    assert sorted(assessed + not_assessed) == sorted(GENES.genes)
    assert document["callable"] == {"min_depth": 20, "min_fraction": 0.95, "min_mapq": 20}

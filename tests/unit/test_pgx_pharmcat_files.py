"""PharmCAT interoperability, from a laboratory's situation: it wants to run PharmCAT's reporter on
our calls (our phenotype JSON in PharmCAT's phenotyper shape, our outside-call TSV), and it has
PharmCAT's own .match.json and wants our phenotype -> CPIC path on it. Compared gene for gene
with PharmCAT's own example output (../shared/data/pharmcat, read at run time)."""

import json
from pathlib import Path

import pytest

from helpers import CPIC_FILE, shared
from tailorseq import documents
from tailorseq.cli import main
from tailorseq.pgx.outside import read_outside_calls
from tailorseq.pgx.pharmcat_files import outside_call_lines, phenotype_document, report_summary

pytestmark = pytest.mark.shared

#: PharmCAT's example report ran with outside calls (CYP2D6 *1/*3, HLA-B, MT-RNR1 1555A>G)
#: that its example folder does not hold: those genes are not compared.
PHARMCAT_OUTSIDE = {"CYP2D6", "HLA-B", "MT-RNR1"}
#: Genes whose phenotype we do not give where PharmCAT does, and why.
PHENOTYPE_DIFFERENCES = {
    # no G6PD.json / RYR1.json in ../shared/data/pharmcat/phenotype: we give no phenotype (never a
    # default); PharmCAT, with its full data, says Normal / Uncertain Susceptibility
    "G6PD": "no phenotype file",
    "RYR1": "no phenotype file",
    # IFNL3.json has no diplotype table; PharmCAT writes its placeholder "n/a", we write none
    "IFNL3": "n/a placeholder",
}
#: The same allele, named differently: PharmCAT's phenotyper relabels CFTR's reference
#: ("ivacaftor non-responsive CFTR sequence", the definitions' and the matcher's name) Reference.
LABEL_DIFFERENCES = {"CFTR": "Reference/Reference"}


def pharmcat_genes() -> dict:
    report = shared("pharmcat", "examples", "pharmcat.example.report.json")
    return json.loads(report.read_text())["genes"]


def run_pgx_command(tmp_path: Path, source: list[str], *extra: str) -> dict:
    pharmcat = shared("pharmcat")
    phenotype = tmp_path / "ex.phenotype.json"
    outside = tmp_path / "ex.outside.tsv"
    status = main(["pgx", *source, "--phenotypes", str(pharmcat / "phenotype"),
                   "--out", str(tmp_path / "ex.pgx.json"), "--pharmcat-phenotype", str(phenotype),
                   "--pharmcat-outside-calls", str(outside), *extra])  # fmt: skip
    assert status == 0
    return json.loads(phenotype.read_text())


def from_vcf(tmp_path: Path, *extra: str) -> dict:
    pharmcat = shared("pharmcat")
    return run_pgx_command(tmp_path, [
        "--vcf", str(pharmcat / "examples" / "pharmcat.example.vcf"),
        "--definitions", str(pharmcat / "definition" / "alleles"), "--build", "GRCh38",
    ], *extra)  # fmt: skip


def agreement(ours: dict) -> tuple[list[str], dict[str, tuple]]:
    """Genes PharmCAT called from the VCF: those we agree on, and the others (ours, theirs)."""
    agreed, differ = [], {}
    for gene, theirs in sorted(pharmcat_genes().items()):
        if theirs["callSource"] != "MATCHER":
            continue
        mine = report_summary(ours["geneReports"][gene])
        if mine == report_summary(theirs):
            agreed.append(gene)
        else:
            differ[gene] = (mine, report_summary(theirs))
    return agreed, differ


def check_example_agreement(ours: dict) -> None:
    agreed, differ = agreement(ours)
    assert len(agreed) + len(differ) == 19
    assert len(agreed) == 15, differ
    assert set(differ) == set(PHENOTYPE_DIFFERENCES) | set(LABEL_DIFFERENCES)
    for gene in PHENOTYPE_DIFFERENCES:  # same diplotype, no phenotype of ours
        (source, labels, phenotypes, _), (_, their_labels, their_phenotypes, _) = differ[gene]
        assert (source, labels) == ("MATCHER", their_labels)
        assert phenotypes == [[]] and their_phenotypes != [[]]
    mine, theirs = differ["CFTR"]
    assert theirs[1] == [LABEL_DIFFERENCES["CFTR"]] and mine[2:] == theirs[2:]


def test_phenotype_json_agrees_with_pharmcats_example_gene_for_gene(tmp_path: Path) -> None:
    ours = from_vcf(tmp_path)
    check_example_agreement(ours)
    documents.validate_external("pharmcat_phenotype", ours, "ex.phenotype.json")
    assert ours["matcherMetadata"]["sampleId"] == "Sample_1"
    cyp2c9 = ours["geneReports"]["CYP2C9"]["sourceDiplotypes"][0]
    assert cyp2c9["allele1"] == {"gene": "CYP2C9", "name": "*1", "function": "Normal function",
                                 "activityValue": "1.0"}  # fmt: skip
    assert cyp2c9["lookupKey"] == ["2.0"] and cyp2c9["matchScore"] == 166


#: The fixture's CPIC drugs (tests/fixtures/cpic/drugs.json) by the genes their records name.
FIXTURE_DRUGS = {
    "CYP2C19": ["amitriptyline", "clopidogrel"], "CYP2D6": ["amitriptyline"],
    "DPYD": ["capecitabine"], "HLA-A": ["carbamazepine"], "HLA-B": ["abacavir", "carbamazepine"],
}  # fmt: skip
#: What PharmCAT writes of a variant; every field of it is compared.
VARIANT_FIELDS = (
    "gene", "chromosome", "position", "dbSnpId", "call", "alleles", "phased", "phaseSet",
    "referenceAllele", "hasUndocumentedVariations", "warnings",
)  # fmt: skip


def test_variants_and_related_drugs_agree_with_pharmcats_example(tmp_path: Path) -> None:
    """Each gene PharmCAT called from the example VCF: the same positions, calls and defining
    alleles, in its order; related drugs: the CPIC file's drugs of the gene, each among
    PharmCAT's (which adds DPWG and FDA-label drugs), named alike, with no invented id."""
    ours = from_vcf(tmp_path, "--recommendations", str(CPIC_FILE))["geneReports"]
    compared = 0
    for gene, theirs in pharmcat_genes().items():
        drugs = [d["name"] for d in ours[gene]["relatedDrugs"]]
        assert drugs == FIXTURE_DRUGS.get(gene, [])
        assert set(drugs) <= {d["name"] for d in theirs["relatedDrugs"]}
        assert all(d["id"] is None for d in ours[gene]["relatedDrugs"])
        if theirs["callSource"] == "MATCHER":
            variants = [{k: v[k] for k in VARIANT_FIELDS} for v in theirs["variants"]]
            assert ours[gene]["variants"] == variants, gene
            compared += len(variants)
    assert compared == 1045  # 19 genes, from RYR1's 313 positions to ABCG2's one
    slco1b1 = {v["dbSnpId"]: v for v in ours["SLCO1B1"]["variants"]}
    assert slco1b1["rs4149056"]["alleles"] == ["*5", "*15", "*40", "*45", "*47"]  # not *45.001


def test_a_missing_position_is_written_without_a_call() -> None:
    """The document's examined positions and related drugs reach PharmCAT's gene report."""
    result = json.loads(json.dumps(MINIMAL))
    result["genes"]["TPMT"]["positions"] = [
        {"chromosome": "chr6", "position": 18138997, "rsid": "rs1142345", "call": None,
         "phased": False, "phase_set": None, "undocumented": False, "reference": "T",
         "alleles": ["*3A", "*3C"], "depth": 3, "filter": "LowDepth"},
        {"chromosome": "chr6", "position": 18139027, "rsid": None, "call": "G/G",
         "phased": False, "phase_set": None, "undocumented": False, "reference": "G",
         "alleles": [], "depth": 40, "filter": None},
    ]  # fmt: skip
    result["genes"]["TPMT"]["related_drugs"] = ["thioguanine", "azathioprine"]
    report = phenotype_document(result)["geneReports"]["TPMT"]
    assert [(v["position"], v["call"], v["warnings"]) for v in report["variants"]] == [
        (18139027, "G/G", []), (18138997, None, ["LowDepth"])]  # fmt: skip
    assert report["relatedDrugs"] == [{"name": "azathioprine", "id": None},
                                      {"name": "thioguanine", "id": None}]  # fmt: skip
    documents.validate_external("pharmcat_phenotype", phenotype_document(result), "s1")


def test_genes_without_data_are_unknown_as_pharmcat_writes_them(tmp_path: Path) -> None:
    """No outside call: CYP2D6, HLA-A, HLA-B are `Unknown/Unknown`, call source NONE, no
    phenotype, exactly as PharmCAT writes its own HLA-A here; never a reference default."""
    ours = from_vcf(tmp_path)["geneReports"]
    theirs = pharmcat_genes()["HLA-A"]
    for gene in ("CYP2D6", "HLA-A", "HLA-B"):
        assert report_summary(ours[gene]) == ("NONE", ["Unknown/Unknown"], [[]], [None])
        assert report_summary(ours[gene]) == report_summary(theirs)
        assert ours[gene]["sourceDiplotypes"][0]["lookupKey"] == ["No Result"]
    lines = (tmp_path / "ex.outside.tsv").read_text().splitlines()
    assert [line.split(":")[0] for line in lines if "not assessed" in line] == [
        "# CYP2D6", "# HLA-A", "# HLA-B"
    ]  # fmt: skip


def test_a_matcher_no_call_is_unknown_not_reference(tmp_path: Path) -> None:
    result = json.loads(json.dumps(MINIMAL))
    result["genes"]["TPMT"]["called"] = False
    result["genes"]["TPMT"]["diplotypes"] = []
    report = phenotype_document(result)["geneReports"]["TPMT"]
    assert report_summary(report) == ("MATCHER", ["Unknown/Unknown"], [[]], [None])
    assert "# TPMT: not called" in outside_call_lines(result)


def two_diplotypes(phenotype: str) -> dict:
    """MINIMAL with TPMT *1/*3A and *3B/*3C equally ranked, their phenotypes PHENOTYPES'."""
    result = json.loads(json.dumps(MINIMAL))
    tpmt = result["genes"]["TPMT"]
    names = [("*1", "*3A"), ("*3B", "*3C")]
    tpmt["diplotypes"] = [{"name": "/".join(n), "haplotypes": list(n), "score": 8} for n in names]
    per_diplotype = [
        {"diplotype": "/".join(n), "haplotypes": [], "activity_score": None, "phenotype": own}
        for n, own in zip(names, PHENOTYPES[phenotype], strict=True)
    ]
    tpmt["phenotype"] = {"phenotype": phenotype, "activity_score": None, "source": "pharmcat",
                         "diplotypes": per_diplotype}  # fmt: skip
    return result


PHENOTYPES = {
    "Intermediate Metabolizer": ["Intermediate Metabolizer", "Intermediate Metabolizer"],
    "Indeterminate": ["Intermediate Metabolizer", "Poor Metabolizer"],
}


def test_equally_ranked_diplotypes_as_pharmcat_takes_one_call_per_gene() -> None:
    """Two diplotypes: each its own phenotype in the JSON; in the TSV the agreed phenotype
    alone, or when they disagree a comment instead of a call PharmCAT would refuse."""
    agreed, split = two_diplotypes("Intermediate Metabolizer"), two_diplotypes("Indeterminate")
    report = phenotype_document(split)["geneReports"]["TPMT"]
    assert report_summary(report)[1:3] == (
        ["*1/*3A", "*3B/*3C"], [["Intermediate Metabolizer"], ["Poor Metabolizer"]])  # fmt: skip
    assert "TPMT\t\tIntermediate Metabolizer" in outside_call_lines(agreed)
    assert "# TPMT: not written, 2 diplotypes: *1/*3A; *3B/*3C" in outside_call_lines(split)


def test_outside_call_tsv_reads_back_as_the_same_calls(tmp_path: Path) -> None:
    """What PharmCAT's reporter would read from our TSV is what we called."""
    outside = tmp_path / "hla.tsv"
    outside.write_text("HLA-B\t*57:01/*08:01\n")
    from_vcf(tmp_path, "--outside-calls", str(outside), "--recommendations", str(CPIC_FILE))
    document = json.loads((tmp_path / "ex.pgx.json").read_text())
    calls = read_outside_calls(tmp_path / "ex.outside.tsv")
    called = {g for g, c in document["genes"].items() if c["called"]}
    assert set(calls) == called and "HLA-B" in calls
    for gene, call in calls.items():
        assert call.diplotype == document["genes"][gene]["diplotypes"][0]["name"]
        assert call.phenotype == document["genes"][gene]["phenotype"]["phenotype"]
    assert (calls["CYP2C9"].phenotype, calls["CYP2C9"].activity_score) == ("Normal Metabolizer", 2)
    hla_b = json.loads((tmp_path / "ex.phenotype.json").read_text())["geneReports"]["HLA-B"]
    assert (hla_b["callSource"], hla_b["sourceDiplotypes"][0]["label"]) == (
        "OUTSIDE", "*57:01/*08:01")  # fmt: skip


def test_match_json_agrees_with_pharmcats_phenotypes_gene_for_gene(tmp_path: Path) -> None:
    """PharmCAT's own diplotypes (its example .match.json) through our phenotype -> CPIC."""
    match = shared("pharmcat", "examples", "pharmcat.example.match.json")
    ours = run_pgx_command(tmp_path, ["--match-json", str(match)],
                           "--recommendations", str(CPIC_FILE))  # fmt: skip
    check_example_agreement(ours)
    document = json.loads((tmp_path / "ex.pgx.json").read_text())
    assert document["sample"] == "Sample_1" and document["build"] == "GRCh38.p14"
    assert document["knowledge"]["definition_versions"] == ["2025-11-05-00-25"]
    assert [g["gene"] for g in document["not_assessed"]] == ["CYP2D6", "HLA-A", "HLA-B"]
    assert {r["drug"] for r in document["recommendations"]} >= {"clopidogrel"}


def test_the_pgx_command_needs_exactly_one_input(tmp_path: Path, capsys) -> None:
    match = shared("pharmcat", "examples", "pharmcat.example.match.json")
    assert main(["pgx", "--out", str(tmp_path / "x.json")]) == 1
    assert main(["pgx", "--vcf", "x.vcf", "--match-json", str(match)]) == 1
    assert "give --vcf, or --match-json (not both)" in capsys.readouterr().err
    assert main(["pgx", "--match-json", str(match), "--sex", "male", "--build", "GRCh38"]) == 1
    assert "--build, --sex apply to a VCF, not to PharmCAT's calls" in capsys.readouterr().err


#: A small PGx document (the fields the PharmCAT files are made from).
MINIMAL = {
    "sample": "s1", "vcf": "work/p/p.pgx.vcf.gz", "build": "GRCh38",
    "matcher": {"top_candidate_only": True, "find_combinations": False},
    "genes": {"TPMT": {
        "gene": "TPMT", "source": "named allele matcher", "called": True, "phased": False,
        "effectively_phased": True, "diplotypes": [{"name": "*1/*3A", "haplotypes": ["*1", "*3A"],
                                                    "score": 10}],
        "warnings": [], "missing_positions": [],
        "phenotype": {"phenotype": "Intermediate Metabolizer", "activity_score": None,
                      "source": "pharmcat", "diplotypes": []},
    }},
    "not_assessed": [],
}  # fmt: skip

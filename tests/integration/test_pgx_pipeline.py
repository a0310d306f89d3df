"""Pharmacogenomics in the pipeline, on the demo: every allele-defining position force-genotyped
from each germline sample's alignment, the planted star alleles called with their phenotypes and
CPIC recommendations, published under the sample's name; nothing for the tumour; a position the
reads do not cover is reported as missing, never as reference."""

import csv
import json
from pathlib import Path

import pysam
import pytest

from helpers import CPIC_FILE, DEMO, demo_run, snakemake, write_tsv
from tailorseq import documents
from tailorseq.demo import load_plan
from tailorseq.files import sha256
from tailorseq.pgx.outside import read_outside_calls
from tailorseq.pgx.pharmcat_files import report_summary

pytestmark = pytest.mark.integration

GERMLINE = ("demo1", "demo2", "demo3-normal")
#: Seconds the PGx step (force-genotyping + matching + phenotypes) may take per demo sample.
MAX_PGX_SECONDS = 10.0


def pgx_json(workdir: Path, sample: str) -> dict:
    return json.loads((workdir / "results" / sample / f"{sample}.pgx.json").read_text())


def pgx_tsv(workdir: Path, sample: str) -> dict[str, dict[str, str]]:
    path = workdir / "results" / sample / f"{sample}.pgx.tsv"
    with path.open() as handle:
        return {row["gene"]: row for row in csv.DictReader(handle, delimiter="\t")}


def pharmcat_reports(workdir: Path, sample: str) -> dict:
    """The sample's PharmCAT phenotyper JSON (validated), its gene reports by gene."""
    path = workdir / "results" / sample / f"{sample}.pgx.phenotype.json"
    document = json.loads(path.read_text())
    documents.validate_external("pharmcat_phenotype", document, str(path))
    return document["geneReports"]


def expected_diplotypes() -> dict[str, dict[str, str]]:
    """summary.json's star alleles, in the definitions' names (DPYD's *1 is `Reference` ...)."""
    names = load_plan().pharmcat_names
    summary = json.loads((DEMO / "expected" / "summary.json").read_text())["samples"]
    return {
        sample: {
            gene: "/".join(names.get(gene, {}).get(h, h) for h in diplotype.split("/"))
            for gene, diplotype in summary[sample]["pgx"].items()
        }
        for sample in GERMLINE
    }


def pid_of(document: dict) -> str:
    """The pseudonym behind a sample's PGx JSON (its genotype VCF is under work/<pid>/)."""
    return Path(document["vcf"]).name.split(".")[0]


def benchmark_seconds(workdir: Path, rule: str, pid: str) -> float:
    rows = (workdir / "benchmarks" / rule / f"{pid}.tsv").read_text().splitlines()
    return float(rows[1].split("\t")[0])


@pytest.mark.parametrize("sample", GERMLINE)
def test_planted_diplotypes_from_the_reads(demo_results: Path, sample: str) -> None:
    expected = expected_diplotypes()[sample]
    tsv = pgx_tsv(demo_results, sample)
    assert {gene: tsv[gene]["diplotype"] for gene in expected} == expected
    assert all(row["missing_positions"] == "" for row in tsv.values())
    document = pgx_json(demo_results, sample)
    assert document["sample"] == sample
    assert document["sex"] == {"demo1": "female", "demo2": "male"}.get(sample, "female")
    got = {g: [d["name"] for d in document["genes"][g]["diplotypes"]] for g in expected}
    assert got == {gene: [diplotype] for gene, diplotype in expected.items()}
    assert document["knowledge"]["genome_builds"] == ["demo"]
    assert document["knowledge"]["phenotypes"]["name"] == "pypgx"


def test_phenotypes_and_recommendations(demo_results: Path) -> None:
    demo1, demo2 = pgx_json(demo_results, "demo1"), pgx_json(demo_results, "demo2")
    cyp2c19 = demo1["genes"]["CYP2C19"]
    assert cyp2c19["diplotypes"][0]["name"] == "*2/*17"
    assert cyp2c19["phenotype"]["phenotype"] == "Intermediate Metabolizer"
    dpyd = demo1["genes"]["DPYD"]
    assert dpyd["diplotypes"][0]["haplotypes"][0] == "Reference"
    assert "*2A" in dpyd["diplotypes"][0]["haplotypes"][1]
    assert dpyd["phenotype"]["phenotype"] == "Intermediate Metabolizer"
    assert dpyd["phenotype"]["activity_score"] == 1.0
    capecitabine = next(r for r in demo1["recommendations"] if r["drug"] == "capecitabine")
    assert capecitabine["genes"] == {"DPYD": "Intermediate Metabolizer"}
    assert capecitabine["lookup_key"] == {"DPYD": "1"}  # activity score 1.0
    assert capecitabine["classification"] == "Strong"
    assert capecitabine["recommendation"].startswith("Reduce starting dose by 50%")
    assert capecitabine["guideline"].startswith("https://cpicpgx.org/")
    # the CPIC file came by URL (file:// here), downloaded once into the cache, recorded
    source = demo1["knowledge"]["recommendations"]
    assert source["source"] == CPIC_FILE.as_uri() and source["sha256"] == sha256(CPIC_FILE)
    assert "/downloads/files/localhost/" in source["file"] and source["version"] == "v1.10"

    assert demo2["genes"]["CYP2C19"]["diplotypes"][0]["name"] == "*2/*2"
    assert demo2["genes"]["CYP2C19"]["phenotype"]["phenotype"] == "Poor Metabolizer"
    clopidogrel = next(r for r in demo2["recommendations"] if r["drug"] == "clopidogrel")
    assert clopidogrel["genes"]["CYP2C19"] == "Poor Metabolizer"
    assert clopidogrel["classification"] == "Strong"
    assert clopidogrel["recommendation"].startswith("Alternative antiplatelet therapy")
    assert demo2["genes"]["TPMT"]["diplotypes"][0]["name"] == "*1/*3A"
    assert demo2["genes"]["TPMT"]["phenotype"]["phenotype"] == "Intermediate Metabolizer"
    # *3B and *3C 8.3 kb apart: no read pair spans both, so their phase is not determined
    assert demo2["genes"]["TPMT"]["phase"] == "not determined"
    tsv = pgx_tsv(demo_results, "demo2")
    assert tsv["CYP2C19"]["phenotype"] == "Poor Metabolizer"
    assert tsv["TPMT"]["phenotype"] == "Intermediate Metabolizer"


def test_pharmcat_files_of_a_demo_sample(demo_results: Path) -> None:
    """demo1's laboratory runs PharmCAT's reporter on our calls: the phenotype JSON has every
    gene we called with our diplotype and phenotype, and the genes we did not assess
    (CYP2D6, HLA-A, HLA-B: no outside calls in the demo) as PharmCAT writes a gene without data;
    the outside-call TSV reads back as exactly our calls."""
    document = pgx_json(demo_results, "demo1")
    reports = pharmcat_reports(demo_results, "demo1")
    assert set(reports) == set(document["genes"]) | {"CYP2D6", "HLA-A", "HLA-B"}
    assert report_summary(reports["CYP2C19"]) == (
        "MATCHER", ["*2/*17"], [["Intermediate Metabolizer"]], [None])  # fmt: skip
    dpyd = reports["DPYD"]["recommendationDiplotypes"][0]
    assert (dpyd["phenotypes"], dpyd["activityScore"]) == (["Intermediate Metabolizer"], "1.0")
    assert reports["UGT1A1"]["phased"] is False and reports["UGT1A1"]["effectivelyPhased"]
    for gene in ("CYP2D6", "HLA-A", "HLA-B"):
        assert report_summary(reports[gene]) == ("NONE", ["Unknown/Unknown"], [[]], [None])
    # variants: every examined position; *28 and *80 phased from the reads in one phase set
    ugt1a1 = reports["UGT1A1"]["variants"]
    assert len(ugt1a1) == len(document["genes"]["UGT1A1"]["positions"])
    hets = [v for v in ugt1a1 if v["call"] and len(set(v["call"].replace("|", "/").split("/"))) > 1]
    assert len(hets) == 2 and all(v["phased"] and "|" in v["call"] for v in hets)
    assert hets[0]["phaseSet"] is not None and hets[0]["phaseSet"] == hets[1]["phaseSet"]
    names = {g: [d["name"] for d in r["relatedDrugs"]] for g, r in reports.items()}
    assert names["CYP2C19"] == ["amitriptyline", "clopidogrel"]  # the demo's CPIC fixture
    assert names["HLA-B"] == ["abacavir", "carbamazepine"]  # not assessed: still listed
    path = demo_results / "results" / "demo1" / "demo1.pgx.outside_calls.tsv"
    calls = read_outside_calls(path)
    called = {gene for gene, call in document["genes"].items() if call["called"]}
    assert set(calls) == called
    for gene, call in calls.items():
        assert call.diplotype == document["genes"][gene]["diplotypes"][0]["name"]
        assert call.phenotype == document["genes"][gene]["phenotype"]["phenotype"]
    assert (calls["DPYD"].phenotype, calls["DPYD"].activity_score) == (
        "Intermediate Metabolizer", 1.0)  # fmt: skip
    text = path.read_text()
    assert "# CYP2D6: not assessed" in text and "# HLA-B: not assessed" in text


def test_ugt1a1_star28_and_star80_in_trans_are_phased_from_the_read_pairs(demo_results: Path):
    """demo1 carries *28 and *80 on different strands, 309 bases apart: WhatsHap phases them
    from read pairs, and the matcher gives *28/*80 (Indeterminate: *80 alone has unknown
    function), not the unphased *1/*80+*28 (an Intermediate Metabolizer)."""
    demo1 = pgx_json(demo_results, "demo1")
    ugt1a1 = demo1["genes"]["UGT1A1"]
    assert [d["name"] for d in ugt1a1["diplotypes"]] == ["*28/*80"]
    assert ugt1a1["phase"] == "phased" and ugt1a1["phenotype"]["phenotype"] == "Indeterminate"
    assert demo1["matcher"]["phase_source"] == "reads (WhatsHap)"
    assert demo1["genes"]["CYP2C19"]["phase"] == "not determined"  # *2 and *17: 20 kb apart


def test_every_defining_position_is_genotyped(demo_results: Path) -> None:
    for sample in GERMLINE:
        pid = pid_of(pgx_json(demo_results, sample))
        with pysam.VariantFile(
            str(demo_results / "work" / pid / "pgx" / f"{pid}.pgx.vcf.gz")
        ) as vcf:
            assert list(vcf.header.samples) == [sample]
            records = list(vcf)
        assert len(records) > 100
        for record in records:
            call = record.samples[sample]
            assert call["FT"] == "PASS" and call["DP"] >= 8 and call["GQ"] >= 20
            assert None not in call["GT"]


def test_the_tumour_has_no_pgx_output(demo_results: Path) -> None:
    assert not list((demo_results / "results" / "demo3-tumor").glob("*.pgx.*"))
    assert len(list((demo_results / "benchmarks" / "pgx_genotype").glob("*.tsv"))) == 3
    assert len(list((demo_results / "benchmarks" / "pgx_call").glob("*.tsv"))) == 3


def test_pgx_step_speed(demo_results: Path) -> None:
    """The PGx step per sample from the rules' benchmark files (genotype + call)."""
    for sample in GERMLINE:
        pid = pid_of(pgx_json(demo_results, sample))
        genotype = benchmark_seconds(demo_results, "pgx_genotype", pid)
        call = benchmark_seconds(demo_results, "pgx_call", pid)
        print(f"PGx step, {sample}: genotype {genotype:.2f} s + call {call:.2f} s")
        assert genotype + call < MAX_PGX_SECONDS


def test_an_uncovered_position_is_missing_not_reference(demo_results: Path, tmp_path: Path):
    """demo2's alignment without the reads over TPMT rs1142345 (one of its *3A positions),
    given as a BAM unit: that position is an explicit no-call and listed as missing. The same
    run takes CYP2D6 as an outside call from pgx.outside_calls, and CPIC's recommendations with
    their classification from pgx.recommendations (real records of PharmCAT's drugs.json)."""
    source = demo_results / "results" / "demo2" / "demo2.bam"
    planted = json.loads((DEMO / "expected" / "summary.json").read_text())["samples"]["demo2"]
    position = next(v for v in planted["pgx_variants"] if v["id"] == "rs1142345")
    contig, pos = position["contig"], position["pos"]
    bam = tmp_path / "uncovered.bam"
    with (
        pysam.AlignmentFile(str(source)) as reads,
        pysam.AlignmentFile(str(bam), "wb", template=reads) as out,
    ):
        for read in reads:
            end = read.reference_end or 0
            covers = read.reference_name == contig and read.reference_start < pos <= end
            if not covers:
                out.write(read)
    pysam.index(str(bam))
    samples = write_tsv(
        tmp_path / "samples.tsv",
        ["sample", "patient", "kind", "sex"],
        [["uncovered", "patientU", "germline", "male"]],
    )
    units = write_tsv(
        tmp_path / "units.tsv", ["sample", "unit", "bam"], [["uncovered", "run1", str(bam)]]
    )
    outside = write_tsv(tmp_path / "outside.tsv", ["gene", "diplotype"], [["CYP2D6", "*1/*4"]])
    hla = tmp_path / "uncovered.genotype.json"  # arcasHLA's output, read as it is
    hla.write_text('{"A": ["A*02:01:01", "A*01:01:01"], "B": ["B*57:01:01", "B*08:01:01"]}')
    config = demo_run(
        tmp_path,
        samples=str(samples),
        units=str(units),
        pgx={
            "outside_calls": {"uncovered": [str(outside), str(hla)]},
            "recommendations": str(CPIC_FILE),
        },
    )
    snakemake(tmp_path, config, "results/uncovered/uncovered.pgx.phenotype.json")

    document = pgx_json(tmp_path, "uncovered")
    tpmt = document["genes"]["TPMT"]
    assert "rs1142345" in [p["rsid"] for p in tpmt["missing_positions"]]
    assert "*1/*1" not in [d["name"] for d in tpmt["diplotypes"]]
    assert "rs1142345" in pgx_tsv(tmp_path, "uncovered")["TPMT"]["missing_positions"]
    assert document["genes"]["CYP2C19"]["diplotypes"][0]["name"] == "*2/*2"
    cyp2d6 = pgx_tsv(tmp_path, "uncovered")["CYP2D6"]  # the outside call, marked as such
    assert (cyp2d6["diplotype"], cyp2d6["source"]) == ("*1/*4", "outside call")
    assert cyp2d6["phenotype"] == "Intermediate Metabolizer"
    clopidogrel = next(r for r in document["recommendations"] if r["drug"] == "clopidogrel")
    assert clopidogrel["genes"] == {"CYP2C19": "Poor Metabolizer"}
    assert clopidogrel["classification"] == "Strong"
    assert clopidogrel["recommendation"].startswith("Alternative antiplatelet therapy")
    assert document["knowledge"]["recommendations"]["sha256"] == sha256(CPIC_FILE)
    # two outside-call files (a CYP2D6 caller's TSV, an HLA typer's JSON), staged and merged
    assert document["not_assessed"] == []
    assert document["genes"]["HLA-B"]["diplotypes"][0]["name"] == "*57:01:01/*08:01:01"
    reports = pharmcat_reports(tmp_path, "uncovered")
    assert report_summary(reports["CYP2D6"]) == (
        "OUTSIDE", ["*1/*4"], [["Intermediate Metabolizer"]], ["1.0"])  # fmt: skip
    assert report_summary(reports["HLA-B"])[:2] == ("OUTSIDE", ["*57:01:01/*08:01:01"])
    tpmt = reports["TPMT"]["variants"]  # the uncovered position: no call, never reference
    uncovered = next(v for v in tpmt if v["dbSnpId"] == "rs1142345")
    assert (uncovered["call"], uncovered["warnings"]) == (None, ["NoCoverage"])
    assert tpmt.index(uncovered) >= sum(v["call"] is not None for v in tpmt)
    lines = (tmp_path / "results" / "uncovered" / "uncovered.pgx.outside_calls.tsv").read_text()
    assert "CYP2D6\t*1/*4\tIntermediate Metabolizer\t1.0\n" in lines.replace("\r", "")
    assert "HLA-A\t*02:01:01/*01:01:01\n" in lines
    pid = pid_of(document)
    staged = sorted(p.name for p in (tmp_path / "work" / pid / "input").glob("*outside_calls*"))
    assert staged == [f"{pid}.outside_calls.1.tsv", f"{pid}.outside_calls.2.tsv"]
    with pysam.VariantFile(str(tmp_path / "work" / pid / "pgx" / f"{pid}.pgx.vcf.gz")) as vcf:
        record = next(r for r in vcf if r.id == "rs1142345")
    call = record.samples["uncovered"]
    assert call["GT"] == (None, None) and call["FT"] == "NoCoverage" and call["DP"] == 0


def test_the_cyp2d6_caller_on_the_demo_says_why_it_did_not_call(demo_results: Path, tmp_path):
    """pgx.cyp2d6_caller aldy on the demo's build: rule pgx_cyp2d6 runs (without Aldy, which
    the preflight check then does not ask for), and CYP2D6 is not assessed with its reason and
    the drugs that depend on it, in the PGx JSON and PharmCAT's outside-call file."""
    bam = demo_results / "results" / "demo1" / "demo1.bam"
    samples = write_tsv(tmp_path / "samples.tsv", ["sample", "patient", "kind", "sex"],
                        [["d1", "patientD", "germline", "female"]])  # fmt: skip
    units = write_tsv(tmp_path / "units.tsv", ["sample", "unit", "bam"], [["d1", "run1", str(bam)]])
    config = demo_run(tmp_path, samples=str(samples), units=str(units),
                      pgx={"cyp2d6_caller": "aldy", "recommendations": str(CPIC_FILE)})  # fmt: skip
    snakemake(tmp_path, config, "results/d1/d1.pgx.outside_calls.tsv")
    (cyp2d6,) = [g for g in pgx_json(tmp_path, "d1")["not_assessed"] if g["gene"] == "CYP2D6"]
    assert cyp2d6["reason"] == (
        "not called from the reads by aldy: Aldy calls CYP2D6 on GRCh38 and GRCh37 only, not on"
        " build 'demo'")  # fmt: skip
    assert cyp2d6["structural_call"]["called"] is False
    assert cyp2d6["drugs"] == ["amitriptyline"]  # the CYP2D6 drug of the test CPIC file
    lines = (tmp_path / "results" / "d1" / "d1.pgx.outside_calls.tsv").read_text()
    assert "# CYP2D6: not assessed (not called from the reads by aldy:" in lines

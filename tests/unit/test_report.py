"""The patient report: JSON assembly from the samples' outputs (valid against
resources/report.schema.json), and its HTML rendering, with every missing piece stated plainly
(no consent, gene not called, no tumour, no PGx), never as an empty table or `None`."""

import gzip
import json
import re
from html import unescape
from pathlib import Path

import jsonschema
import pytest

from tailorseq.report.assemble import (
    SampleFiles,
    Settings,
    TumourFiles,
    assemble,
)
from tailorseq.report.coverage import pgx_coverage, read_gene_coverage, write_gene_bed
from tailorseq.report.knowledge import knowledge_versions, run_started
from tailorseq.report.mqc import write_counts
from tailorseq.report.plots import coverage_chart, vaf_chart
from tailorseq.report.qc import Thresholds, judge, overall, sample_qc
from tailorseq.report.render import render, show

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "resources" / "report.schema.json").read_text())


# ---------------------------------------------------------------- fixtures written by code
def write_stats(path: Path, total: int = 1000, mapped: int = 990, dup: int = 50) -> Path:
    path.write_text(
        f"# samtools stats\nSN\traw total sequences:\t{total}\t# note\n"
        f"SN\treads mapped:\t{mapped}\nSN\treads duplicated:\t{dup}\t# PCR\n"
    )
    return path


def write_mosdepth(path: Path, mean: float = 31.5) -> Path:
    path.write_text(f"chrom\tlength\tbases\tmean\tmin\tmax\ntotal\t100\t3150\t{mean}\t0\t60\n")
    return path


def pgx_document(called: bool = True, phenotype: str = "Poor Metabolizer") -> dict:
    gene = {
        "gene": "CYP2C19",
        "source": "named allele matcher",
        "called": called,
        "diplotypes": [{"name": "*2/*2", "haplotypes": ["*2", "*2"]}] if called else [],
        "missing_positions": []
        if called
        else [{"chromosome": "chr10", "position": 1, "rsid": "rs4244285"}],
        "warnings": [],
        "phenotype": {"phenotype": phenotype if called else None},
    }
    return {
        "sample": "S1",
        "knowledge": {
            "source": "test definitions",
            "phenotypes": {"name": "pypgx", "version": "0.27.0"},
        },
        "genes": {"CYP2C19": gene},
        "recommendations": [
            {
                "drug": "clopidogrel",
                "genes": {"CYP2C19": phenotype},
                "recommendation": "Avoid standard dose; use an alternative agent.",
                "cpic_level": "A",
                "classification": None,
            },
        ]
        if called
        else [],
    }


def findings_document(consent: bool, findings: list | None = None) -> dict:
    document = {
        "schema": "tailorseq-findings/1",
        "sample": "s0",
        "consent": consent,
        "assessed": consent,
        "gene_list": {"name": "ACMG SF v3.2", "source": "x", "genes": 81},
        "clinvar": {"source": "clinvar.vcf", "file_date": "20250101", "sha256": "0"},
        "findings": findings or [],
        "for_review": [],
    }
    return document


BRCA1 = {
    "gene": "BRCA1",
    "contig": "chr17",
    "pos": 43124027,
    "ref": "ACT",
    "alt": "A",
    "genotype": "0/1",
    "zygosity": "het",
    "depth": 24,
    "allele_fraction": 0.58,
    "consequence": {
        "consequence": "frameshift",
        "transcript": "BRCA1-201",
        "hgvsc": "c.68_69del",
        "hgvsp": "p.Glu23ValfsTer17",
    },
    "clinvar": {"variation_id": "17662", "significance": "Pathogenic", "stars": 3},
    "gene_list_entry": {"condition": "Hereditary breast and ovarian cancer", "inheritance": "AD"},
    "note": "",
}


def write_json(path: Path, document: dict) -> Path:
    path.write_text(json.dumps(document))
    return path


def germline(
    tmp_path: Path,
    consent: bool = True,
    pgx: dict | None = None,
    findings: list | None = None,
    with_pgx: bool = True,
) -> SampleFiles:
    return SampleFiles(
        name="S1",
        kind="germline",
        sex="female",
        consent=consent,
        stats=write_stats(tmp_path / "s.stats.txt"),
        mosdepth=write_mosdepth(tmp_path / "s.mosdepth.summary.txt"),
        pgx=write_json(tmp_path / "s.pgx.json", pgx or pgx_document()) if with_pgx else None,
        findings=write_json(tmp_path / "s.findings.json", findings_document(consent, findings)),
    )


def validate(report: dict) -> None:
    jsonschema.Draft202012Validator(SCHEMA).validate(report)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def assert_clean(html: str) -> None:
    """No Python None, no empty table body, no unrendered template syntax, nothing remote."""
    assert "None" not in text_of(html)
    assert not re.search(r"<tbody>\s*</tbody>", html)
    assert "{{" not in html and "{%" not in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "<script" not in html and "<link" not in html


# ---------------------------------------------------------------- QC
def test_qc_metrics_and_verdicts(tmp_path: Path) -> None:
    qc = sample_qc(
        write_stats(tmp_path / "a", 1000, 900, 300),
        write_mosdepth(tmp_path / "b", 15.0),
        Thresholds(),
    )
    status = {m["key"]: (m["value"], m["status"]) for m in qc["metrics"]}
    assert status == {
        "mean_coverage": (15.0, "warn"),
        "mapped_pct": (90.0, "warn"),
        "duplicate_pct": (30.0, "warn"),
    }
    assert qc["status"] == "warn"
    strict = Thresholds.from_config({"fail_mean_coverage": 16, "warn_mean_coverage": 30})
    assert sample_qc(tmp_path / "a", tmp_path / "b", strict)["status"] == "fail"


def test_judge_and_overall() -> None:
    assert judge(None, 1, 0) == "not assessed"
    assert judge(50, 20, 40, higher_is_better=False) == "fail"
    assert overall(["pass", "not assessed", "warn"]) == "warn"
    assert overall(["not assessed"]) == "not assessed"


# ---------------------------------------------------------------- assembly and rendering
def test_full_germline_report_is_valid_and_rendered(tmp_path: Path) -> None:
    report = assemble("P1", "p0123456789", [germline(tmp_path, findings=[BRCA1])], [], Settings())
    validate(report)
    pgx = report["pharmacogenomics"]
    assert pgx["genes"][0]["diplotype"] == "*2/*2"
    clopidogrel = pgx["drugs"][0]
    assert clopidogrel["classification"] is None and not clopidogrel["act_now"]
    assert clopidogrel["action"] == "classification unknown; read the text"
    assert report["hereditary"]["findings"][0]["hgvsp"] == "p.Glu23ValfsTer17"
    html = render(report)
    assert_clean(html)
    for expected in (
        "P1",
        "CYP2C19",
        "*2/*2",
        "Poor Metabolizer",
        "clopidogrel",
        "BRCA1",
        "c.68_69del",
        "No tumour sample was tested",
    ):
        assert expected in html
    patient = html.split('data-section="patient"')[1]
    assert "clopidogrel" in patient and "genetic counselling" in patient
    assert "Avoid standard dose" not in patient  # guideline text is not copied there


def test_no_consent_says_so_and_shows_nothing(tmp_path: Path) -> None:
    report = assemble("P2", "p0000000000", [germline(tmp_path, consent=False)], [], Settings())
    validate(report)
    hereditary = report["hereditary"]
    assert not hereditary["assessed"] and not hereditary["findings"]
    assert "did not consent" in hereditary["statement"]
    html = render(report)
    assert_clean(html)
    assert "did not consent" in html
    assert "chose not to receive results about inherited disease risk" in html


def test_gene_not_called_is_stated_with_its_reason(tmp_path: Path) -> None:
    sample = germline(tmp_path, pgx=pgx_document(called=False))
    report = assemble("P3", "p1111111111", [sample], [], Settings())
    validate(report)
    assert report["pharmacogenomics"]["not_called"][0]["gene"] == "CYP2C19"
    assert "rs4244285" in report["pharmacogenomics"]["genes"][0]["missing_positions"]
    assert any("CYP2C19 was not called" in item["text"] for item in report["limitations"])
    html = render(report)
    assert_clean(html)
    assert "not called: 1 defining position(s) without a usable genotype" in html
    assert "No drug recommendation applies" in html
    assert "could not work out your CYP2C19 result" in html


def test_no_pgx_and_no_findings_files(tmp_path: Path) -> None:
    sample = germline(tmp_path, with_pgx=False)
    sample.findings = None
    report = assemble("P4", "p2222222222", [sample], [], Settings())
    validate(report)
    assert not report["pharmacogenomics"]["assessed"]
    assert not report["coverage"]["assessed"]
    html = render(report)
    assert_clean(html)
    assert "Pharmacogenomics was not assessed" in html
    assert "Coverage per gene was not assessed" in html


def test_tumour_section_with_biomarkers(tmp_path: Path) -> None:
    normal = germline(tmp_path)
    normal.kind = "normal"
    tumour = SampleFiles(
        name="T1",
        kind="tumor",
        purity=0.6,
        tumor_type="lung adenocarcinoma",
        stats=normal.stats,
        mosdepth=normal.mosdepth,
    )
    biomarkers = write_json(
        tmp_path / "b.json",
        {
            "tumor": "T1",
            "normal": "S1",
            "purity": 0.6,
            "tmb": {
                "assessed": True,
                "mutations_per_mb": 12.5,
                "coding_mutations": 2,
                "callable_coding_bases": 160000,
                "cutoff": 10,
                "tmb_high": True,
                "definition": "d",
                "mutations": [
                    {
                        "gene": "EGFR",
                        "contig": "chr7",
                        "pos": 1,
                        "ref": "T",
                        "alt": "G",
                        "type": "snv",
                        "consequence": "missense",
                        "protein_change": "858L>858R",
                        "vaf": 0.31,
                    }
                ],
            },
            "msi": {"assessed": False, "reason": "MSI scoring is not implemented yet"},
        },
    )
    summary = write_json(
        tmp_path / "s.json", {"concordance": {"fraction": 0.5, "verdict": "0.5 of 10"}}
    )
    report = assemble(
        "P5",
        "p3333333333",
        [normal, tumour],
        [TumourFiles("T1", "S1", biomarkers, summary)],
        Settings(),
    )
    validate(report)
    assert report["qc"]["status"] == "fail"  # a possible swap fails QC
    pair = report["tumour"]["pairs"][0]
    assert pair["tmb"]["tmb_high"] and not pair["actionable"]["assessed"]
    html = render(report)
    assert_clean(html)
    assert "858L&gt;858R" in html and "<svg" in html and "MSI scoring is not implemented" in html
    assert "tumour mutational burden) is high" in html


def test_tumour_without_somatic_results(tmp_path: Path) -> None:
    normal = germline(tmp_path)
    tumour = SampleFiles(name="T1", kind="tumor")
    report = assemble("P6", "p4444444444", [normal, tumour], [TumourFiles("T1", "S1")], Settings())
    validate(report)
    assert not report["tumour"]["pairs"][0]["assessed"]
    html = render(report)
    assert_clean(html)
    assert "Somatic calling did not produce results" in html


# ---------------------------------------------------------------- structure
SECTION_ORDER = [
    "summary",
    "qc",
    "pharmacogenomics",
    "hereditary",
    "tumour",
    "methods",
    "limitations",
    "sign-off",
    "patient",
]
CONFIGURED = Settings(
    assay="whole-genome sequencing, Illumina 2x150, 30x",
    targets="panel.bed",
    tools={"bwa": "0.7.17", "samtools": "1.16"},
    laboratory="Genomics Core, City Hospital",
    sign_off={"specimen": "blood, EDTA", "ordering_clinician": "Dr A. Smith"},
    use_statement="For research use only; not validated for clinical decisions.",
)


def section(html: str, name: str) -> str:
    return unescape(text_of(html.split(f'data-section="{name}"')[1].split("</section>")[0]))


def actionable_pair(tmp_path: Path) -> TumourFiles:
    actionable = write_json(
        tmp_path / "a.json",
        {
            "matches": [
                {"gene": "EGFR", "protein_change": "p.Leu858Arg", "tier": "IA",
                 "drugs": ["osimertinib"]},
                {"gene": "TP53", "protein_change": "p.Arg175His", "tier": "III", "drugs": []},
            ],
            "knowledge": {"curated": {"version": "2026-11", "sha256": "ab" * 32}, "civic": None},
        },
    )  # fmt: skip
    biomarkers = write_json(tmp_path / "b.json", {"purity": 0.6, "tmb": {"mutations": []}})
    return TumourFiles("T1", "S1", biomarkers, None, actionable)


@pytest.mark.parametrize("pseudonymised", [False, True])
def test_one_identifier_in_title_and_body(tmp_path: Path, pseudonymised: bool) -> None:
    pseudonym = "p0123456789"
    patient = pseudonym if pseudonymised else "P1"
    report = assemble(patient, pseudonym, [germline(tmp_path)], [], Settings())
    validate(report)
    assert report["header"]["identifier"] == patient
    assert report["header"]["pseudonymised"] is pseudonymised
    html = render(report)
    assert re.search(r"<title>(.*)</title>", html)[1] == f"tailorseq report {patient}"
    assert re.search(r"<h1>.*</h1>", html)[0].count(patient) == 1
    assert f"Patient {patient}" in text_of(html) and f"{patient}, generated" in html
    if not pseudonymised:
        assert pseudonym not in html  # one identifier: the lab id, not also the pseudonym
    assert ("(pseudonym)" in html) is pseudonymised


def test_sections_in_order_and_filled(tmp_path: Path) -> None:
    document = pgx_document()
    document["recommendations"][0] |= {
        "classification": "Strong",
        "dosing_information": False,
        "alternate_drug_available": True,
        "other_prescribing_guidance": False,
    }
    normal = germline(tmp_path, pgx=document, findings=[BRCA1])
    normal.kind = "normal"
    tumour = SampleFiles(name="T1", kind="tumor", purity=0.6)
    report = assemble(
        "P1", "p0123456789", [normal, tumour], [actionable_pair(tmp_path)], CONFIGURED
    )
    validate(report)
    assert [(a["area"], a["item"]) for a in report["summary"]["action_now"]] == [
        ("tumour", "EGFR p.Leu858Arg"),
        ("medicines", "clopidogrel"),
        ("hereditary", "BRCA1 c.68_69del p.Glu23ValfsTer17"),
    ]
    html = render(report)
    assert_clean(html)
    starts = [html.index(f'data-section="{name}"') for name in SECTION_ORDER]
    assert starts == sorted(starts)
    summary = section(html, "summary")
    assert "3 result(s) need action now" in summary and "TP53" not in summary
    assert "tier IA (T1); osimertinib" in summary and "CPIC Strong: alternative drug" in summary
    methods = section(html, "methods")
    for expected in (
        "whole-genome sequencing, Illumina 2x150, 30x",
        "Capture targets: panel.bed",
        "bwa 0.7.17",
        "ClinVar 20250101",
        "ACMG SF v3.2",
        "actionability: curated 2026-11",
    ):
        assert expected in methods
    sign_off = section(html, "sign-off")
    assert "Specimen blood, EDTA" in sign_off and "Ordering clinician Dr A. Smith" in sign_off
    assert "Reviewed by ____" in sign_off and "Genomics Core, City Hospital" in sign_off
    assert html.count(CONFIGURED.use_statement) >= 2  # under the title and at sign-off
    assert "clopidogrel" in section(html, "patient")


def test_sections_left_empty_say_so(tmp_path: Path) -> None:
    sample = germline(tmp_path, consent=False, with_pgx=False)
    sample.findings = None
    report = assemble("P2", "p0000000000", [sample], [], Settings())
    validate(report)
    html = render(report)
    assert_clean(html)
    summary = section(html, "summary")
    assert "No result needs action now among the results assessed" in summary
    assert "Not assessed: pharmacogenomics, hereditary findings" in summary
    assert "Nothing among the results assessed" in summary
    methods = section(html, "methods")
    assert "Assay not stated in the run's config (report.assay)" in methods
    assert "No capture targets: the whole reference was analysed" in methods
    assert "not recorded by the report step" in methods
    assert "No knowledge source was used" in methods
    sign_off = section(html, "sign-off")
    assert len(re.findall(r"_{8,}", sign_off)) == 6  # laboratory, four fields, date and signature
    assert "No research-use or validation statement is configured" in html
    limits = section(html, "limitations")
    for expected in ("CYP2D6 structure", "HLA alleles", "Repeat expansions", "Copy number"):
        assert expected in limits


def test_show_never_prints_none() -> None:
    assert show(None) == "not available" and show("", "x") == "x" and show(True) == "yes"


# ---------------------------------------------------------------- coverage, plots, mqc
def test_gene_bed_and_coverage(tmp_path: Path) -> None:
    gff3 = tmp_path / "g.gff3"
    gff3.write_text(
        "##gff-version 3\n"
        "c1\tt\tgene\t1\t500\t.\t+\t.\tID=gene:G1;Name=GENE1\n"
        "c1\tt\tmRNA\t1\t500\t.\t+\t.\tID=transcript:T1;Parent=gene:G1;gene_id=G1\n"
        "c1\tt\tCDS\t11\t100\t.\t+\t0\tParent=transcript:T1\n"
        "c1\tt\tCDS\t201\t300\t.\t+\t0\tParent=transcript:T1\n"
    )
    bed = tmp_path / "genes.bed"
    assert write_gene_bed(gff3, bed) == 1
    assert bed.read_text().splitlines() == ["c1\t10\t100\tGENE1|1", "c1\t200\t300\tGENE1|2"]
    regions, thresholds = tmp_path / "r.bed.gz", tmp_path / "t.bed.gz"
    with gzip.open(regions, "wt") as handle:
        handle.write("c1\t10\t100\tGENE1|1\t30.0\nc1\t200\t300\tGENE1|2\t5.0\n")
    with gzip.open(thresholds, "wt") as handle:
        handle.write("#chrom\tstart\tend\tregion\t20X\n")
        handle.write("c1\t10\t100\tGENE1|1\t90\nc1\t200\t300\tGENE1|2\t10\n")
    gene = read_gene_coverage(regions, thresholds, 20, 0.9)["GENE1"]
    assert gene["cds_bases"] == 190 and not gene["adequate"]
    assert gene["low_regions"] == [
        {"contig": "c1", "start": 201, "end": 300, "fraction_at_min_depth": 0.1}
    ]
    assert abs(gene["mean_depth"] - (30 * 90 + 5 * 100) / 190) < 0.1
    chart = coverage_chart([{"sample": "S", **gene}], 20)
    assert chart.startswith("<svg") and "#c62828" in chart and "GENE1 (S)" in chart


def test_pgx_coverage_and_vaf_chart() -> None:
    entry = pgx_coverage({"CYP2C19": [30, 4, 25]}, 8)["CYP2C19"]
    assert entry["positions"] == 3 and entry["below_min_depth"] == 1
    assert entry["median_depth"] == 25
    assert vaf_chart([]) == ""
    svg = vaf_chart(
        [{"gene": "KRAS", "contig": "c", "pos": 1, "protein_change": "12G>12C", "vaf": 0.3}],
        purity=0.6,
    )
    assert "30%" in svg and "expected for a clonal" in svg


def test_multiqc_counts(tmp_path: Path) -> None:
    write_json(tmp_path / "s1.pgx.json", pgx_document())
    write_json(tmp_path / "s1.findings.json", findings_document(True, [BRCA1]))
    write_json(tmp_path / "s2.findings.json", findings_document(False))
    out = tmp_path / "counts_mqc.tsv"
    write_counts(sorted(tmp_path.glob("*.json")), out, {"s1": "S1"})
    rows = [line.split("\t") for line in out.read_text().splitlines() if not line.startswith("#")]
    assert rows[1:] == [["S1", "1", "0", "1", "1", "0"], ["s2", "NA", "NA", "NA", "NA", "NA"]]
    assert "# plot_type: 'table'" in out.read_text()


# ---------------------------------------------------------------- provenance knowledge
def test_knowledge_versions_and_run_start(tmp_path: Path) -> None:
    summary = write_json(
        tmp_path / "clinvar.json", {"source": "u", "file_date": "20250101", "sha256": "ab"}
    )
    pgx = write_json(tmp_path / "p.pgx.json", pgx_document())
    versions = knowledge_versions(
        {"build": "GRCh38"}, summary, pgx, ROOT / "resources" / "acmg_sf_genes.tsv"
    )
    assert versions["clinvar"]["file_date"] == "20250101"
    assert versions["pgx"]["source"] == "test definitions"
    assert versions["gene_list"]["name"] == "ACMG SF v3.2"
    from datetime import UTC, datetime

    fallback = datetime(2020, 1, 1, tzinfo=UTC)
    assert run_started(tmp_path, fallback) == fallback
    import base64

    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "x").write_text("")
    folder = tmp_path / ".snakemake" / "metadata"
    folder.mkdir(parents=True)
    (folder / base64.urlsafe_b64encode(b"results/x").decode()).write_text(
        json.dumps({"starttime": 1700000000.0})
    )
    assert run_started(tmp_path, fallback).year == 2023


@pytest.mark.parametrize("key", ["header", "qc", "pharmacogenomics", "hereditary", "tumour"])
def test_schema_documents_every_section(key: str) -> None:
    assert SCHEMA["properties"][key]["description"]


def test_vaf_reading_against_purity() -> None:
    from tailorseq.report.assemble import vaf_reading

    assert vaf_reading(0.3, None) == (None, "purity not given")
    assert vaf_reading(0.31, 0.6) == (0.3, "consistent with a clonal heterozygous change")
    assert vaf_reading(0.1, 0.6)[1].endswith("possibly subclonal")
    assert vaf_reading(0.55, 0.6)[1].startswith("above the clonal expectation")
    assert vaf_reading(None, 0.6) == (0.3, "allele fraction not measured")

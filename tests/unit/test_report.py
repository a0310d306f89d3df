"""The patient report: JSON assembly from the samples' outputs (valid against
resources/report.schema.json), and its HTML rendering, with every missing piece stated plainly
(no consent, gene not called, no tumour, no PGx), never as an empty table or `None`."""

import gzip
import html as html_module
import json
import re
from html import unescape
from pathlib import Path

import jsonschema
import pytest

from tailorseq import documents
from tailorseq.errors import InputError
from tailorseq.findings import NO_CONSENT
from tailorseq.gene_list import load_gene_list
from tailorseq.report.assemble import (
    SampleFiles,
    Settings,
    TumourFiles,
    assemble,
)
from tailorseq.report.coverage import (
    pgx_coverage,
    pgx_position_depths,
    read_gene_coverage,
    write_gene_bed,
)
from tailorseq.report.knowledge import knowledge_versions, run_started
from tailorseq.report.mqc import write_counts
from tailorseq.report.plots import coverage_chart, vaf_chart
from tailorseq.report.qc import Thresholds, judge, overall, sample_qc
from tailorseq.report.render import render, show
from tailorseq.somatic.msi import METHOD_NAME, cutoff_of, purity_note
from tailorseq.somatic.msi import status_of as msi_status_of
from tailorseq.somatic.tmb import FDA_STATEMENT, TmbSettings
from tailorseq.somatic.tmb import status_of as tmb_status_of
from tailorseq.variants import Names

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


HLA_B_NOT_ASSESSED = {
    "gene": "HLA-B",
    "reason": "HLA alleles are not typed from the reads here",
    "drugs": ["abacavir", "allopurinol", "carbamazepine"],
    "drugs_source": "CPIC recommendation file (v1.10)",
}


def pgx_document(called: bool = True, phenotype: str = "Poor Metabolizer") -> dict:
    gene = {
        "gene": "CYP2C19",
        "source": "named allele matcher",
        "called": called,
        "diplotypes": [{"name": "*2/*2", "haplotypes": ["*2", "*2"]}] if called else [],
        "missing_positions": []
        if called
        else [{"chromosome": "chr10", "position": 1, "rsid": "rs4244285", "reason": "no genotype"}],
        "warnings": [],
        "phenotype": {
            "phenotype": phenotype if called else None,
            "activity_score": None,
            "source": "pypgx",
            "diplotypes": [],
        },
    }
    return {
        "sample": "S1",
        "vcf": "S1.vcf.gz",
        "build": "GRCh38",
        "sex": "female",
        "knowledge": {
            "definitions": "definitions",
            "source": "test definitions",
            "definition_versions": [],
            "genome_builds": ["GRCh38"],
            "phenotypes": {"name": "pypgx", "version": "0.27.0"},
        },
        "matcher": {},
        "warnings": [],
        "genes": {"CYP2C19": gene},
        "not_assessed": [HLA_B_NOT_ASSESSED],
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


def findings_document(
    consent: bool, findings: list | None = None, needs_confirmation: list | None = None
) -> dict:
    """A findings document as tailorseq.findings writes it: BRCA1 assessed, the list's
    other genes not (no coding sequence, or BRCA2's coverage)."""
    genes = list(load_gene_list().genes)
    not_assessed = [
        {"gene": g, "reason": "no coding sequence in the gene annotation of this reference"}
        for g in genes
        if g not in ("BRCA1", "BRCA2")
    ]
    not_assessed.insert(
        0,
        {
            "gene": "BRCA2",
            "reason": "31% of coding bases at >= 20x (mapping quality >= 20); needs >= 95%",
        },
    )
    return {
        "schema": "tailorseq-findings/4",
        "sample": "s0",
        "consent": consent,
        "assessed": consent,
        "gene_list": {"name": "ACMG SF v3.2", "source": "x", "genes": 81},
        "clinvar": {"source": "clinvar.vcf", "file_date": "20250101", "sha256": "0"},
        "settings": {"min_review_stars": 1, "max_population_af": 0.01},
        "callable": {"min_depth": 20, "min_fraction": 0.95, "min_mapq": 20},
        "status": "assessed" if consent else NO_CONSENT,
        "genes_assessed": [BRCA1_ASSESSED] if consent else [],
        "genes_not_assessed": not_assessed if consent else [],
        "findings": findings or [],
        "needs_confirmation": needs_confirmation or [],
        "counts": {
            "findings": len(findings or []),
            "needs_confirmation": len(needs_confirmation or []),
            "for_review": 2,
        },
        "copy_number": {
            "status": "assessed" if consent else "not assessed",
            "reason": None if consent else NO_CONSENT,
            "reference_samples": 3,
            "genes_assessed": ["BRCA1", "BRCA2"] if consent else [],
            "findings": [],
        },
    }


BRCA1_ASSESSED = {
    "gene": "BRCA1",
    "cds_bases": 5592,
    "mean_depth": 40.0,
    "fraction_callable": 0.99,
    "callable": "99% of coding bases at >= 20x (mapping quality >= 20)",
}


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
    "filter": "PASS",
    "population_af": None,
    "consequence": {
        "consequence": "frameshift",
        "transcript": "BRCA1-201",
        "hgvsc": "c.68_69del",
        "hgvsp": "p.Glu23ValfsTer17",
    },
    "clinvar": {
        "variation_id": "17662",
        "significance": "Pathogenic",
        "review_status": "reviewed_by_expert_panel",
        "stars": 3,
        "condition": "Hereditary_breast_ovarian_cancer_syndrome",
    },
    "gene_list_entry": {
        "gene": "BRCA1",
        "condition": "Hereditary breast and ovarian cancer",
        "inheritance": "AD",
    },
    "note": "",
    "phase": None,
}


def write_json(path: Path, document: dict) -> Path:
    path.write_text(json.dumps(document))
    return path


def write_document(kind: str, path: Path, document: dict) -> Path:
    """A stage's document as its writer writes it: stamped and validated (tailorseq.documents)."""
    documents.write(kind, document, path)
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
        pgx=write_document("pgx", tmp_path / "s.pgx.json", pgx or pgx_document())
        if with_pgx
        else None,
        findings=write_document(
            "findings", tmp_path / "s.findings.json", findings_document(consent, findings)
        ),
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
        Thresholds.from_config(None),
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


def test_grch37_without_pgx_and_the_downloads_are_stated(tmp_path: Path) -> None:
    """A PharmCAT release on GRCh37: the report says why there is no PGx (not a silent skip);
    every download shows in the methods' knowledge with URL, sha256 and whether it was
    verified."""
    from tailorseq.pgx.releases import GRCH37_STATEMENT

    record = {"url": "https://h/pub/clinvar.vcf.gz", "bytes": 12, "sha256": "ab" * 32,
              "sha256_verified": True, "downloaded": "2026-12-06T20:00:00Z"}  # fmt: skip
    settings = Settings(downloads=[record], pgx_unavailable=GRCH37_STATEMENT)
    sample = germline(tmp_path, with_pgx=False)
    report = assemble("P6", "p4444444444", [sample], [], settings)
    validate(report)
    assert report["pharmacogenomics"]["statement"].startswith(
        "Pharmacogenomics was not assessed: PharmCAT publishes GRCh38 definitions only"
    )
    (entry,) = [k for k in report["methods"]["knowledge"] if k["name"].startswith("download")]
    assert entry["version"] == "2026-12-06T20:00:00Z"
    assert (
        "https://h/pub/clinvar.vcf.gz, 12 bytes, sha256 abababababab (verified)" in entry["detail"]
    )
    assert "PharmCAT publishes GRCh38 definitions only" in render(report)


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


def test_hereditary_negative_covers_only_the_assessed_genes(tmp_path: Path) -> None:
    lowdepth = {**BRCA1, "gene": "MSH2", "filter": "LowDepth", "note": "needs confirmation"}
    sample = germline(tmp_path)
    sample.findings = write_document(
        "findings",
        tmp_path / "n.findings.json",
        findings_document(True, [], needs_confirmation=[lowdepth]),
    )
    report = assemble("P4", "p2222222222", [sample], [], Settings())
    validate(report)
    hereditary = report["hereditary"]
    assert hereditary["genes_assessed"] == ["BRCA1"]
    assert len(hereditary["genes_not_assessed"]) == 80
    assert "for_review" not in hereditary  # lab-only: never in the clinician's report
    statement = hereditary["statement"]
    negative = "No pathogenic or likely pathogenic variant found in the 1 assessed gene(s): BRCA1"
    assert statement.startswith(negative)
    assert "1 of 81 genes (ACMG SF v3.2) were assessed" in statement
    assert (
        "80 gene(s) were not assessed" in statement
        and "81 genes" not in statement.split("assessed gene(s)")[0]
    )
    assert "1 pathogenic or likely pathogenic call(s) did not pass" in statement
    assert [v["gene"] for v in hereditary["needs_confirmation"]] == ["MSH2"]
    html = render(report)
    assert_clean(html)
    section = unescape(text_of(html.split('data-section="hereditary"')[1].split("</section>")[0]))
    assert "Needs confirmation" in section and "MSH2" in section
    assert "Genes not assessed (80)" in section
    assert "31% of coding bases at >= 20x (mapping quality >= 20); needs >= 95%: BRCA2" in section
    assert "no coding sequence in the gene annotation of this reference: APC, BMPR1A" in section
    patient = text_of(html.split('data-section="patient"')[1])
    assert "We could check 1 of 81 genes" in patient
    assert "80 of the 81 genes could not be checked well enough (BRCA2, APC," in patient
    assert "needs a confirmation test" in patient


def test_no_negative_when_no_gene_was_assessed(tmp_path: Path) -> None:
    document = findings_document(True)
    document["genes_not_assessed"].insert(0, {"gene": "BRCA1", "reason": "2% of coding bases"})
    document["genes_assessed"] = []
    sample = germline(tmp_path)
    sample.findings = write_document("findings", tmp_path / "z.findings.json", document)
    report = assemble("P5", "p3333333333", [sample], [], Settings())
    validate(report)
    statement = report["hereditary"]["statement"]
    assert "No pathogenic" not in statement
    assert "No gene of the 81 genes (ACMG SF v3.2) could be assessed:" in statement
    patient = " ".join(
        " ".join(t["paragraphs"]) for t in report["patient_summary"] if t["topic"] == "hereditary"
    )
    assert "found no change" not in patient and "could not read any of the 81 genes" in patient


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


def test_a_gene_without_an_outside_call_is_not_assessed_with_the_drugs_it_affects(
    tmp_path: Path,
) -> None:
    """HLA-B is not typed from reads: the report must not read as if every gene was looked at."""
    report = assemble("P3", "p1111111111", [germline(tmp_path)], [], Settings())
    validate(report)
    pgx = report["pharmacogenomics"]
    assert pgx["not_assessed"] == [HLA_B_NOT_ASSESSED]
    assert pgx["statement"].endswith(
        "Not assessed: HLA-B (no outside call); the prescribing of 3 drug(s) depends on them."
    )
    assert any("HLA-B was not assessed" in item["text"] for item in report["limitations"])
    html = unescape(render(report))
    assert (
        "Every gene with allele definitions was called; the genes below were not assessed" in html
    )
    assert "abacavir, allopurinol, carbamazepine" in html
    assert "We did not test HLA-B. It matters for medicines such as abacavir" in html


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


EGFR = Names("EGFR-201", "c.2573T>G", "p.Leu858Arg")  # tailorseq.variants' names of L858R


EGFR_L858R = {
    "gene": "EGFR",
    "contig": "chr7",
    "pos": 1,
    "ref": "T",
    "alt": "G",
    "type": "snv",
    "consequence": "missense",
    "protein_change": "858L>858R",
    "vaf": 0.31,
    "depth": 60,
    "counted": True,
}


def tmb_part(count: int, callable_bases: int) -> dict:
    """A TMB part as tailorseq.somatic.tmb states it, for `count` mutations over the bases."""
    settings = TmbSettings()
    result = tmb_status_of(count, callable_bases, settings)
    return result | {
        "assessed": result["status"] != "not assessed",
        "tmb_high": result["status"] == "high",
        "definition": "PASS coding mutations per Mb of callable coding sequence",
        "coding_mutations": count,
        "callable_coding_bases": callable_bases,
        "min_territory": settings.min_territory,
        "floors": {"min_depth": 0, "min_vaf": 0.0, "source": "PCGR"},
        "cutoff": settings.cutoff,
        "fda_statement": FDA_STATEMENT,
        "mutations": [EGFR_L858R],
    }


def msi_part(unstable: int, used: int, min_sites: int = 50) -> dict:
    """An MSI part as tailorseq.somatic.msi states it."""
    score = 100 * unstable / used if used else None
    cutoff, source = cutoff_of(None)
    status = msi_status_of(score, used, min_sites, cutoff)
    return {
        "status": status,
        "assessed": status != "not assessed",
        "msi_high": status == "MSI-high",
        "score": round(score, 2) if score is not None else None,
        "reason": f"only {used} microsatellite(s) used; at least {min_sites} are needed"
        if status == "not assessed"
        else None,
        "sites_found": used + 5,
        "sites_examined": used + 5,
        "sites_used": used,
        "unstable_sites": unstable,
        "cutoff": cutoff,
        "cutoff_source": source,
        "method_name": METHOD_NAME,
        "purity_note": purity_note(0.6),
    }


PAIR_SUMMARY = {
    "tumor": "T1",
    "normal": "S1",
    "concordance": {"sites": 10, "concordant": 5, "fraction": 0.5, "verdict": "0.5 of 10"},
    "records": {"PASS": 1},
}


def tumour_report(tmp_path: Path, tmb: dict, msi: dict) -> dict:
    """The report of a patient with a tumour/normal pair whose biomarkers are `tmb` and `msi`."""
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
    document = {"tumor": "T1", "normal": "S1", "purity": 0.6, "tmb": tmb, "msi": msi}
    # stamped but not validated: the report's reading is what refuses a broken one
    biomarkers = write_json(tmp_path / "b.json", documents.stamped("biomarkers", document))
    summary = write_document("somatic", tmp_path / "s.json", PAIR_SUMMARY)
    report = assemble(
        "P5",
        "p3333333333",
        [normal, tumour],
        [TumourFiles("T1", "S1", biomarkers, summary, names={("chr7", 1, "T", "G"): EGFR})],
        Settings(),
    )
    validate(report)
    return report


def biomarker_text(html: str, name: str) -> tuple[str, str]:
    """(data-status, text) of the report's paragraph on biomarker `name` (tmb or msi)."""
    found = re.search(
        rf'data-biomarker="{name}" data-status="([^"]+)">(.*?)</p>', html, flags=re.DOTALL
    )
    assert found, f"no {name} paragraph"
    text = html_module.unescape(re.sub(r"<[^>]+>", "", found.group(2)))
    return found.group(1), re.sub(r"\s+", " ", text)


def test_tumour_section_tmb_high_and_msi_not_assessed(tmp_path: Path) -> None:
    report = tumour_report(tmp_path, tmb_part(25, 2_500_000), msi_part(2, 10))
    assert report["qc"]["status"] == "fail"  # a possible swap fails QC
    pair = report["tumour"]["pairs"][0]
    assert pair["tmb"]["status"] == "high" and not pair["actionable"]["assessed"]
    html = render(report)
    assert_clean(html)
    assert "p.Leu858Arg (p.L858R)" in html and "EGFR-201:c.2573T&gt;G" in html
    assert "<svg" in html
    status, tmb = biomarker_text(html, "tmb")
    assert status == "high" and "TMB: high, 10 mutations/Mb" in tmb
    assert "25 counted coding mutations over 2,500,000 callable coding bases" in tmb
    assert "Poisson standard error 2.0 mutations/Mb" in tmb and "not an FDA-approved test" in tmb
    status, msi = biomarker_text(html, "msi")
    assert status == "not assessed" and "only 10 microsatellite(s) used" in msi
    assert "score 20.0% over 10 sites, too few to judge" in msi
    patient = html.split('data-section="patient"')[1]
    assert "tumour mutational burden) is high" in patient
    assert "(microsatellite instability, MSI) could not be measured" in patient


def test_tumour_section_tmb_not_assessed_and_msi_high(tmp_path: Path) -> None:
    # The demo's situation: 6 mutations over 4,626 callable coding bases; 27 of 69 sites.
    report = tumour_report(tmp_path, tmb_part(6, 4_626), msi_part(27, 69))
    pair = report["tumour"]["pairs"][0]
    assert pair["tmb"]["status"] == "not assessed" and pair["tmb"]["mutations_per_mb"] is None
    limits = [item["text"] for item in report["limitations"] if item["topic"] == "tumour"]
    assert any(text.startswith("TMB of T1 not assessed: only 4,626") for text in limits)
    html = render(report)
    assert_clean(html)
    status, tmb = biomarker_text(html, "tmb")
    assert status == "not assessed"
    assert "TMB: not assessed: only 4,626 callable coding bases, fewer than the 1,000,000" in tmb
    assert "mutations/Mb (" not in tmb and "1297" not in html and "1,297" not in html
    status, msi = biomarker_text(html, "msi")
    assert status == "MSI-high" and "MSI: MSI-high: score 39.13% (27 unstable of 69" in msi
    assert "MSI-high at ≥ 3.5% (MSIsensor paired chi-square; cut-off: Niu B et al." in msi
    assert "Tumour purity 0.6" in msi and "dilute" in msi
    patient = html.split('data-section="patient"')[1]
    assert "could not be measured reliably: the test read too little of your genes" in patient
    assert "(4,626 letters of DNA where at least 1,000,000 are needed)" in patient
    assert "it is MSI-high" in patient


def test_tumour_section_tmb_not_high_and_mss(tmp_path: Path) -> None:
    report = tumour_report(tmp_path, tmb_part(12, 4_000_000), msi_part(1, 120))
    html = render(report)
    assert_clean(html)
    status, tmb = biomarker_text(html, "tmb")
    assert status == "not high" and "TMB: not high, 3 mutations/Mb" in tmb
    assert "less than twice" not in tmb
    status, msi = biomarker_text(html, "msi")
    assert status == "MSS" and "score 0.83% (1 unstable of 120 microsatellites used)" in msi
    assert "MSI-high at ≥ 3.5%" in msi
    patient = html.split('data-section="patient"')[1]
    assert "is not high" in patient and "are stable in the tumour" in patient


def test_an_undeclared_biomarkers_document_is_refused(tmp_path: Path) -> None:
    tmb = tmb_part(6, 4_626) | {"status": "TMB-high"}
    with pytest.raises(ValueError, match="tmb/status"):
        tumour_report(tmp_path, tmb, msi_part(27, 69))


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
    match = {
        "kind": "variant",
        "contig": "chr7",
        "pos": 1,
        "ref": "T",
        "alt": "G",
        "evidence_level": None,
        "indication": None,
        "knowledge": None,
    }
    actionable = write_document(
        "actionable",
        tmp_path / "a.json",
        {
            "tumor": "T1", "normal": "S1", "tumor_type": None, "build": "GRCh38",
            "knowledge": {"curated": {"version": "2026-11", "sha256": "ab" * 32}, "civic": None},
            "tiers": {}, "unknown_significance": [], "biomarkers": {}, "pass_variants": 2,
            "matches": [
                match | {"gene": "EGFR", "variant": "L858R", "protein_change": "p.Leu858Arg",
                         "tier": "IA", "drugs": ["osimertinib"]},
                match | {"gene": "TP53", "variant": "R175H", "protein_change": "p.Arg175His",
                         "tier": "III", "drugs": []},
            ],
        },
    )  # fmt: skip
    document = {"tumor": "T1", "normal": "S1", "purity": 0.6,
                "tmb": tmb_part(6, 4_626), "msi": msi_part(27, 69)}  # fmt: skip
    biomarkers = write_document("biomarkers", tmp_path / "b.json", document)
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
    assert "not recorded: see results/run/provenance.json" in methods
    assert "No knowledge source was used" in methods
    sign_off = section(html, "sign-off")
    assert len(re.findall(r"_{8,}", sign_off)) == 6  # laboratory, four fields, date and signature
    assert "No research-use or validation statement is configured" in html
    limits = section(html, "limitations")
    for expected in (
        "CYP2D6 structure",
        "HLA alleles",
        "Repeat expansions",
        "Germline copy number",
    ):
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
        handle.write("#chrom\tstart\tend\tregion\t10X\t20X\n")
        handle.write("c1\t10\t100\tGENE1|1\t90\t90\nc1\t200\t300\tGENE1|2\t100\t10\n")
    assert read_gene_coverage(regions, thresholds, 10, 0.9)["GENE1"]["adequate"]
    with pytest.raises(InputError, match="30X"):
        read_gene_coverage(regions, thresholds, 30, 0.9)
    gene = read_gene_coverage(regions, thresholds, 20, 0.9)["GENE1"]
    assert gene["cds_bases"] == 190 and not gene["adequate"]
    assert gene["low_regions"] == [
        {"contig": "c1", "start": 201, "end": 300, "fraction_at_min_depth": 0.1}
    ]
    assert abs(gene["mean_depth"] - (30 * 90 + 5 * 100) / 190) < 0.1
    chart = coverage_chart([{"sample": "S", **gene}], 20)
    assert chart.startswith("<svg") and "#c62828" in chart and "GENE1 (S)" in chart


def test_pgx_position_depths_come_from_the_pgx_document() -> None:
    """The PGx step's per-position depths, by gene; a position the VCF gave no depth for is
    left out (no record there), and an outside call (no positions read) has none."""
    position = {"chromosome": "chr10", "rsid": None, "filter": None}
    document = {
        "genes": {
            "CYP2C19": {
                "positions": [
                    {**position, "position": 1, "depth": 30},
                    {**position, "position": 2, "depth": None},
                    {**position, "position": 3, "depth": 4, "filter": "LowDepth"},
                ]
            },
            "CYP2D6": {"source": "outside call"},
        }
    }
    assert pgx_position_depths(document) == {"CYP2C19": [30, 4]}


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
    write_document("pgx", tmp_path / "s1.pgx.json", pgx_document())
    write_document("findings", tmp_path / "s1.findings.json", findings_document(True, [BRCA1]))
    write_document("findings", tmp_path / "s2.findings.json", findings_document(False))
    out = tmp_path / "counts_mqc.tsv"
    write_counts(sorted(tmp_path.glob("*.json")), out, {"s1": "S1"})
    rows = [line.split("\t") for line in out.read_text().splitlines() if not line.startswith("#")]
    assert rows[1:] == [["S1", "1", "0", "1", "1", "2"], ["s2", "NA", "NA", "NA", "NA", "NA"]]
    assert "# plot_type: 'table'" in out.read_text()


def test_multiqc_never_calls_the_network_for_a_version_check() -> None:
    """Genetic data runs on machines that may have no internet, and must not reach out."""
    import yaml

    settings = yaml.safe_load((ROOT / "config" / "multiqc.yaml").read_text())
    assert settings["no_version_check"] is True


# ---------------------------------------------------------------- provenance knowledge
def test_knowledge_versions_and_run_start(tmp_path: Path) -> None:
    summary = write_json(
        tmp_path / "clinvar.json", {"source": "u", "file_date": "20250101", "sha256": "ab"}
    )
    pgx = write_document("pgx", tmp_path / "p.pgx.json", pgx_document())
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

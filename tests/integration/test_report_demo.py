"""The demo's patient reports, provenance and MultiQC custom content carry the planted results:
patient1 (demo1) CYP2C19 *2/*17 Intermediate Metabolizer and the BRCA1 frameshift; patient2
(demo2) no hereditary findings for lack of consent, CYP2C19 *2/*2 Poor Metabolizer with
clopidogrel; patient3 the tumour/normal pair with EGFR L858R and KRAS G12C. Their FHIR and
Phenopacket exports carry the same findings under the report's identifier."""

import json
import re
from pathlib import Path

import jsonschema
import phenopackets as pp
import pysam
import pytest
from fhir.resources.R4B.bundle import Bundle
from google.protobuf import json_format

from fhir_helpers import by_gene, component, resources, value_code
from helpers import ROOT
from tailorseq.export.fhir import problems

pytestmark = pytest.mark.integration

SCHEMA = json.loads((ROOT / "resources" / "report.schema.json").read_text())
PATIENTS = ("patient1", "patient2", "patient3")


def report(workdir: Path, patient: str) -> dict:
    return json.loads((workdir / "results" / patient / f"{patient}.report.json").read_text())


def html(workdir: Path, patient: str) -> str:
    return (workdir / "results" / patient / f"{patient}.report.html").read_text()


def gene(document: dict, name: str) -> dict:
    return next(g for g in document["pharmacogenomics"]["genes"] if g["gene"] == name)


@pytest.mark.parametrize("patient", PATIENTS)
def test_reports_are_valid_and_clean(demo_results: Path, patient: str) -> None:
    document = report(demo_results, patient)
    jsonschema.Draft202012Validator(SCHEMA).validate(document)
    assert document["qc"]["status"] == "pass"
    assert re.fullmatch(r"p[0-9a-f]{10}", document["header"]["patient_pseudonym"])
    page = html(demo_results, patient)
    text = re.sub(r"<[^>]+>", " ", page)
    assert "None" not in text and not re.search(r"<tbody>\s*</tbody>", page)
    identifier = document["header"]["identifier"]
    assert identifier == patient and not document["header"]["pseudonymised"]
    assert f"<title>tailorseq report {patient}</title>" in page
    assert document["header"]["patient_pseudonym"] not in page  # one identifier


def test_patient1_pgx_and_brca1_finding(demo_results: Path) -> None:
    document = report(demo_results, "patient1")
    cyp = gene(document, "CYP2C19")
    assert (cyp["diplotype"], cyp["phenotype"]) == ("*2/*17", "Intermediate Metabolizer")
    # no outside calls in the demo: CYP2D6 and HLA are named as not assessed, with their drugs
    untyped = {g["gene"]: g["drugs"] for g in document["pharmacogenomics"]["not_assessed"]}
    assert list(untyped) == ["CYP2D6", "HLA-A", "HLA-B"]
    assert untyped["HLA-B"] == ["abacavir", "carbamazepine"]  # the CPIC fixture's HLA-B drugs
    assert "Not assessed: CYP2D6, HLA-A, HLA-B" in document["pharmacogenomics"]["statement"]
    findings = document["hereditary"]["findings"]
    assert sorted((f["gene"], f["consequence"], f["hgvsp"]) for f in findings) == [
        ("BRCA1", "frameshift", "p.Glu23ValfsTer17"),
        ("HFE", "missense", "p.Cys282Tyr"),
        ("TTR", "missense", "p.Val142Ile"),
    ]
    assert sorted(document["hereditary"]["genes_assessed"]) == ["BRCA1", "HFE", "TTR"]
    page = html(demo_results, "patient1")
    for expected in (
        "*2/*17",
        "Intermediate Metabolizer",
        "BRCA1",
        "p.Glu23ValfsTer17",
        "p.Cys282Tyr",
        "p.Val142Ile",
        "No tumour sample was tested",
    ):
        assert expected in page
    assert "We found a change in your BRCA1 gene" in page
    summary = document["summary"]
    assert ("hereditary", "BRCA1") in {
        (a["area"], a["item"].split()[0]) for a in summary["action_now"]
    }
    methods = document["methods"]
    # the tools as they ran: the versions records probed inside each env of the run
    tools = {t["name"]: t["version"] for t in methods["tools"]}
    assert {"bwa", "bcftools", "samtools", "multiqc", "pysam"} <= set(tools)
    assert "did not answer" not in " ".join(tools.values())
    cpic = next(k for k in methods["knowledge"] if k["name"] == "CPIC recommendations")
    assert cpic["version"] == "CPIC v1.10"
    assert page.index('data-section="summary"') < page.index('data-section="qc"')


def test_pgx_coverage_is_the_depth_at_every_genotyped_position(demo_results: Path) -> None:
    """The report's PGx coverage shows the read depth the PGx step saw at every defining
    position it force-genotyped: the same depths as its VCF, position for position."""
    entries = report(demo_results, "patient1")["coverage"]["pgx_positions"]
    (sample,) = {e["sample"] for e in entries}
    vcfs = {}
    for path in (demo_results / "work").glob("*/pgx/*.pgx.vcf.gz"):
        with pysam.VariantFile(str(path)) as handle:
            vcfs[handle.header.samples[0]] = sorted(r.samples[0]["DP"] for r in handle)
    depths = vcfs[sample]
    assert sum(e["positions"] for e in entries) == len(depths)
    assert min(e["min_depth_seen"] for e in entries) == depths[0] > 0
    assert sum(e["below_min_depth"] for e in entries) == sum(d < 8 for d in depths)
    assert {e["gene"] for e in entries} >= {"CYP2C19", "DPYD", "TPMT"}


def test_patient2_no_consent_and_poor_metabolizer(demo_results: Path) -> None:
    document = report(demo_results, "patient2")
    hereditary = document["hereditary"]
    assert not hereditary["assessed"] and not hereditary["consent"] and not hereditary["findings"]
    cyp = gene(document, "CYP2C19")
    assert (cyp["diplotype"], cyp["phenotype"]) == ("*2/*2", "Poor Metabolizer")
    clopidogrel = next(
        d for d in document["pharmacogenomics"]["drugs"] if d["drug"] == "clopidogrel"
    )
    assert clopidogrel["genes"] == {"CYP2C19": "Poor Metabolizer"}
    assert clopidogrel["recommendation"].startswith("Alternative antiplatelet therapy")
    assert clopidogrel["classification"] == "Strong"
    # CPIC's drugs.json (v1.10) carries no change flags: the row says so, nothing is read
    assert clopidogrel["change"] == "not flagged" and not clopidogrel["act_now"]
    assert "clopidogrel" in document["summary"]["other"][2]["text"]
    page = html(demo_results, "patient2")
    assert (
        "did not consent" in page
        and "BRCA1" not in page.split('id="hereditary"')[1].split("</section>")[0]
    )
    assert "*2/*2" in page and "Poor Metabolizer" in page and "clopidogrel" in page
    patient = page.split('data-section="patient"')[1]
    assert "clopidogrel" in patient and "chose not to receive" in patient


def test_patient3_tumour_section(demo_results: Path) -> None:
    document = report(demo_results, "patient3")
    pair = document["tumour"]["pairs"][0]
    assert (pair["tumor"], pair["normal"]) == ("demo3-tumor", "demo3-normal")
    changes = {(m["gene"], m["protein_change"]) for m in pair["mutations"]}
    assert {("EGFR", "858L>858R"), ("KRAS", "12G>12C")} <= changes
    named = {(m["gene"], m["transcript"], m["hgvsc"], m["hgvsp"], m["hgvsp_short"])
             for m in pair["mutations"]}  # fmt: skip
    assert ("EGFR", "EGFR-201", "c.2573T>G", "p.Leu858Arg", "p.L858R") in named
    assert ("KRAS", "KRAS-201", "c.34G>T", "p.Gly12Cys", "p.G12C") in named
    egfr = next(v for v in pair["actionable"]["variants"] if v["gene"] == "EGFR")
    assert (egfr["transcript"], egfr["hgvsp"]) == ("EGFR-201", "p.Leu858Arg")
    page = html(demo_results, "patient3")
    assert "p.Leu858Arg (p.L858R)" in page and "EGFR-201:c.2573T&gt;G" in page
    tmb, msi = pair["tmb"], pair["msi"]
    assert tmb["status"] == "not assessed" and tmb["mutations_per_mb"] is None
    assert tmb["reason"].startswith(f"only {tmb['callable_coding_bases']:,} callable coding bases")
    assert msi["status"] == "MSI-high" and msi["score"] >= msi["cutoff"] == 3.5
    # Purity 0.6: a clonal heterozygous change is expected at 0.30.
    assert {m["expected_vaf"] for m in pair["mutations"]} == {0.3}
    assert all(m["vaf_reading"] for m in pair["mutations"])
    actionable = {(v["gene"], v["tier"]) for v in pair["actionable"]["variants"]}
    assert {("EGFR", "I"), ("KRAS", "I")} <= {
        (gene, tier[:1] if tier else tier) for gene, tier in actionable
    }
    assert document["qc"]["pair_checks"][0]["status"] == "pass"
    page = html(demo_results, "patient3")
    assert "858L&gt;858R" in page and "Variant allele fraction" in page
    assert "osimertinib" in page.lower() and "Expected if clonal" in page
    # TMB not assessed with its reason, no rate; MSI-high with score, sites and cut-off.
    tmb_html = page.split('data-biomarker="tmb"')[1].split("</p>")[0]
    assert 'data-status="not assessed"' in tmb_html and tmb["reason"] in tmb_html
    assert "mutations/Mb (" not in tmb_html and "not an FDA-approved test" in tmb_html
    # Copy number: the planted ERBB2 amplification, its caveat and the plot inline.
    assert pair["copy_number"]["status"] == "assessed"
    assert [(g["gene"], g["copy_number"]) for g in pair["copy_number"]["altered_genes"]] == [
        ("ERBB2", 8)
    ]
    cnv_html = page.split('data-biomarker="cnv"')[1].split("</figure>")[0]
    assert "ERBB2 amplification (8 copies)" in cnv_html and "IHC/ISH" in cnv_html
    assert '<img src="data:image/png;base64,' in cnv_html
    fusion_html = page.split('data-biomarker="fusions"')[1].split("</p>")[0]
    assert "<strong>EML4::ALK</strong> (EML4:" in fusion_html and "in frame" in fusion_html
    msi_html = page.split('data-biomarker="msi"')[1].split("</p>")[0]
    assert 'data-status="MSI-high"' in msi_html and f"score {msi['score']}%" in msi_html
    assert f"of {msi['sites_used']} microsatellites used" in msi_html
    assert "MSI-high at &ge; 3.5%" in msi_html and "Niu B et al." in msi_html
    patient = page.split('data-section="patient"')[1]
    assert "tumour mutational burden) could not be measured reliably" in patient
    assert "it is MSI-high" in patient
    for other in ("patient1", "patient2"):
        assert not report(demo_results, other)["tumour"]["present"]
    tumour_now = [
        (a["item"], a["detail"].split(";")[0])
        for a in document["summary"]["action_now"]
        if a["area"] == "tumour"
    ]
    # one line per alteration and tier, named in HGVS, its drugs together
    erbb2 = "ERBB2 amplification (from DNA sequencing: confirm with the label's test)"
    alk = "EML4::ALK fusion (from DNA sequencing: confirm with the label's test)"
    assert sorted(tumour_now) == [
        ("EGFR p.Leu858Arg (p.L858R)", "tier I (demo3-tumor)"),
        (alk, "tier I (demo3-tumor)"),
        (erbb2, "tier II (demo3-tumor)"),
        ("KRAS p.Gly12Cys (p.G12C)", "tier I (demo3-tumor)"),
        ("KRAS p.Gly12Cys (p.G12C)", "tier II (demo3-tumor)"),
        ("MSI-high", "tier I (demo3-tumor)"),
    ]
    egfr = next(a for a in document["summary"]["action_now"] if a["item"].startswith("EGFR"))
    assert egfr["detail"].startswith("tier I (demo3-tumor); osimertinib; erlotinib")


def test_provenance_manifest(demo_results: Path) -> None:
    manifest = json.loads((demo_results / "results/run/provenance.json").read_text())
    assert manifest["pipeline"]["version"] and manifest["snakemake"].startswith("9.")
    assert "tools" not in manifest and "python" not in manifest
    assert manifest["started"] <= manifest["finished"]
    assert manifest["knowledge"]["clinvar"]["file_date"] == "demo"
    assert "pypgx" in manifest["knowledge"]["pgx"]["source"]
    assert manifest["knowledge"]["reference"]["build"] == "demo"
    assert any(p.endswith("demo1_L001_R1.fastq.gz") for p in manifest["inputs"])
    assert any(p.endswith("genome.fa") for p in manifest["inputs"])
    assert "results/patient1/patient1.report.html" in manifest["outputs"]
    assert all(re.fullmatch(r"[0-9a-f]{64}", s) for s in manifest["outputs"].values())
    assert len(manifest["config_sha256"]) == 64
    assert (
        report(demo_results, "patient1")["provenance"]["config_sha256"]
        == (manifest["config_sha256"])
    )


def test_versions_as_they_ran(demo_results: Path) -> None:
    """One versions record per env of the run, probed inside it; every rule of the run is
    mapped to its env, whose versions the manifest holds; MultiQC shows them all."""
    manifest = json.loads((demo_results / "results/run/provenance.json").read_text())
    records = sorted((demo_results / "results/run/versions").glob("*.json"))
    environments = manifest["environments"]
    assert [path.stem for path in records] == sorted(environments)
    assert set(manifest["rules"].values()) == set(environments)
    assert manifest["rules"]["align_bwa"] == "bwa" and "call_freebayes" not in manifest["rules"]
    assert environments["bwa"]["tools"]["bwa"].startswith("0.7.")
    assert environments["bwa"]["how"]["probes"]["bwa"] == "bwa"
    for name, environment in environments.items():
        assert environment["env_file"] == f"envs/{name}.yaml"
        assert None not in environment["tools"].values(), name
    page = (demo_results / "results/run/multiqc.html").read_text()
    assert "mqc_versions_table" in page and "env bwa" in page
    versions = demo_results / "results/run/multiqc_data/multiqc_software_versions.txt"
    assert "tailorseq" in versions.read_text()


def test_multiqc_custom_content(demo_results: Path) -> None:
    table = demo_results / "results/run/multiqc_data/multiqc_tailorseq_counts_table.txt"
    rows = [line.split("\t") for line in table.read_text().splitlines()]
    assert rows[0][:2] == ["Sample", "PGx genes called"]
    by_sample = {row[0]: row for row in rows[1:]}
    assert by_sample["demo1"][4] == "3" and by_sample["demo2"][4] == "NA"
    page = (demo_results / "results/run/multiqc.html").read_text()
    assert "Pharmacogenomics and findings" in page


def fhir(workdir: Path, patient: str) -> dict:
    """The patient's FHIR export, loaded back with fhir.resources."""
    text = (workdir / "results" / patient / f"{patient}.fhir.json").read_text()
    return json.loads(Bundle.model_validate_json(text).model_dump_json())


def phenopacket(workdir: Path, patient: str) -> pp.Phenopacket:
    text = (workdir / "results" / patient / f"{patient}.phenopacket.json").read_text()
    return json_format.Parse(text, pp.Phenopacket())


@pytest.mark.parametrize("patient", PATIENTS)
def test_exports_carry_only_the_identifier(demo_results: Path, patient: str) -> None:
    bundle, packet = fhir(demo_results, patient), phenopacket(demo_results, patient)
    assert problems(bundle) == []
    patient_resource = resources(bundle)[0]
    assert [i["value"] for i in patient_resource["identifier"]] == [patient]
    assert packet.subject.id == patient and packet.meta_data.phenopacket_schema_version == "2.0"
    header = report(demo_results, patient)["header"]
    private = [header["patient_pseudonym"], *(s["sample"] for s in header["samples"])]
    for text in (json.dumps(bundle), json_format.MessageToJson(packet)):
        assert not [name for name in private if name in text]


def test_patient1_findings_in_both_exports(demo_results: Path) -> None:
    variants = by_gene(fhir(demo_results, "patient1"), "variant")
    expected = {  # gene: HGVS c., HGVS p., LOINC allelic state, GENO allelic state
        "BRCA1": ("c.68_69del", "p.Glu23ValfsTer17", "LA6706-1", "GENO:0000135"),
        "HFE": ("c.845G>A", "p.Cys282Tyr", "LA6705-3", "GENO:0000136"),
        "TTR": ("c.424G>A", "p.Val142Ile", "LA6706-1", "GENO:0000135"),
    }
    assert {
        gene: (value_code(v, "48004-6"), value_code(v, "48005-3"), value_code(v, "53034-5"))
        for gene, v in variants.items()
    } == {gene: values[:3] for gene, values in expected.items()}
    assert {value_code(v, "48002-0") for v in variants.values()} == {"LA6683-2"}  # germline
    packet = phenopacket(demo_results, "patient1")
    described = [
        g.variant_interpretation.variation_descriptor
        for i in packet.interpretations
        for g in i.diagnosis.genomic_interpretations
    ]
    assert {
        d.gene_context.symbol: (*(e.value for e in d.expressions), d.allelic_state.id)
        for d in described
    } == {gene: (c, p, geno) for gene, (c, p, _, geno) in expected.items()}
    assert {d.vcf_record.genome_assembly for d in described} == {"demo"}


def test_patient2_exports_without_consent(demo_results: Path) -> None:
    packet = phenopacket(demo_results, "patient2")
    assert not packet.interpretations
    assert "did not consent" in packet.meta_data.external_references[0].description
    assert not by_gene(fhir(demo_results, "patient2"), "variant")


def test_patient3_somatic_results_in_fhir(demo_results: Path) -> None:
    bundle = fhir(demo_results, "patient3")
    somatic = {
        (component(v, "48018-6")["valueCodeableConcept"]["text"], value_code(v, "48005-3"))
        for v in resources(bundle, "variant")
        if value_code(v, "48002-0") == "LA6684-0"
    }
    assert {("EGFR", "p.Leu858Arg"), ("KRAS", "p.Gly12Cys")} <= somatic
    (msi,) = resources(bundle, "msi")
    assert msi["valueCodeableConcept"]["coding"][0]["code"] == "LA26203-2"  # MSI-H
    (tmb,) = resources(bundle, "tmb")
    assert "valueQuantity" not in tmb
    assert tmb["dataAbsentReason"]["text"].startswith("TMB not assessed")

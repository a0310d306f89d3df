"""The demo tumour's RNA (patient3, demo3-rna: HER2-high, ER-positive expression planted in
simulated stranded reads, the tumour's somatic alleles expressed at planted fractions): salmon's
expression, receptor status from RNA, the 21-gene profile and the RNA support of the mutations,
read from the session's demo run, against the demo's truth."""

import csv
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ROOT, demo_dir

pytestmark = pytest.mark.integration

PATIENT = "patient3"
RNA = "demo3-rna"
REFERENCE_GENES = ("ACTB", "GAPDH", "RPLP0", "GUSB", "TFRC")
# Paik et al., N Engl J Med 2004;351:2817-26, Figure 1, written out here independently of
# resources/breast_21gene.yaml: a changed weight or group there fails this test.
GROUPS = {
    "GRB7": ({"GRB7": 0.9, "ERBB2": 0.1}, 1),
    "ER": ({"ESR1": 0.8, "PGR": 1.2, "BCL2": 1, "SCUBE2": 1}, 4),
    "proliferation": ({"BIRC5": 1, "MKI67": 1, "MYBL2": 1, "CCNB1": 1, "AURKA": 1}, 5),
    "invasion": ({"CTSV": 1, "MMP11": 1}, 2),
}
GROUP_WEIGHTS = {"GRB7": 0.47, "ER": -0.34, "proliferation": 1.04, "invasion": 0.10}
GENE_WEIGHTS = {"CD68": 0.05, "GSTM1": -0.08, "BAG1": -0.07}


@pytest.fixture(scope="module")
def truth() -> dict:
    summary = json.loads((demo_dir() / "expected" / "summary.json").read_text())
    return summary["samples"][RNA]["rna"]


@pytest.fixture(scope="module")
def rna(demo_results: Path) -> dict:
    return json.loads((demo_results / f"results/{PATIENT}/{PATIENT}.rna.json").read_text())


def normalised(tpm: dict[str, float]) -> dict[str, float]:
    """log2(TPM + 1) of every gene minus the mean over the reference genes."""
    level = sum(math.log2(tpm[gene] + 1) for gene in REFERENCE_GENES) / len(REFERENCE_GENES)
    return {gene: math.log2(value + 1) - level for gene, value in tpm.items()}


def profile_of(values: dict[str, float]) -> tuple[dict[str, float], float]:
    """Group scores and the unscaled weighted sum (no floors: RNA-seq scale)."""
    groups = {
        name: sum(weight * values[gene] for gene, weight in weights.items()) / divisor
        for name, (weights, divisor) in GROUPS.items()
    }
    total = sum(GROUP_WEIGHTS[name] * score for name, score in groups.items())
    return groups, total + sum(w * values[gene] for gene, w in GENE_WEIGHTS.items())


def test_salmon_recovers_the_planted_expression_of_every_gene(demo_results, truth) -> None:
    path = demo_results / f"results/{PATIENT}/{PATIENT}.expression.tsv"
    with path.open() as handle:
        measured = {
            row["gene"]: float(row["tpm"]) for row in csv.DictReader(handle, delimiter="\t")
        }
    assert set(measured) == set(truth["tpm"])  # every gene model, each from its one transcript
    for gene, planted in truth["tpm"].items():
        assert measured[gene] == pytest.approx(planted, rel=0.10), gene


def test_stranded_library_detected_and_reads_mapped(rna) -> None:
    salmon = rna["salmon"]
    assert salmon["library_type"] == "ISR"  # read 1 antisense, as planted (dUTP-like)
    assert salmon["mapping_rate"] >= 95
    assert salmon["decoy_reads"] <= 0.01 * salmon["reads_processed"]


def test_her2_high_er_and_pr_positive_from_rna_beside_the_dna_amplification(rna) -> None:
    receptors = {r["receptor"]: r for r in rna["receptors"]["receptors"]}
    assert rna["receptors"]["basis"] == "RNA-based, research use"
    assert {name: r["status"] for name, r in receptors.items()} == {
        "ER": "high",
        "PR": "high",
        "HER2": "high",
    }
    assert all(r["threshold"]["source"].startswith("demo:") for r in receptors.values())
    dna = receptors["HER2"]["dna_copy_number"]
    assert (dna["status"], dna["copy_number"]) == ("amplification", 8)


def test_no_profile_for_a_lung_tumour(rna) -> None:
    profile = rna["profile"]
    assert profile["status"] == "not computed"
    assert "this tumour is Lung Adenocarcinoma (LUAD)" in profile["reason"]
    assert "weighted_sum" not in profile


def test_mutations_in_genes_carry_their_rna_support(rna, truth) -> None:
    found = {(m["contig"], m["pos"]): m for m in rna["expressed_mutations"]["mutations"]}
    for variant_id, site in truth["somatic"].items():
        mutation = found[(site["contig"], site["pos"])]
        alt, depth = mutation["rna_alt_reads"], mutation["rna_depth"]
        if site["rna_vaf"] == 0:  # EGFR-A420V: the gene is expressed, the allele is not
            assert (mutation["status"], alt) == ("not expressed", 0) and depth >= 10
        elif depth >= 20:
            assert mutation["status"] == "expressed", variant_id
            assert mutation["rna_vaf"] == pytest.approx(site["rna_vaf"], abs=0.12), variant_id
        else:  # BRCA1 is expressed at a tenth of EGFR: a few fragments over its site
            expected = "expressed" if alt >= 2 else "not assessed"
            assert mutation["status"] == expected, variant_id
    assert {m["gene"] for m in found.values()} == {s["gene"] for s in truth["somatic"].values()}
    assert rna["expressed_mutations"]["outside_genes"] > 0  # the unstable microsatellites
    tier_one = [m for m in found.values() if m["actionable_tier"] == "I"]
    assert {m["protein_change"] for m in tier_one} == {"858L>858R", "12G>12C"}
    assert all(m["flag"] is None for m in tier_one)  # both expressed: nothing to flag


def test_the_report_shows_the_rna_as_research_use(demo_results) -> None:
    report = json.loads((demo_results / f"results/{PATIENT}/{PATIENT}.report.json").read_text())
    (pair,) = report["tumour"]["pairs"]
    assert pair["rna"]["assessed"] and pair["rna"]["sample"] == RNA
    egfr = next(m for m in pair["rna"]["mutations"]["mutations"] if m["pos"] == 21822)
    assert egfr["hgvsp"] == "p.Leu858Arg"
    html = (demo_results / f"results/{PATIENT}/{PATIENT}.report.html").read_text()
    assert "Tumour RNA" in html and "research use; not Oncotype DX" in html
    assert "recurrence score" not in html.lower()
    tumour_text = next(p for p in report["patient_summary"] if p["topic"] == "tumour")
    assert any("research measurements" in text for text in tumour_text["paragraphs"])
    other = json.loads((demo_results / "results/patient1/patient1.report.json").read_text())
    assert other["tumour"]["present"] is False


def test_multiqc_reads_salmon(demo_results) -> None:
    table = demo_results / "results/run/multiqc_data/multiqc_salmon.txt"
    rows = list(csv.DictReader(table.open(), delimiter="\t"))
    assert [row["Sample"] for row in rows] == [RNA]
    assert float(rows[0]["percent_mapped"]) >= 95


def test_a_breast_tumour_gets_the_profile_of_its_planted_expression(
    demo_results: Path, truth: dict, tmp_path: Path
) -> None:
    """The same RNA as an invasive breast carcinoma (the summary's command line on the run's
    salmon output): the profile is computed, and agrees with the formula on the planted TPM."""
    (quant,) = demo_results.glob("work/*/rna/*/quant.sf")
    (gff3,) = demo_results.glob("cache/annotation/*/genes-*[0-9a-f].gff3")
    bam = next(demo_results.glob("work/*/rna/*.rna.bam"))
    out = tmp_path / "breast"
    command = [
        sys.executable,
        str(ROOT / "scripts" / "rna_summary.py"),
        "--quant",
        str(quant.parent),
    ]
    command += [
        "--gff3",
        str(gff3),
        "--bam",
        str(bam),
        "--reference",
        str(demo_dir() / "genome.fa"),
    ]
    command += ["--oncotree", str(demo_dir() / "oncotree.tsv"), "--sample", RNA]
    command += ["--patient", PATIENT, "--tumor-type", "Invasive Breast Carcinoma"]
    command += ["--tsv", f"{out}.tsv", "--json", f"{out}.json"]
    subprocess.run(command, check=True, capture_output=True, text=True)
    profile = json.loads(Path(f"{out}.json").read_text())["profile"]
    assert profile["status"] == "computed" and profile["label"].endswith("not Oncotype DX)")
    groups, weighted_sum = profile_of(normalised(truth["tpm"]))
    measured = {group["name"]: group["score"] for group in profile["groups"]}
    for name, planted in groups.items():
        assert measured[name] == pytest.approx(planted, abs=0.1), name
    assert profile["weighted_sum"] == pytest.approx(weighted_sum, abs=0.1)
    assert not any(group["floored"] for group in profile["groups"])
    assert profile["percentile"]["value"] is None  # no reference cohort shipped

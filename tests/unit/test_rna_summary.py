"""The rna document and its adapter (scripts/rna_summary.py): the command line end to end on small
files, the Snakemake entry with the rule's input and output names, and the document's schema."""

import copy
import json
import runpy
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pysam
import pytest
import yaml
from actionability_helpers import ONCOTREE, csq, record, write_vcf
from rna_helpers import (
    actionable_document,
    cnv_document,
    panel_tpm,
    variant_match,
    write_bam,
    write_gff3,
    write_salmon,
)
from test_rna_mutations import CONTIG, REF, SNV, snv_reads

from tailorseq import documents
from tailorseq.defaults import config_defaults
from tailorseq.report.plain import RNA_SENTENCE, tumour_paragraphs
from tailorseq.rna.settings import RnaSettings
from tailorseq.rna.summary import RnaInputs, summarise, write_outputs

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "rna_summary.py"
THRESHOLD = {"high_at": 1, "source": "test cut-off"}


def inputs(tmp_path: Path) -> dict[str, Path]:
    """Every input file of one tumour RNA sample of a breast tumour."""
    tpm = panel_tpm()
    genome = tmp_path / "genome.fa"
    genome.write_text(f">{CONTIG}\n{REF}\n")
    pysam.faidx(str(genome))
    vcf = write_vcf(
        tmp_path / "somatic.vcf",
        [record(CONTIG, SNV.pos, SNV.ref, SNV.alt, csq("missense", "BRCA1", "33V>33X"), 0.3)],
    )
    actionable = tmp_path / "actionable.json"
    match = variant_match(CONTIG, SNV.pos, SNV.ref, SNV.alt, "I")
    documents.write("actionable", actionable_document([match]), actionable)
    cnv = tmp_path / "cnv.json"
    amplified = {"gene": "ERBB2", "call": "amplification", "copy_number": 12, "contig": "ERBB2",
                 "start": 0, "end": 100, "probes": 20}  # fmt: skip
    documents.write("cnv", cnv_document([amplified]), cnv)
    config = tmp_path / "config.yaml"
    rna = {"receptor_thresholds": {"ERBB2": THRESHOLD}, "min_depth": 5}
    run = {
        "samples": "s.tsv",
        "units": "u.tsv",
        "reference": {"build": "demo", "fasta": str(genome)},
        "rna": rna,
    }
    config.write_text(yaml.safe_dump(run))
    return {
        "quant": write_salmon(tmp_path / "salmon", tpm),
        "gff3": write_gff3(tmp_path / "genes.gff3", list(tpm)),
        "bam": write_bam(tmp_path / "rna.bam", CONTIG, len(REF), snv_reads()),
        "ref": genome, "vcf": vcf, "actionable": actionable, "cnv": cnv, "oncotree": ONCOTREE,
        "config": config,
    }  # fmt: skip


def check_outputs(tsv: Path, json_path: Path) -> dict:
    """The outputs of the sample, as the tests expect them."""
    document = documents.load("rna", json_path)
    rows = tsv.read_text().splitlines()
    assert rows[0] == "gene\ttpm\treads\ttranscripts" and len(rows) == 1 + 21
    assert rows[1].startswith("ACTB\t1023.0\t102.3\t1")
    assert document["salmon"]["library_type"] == "ISR" and document["salmon"]["mapping_rate"] == 90
    assert document["expression"]["reference"]["mean_log2"] == 8
    assert document["research_use"].startswith("Research use only")
    return document


def test_the_command_line_writes_both_outputs(tmp_path: Path) -> None:
    files = inputs(tmp_path)
    tsv, json_path = tmp_path / "out" / "expression.tsv", tmp_path / "out" / "rna.json"
    command = [
        sys.executable, SCRIPT, "--quant", files["quant"] / "quant.sf", "--gff3", files["gff3"],
        "--bam", files["bam"], "--reference", files["ref"], "--somatic-vcf", files["vcf"],
        "--actionable", files["actionable"], "--cnv", files["cnv"], "--oncotree", ONCOTREE,
        "--sample", "t1-rna", "--patient", "p1", "--tumor-type", "IDC", "--configfile",
        files["config"], "--tsv", tsv, "--json", json_path,
    ]  # fmt: skip
    env = {"PYTHONPATH": str(ROOT / "scripts"), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr
    document = check_outputs(tsv, json_path)
    assert json.loads(done.stdout)["profile"]["status"] == "computed"
    receptors = {r["gene"]: r for r in document["receptors"]["receptors"]}
    assert receptors["ERBB2"]["status"] == "high"  # log2 4 >= 1
    assert receptors["ERBB2"]["dna_copy_number"]["text"] == "DNA: ERBB2 amplification, 12 copies"
    assert receptors["ESR1"]["reason"] == "no validated RNA-seq threshold configured"
    assert document["tumor_type_oncotree"]["tissue"] == "Breast"
    [mutation] = document["expressed_mutations"]["mutations"]
    assert (mutation["status"], mutation["rna_alt_reads"], mutation["dna_vaf"]) == (
        "expressed",
        6,
        0.3,
    )
    assert (mutation["actionable_tier"], mutation["flag"], mutation["protein_change"]) == (
        "I", None, "33V>33X",
    )  # fmt: skip
    assert document["settings"]["min_depth"] == 5


def test_the_snakemake_entry_reads_the_rules_names(tmp_path: Path) -> None:
    files = inputs(tmp_path)
    settings = config_defaults("rna")
    rule = SimpleNamespace(
        input=SimpleNamespace(
            quant=str(files["quant"]), gff3=str(files["gff3"]), bam=str(files["bam"]),
            ref=str(files["ref"]), vcf=[], actionable=[], cnv=[], oncotree=[str(ONCOTREE)],
        ),
        params=SimpleNamespace(sample="t1-rna", patient="p1", tumor_type="LUAD", settings=settings),
        output=SimpleNamespace(tsv=str(tmp_path / "e.tsv"), json=str(tmp_path / "rna.json")),
        log=[str(tmp_path / "rna.log")],
    )  # fmt: skip
    runpy.run_path(str(SCRIPT), init_globals={"snakemake": rule}, run_name="__main__")
    document = check_outputs(tmp_path / "e.tsv", tmp_path / "rna.json")
    assert document["profile"]["status"] == "not computed"
    assert document["expressed_mutations"]["assessed"] is False
    erbb2 = document["receptors"]["receptors"][2]
    assert erbb2["dna_copy_number"]["text"] == "DNA copy number not available"
    assert {r["status"] for r in document["receptors"]["receptors"]} == {"not assessed"}


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (("receptors", "receptors", 0, "status"), "positive", "receptors/receptors/0/status"),
        (("receptors", "receptors", 1, "reason"), "", "receptors/receptors/1/reason"),
        (("profile", "label"), "21-gene profile", "profile/label"),
        (("profile", "status"), "not computed", "profile"),
        (("expressed_mutations", "mutations", 0, "status"), "silent", "expressed_mutations"),
    ],
)
def test_a_broken_rna_document_is_refused(tmp_path: Path, path: tuple, value, field: str) -> None:
    broken = copy.deepcopy(documents.load("rna", write_document(inputs(tmp_path), tmp_path)))
    target = broken
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(documents.DocumentError, match=f": {field}"):
        documents.write("rna", broken, tmp_path / "broken.json")


def write_document(files: dict[str, Path], tmp_path: Path) -> Path:
    """The full document of a breast tumour's RNA, written through the library."""
    section = config_defaults("rna") | {"receptor_thresholds": {"ESR1": THRESHOLD}}
    given = RnaInputs(
        files["quant"], files["gff3"], files["bam"], files["ref"], files["vcf"],
        files["actionable"], files["cnv"], files["oncotree"],
    )  # fmt: skip
    table, document = summarise(given, "t", "p", "IDC", RnaSettings.from_config(section))
    write_outputs(table, document, tmp_path / "e.tsv", tmp_path / "rna.json")
    return tmp_path / "rna.json"


def test_the_plain_language_text_calls_the_rna_research_only_when_there_is_rna() -> None:
    pair = {
        "assessed": True,
        "mutations": [{"gene": "EGFR"}],
        "tmb": {},
        "msi": {},
        "actionable": {"assessed": False, "variants": []},
        "rna": {"assessed": False, "statement": "No tumour RNA was sequenced"},
    }
    without = tumour_paragraphs({"present": True, "pairs": [pair]})
    with_rna = tumour_paragraphs({"present": True, "pairs": [pair | {"rna": {"assessed": True}}]})
    assert RNA_SENTENCE not in without
    assert with_rna[1] == RNA_SENTENCE and "not tests to base treatment on" in RNA_SENTENCE

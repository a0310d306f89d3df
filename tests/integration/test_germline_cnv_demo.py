"""Germline exon copy number on the demo (session run): patient3 carries a heterozygous deletion
of BRCA1 exon 2 in every cell (planted in the reads of its normal and tumour); the others
carry none. Each germline sample is compared with the other two."""

import csv
import json
from pathlib import Path

import pytest

from helpers import DEMO, demo_run, snakemake
from tailorseq.cli import main
from tailorseq.files import sha256

pytestmark = pytest.mark.integration

GERMLINE = ("demo1", "demo2", "demo3-normal")


def summary() -> dict:
    return json.loads((DEMO / "expected" / "summary.json").read_text())


def published(workdir: Path, sample: str, suffix: str) -> Path:
    return workdir / "results" / sample / f"{sample}{suffix}"


def test_the_planted_brca1_exon_deletion_is_the_only_event(demo_results: Path) -> None:
    planted = {sample: summary()["samples"][sample]["deletions"] for sample in GERMLINE}
    assert planted["demo3-normal"] and not planted["demo1"] and not planted["demo2"]
    for sample in GERMLINE:
        document = json.loads(published(demo_results, sample, ".germline.cnv.json").read_text())
        assert document["status"] == "assessed" and document["reference_samples"] == 2
        assert "BRCA1" in document["genes_assessed"] and document["genes_not_assessed"] == []
        found = [(e["gene"], e["call"], e["copy_number"], e["exons"]) for e in document["events"]]
        expected = [("BRCA1", "deletion", d["copy_number"], [2]) for d in planted[sample]]
        assert found == expected, sample
        for event, deletion in zip(document["events"], planted[sample], strict=True):
            # the deleted coding part lies inside the planted span (demo positions, 1-based)
            assert deletion["start"] <= event["start"] + 1 and event["end"] <= deletion["end"]
            assert event["coding_bases"] == 320 and event["min_abs_z"] >= 4
    with published(demo_results, "demo3-normal", ".germline.cnv.tsv").open() as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    assert list(rows[0]) == ["contig", "start", "end", "copy_number", "call", "genes", "log2",
                             "probes", "depth"]  # fmt: skip
    assert [(r["genes"], r["call"]) for r in rows if r["call"] != "neutral"] == [
        ("BRCA1", "deletion")
    ]
    assert {r["copy_number"] for r in rows if r["call"] == "neutral"} == {"2"}


def test_the_deletion_is_a_hereditary_finding_to_confirm_in_patient3s_report(
    demo_results: Path,
) -> None:
    findings = json.loads(published(demo_results, "demo3-normal", ".findings.json").read_text())
    (finding,) = findings["copy_number"]["findings"]
    assert finding["gene"] == "BRCA1" and finding["zygosity"] == "heterozygous"
    assert finding["description"].startswith("heterozygous deletion of exon 2 of BRCA1-201")
    tsv = published(demo_results, "demo3-normal", ".findings.tsv").read_text()
    assert "needs_confirmation\tBRCA1\tAD\theterozygous" in tsv and "<DEL>" in tsv
    report = json.loads((demo_results / "results/patient3/patient3.report.json").read_text())
    hereditary = report["hereditary"]
    assert "1 exon deletion(s) meeting PVS1" in hereditary["statement"]
    assert [f["gene"] for f in hereditary["copy_number"]["findings"]] == ["BRCA1"]
    actions = [a for a in report["summary"]["action_now"] if a["area"] == "hereditary"]
    assert any(a["item"].startswith("BRCA1 heterozygous deletion of exon 2") for a in actions)
    # patient1 consented, has no deletion: the negative names how many listed genes were examined
    patient1 = json.loads((demo_results / "results/patient1/patient1.report.json").read_text())
    assert "No reportable exon deletion in the" in patient1["hereditary"]["statement"]
    # patient2 did not consent: nothing about copy number is reported
    patient2 = json.loads((demo_results / "results/patient2/patient2.report.json").read_text())
    assert patient2["hereditary"]["copy_number"] is None


def test_one_sample_alone_is_assessed_against_a_panel_of_the_demo_s_other_samples(
    demo_results: Path, pair_run: Path, tmp_path: Path
) -> None:
    """The pair run, whose only germline sample is patient3's normal (no other sample to compare
    with), and a panel built with `tailorseq germline-cnv-panel` from demo1's and demo2's
    alignments over the run's gene CDS BED: the planted BRCA1 exon 2 deletion is found and
    nothing else; the document names the panel, its sha256 and its two normals; every gene is
    assessed (the demo has no coding part on chrX, which a panel would not hold)."""
    parts = next((demo_results / "cache").rglob("*.report-genes.bed"))
    panel = tmp_path / "panel.tsv"
    normals = [str(published(demo_results, s, ".bam")) for s in ("demo1", "demo2")]
    assert main(["germline-cnv-panel", "--parts", str(parts), "--fasta", str(DEMO / "genome.fa"),
                 "--build", "demo", "--output", str(panel), *normals]) == 0  # fmt: skip
    sample = "demo3-normal"
    sheets = {"samples": str(pair_run / "samples.tsv"), "units": str(pair_run / "units.tsv")}
    config = demo_run(pair_run, **sheets, cache_dir=str(demo_results / "cache"),
                      germline_cnv={"panel": str(panel)})  # fmt: skip
    snakemake(pair_run, config, f"results/{sample}/{sample}.germline.cnv.json")
    document = json.loads(published(pair_run, sample, ".germline.cnv.json").read_text())
    assert document["status"] == "assessed"
    assert document["reference"] == {"kind": "panel of normals", "samples": 2,
                                     "path": str(panel), "sha256": sha256(panel)}  # fmt: skip
    found = [(e["gene"], e["call"], e["copy_number"], e["exons"]) for e in document["events"]]
    (planted,) = summary()["samples"][sample]["deletions"]
    assert found == [("BRCA1", "deletion", planted["copy_number"], [2])]
    assert "BRCA1" in document["genes_assessed"] and document["genes_not_assessed"] == []

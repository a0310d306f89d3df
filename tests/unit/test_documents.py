"""Every stage's JSON is declared (tailorseq.documents): a document the stage's own code writes
is valid, and a broken one is refused naming the field, on write and on read."""

import json
from pathlib import Path

import pytest
from actionability_helpers import run as actionability_run
from test_findings import COVERAGE, GENES, SETTINGS, call
from test_somatic import write_candidates

from helpers import shared
from tailorseq import documents
from tailorseq.findings import report as findings_report
from tailorseq.findings import write_outputs as write_findings
from tailorseq.pgx.pipeline import run_pgx
from tailorseq.sex import SexEvidence, SexThresholds, find_sex_contigs, sex_record
from tailorseq.somatic.actionability import write_outputs as write_actionable
from tailorseq.somatic.biomarkers import document as biomarkers_document
from tailorseq.somatic.caller import call as somatic_call
from tailorseq.somatic.model import Settings as SomaticSettings
from tailorseq.somatic.tmb import TmbSettings


def refused(kind: str, document: dict, field: str, tmp_path: Path) -> None:
    """The broken document is refused when written and when read, naming `field`."""
    with pytest.raises(documents.DocumentError, match=f": {field}: .*{kind}.schema.json"):
        documents.write(kind, document, tmp_path / "broken.json")
    assert not (tmp_path / "broken.json").exists()
    (tmp_path / "broken.json").write_text(json.dumps(document))
    with pytest.raises(documents.DocumentError, match=f"broken.json: {field}: "):
        documents.load(kind, tmp_path / "broken.json")
    (tmp_path / "broken.json").unlink()


def test_every_kind_has_a_valid_schema_with_its_id() -> None:
    for kind, identifier in documents.IDS.items():
        schema = json.loads(documents.schema_file(kind).read_text())
        assert schema["properties"]["schema"]["const"] == identifier
        assert "schema" in schema["required"] and schema["description"]
        documents._validator(kind)  # checks the schema itself


def test_findings_document(tmp_path: Path) -> None:
    release = {"source": "clinvar.vcf.gz", "file_date": "2024-01-07", "sha256": "0" * 64}
    calls = [call(), call(pos=400, filter="LowQual")]
    document = findings_report("s0123456789", True, calls, GENES, SETTINGS, release, COVERAGE)
    paths = [tmp_path / name for name in ("f.json", "f.tsv", "f.review.tsv")]
    write_findings(document, *paths)
    loaded = documents.load("findings", paths[0])
    assert loaded["schema"] == "tailorseq-findings/4" and next(iter(loaded)) == "schema"
    assert loaded["findings"][0]["gene_list_entry"]["gene"] == loaded["findings"][0]["gene"]
    broken = loaded | {"findings": [loaded["findings"][0] | {"pos": "43124027"}]}
    refused("findings", broken, "findings/0/pos", tmp_path)
    without_counts = {k: v for k, v in loaded.items() if k != "counts"}
    refused("findings", without_counts, r"\(top\)", tmp_path)


def test_an_older_findings_document_is_refused(tmp_path: Path) -> None:
    document = findings_report("s0", False, None, GENES, SETTINGS, None, None)
    written = documents.write("findings", document, tmp_path / "ok.json")
    refused("findings", written | {"schema": "tailorseq-findings/1"}, "schema", tmp_path)


def test_sex_document(tmp_path: Path) -> None:
    contigs = find_sex_contigs({"chr7": 1000, "chrX": 500, "chrY": 300})
    record = sex_record(
        "unknown",
        "germline",
        SexEvidence(0.0, 50, 0.52, 0.5),
        contigs,
        SexThresholds(0.15, 0.3, 0.65, 0.8, 0.2, 0.05, 20),
    )
    written = documents.write("sex", record, tmp_path / "s.sex.json")
    assert written == {"schema": "tailorseq-sex/1"} | record
    assert documents.load("sex", tmp_path / "s.sex.json")["calling_sex"] == "male"
    refused("sex", written | {"verdict": "swap"}, "verdict", tmp_path)


def test_somatic_summary_document(tmp_path: Path) -> None:
    germline = [(100 + 150 * i, "A", "G", ((10, 8), (10, 7)), ((8, 7), (8, 7))) for i in range(25)]
    chunk = write_candidates(
        tmp_path / "chunk0.bcf",
        [*germline, (5000, "C", "T", ((21, 9), (21, 9)), ((15, 0), (15, 0)))],
    )
    summary = tmp_path / "pair.somatic.json"
    somatic_call([chunk], tmp_path / "pair.somatic.vcf.gz", SomaticSettings(), summary=summary)
    loaded = documents.load("somatic", summary)
    assert loaded["records"]["PASS"] == 1 and loaded["concordance"]["sites"] == 25
    broken = loaded | {
        "concordance": {k: v for k, v in loaded["concordance"].items() if k != "verdict"}
    }
    refused("somatic", broken, "concordance", tmp_path)


def test_biomarkers_document(tmp_path: Path) -> None:
    document = biomarkers_document(None, None, TmbSettings(), purity=0.6)
    documents.write("biomarkers", document, tmp_path / "b.json")
    assert documents.load("biomarkers", tmp_path / "b.json")["tmb"]["status"] == "not assessed"
    refused("biomarkers", document | {"msi": {"status": "MSI-high"}}, "msi", tmp_path)


def test_actionable_document(tmp_path: Path) -> None:
    document = actionability_run(tmp_path)
    write_actionable(document, tmp_path / "a.json", tmp_path / "a.tsv")
    loaded = documents.load("actionable", tmp_path / "a.json")
    assert {m["kind"] for m in loaded["matches"]} == {"variant", "biomarker"}
    variant = next(m for m in loaded["matches"] if m["kind"] == "variant")
    unplaced = {k: v for k, v in variant.items() if k != "contig"}
    refused("actionable", loaded | {"matches": [unplaced]}, "matches/0", tmp_path)


def test_pgx_document(tmp_path: Path) -> None:
    folder = shared("pharmcat")
    outside = tmp_path / "outside.tsv"
    outside.write_text("CYP2D6\t*1/*3\nHLA-B\t*57:01/*08:01\n")
    run_pgx(
        folder / "examples" / "pharmcat.example.vcf",
        folder / "definition" / "alleles",
        out_json=tmp_path / "p.pgx.json",
        build="GRCh38",
        outside_calls=outside,
    )
    loaded = documents.load("pgx", tmp_path / "p.pgx.json")
    assert loaded["genes"]["CYP2C19"]["source"] == "named allele matcher"
    assert loaded["genes"]["CYP2D6"]["source"] != "named allele matcher"  # the outside call
    gene = loaded["genes"]["CYP2C19"] | {"called": "yes"}
    refused("pgx", loaded | {"genes": {"CYP2C19": gene}}, "genes/CYP2C19/called", tmp_path)

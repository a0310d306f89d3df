"""Downloads end to end: the reference, ClinVar and the gene models come over HTTP from a local
server (tests/serving.py) through Snakemake's storage plugin, are fetched once (a second run
fetches nothing), a wrong sha256 stops the run before any alignment, and PharmCAT's definitions
fetched by URL give the example VCF the same calls as the local folder."""

import hashlib
import json
import time
from pathlib import Path

import pytest

from helpers import demo_dir, demo_run, shared, snakemake
from tailorseq.cli import main
from tailorseq.download import read_record
from tailorseq.pgx.releases import DEFAULT

pytestmark = pytest.mark.integration

NO_CNV = {"enabled": False}
TARGETS = ("results/demo1/demo1.findings.json",)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def served_run(workdir: Path, server, **reference: str) -> Path:
    """The demo's config with the reference, the GFF3 and ClinVar by URL, sha256s given."""
    demo = demo_dir()
    server.mount("demo", demo)
    return demo_run(
        workdir,
        reference={
            "build": "demo",
            "fasta": server.url("demo", "genome.fa"),
            "sha256": sha256(demo / "genome.fa"),
            "gff3": server.url("demo", "genes.gff3"),
            **reference,
        },
        annotation={"clinvar": server.url("demo", "clinvar.vcf")},
        checksums={
            "reference.gff3": sha256(demo / "genes.gff3"),
            "annotation.clinvar": sha256(demo / "clinvar.vcf"),
        },
        germline_cnv=NO_CNV,
    )


def test_reference_and_knowledge_over_http_fetched_once(tmp_path: Path, http_server) -> None:
    config = served_run(tmp_path, http_server)
    started = time.monotonic()
    snakemake(tmp_path, config, *TARGETS)
    seconds = time.monotonic() - started
    first = http_server.reset()
    demo = demo_dir()
    files = ("genome.fa", "genes.gff3", "clinvar.vcf")
    assert sorted(first.gets) == sorted(f"/demo/{name}" for name in files)
    assert first.bytes == sum((demo / name).stat().st_size for name in files)
    print(f"\nfirst run: {seconds:.1f} s, {len(first.gets)} files, {first.bytes} bytes over HTTP")

    records = {
        Path(r["url"]).name: r
        for r in map(read_record, (tmp_path / "cache/downloads/records").rglob("*.json"))
    }
    assert set(files) <= set(records)
    assert all(records[name]["sha256_verified"] for name in files)
    assert records["genome.fa"]["sha256"] == sha256(demo / "genome.fa")
    findings = json.loads((tmp_path / "results/demo1/demo1.findings.json").read_text())
    assert findings["clinvar"]["source"] == http_server.url("demo", "clinvar.vcf")
    # the storage plugin's own copy is gone: the cache holds the one copy
    assert not list((tmp_path / ".snakemake" / "storage").rglob("*.fa"))

    started = time.monotonic()
    again = snakemake(tmp_path, config, *TARGETS)
    seconds = time.monotonic() - started
    assert "Nothing to be done" in again.stderr
    assert http_server.reset().gets == []
    print(f"second run: {seconds:.1f} s, nothing fetched")
    # the server no longer has the files (or is gone): the cache is enough
    del http_server.mounts["demo"]
    offline = snakemake(tmp_path, config, *TARGETS)
    assert "Nothing to be done" in offline.stderr


def test_a_wrong_sha256_stops_before_alignment(tmp_path: Path, http_server) -> None:
    config = served_run(tmp_path, http_server, sha256="0" * 64)
    started = time.monotonic()
    failed = snakemake(tmp_path, config, *TARGETS, check=False)
    seconds = time.monotonic() - started
    print(f"\nwrong sha256: failed after {seconds:.1f} s")
    assert failed.returncode != 0
    url = http_server.url("demo", "genome.fa")
    logs = "".join(p.read_text() for p in (tmp_path / "logs" / "download").rglob("*.log"))
    assert f"{url}: sha256 mismatch: expected {'0' * 64}, actual" in logs
    assert not list((tmp_path / "logs").glob("align*"))
    assert not (tmp_path / "cache" / "downloads" / "files" / url.split("//")[1]).exists()


@pytest.mark.shared
def test_pharmcat_definitions_by_url_agree_with_the_local_folder(
    tmp_path: Path, http_server, monkeypatch
) -> None:
    pharmcat = shared("pharmcat")
    http_server.mount("pharmcat", pharmcat)
    monkeypatch.setenv("TAILORSEQ_CACHE", str(tmp_path / "cache"))
    vcf = pharmcat / "examples" / "pharmcat.example.vcf"
    mirror = f"{DEFAULT}@{http_server.url('pharmcat', 'definition/alleles/')}"
    calls = {}
    for name, definitions in (("local", str(pharmcat / "definition" / "alleles")), ("url", mirror)):
        out = tmp_path / f"{name}.json"
        status = main(["pgx", "--vcf", str(vcf), "--definitions", definitions,
                       "--build", "GRCh38", "--out", str(out)])  # fmt: skip
        assert status == 0
        calls[name] = json.loads(out.read_text())
    diplotypes = {
        name: {g: [d["name"] for d in c["diplotypes"]] for g, c in doc["genes"].items()}
        for name, doc in calls.items()
    }
    agree = [g for g in diplotypes["local"] if diplotypes["local"][g] == diplotypes["url"].get(g)]
    print(f"\nPharmCAT example: {len(agree)}/{len(diplotypes['local'])} genes agree")
    assert diplotypes["url"] == diplotypes["local"] and len(agree) >= 19
    downloads = calls["url"]["knowledge"]["downloads"]
    assert len(downloads) == 21 and all(d["sha256_verified"] for d in downloads)
    assert {d["version"] for d in downloads} == {"PharmCAT v3.1.1-2-g5431bf11"}
    served = http_server.reset()
    print(f"definitions: {len(served.gets)} files, {served.bytes} bytes over HTTP")


@pytest.mark.shared
def test_grch38_run_fetches_pharmcat_definitions_once_for_pgx(tmp_path: Path, http_server) -> None:
    """A GRCh38 config with the PharmCAT release (from the local server as a mirror): the
    download rule fetches each definition file once, verified against the release table, and
    the PGx rules read the cached folder. (The demo's reads are not GRCh38: the PGx calls
    themselves are checked on the example VCF above.)"""
    http_server.mount("pharmcat", shared("pharmcat"))
    mirror = f"{DEFAULT}@{http_server.url('pharmcat', 'definition/alleles/')}"
    # a contig of no standard name: check does not hold it to GRCh38's lengths
    fasta = tmp_path / "ref.fa"
    fasta.write_text(">t1\n" + "ACGT" * 250 + "\n")
    config = demo_run(
        tmp_path,
        reference={"build": "GRCh38", "fasta": str(fasta), "gff3": ""},
        pgx={"definitions": mirror, "recommendations": ""},
        rna={"enabled": False},
        germline_cnv=NO_CNV,
    )
    port = http_server.httpd.server_address[1]
    records = tmp_path / "cache" / "downloads" / "records" / f"127.0.0.1:{port}"
    targets = [str(records / "pharmcat/definition/alleles" / f"{name}.json")
               for name in ("CYP2C19_translation.json", "exemptions.json")]  # fmt: skip
    started = time.monotonic()
    snakemake(tmp_path, config, *targets)
    seconds = time.monotonic() - started
    served = http_server.reset()
    assert sorted(served.gets) == [
        "/pharmcat/definition/alleles/CYP2C19_translation.json",
        "/pharmcat/definition/alleles/exemptions.json",
    ]
    print(f"\nGRCh38 definitions: {served.bytes} bytes in {seconds:.1f} s")
    assert all(read_record(Path(t))["version"] == f"PharmCAT {DEFAULT[9:]}" for t in targets)
    planned = snakemake(tmp_path, config, "-n", "--forceall", "results/demo1/demo1.pgx.json")
    assert "pgx_call" in planned.stdout and planned.stdout.count("rule download:") == 21
    assert http_server.reset().gets == []

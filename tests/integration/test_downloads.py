"""Downloads end to end: the reference, ClinVar and the gene models come over HTTP from a local
server (tests/serving.py) through Snakemake's storage plugin, are fetched once (a second run
fetches nothing) and read from the cache with ClinVar's release date, a wrong sha256 (file:// or
http://) stops the run before any alignment, and PharmCAT's definitions fetched by URL give the
example VCF the same calls as the local folder."""

import gzip
import hashlib
import json
import time
from pathlib import Path

import pysam
import pytest
import yaml

from helpers import demo_dir, demo_run, shared, snakemake
from tailorseq.cli import main
from tailorseq.download import read_record
from tailorseq.pgx.releases import DEFAULT

pytestmark = pytest.mark.integration

NO_CNV = {"enabled": False}
TARGETS = (
    "results/demo1/demo1.findings.json",
    "results/demo1/demo1.annotated.vcf.gz",
    "results/demo2/demo2.findings.json",
)
DATE = "2024-05-02"  # the served ClinVar's release (its ##fileDate)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def dated_clinvar(server) -> Path:
    """The demo's ClinVar records as NCBI ships them: gzipped, with a ##fileDate line; served
    from the server's `files` folder."""
    text = (demo_dir() / "clinvar.vcf").read_text()
    path = server.root / "clinvar.vcf.gz"
    path.write_bytes(gzip.compress(text.replace("##fileDate=demo", f"##fileDate={DATE}").encode()))
    return path


def served_run(workdir: Path, server, **reference: str) -> Path:
    """The demo's config with the reference, the GFF3 and ClinVar by URL, sha256s given."""
    demo = demo_dir()
    server.mount("demo", demo)
    clinvar = dated_clinvar(server)
    return demo_run(
        workdir,
        reference={
            "build": "demo",
            "fasta": server.url("demo", "genome.fa"),
            "sha256": sha256(demo / "genome.fa"),
            "gff3": server.url("demo", "genes.gff3"),
            **reference,
        },
        annotation={"clinvar": server.url("files", clinvar.name)},
        checksums={
            "reference.gff3": sha256(demo / "genes.gff3"),
            "annotation.clinvar": sha256(clinvar),
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
    sources = {
        "/demo/genome.fa": demo / "genome.fa",
        "/demo/genes.gff3": demo / "genes.gff3",
        "/files/clinvar.vcf.gz": http_server.root / "clinvar.vcf.gz",
    }
    assert sorted(first.gets) == sorted(sources)
    assert first.bytes == sum(path.stat().st_size for path in sources.values())
    print(f"\nfirst run: {seconds:.1f} s, {len(first.gets)} files, {first.bytes} bytes over HTTP")

    downloads = tmp_path / "cache/downloads"
    records = {
        Path(r["url"]).name: r for r in map(read_record, (downloads / "records").rglob("*.json"))
    }
    names = [Path(name).name for name in sources]
    assert sorted(records) == sorted([*names, "drugs.json"])  # and the CPIC file (file://)
    assert all(records[name]["sha256_verified"] for name in names)
    assert records["genome.fa"]["sha256"] == sha256(demo / "genome.fa")
    # each copy is its source's bytes, and nothing else (no .partial) is left beside them
    copies = {p.name: p for p in (downloads / "files").rglob("*") if p.is_file()}
    assert sorted(copies) == sorted(records)
    for url, source in sources.items():
        assert copies[Path(url).name].read_bytes() == source.read_bytes(), url
    (genome,) = (tmp_path / "cache/reference").glob("demo-*/genome.fa")
    assert genome.read_bytes() == (demo / "genome.fa").read_bytes()
    assert len(list((tmp_path / "logs/download").rglob("*.log"))) == 4
    # the storage plugin's own copy is gone: the cache holds the one copy
    assert not list((tmp_path / ".snakemake" / "storage").rglob("*.fa"))
    knowledge_is_read_with_its_release(tmp_path, http_server.url("files", "clinvar.vcf.gz"))

    started = time.monotonic()
    again = snakemake(tmp_path, config, *TARGETS)
    seconds = time.monotonic() - started
    assert "Nothing to be done" in again.stderr
    assert http_server.reset().gets == []
    print(f"second run: {seconds:.1f} s, nothing fetched")
    # the server no longer has the files (or is gone): the cache is enough
    del http_server.mounts["demo"], http_server.mounts["files"]
    offline = snakemake(tmp_path, config, *TARGETS)
    assert "Nothing to be done" in offline.stderr


def knowledge_is_read_with_its_release(workdir: Path, url: str) -> None:
    """ClinVar's release date travels from the downloaded file to every sample's findings, and
    the downloaded ClinVar and gene models annotate demo1's findings."""
    (summary_path,) = (workdir / "cache/annotation").glob("*/clinvar-*.json")
    summary = json.loads(summary_path.read_text())
    (copy,) = (workdir / "cache/downloads/files").rglob("clinvar.vcf.gz")
    assert summary["source"] == url and summary["file"] == str(copy)
    assert summary["file_date"] == DATE and summary["sha256"] == sha256(copy)
    # BRCA1 pathogenic, benign and VUS; HFE C282Y; TTR V142I
    assert (summary["records"], summary["kept"], summary["ref_mismatch"]) == (5, 5, 0)
    document = json.loads((workdir / "results/demo1/demo1.findings.json").read_text())
    assert document["clinvar"] == {
        "source": url,
        "file_date": DATE,
        "sha256": summary["sha256"],
        "kept": 5,
        "records": 5,
    }
    work_copies = list((workdir / "work").glob("*/*.findings.json"))
    assert len(work_copies) == 2  # demo1 and demo2 (no consent: the release is still named)
    for path in work_copies:
        assert json.loads(path.read_text())["clinvar"]["file_date"] == DATE
    found = [(f["gene"], f["pos"], f["clinvar"]["variation_id"]) for f in document["findings"]]
    assert found == [("BRCA1", 24027, "17662"), ("HFE", 4913, "9"), ("TTR", 4655, "13425")]
    assert document["findings"][0]["consequence"]["transcript"] == "BRCA1-201"
    with pysam.VariantFile(str(workdir / "results/demo1/demo1.annotated.vcf.gz")) as vcf:
        (record,) = [r for r in vcf.fetch("BRCA1", 24026, 24027) if r.pos == 24027]
    assert record.info["CLNSIG"] == ("Pathogenic",) and record.info["CLNVID"] == "17662"
    assert record.info["BCSQ"][0].startswith("frameshift|BRCA1|BRCA1-201")


def test_a_wrong_sha256_stops_before_alignment(tmp_path: Path, http_server) -> None:
    """Whatever the scheme: the reference by file:// and the GFF3 over HTTP, both with a wrong
    sha256 (--keep-going, so that both downloads run)."""
    demo = demo_dir()
    wrong = "0" * 64
    config = served_run(tmp_path, http_server, fasta=(demo / "genome.fa").as_uri(), sha256=wrong)
    settings = yaml.safe_load(config.read_text())
    settings["checksums"]["reference.gff3"] = wrong
    config.write_text(yaml.safe_dump(settings))
    started = time.monotonic()
    failed = snakemake(tmp_path, config, *TARGETS, "--keep-going", check=False)
    seconds = time.monotonic() - started
    print(f"\nwrong sha256: failed after {seconds:.1f} s")
    assert failed.returncode != 0
    logs = "".join(p.read_text() for p in (tmp_path / "logs" / "download").rglob("*.log"))
    sources = {
        (demo / "genome.fa").as_uri(): demo / "genome.fa",
        http_server.url("demo", "genes.gff3"): demo / "genes.gff3",
    }
    for url, source in sources.items():
        assert f"{url}: sha256 mismatch: expected {wrong}, actual {sha256(source)}" in logs
        assert not list((tmp_path / "cache/downloads/files").rglob(source.name))
    assert not list((tmp_path / "logs").glob("align*"))
    assert not (tmp_path / "results/demo1/demo1.vcf.gz").exists()


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

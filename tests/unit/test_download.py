"""tailorseq.download: cache layout, records, checksums, atomic copies, file:// and ftp://; the
PharmCAT release table and its fetching over HTTP (a local server, tests/serving.py)."""

import hashlib
from pathlib import Path

import pytest

from helpers import shared
from tailorseq.download import (
    cached_file,
    fetch_url,
    read_record,
    record_file,
    relative_path,
    store,
    url_problem,
)
from tailorseq.errors import InputError, TailorseqError
from tailorseq.pgx.releases import (
    DEFAULT,
    GRCH37_STATEMENT,
    RELEASES,
    fetch_release,
    release_files,
    resolve_definitions,
)

TEXT = b">c\nACGT\n"
DIGEST = hashlib.sha256(TEXT).hexdigest()


def test_cache_layout_is_host_and_path() -> None:
    url = "https://ftp.ncbi.nlm.nih.gov/pub/clinvar/clinvar.vcf.gz"
    assert relative_path(url) == "ftp.ncbi.nlm.nih.gov/pub/clinvar/clinvar.vcf.gz"
    assert cached_file("c", url) == Path(
        "c/downloads/files/ftp.ncbi.nlm.nih.gov/pub/clinvar/clinvar.vcf.gz"
    )
    assert record_file("c", url).name == "clinvar.vcf.gz.json"
    assert relative_path("file:///data/x/../ref.fa") == "localhost/data/x/ref.fa"
    assert relative_path("http://h:8000/a?v=1") != relative_path("http://h:8000/a?v=2")


def test_store_verifies_and_records(tmp_path: Path) -> None:
    source = tmp_path / "ref.fa"
    source.write_bytes(TEXT)
    out, record = tmp_path / "cache" / "ref.fa", tmp_path / "records" / "ref.fa.json"
    document = store(source, "http://h/ref.fa", out, record, DIGEST.upper(), "v1")
    assert out.read_bytes() == TEXT
    assert read_record(record) == document
    assert document["url"] == "http://h/ref.fa" and document["bytes"] == len(TEXT)
    assert document["sha256"] == DIGEST and document["sha256_verified"] is True
    assert document["version"] == "v1" and document["downloaded"].endswith("Z")


def test_a_wrong_checksum_names_url_expected_and_actual_and_leaves_nothing(tmp_path: Path) -> None:
    source = tmp_path / "ref.fa"
    source.write_bytes(TEXT)
    out, record = tmp_path / "cache" / "ref.fa", tmp_path / "cache" / "ref.fa.json"
    with pytest.raises(TailorseqError) as error:
        store(source, "http://h/ref.fa", out, record, "0" * 64)
    message = str(error.value)
    assert "http://h/ref.fa" in message and "0" * 64 in message and DIGEST in message
    assert list((tmp_path / "cache").iterdir()) == []


def test_a_failed_copy_leaves_no_partial_file(tmp_path: Path) -> None:
    out = tmp_path / "cache" / "ref.fa"
    with pytest.raises(TailorseqError, match=r"missing\.fa failed"):
        store(tmp_path / "missing.fa", "file:///missing.fa", out, tmp_path / "r.json")
    assert list(out.parent.iterdir()) == []


def test_an_interrupted_store_keeps_the_previous_copy(tmp_path: Path, monkeypatch) -> None:
    source = tmp_path / "ref.fa"
    source.write_bytes(TEXT)
    out, record = tmp_path / "cache" / "ref.fa", tmp_path / "cache" / "ref.fa.json"
    store(source, "http://h/ref.fa", out, record)
    source.write_bytes(b">c\nTTTT\n")

    def killed(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr("tailorseq.download.os.replace", killed)
    with pytest.raises(KeyboardInterrupt):
        store(source, "http://h/ref.fa", out, record)
    assert out.read_bytes() == TEXT and read_record(record)["sha256"] == DIGEST


def test_file_urls_are_read_as_paths(tmp_path: Path) -> None:
    source = tmp_path / "data" / "ref.fa"
    source.parent.mkdir()
    source.write_bytes(TEXT)
    copy = fetch_url(source.as_uri(), tmp_path / "cache", DIGEST)
    assert copy.read_bytes() == TEXT
    assert read_record(record_file(tmp_path / "cache", source.as_uri()))["url"] == source.as_uri()


def test_ftp_is_refused_naming_the_key_and_the_fix() -> None:
    problem = url_problem("annotation.clinvar", "ftp://ftp.ncbi.nlm.nih.gov/clinvar.vcf.gz")
    assert isinstance(problem, InputError)
    assert "annotation.clinvar" in str(problem) and "https://" in problem.fix
    assert url_problem("annotation.clinvar", "https://h/c.vcf.gz") is None
    assert url_problem("annotation.clinvar", "resources/c.vcf") is None
    with pytest.raises(InputError, match="ftp"):
        fetch_url("ftp://h/c.vcf", Path("unused"))


def test_http_fetched_once(tmp_path: Path, http_server) -> None:
    (http_server.root / "ref.fa").write_bytes(TEXT)
    url = http_server.url("files", "ref.fa")
    first = fetch_url(url, tmp_path, DIGEST)
    assert first.read_bytes() == TEXT and first == cached_file(tmp_path, url)
    assert http_server.reset().bytes == len(TEXT)
    assert fetch_url(url, tmp_path, DIGEST) == first
    assert http_server.reset().gets == []


def test_http_wrong_checksum_keeps_nothing(tmp_path: Path, http_server) -> None:
    (http_server.root / "ref.fa").write_bytes(TEXT)
    with pytest.raises(TailorseqError, match="sha256 mismatch"):
        fetch_url(http_server.url("files", "ref.fa"), tmp_path, "f" * 64)
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_release_table_lists_grch38_only() -> None:
    files = release_files(DEFAULT, "GRCh38")
    assert len(files) == 21 and {f.build for f in files} == {"GRCh38"}
    assert all(
        f.url.startswith("https://raw.githubusercontent.com/PharmGKB/PharmCAT/") for f in files
    )
    with pytest.raises(InputError, match="GRCh38 definitions only"):
        release_files(DEFAULT, "GRCh37")
    with pytest.raises(InputError, match="unknown PharmCAT release"):
        release_files("pharmcat:v0.0", "GRCh38")
    assert "GRCh38 definitions only" in GRCH37_STATEMENT


@pytest.mark.shared
def test_release_table_has_the_shared_release_files() -> None:
    """The shared folder is PharmCAT v3.1.1-2-g5431bf11 (its SOURCE): the table's sha256s are
    those files' (one definition version throughout)."""
    folder = shared("pharmcat")
    assert "5431bf1187e50383df7e7db18ef67b36fc8b562e" in (folder / "SOURCE").read_text()
    for file in release_files(DEFAULT, "GRCh38"):
        data = (folder / "definition" / "alleles" / file.name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == file.sha256, file.name
        assert "5431bf1187e50383df7e7db18ef67b36fc8b562e" in file.url
    assert RELEASES.read_text().count("\n") == 21 + 4


@pytest.mark.shared
def test_release_fetched_from_a_mirror_once(tmp_path: Path, http_server, monkeypatch) -> None:
    http_server.mount("pharmcat", shared("pharmcat"))
    monkeypatch.setenv("TAILORSEQ_CACHE", str(tmp_path / "cache"))
    identifier = f"{DEFAULT}@{http_server.url('pharmcat', 'definition/alleles/')}"
    folder, records = resolve_definitions(identifier, "GRCh38")
    assert len(list(folder.glob("*_translation.json"))) == 20
    assert all(
        r["sha256_verified"] and r["version"] == "PharmCAT v3.1.1-2-g5431bf11" for r in records
    )
    served = http_server.reset()
    assert len(served.gets) == 21 and served.bytes == sum(r["bytes"] for r in records)
    assert fetch_release(identifier, "GRCh38", tmp_path / "cache")[0] == folder
    assert http_server.reset().gets == []

"""The provenance manifest: versions, config hash and checksums that can be trusted."""

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

from tailorseq.files import sha256
from tailorseq.provenance import checksums, config_hash, git_commit, manifest, snakemake_version
from tailorseq.versions import probe_env

ROOT = Path(__file__).resolve().parents[2]


def test_sha256_and_checksums_of_files_and_folders(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"abc")
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "b.txt").write_bytes(b"")
    assert sha256(tmp_path / "a.txt") == hashlib.sha256(b"abc").hexdigest()
    sums = checksums([tmp_path / "a.txt", tmp_path / "d"])
    assert sums == {
        str(tmp_path / "a.txt"): hashlib.sha256(b"abc").hexdigest(),
        str(tmp_path / "d" / "b.txt"): hashlib.sha256(b"").hexdigest(),
    }


def test_config_hash_ignores_key_order_but_not_values() -> None:
    assert config_hash({"a": 1, "b": {"c": 2}}) == config_hash({"b": {"c": 2}, "a": 1})
    assert config_hash({"a": 1}) != config_hash({"a": 2})


def test_git_commit_inside_and_outside_a_checkout(tmp_path: Path) -> None:
    commit = git_commit(ROOT)
    assert commit is None or len(commit.removesuffix("-dirty")) == 40
    assert git_commit(tmp_path) is None


def test_manifest_records_versions_as_they_ran_knowledge_and_times(tmp_path: Path) -> None:
    output = tmp_path / "out.vcf"
    output.write_text("x")
    started = datetime(2026, 1, 1, tzinfo=UTC)
    record = probe_env("samtools", ["samtools", "htslib"], "system")
    result = manifest(
        config={"aligner": "bwa"},
        repository=ROOT,
        versions=[record],
        rules={"samtools_stats": "samtools", "merge_markdup": "samtools"},
        snakemake=snakemake_version(),
        knowledge={"clinvar": "2026-11-01"},
        inputs=[],
        outputs=[output],
        started=started,
    )
    assert "tools" not in result and "python" not in result
    assert result["snakemake"].startswith("9.")
    assert result["rules"] == {"merge_markdup": "samtools", "samtools_stats": "samtools"}
    environment = result["environments"]["samtools"]
    assert environment["env_file"] == "envs/samtools.yaml"
    assert environment["tools"] == record["tools"]
    assert environment["how"]["probes"]["htslib"] == "tabix --version"
    assert result["knowledge"] == {"clinvar": "2026-11-01"}
    assert result["config_sha256"] == config_hash({"aligner": "bwa"})
    assert result["outputs"] == {str(output): hashlib.sha256(b"x").hexdigest()}
    assert result["started"] == "2026-01-01T00:00:00+00:00" < result["finished"]


def test_manifest_gathers_the_download_records(tmp_path: Path) -> None:
    """scripts/provenance.py keeps every download record (URL, bytes, sha256, time) under
    "downloads"."""
    import subprocess
    import sys

    from tailorseq.download import store

    source = tmp_path / "clinvar.vcf"
    source.write_text("##fileformat=VCFv4.2\n")
    record = tmp_path / "records" / "clinvar.vcf.json"
    stored = store(source, "https://h/clinvar.vcf", tmp_path / "files" / "clinvar.vcf", record)
    config = tmp_path / "config.yaml"
    config.write_text("reference: {build: demo, fasta: genome.fa}\n")
    out = tmp_path / "provenance.json"
    command = [sys.executable, str(ROOT / "scripts" / "provenance.py"), "--config", str(config),
               "--out", str(out), "--downloads", str(record)]  # fmt: skip
    subprocess.run(command, check=True, cwd=tmp_path, capture_output=True)
    assert json.loads(out.read_text())["downloads"] == [stored]

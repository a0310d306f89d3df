"""Publishing, staging, downloads and the cached genome never leave half-written files."""

import gzip
import os
import sys
from pathlib import Path

import pytest

from tailorseq.errors import TailorseqError
from tailorseq.files import link_absolute, publish, stderr_to, write_atomic
from tailorseq.genome import materialize
from tailorseq.pseudonym import lab_secret, pseudonym


def test_publish_hard_links_an_alignment_behind_a_symbolic_link_and_replaces(
    tmp_path: Path,
) -> None:
    source = tmp_path / "work" / "s1.bam"
    source.parent.mkdir()
    source.write_bytes(b"alignment")
    os.utime(source, ns=(1, 1))
    destination = tmp_path / "results" / "demo1" / "demo1.bam"
    publish(source, destination)
    assert destination.read_bytes() == b"alignment"
    assert os.readlink(destination) == ".demo1.bam"  # relative: results/ can move whole
    assert os.stat(source).st_ino == os.stat(destination).st_ino
    os.utime(destination, follow_symlinks=False)  # Snakemake's touch of a finished output
    assert source.stat().st_mtime_ns == 1  # the source's readers stay up to date
    source.unlink()
    source.write_bytes(b"rerun")
    publish(source, destination)
    assert destination.read_bytes() == b"rerun"
    assert sorted(p.name for p in destination.parent.iterdir()) == [".demo1.bam", "demo1.bam"]


def test_write_atomic_replaces_with_a_fresh_file_of_the_given_mode(tmp_path: Path) -> None:
    path = tmp_path / "new" / "mapping.tsv"
    stale = path.parent / f".{path.name}.{os.getpid()}.partial"
    stale.parent.mkdir()
    stale.write_text("left by a killed writer")
    stale.chmod(0o644)
    write_atomic(path, "a\tb\n", mode=0o600)
    assert path.read_text() == "a\tb\n"
    assert path.stat().st_mode & 0o777 == 0o600  # not the stale partial's 0644
    write_atomic(path, "c\n", mode=0o600)
    assert path.read_text() == "c\n"
    assert not list(path.parent.glob(".*partial"))


def test_publish_copies_what_is_not_an_alignment(tmp_path: Path) -> None:
    source = tmp_path / "s1.pgx.json"
    source.write_text("{}")
    os.utime(source, (1, 1))
    destination = tmp_path / "results" / "demo1.pgx.json"
    publish(source, destination)
    assert destination.read_text() == "{}"
    assert os.stat(source).st_ino != os.stat(destination).st_ino
    assert destination.stat().st_mtime > source.stat().st_mtime


def test_link_absolute_points_at_the_resolved_source(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("reads.fq.gz").write_bytes(b"x")
    link = Path("work/s1/input/s1.u1_R1.fastq.gz")
    link_absolute(Path("reads.fq.gz"), link)
    link_absolute(Path("reads.fq.gz"), link)
    assert os.readlink(link) == str(tmp_path / "reads.fq.gz")


def test_stderr_goes_to_the_log(tmp_path: Path) -> None:
    log = tmp_path / "rule.log"
    with stderr_to(str(log)):
        print("from the rule", file=sys.stderr)
    assert log.read_text() == "from the rule\n"
    with pytest.raises(TailorseqError), stderr_to(str(log)):
        raise TailorseqError("the fix is X")
    assert log.read_text() == "tailorseq: error: the fix is X\n"


@pytest.mark.parametrize("compress", [False, True])
def test_materialize_writes_plain_indexed_fasta(tmp_path: Path, compress: bool) -> None:
    text = b">c1 description\nACGTACGTAC\nGG\n>c2\nTTTT\n"
    source = tmp_path / ("in.fa.gz" if compress else "in.fa")
    source.write_bytes(gzip.compress(text) if compress else text)
    fasta = tmp_path / "cache" / "genome.fa"
    fasta.parent.mkdir()
    materialize(source, fasta)
    assert fasta.read_bytes() == text
    fai = Path(f"{fasta}.fai").read_text().splitlines()
    assert [line.split("\t")[:2] for line in fai] == [["c1", "12"], ["c2", "4"]]


def test_pseudonyms_are_keyed_and_stable(tmp_path: Path, monkeypatch) -> None:
    assert pseudonym("demo1", b"k") == pseudonym("demo1", b"k")
    assert pseudonym("demo1", b"k") != pseudonym("demo1", b"other")
    assert pseudonym("demo1", b"k").startswith("s") and len(pseudonym("demo1", b"k")) == 11
    monkeypatch.delenv("TAILORSEQ_SECRET", raising=False)
    secret_file = tmp_path / "conf" / "secret"
    first = lab_secret(secret_file)
    assert first == lab_secret(secret_file)
    assert secret_file.stat().st_mode & 0o777 == 0o600
    monkeypatch.setenv("TAILORSEQ_SECRET", "from-env")
    assert lab_secret(secret_file) == b"from-env"


def test_an_alignment_index_is_copied_so_snakemakes_touch_cannot_reorder_it(
    tmp_path: Path,
) -> None:
    source = tmp_path / "work" / "s1.bam.bai"
    source.parent.mkdir()
    source.write_bytes(b"index")
    destination = tmp_path / "results" / "demo1" / "demo1.bam.bai"
    publish(source, destination)
    assert destination.read_bytes() == b"index"
    assert os.stat(source).st_ino != os.stat(destination).st_ino

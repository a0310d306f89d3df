"""The reference FASTA is identified by its content, not its time stamp: a lab's reference
store re-synced with new times (a copy without `-p`, a re-provisioned share) rebuilds nothing,
since a rebuilt cache realigns every sample; a corrected FASTA copied over the old one with its
old time (`cp -p`, `rsync -a`) rebuilds it.

GRCh37 chr20 (64 MB) rather than the demo's reference: Snakemake compares the checksums of
inputs under 1 MB itself, so only a real-sized FASTA shows what its time stamps do."""

import gzip
import os
import re
import shutil
from pathlib import Path

import pytest

from helpers import demo_sheets, run_config, shared, snakemake
from tailorseq.refcache import reference_dir

pytestmark = pytest.mark.integration

JOB = re.compile(r"^rule (\w+):$", re.MULTILINE)


def planned_rules(workdir: Path, configfile: Path, target: Path) -> set[str]:
    """The rules a dry run for `target` would run (none when it is up to date)."""
    result = snakemake(workdir, configfile, str(target), "--dry-run")
    return set(JOB.findall(result.stdout + result.stderr))


@pytest.fixture(scope="module")
def prepared(tmp_path_factory) -> tuple[Path, Path, Path, Path]:
    """chr20 prepared into the reference cache from a lab's plain FASTA copy:
    (workdir, config, the lab's FASTA, the prepared FASTA)."""
    workdir = tmp_path_factory.mktemp("resync")
    fasta = workdir / "store" / "20.fa"
    fasta.parent.mkdir()
    with gzip.open(shared("grch37-chr20", "20.fa.gz"), "rb") as source, open(fasta, "wb") as out:
        shutil.copyfileobj(source, out)
    reference = {"build": "GRCh37", "fasta": str(fasta)}
    configfile = run_config(workdir, reference=reference, **demo_sheets(workdir, ["demo1"]))
    genome = reference_dir({"cache_dir": str(workdir / "cache"), "reference": reference}, workdir)
    target = genome / "genome.fa"
    snakemake(workdir, configfile, str(target))
    return workdir, configfile, fasta, target


def test_a_reference_with_a_new_time_and_the_same_content_rebuilds_nothing(prepared) -> None:
    workdir, configfile, fasta, target = prepared
    os.utime(fasta)  # now: newer than the prepared copy
    assert fasta.stat().st_mtime_ns > target.stat().st_mtime_ns
    assert planned_rules(workdir, configfile, target) == set()


def test_a_corrected_reference_with_the_old_time_is_prepared_again(prepared) -> None:
    workdir, configfile, fasta, target = prepared
    size = fasta.stat().st_size
    with open(fasta, "r+b") as handle:  # one base: the contig keeps its length
        handle.seek(size // 2)
        offset = handle.tell() + handle.read(100).index(b"A")
        handle.seek(offset)
        handle.write(b"C")
    before = target.stat().st_mtime_ns - 10**9  # a time from before the cache was built
    os.utime(fasta, ns=(before, before))
    assert planned_rules(workdir, configfile, target) == {"prepare_reference"}
    snakemake(workdir, configfile, str(target))
    with open(target, "rb") as prepared_fasta:
        prepared_fasta.seek(offset)
        assert prepared_fasta.read(1) == b"C"

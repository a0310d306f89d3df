"""Faults: a tool that fails, a full disk, a damaged cached index. Each uses the demo and
targets as little as it needs (the reference's bwa index, or one sample's VCF)."""

import base64
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml

from helpers import SNAKEMAKE, demo_run, snakemake
from tailorseq.checks import inspect_run
from tailorseq.refcache import manifest_path, reference_dir, reference_id, verify_cache
from test_resume import records

pytestmark = pytest.mark.integration

BWA_FILES = (".amb", ".ann", ".bwt", ".pac", ".sa")


def run_config(configfile: Path) -> dict:
    return yaml.safe_load(configfile.read_text())


def bwa_index_files(workdir: Path, configfile: Path) -> list[Path]:
    """The cached bwa index of the demo reference, for this run's cache_dir."""
    genome = reference_dir(run_config(configfile), workdir) / "genome.fa"
    return [Path(f"{genome}{suffix}") for suffix in BWA_FILES]


def path_with(folder: Path) -> dict[str, str]:
    """The environment with `folder` first on PATH, then the virtualenv's tools."""
    return {
        **os.environ,
        "PATH": os.pathsep.join([str(folder), str(SNAKEMAKE.parent), os.environ["PATH"]]),
    }


def failing_bwa_index(folder: Path) -> Path:
    """A `bwa` that, for `bwa index`, writes part of an output and exits 1; else the real bwa."""
    folder.mkdir()
    shim = folder / "bwa"
    shim.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = index ]; then\n'
        '  printf partial > "$2.bwt"\n'
        '  echo "[bwa_index] simulated failure: cannot write the suffix array" >&2\n'
        "  exit 1\n"
        "fi\n"
        f'exec {shutil.which("bwa")} "$@"\n'
    )
    shim.chmod(0o755)
    return folder


def test_failing_tool_leaves_no_output_and_points_to_its_log(tmp_path: Path) -> None:
    configfile = demo_run(tmp_path)
    index = bwa_index_files(tmp_path, configfile)
    env = path_with(failing_bwa_index(tmp_path / "shim"))
    failed = snakemake(tmp_path, configfile, str(index[2]), check=False, env=env)
    assert failed.returncode != 0
    log = f"logs/bwa_index/{reference_id(run_config(configfile), tmp_path)}.log"
    assert re.search(
        rf"Error in rule bwa_index:.*\n(.*\n)*?\s+log: {re.escape(log)}", failed.stderr
    )
    assert "simulated failure: cannot write the suffix array" in (tmp_path / log).read_text()
    assert [path.name for path in index if path.exists()] == []  # the partial .bwt is gone
    assert not manifest_path(index[0].parent, "bwa_index").exists()


def flip_byte(path: Path, offset: int) -> None:
    """Corrupt one byte in place (the size stays the same, the time changes)."""
    with path.open("r+b") as handle:
        handle.seek(offset)
        byte = handle.read(1)
        handle.seek(offset)
        handle.write(bytes([byte[0] ^ 0xFF]))


def test_damaged_cached_index_is_detected_and_rebuilt(tmp_path: Path) -> None:
    configfile = demo_run(tmp_path)
    index = bwa_index_files(tmp_path, configfile)
    snakemake(tmp_path, configfile, str(index[2]))
    built = {path.name: path.read_bytes() for path in index}
    assert manifest_path(index[0].parent, "bwa_index").exists()

    flip_byte(index[2], len(built["genome.fa.bwt"]) // 2)
    rerun = snakemake(tmp_path, configfile, str(index[2]))
    assert f"damaged reference cache file: {index[2]} has content changed" in rerun.stderr
    assert "so that this run rebuilds them" in rerun.stderr
    assert re.search(r"^(local)?rule bwa_index:", rerun.stderr, re.M)
    assert {path.name: path.read_bytes() for path in index} == built
    assert verify_cache(index[0].parent) == []


@contextmanager
def tmpfs(folder: Path, size: str) -> Iterator[None]:
    """A tmpfs of `size` mounted at `folder`; skips the test where mounting is not allowed."""
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0750", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs (needs root): {mounted.stderr.strip()}")
    try:
        yield
    finally:
        subprocess.run(["umount", "--lazy", str(folder)], check=True)


def remount(folder: Path, size: str) -> None:
    subprocess.run(["mount", "-o", f"remount,size={size}", str(folder)], check=True)


def incomplete_outputs(workdir: Path) -> set[Path]:
    """The outputs Snakemake has marked incomplete (its markers are base64 of the path)."""
    markers = (workdir / ".snakemake" / "incomplete").iterdir()
    return {workdir / base64.urlsafe_b64decode(marker.name).decode() for marker in markers}


def test_full_disk_fails_clearly_and_a_rerun_with_space_completes(
    demo_results: Path, tmp_path: Path
) -> None:
    workdir, vcf = tmp_path / "run", "results/demo2/demo2.vcf.gz"
    with tmpfs(workdir, "4m"):
        # The estimate would stop this run up front; the test bypasses it to fail at run time.
        configfile = demo_run(workdir, cache_dir=str(tmp_path / "cache"))
        config = run_config(configfile)
        estimate = inspect_run(config, workdir, check_tools=False).problems
        assert len(estimate) == 1 and "not enough disk space: the run needs about" in str(
            estimate[0]
        )
        configfile.write_text(yaml.safe_dump({**config, "checks": {"disk_space": False}}))

        failed = snakemake(workdir, configfile, vcf, check=False)
        assert failed.returncode != 0
        assert "No space left on device" in failed.stderr
        # the unit's alignment (fastp streaming into bwa, then sort) is the first job to fill it
        assert re.search(r"^Error in rule align_bwa:", failed.stderr, re.M)
        assert not (workdir / vcf).exists()
        written = {*(workdir / "work").rglob("*.bam"), *(workdir / "work").rglob("*.fastp.*")}
        assert written and written <= incomplete_outputs(workdir)  # half-written, marked so

        remount(workdir, "64m")
        snakemake(workdir, configfile, vcf, "--rerun-incomplete")
        assert records(workdir / vcf) == records(demo_results / vcf)

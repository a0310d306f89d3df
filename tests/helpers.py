"""Shared test helpers: where things are, and how to run the pipeline end to end."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
DEMO = ROOT / "resources" / "demo"
#: real CPIC records (PharmCAT's drugs.json, see tests/fixtures/cpic/README.md)
CPIC_FILE = ROOT / "tests" / "fixtures" / "cpic" / "drugs.json"
SNAKEMAKE = Path(sys.executable).with_name("snakemake")


def shared(*parts: str) -> Path:
    """A path in ../shared/data, skipping the test when that folder is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs ../shared/data ({path} is absent)")
    return path


def demo_dir() -> Path:
    """The generated demo, skipping when `make demo`/`make test` has not generated it."""
    if not (DEMO / ".complete").exists():
        pytest.skip("the demo is not generated: run `python -m tailorseq demo` (make test does)")
    return DEMO


def write_tsv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    """Write a small TSV sheet."""
    lines = ["\t".join(header)] + ["\t".join("" if c is None else str(c) for c in r) for r in rows]
    path.write_text("\n".join(lines) + "\n")
    return path


def demo_sheets(
    workdir: Path, samples: list[str], bams: dict[str, Path] | None = None
) -> dict[str, str]:
    """samples.tsv and units.tsv in `workdir` with the demo's rows of these samples: their FASTQ
    units (absolute paths), or one BAM unit each where `bams` gives one (e.g. a finished run's
    published alignment, for a test whose point is not the alignment)."""
    demo, bams = demo_dir(), bams or {}
    sheet = [line.split("\t") for line in (demo / "samples.tsv").read_text().splitlines()]
    units = [line.split("\t") for line in (demo / "units.tsv").read_text().splitlines()]
    rows = [row for row in sheet[1:] if row[0] in samples]
    unit_rows: list[list[object]] = []
    for name in (row[0] for row in rows):
        if name in bams:
            unit_rows.append([name, "bam", None, None, bams[name], None])
        else:
            fastq = [r for r in units[1:] if r[0] == name]
            unit_rows += [[*r[:2], demo / r[2], demo / r[3], *r[4:]] for r in fastq]
    write_tsv(workdir / "samples.tsv", sheet[0], rows)
    write_tsv(workdir / "units.tsv", units[0], unit_rows)
    return {"samples": str(workdir / "samples.tsv"), "units": str(workdir / "units.tsv")}


def run_config(workdir: Path, **settings: object) -> Path:
    """Write a run config in `workdir` with these keys; the schema's defaults fill the rest.

    Nothing is inherited from the demo's config, as with a lab's own run.
    """
    config = {"cache_dir": str(workdir / "cache"), **settings}
    path = workdir / "run.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def snakemake(
    workdir: Path,
    configfile: Path,
    *args: str,
    check: bool = True,
    env: dict | None = None,
    snakefile: Path = ROOT / "workflow" / "Snakefile",
):
    """Run the pipeline's Snakefile (or another, e.g. one using it as a module) in `workdir`;
    returns the completed process."""
    command = [
        str(SNAKEMAKE),
        "--snakefile",
        str(snakefile),
        "--directory",
        str(workdir),
        "--configfile",
        str(configfile),
        "--cores",
        "2",
        *args,
    ]
    env = env or {**os.environ, "PATH": f"{SNAKEMAKE.parent}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(command, capture_output=True, text=True, cwd=workdir, env=env)
    if check and result.returncode != 0:
        raise AssertionError(f"snakemake failed ({result.returncode}):\n{result.stderr[-6000:]}")
    return result


def demo_config() -> dict:
    """The demo's own config (config/config.yaml), as `make demo` runs it."""
    return yaml.safe_load((ROOT / "config" / "config.yaml").read_text())


def demo_run(workdir: Path, **overrides: object) -> Path:
    """The demo's config with absolute paths, so it runs in any working directory."""
    demo = demo_dir()
    settings: dict[str, object] = {
        "samples": str(demo / "samples.tsv"),
        "units": str(demo / "units.tsv"),
        "reference": {
            "build": "demo",
            "fasta": str(demo / "genome.fa"),
            "gff3": str(demo / "genes.gff3"),
        },
        "annotation": {
            "clinvar": str(demo / "clinvar.vcf"),
            "population": str(demo / "population.vcf"),
        },
        "pgx": {
            "definitions": str(demo / "pgx" / "definitions"),
            # by URL, as the default is: downloaded once into the cache, offline
            "recommendations": CPIC_FILE.as_uri(),
        },
        "somatic": {"oncotree": str(demo / "oncotree.tsv")},
        # the demo config's cut-offs for its planted expression (none by default)
        "rna": {"receptor_thresholds": demo_config()["rna"]["receptor_thresholds"]},
    }
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(settings.get(key), dict):
            settings[key] = {**settings[key], **value}
        else:
            settings[key] = value
    return run_config(workdir, **settings)

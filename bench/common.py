"""Helpers shared by the benchmark scripts: paths, sheets, pipeline runs, VCF comparison, tables."""

from __future__ import annotations

import csv
import gzip
import json
import os
import resource
import subprocess
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
DATA = REPO.parent / "shared" / "data"
OUT = BENCH / "out"
SNAKEFILE = REPO / "workflow" / "Snakefile"
VENV_BIN = REPO / ".venv" / "bin"

SIM_DEV = DATA / "chr20-sim-dev"
CHR20 = DATA / "grch37-chr20" / "20.fa.gz"
DEFAULT_CACHE = Path("/tmp/bench-cache")


# ---------------------------------------------------------------- tables and outputs


def print_table(
    rows: Sequence[dict], columns: Sequence[str] | None = None, title: str = ""
) -> None:
    """Print dicts as an aligned text table (floats with 4 decimals)."""
    if not rows:
        print(f"{title}: (no rows)")
        return
    columns = list(columns or rows[0].keys())

    def cell(value) -> str:
        if isinstance(value, float):
            return f"{value:.4f}"
        return "" if value is None else str(value)

    cells = [[cell(row.get(column)) for column in columns] for row in rows]
    widths = [
        max(len(column), *(len(line[i]) for line in cells)) for i, column in enumerate(columns)
    ]
    if title:
        print(f"\n{title}")
    print("  ".join(column.ljust(width) for column, width in zip(columns, widths, strict=True)))
    print("  ".join("-" * width for width in widths))
    for line in cells:
        print("  ".join(value.ljust(width) for value, width in zip(line, widths, strict=True)))


def write_json(name: str, data) -> Path:
    """Write results to bench/out/<name> and return the path."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / name
    path.write_text(json.dumps(data, indent=2) + "\n")
    return path


def read_json(name: str):
    """Results written earlier by another bench script, or None."""
    path = OUT / name
    return json.loads(path.read_text()) if path.exists() else None


# ---------------------------------------------------------------- sample sheets and runs


def write_sheets(workdir: Path, units: dict[str, list[tuple[str, Path, Path]]]) -> None:
    """samples.tsv (all germline) and units.tsv for {sample: [(unit, fq1, fq2), ...]}."""
    workdir.mkdir(parents=True, exist_ok=True)
    with open(workdir / "samples.tsv", "w") as handle:
        handle.write("sample\tpatient\tkind\n")
        for sample in units:
            handle.write(f"{sample}\t{sample}\tgermline\n")
    with open(workdir / "units.tsv", "w") as handle:
        handle.write("sample\tunit\tfq1\tfq2\n")
        for sample, rows in units.items():
            for unit, fq1, fq2 in rows:
                handle.write(f"{sample}\t{unit}\t{fq1}\t{fq2}\n")


def write_run_config(workdir: Path, **config) -> Path:
    """run.yaml in the workdir: sheets there, plus the given keys (nested dicts allowed)."""
    data = {"samples": "samples.tsv", "units": "units.tsv", **config}
    path = workdir / "run.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def pipeline_env() -> dict[str, str]:
    """Environment of a benchmark run: the venv first on PATH and a fixed lab secret."""
    env = dict(os.environ)
    env["PATH"] = f"{VENV_BIN}:{env.get('PATH', '')}"
    env["TAILORSEQ_SECRET"] = "bench"
    return env


def snakemake_command(
    workdir: Path,
    cores: int,
    extra: Iterable[str] = (),
    snakefile: Path = SNAKEFILE,
    configfile: str = "run.yaml",
) -> list[str]:
    """The documented pipeline command for a workdir holding run.yaml (or another Snakefile
    and config file)."""
    return [
        str(VENV_BIN / "snakemake"),
        "--snakefile",
        str(snakefile),
        "--directory",
        str(workdir),
        "--configfile",
        str(workdir / configfile),
        "--cores",
        str(cores),
        *extra,
    ]


def measured(command: Sequence[str], log: Path | None = None, **kwargs) -> tuple[float, float]:
    """Run a command (stdout+stderr to log if given), fail on error; return (wall, CPU) seconds.

    CPU is user + system of the command and every process under it that was waited for (the
    children's rusage), so a pipeline run and a plain script are counted the same way."""
    cpu_before = _children_cpu()
    start = time.perf_counter()
    if log is None:
        subprocess.run(command, check=True, **kwargs)
    else:
        log.parent.mkdir(parents=True, exist_ok=True)
        with open(log, "w") as handle:
            result = subprocess.run(command, stdout=handle, stderr=subprocess.STDOUT, **kwargs)
        if result.returncode != 0:
            raise SystemExit(f"{' '.join(map(str, command[:3]))}... failed, see {log}")
    return time.perf_counter() - start, _children_cpu() - cpu_before


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: Sequence[str], log: Path | None = None, **kwargs) -> float:
    """Run a command as `measured` does; return wall seconds."""
    return measured(command, log, **kwargs)[0]


def cpu_seconds(command: str, log: Path) -> tuple[float, float]:
    """(wall, user + system CPU) seconds of a shell pipeline, children included."""
    return measured(["bash", "-o", "pipefail", "-c", command], log, env=pipeline_env())


def measured_pipeline(
    workdir: Path, cores: int = 2, extra: Iterable[str] = (), log_name: str = "snakemake.log"
) -> tuple[float, float]:
    """Run the pipeline on workdir/run.yaml; return (wall, CPU) seconds, Snakemake included."""
    command = snakemake_command(workdir, cores, extra)
    return measured(command, workdir / log_name, env=pipeline_env())


def run_pipeline(
    workdir: Path, cores: int = 2, extra: Iterable[str] = (), log_name: str = "snakemake.log"
) -> float:
    """Run the pipeline on workdir/run.yaml; return wall seconds."""
    return measured_pipeline(workdir, cores, extra, log_name)[0]


def reference_genome(cache: Path) -> Path:
    """The prepared genome.fa in a cache (the pipeline keeps one per build and source)."""
    found = sorted(cache.glob("reference/*/genome.fa"))
    if not found:
        raise SystemExit(f"no prepared reference under {cache}: run accuracy.py first")
    return found[0]


# ---------------------------------------------------------------- Snakemake benchmark files


def read_benchmarks(workdir: Path) -> list[dict]:
    """Per-rule totals from workdir/benchmarks/<rule>/*.tsv: jobs, wall s, CPU s, peak RSS MB,
    MB read and written."""
    totals: dict[str, dict] = {}
    for path in sorted((workdir / "benchmarks").glob("**/*.tsv")):
        rule = path.relative_to(workdir / "benchmarks").parts[0]
        with open(path) as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                entry = totals.setdefault(rule, {
                    "rule": rule, "jobs": 0, "wall_s": 0.0, "cpu_s": 0.0, "max_rss_mb": 0.0,
                    "io_in_mb": 0.0, "io_out_mb": 0.0,
                })  # fmt: skip
                entry["jobs"] += 1
                entry["wall_s"] += _number(row.get("s"))
                entry["cpu_s"] += _number(row.get("cpu_time"))
                entry["max_rss_mb"] = max(entry["max_rss_mb"], _number(row.get("max_rss")))
                entry["io_in_mb"] += _number(row.get("io_in"))
                entry["io_out_mb"] += _number(row.get("io_out"))
    return list(totals.values())


def _number(text: str | None) -> float:
    try:
        return float(text)
    except (TypeError, ValueError):
        return 0.0


# ---------------------------------------------------------------- VCF comparison


@dataclass(frozen=True)
class Interval:
    contig: str
    start: int  # 0-based, inclusive
    end: int  # 0-based, exclusive


def read_bed(path: Path) -> list[Interval]:
    """BED intervals (first three columns)."""
    intervals = []
    for line in Path(path).read_text().splitlines():
        if line.strip() and not line.startswith(("#", "track", "browser")):
            contig, start, end = line.split("\t")[:3]
            intervals.append(Interval(contig, int(start), int(end)))
    return intervals


def inside(intervals: Sequence[Interval], contig: str, pos: int, ref: str) -> bool:
    """True when the whole REF span (1-based pos) lies inside one interval."""
    start, end = pos - 1, pos - 1 + len(ref)
    return any(i.contig == contig and i.start <= start and end <= i.end for i in intervals)


def normalise(vcf: Path, fasta: Path, out: Path) -> Path:
    """`bcftools norm -m -both --atomize -f ref`: split, left-align, atomise; plain VCF out."""
    subprocess.run(
        [
            "bcftools",
            "norm",
            "--multiallelics",
            "-both",
            "--atomize",
            "--fasta-ref",
            str(fasta),
            "--output-type",
            "v",
            "--output",
            str(out),
            str(vcf),
        ],
        check=True,
        stderr=subprocess.PIPE,
    )
    return out


@dataclass
class Record:
    contig: str
    pos: int
    ref: str
    alt: str
    filter: str
    qual: float
    gt: str  # sorted, unphased, e.g. "0/1"
    info: str = ""
    sample: dict = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, int, str, str]:
        return (self.contig, self.pos, self.ref, self.alt)

    @property
    def kind(self) -> str:
        return variant_kind(self.ref, self.alt)


def variant_kind(ref: str, alt: str) -> str:
    """SNV or indel, of a normalised (atomised) biallelic record."""
    return "SNV" if len(ref) == len(alt) else "indel"


def genotype(text: str) -> str:
    """Unphased, sorted genotype: '1|0' -> '0/1'; missing alleles kept as '.'."""
    alleles = text.replace("|", "/").split("/")
    return "/".join(sorted(alleles, key=lambda a: (a == ".", a)))


def read_vcf(
    path: Path, regions: Sequence[Interval] | None = None, pass_only: bool = True
) -> dict[tuple, Record]:
    """Biallelic records (after normalise) of the first sample that carry the ALT allele."""
    opener = gzip.open if str(path).endswith(".gz") else open
    records: dict[tuple, Record] = {}
    with opener(path, "rt") as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t")
            contig, pos, ref, alt, qual, filt = (
                cols[0],
                int(cols[1]),
                cols[3],
                cols[4],
                cols[5],
                cols[6],
            )
            if alt in ("*", ".", "<*>", "<NON_REF>"):
                continue
            if pass_only and filt not in ("PASS", "."):
                continue
            if regions is not None and not inside(regions, contig, pos, ref):
                continue
            sample = (
                dict(zip(cols[8].split(":"), cols[9].split(":"), strict=False))
                if len(cols) > 9
                else {}
            )
            gt = genotype(sample.get("GT", "0/1"))
            if "1" not in gt.split("/"):
                continue
            records[(contig, pos, ref, alt)] = Record(
                contig,
                pos,
                ref,
                alt,
                filt,
                float(qual) if qual != "." else 0.0,
                gt,
                cols[7],
                sample,
            )
    return records


def compare(truth: dict[tuple, Record], calls: dict[tuple, Record]) -> dict:
    """Precision, recall, F1, genotype concordance per kind (SNV, indel); FN/FP lists."""
    result = {}
    for kind in ("SNV", "indel"):
        t = {k: r for k, r in truth.items() if r.kind == kind}
        c = {k: r for k, r in calls.items() if r.kind == kind}
        tp = t.keys() & c.keys()
        gt_match = sum(1 for k in tp if t[k].gt == c[k].gt)
        precision = len(tp) / len(c) if c else 0.0
        recall = len(tp) / len(t) if t else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        result[kind] = {
            "truth": len(t),
            "calls": len(c),
            "TP": len(tp),
            "FP": len(c) - len(tp),
            "FN": len(t) - len(tp),
            "precision": precision,
            "recall": recall,
            "F1": f1,
            "gt_concordance": gt_match / len(tp) if tp else 0.0,
            "fn_keys": sorted(t.keys() - c.keys()),
            "fp_keys": sorted(c.keys() - t.keys()),
            "gt_mismatch_keys": sorted(k for k in tp if t[k].gt != c[k].gt),
        }
    return result

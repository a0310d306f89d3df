"""Wall time and peak memory of annotation and findings, and the ClinVar match counts.

Two runs from an empty workdir and cache (so the knowledge preparation is measured too):
- `brca1`: ../shared/data/brca1-1kg (HG00096 + HG00099, real reads over BRCA1) with the real
  GENCODE v19 GFF3 and a ClinVar-format file of four common benign BRCA1 variants (positions
  taken from the region's 1000 Genomes VCF by rsID);
- `demo`: the bundled demo (resources/demo) with its own ClinVar-style file.

Two views of each step:
- `snakemake`: the run's own benchmarks/<rule>/*.tsv (psutil sampling; jobs shorter than the
  sampling interval show little or no memory);
- `time`: the same step re-run outside Snakemake under /usr/bin/time on the run's own files
  (annotate: the exact shell command Snakemake printed; findings, prepare_clinvar,
  prepare_gff3: the scripts' command lines), the median wall time of --repeats runs and the
  peak RSS of the largest process.

    .venv/bin/python bench/annotation.py [--repeats 5] [--only brca1|demo]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import pysam
import yaml

from common import (
    DATA,
    REPO,
    VENV_BIN,
    pipeline_env,
    print_table,
    read_benchmarks,
    run_pipeline,
    write_json,
    write_run_config,
)

DEMO = REPO / "resources" / "demo"
BRCA1 = DATA / "brca1-1kg"
RULES = ("prepare_gff3", "prepare_clinvar", "annotate", "findings")
# Four common BRCA1 missense polymorphisms, Benign in ClinVar (reviewed by the ENIGMA panel).
BENIGN = {
    "rs1799966": "c.4837A>G p.Ser1613Gly",
    "rs16942": "c.3548A>G p.Lys1183Arg",
    "rs16941": "c.3113A>G p.Glu1038Gly",
    "rs799917": "c.2612C>T p.Pro871Leu",
}


# ---------------------------------------------------------------- the two runs


def setup_brca1(workdir: Path) -> None:
    """Sheets, ClinVar-format file and run.yaml for the two 1000 Genomes samples."""
    (workdir / "samples.tsv").write_text(
        "sample\tpatient\tkind\tsecondary_findings\n"
        + "".join(f"{s}\t{s}\tgermline\tyes\n" for s in ("HG00096", "HG00099"))
    )
    (workdir / "units.tsv").write_text(
        "sample\tunit\tfq1\tfq2\n"
        + "".join(
            f"{s}\tlowcov\t{BRCA1 / f'{s}_R1.fastq.gz'}\t{BRCA1 / f'{s}_R2.fastq.gz'}\n"
            for s in ("HG00096", "HG00099")
        )
    )
    lines = ["##fileformat=VCFv4.1", "##fileDate=bench"]
    lines.append("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO")
    with pysam.VariantFile(str(BRCA1 / "truth.1kg_phase3.vcf")) as truth:
        for record in truth:
            if record.id in BENIGN:
                info = (
                    "CLNSIG=Benign;CLNREVSTAT=reviewed_by_expert_panel;GENEINFO=BRCA1:672;"
                    f"CLNDN=Hereditary_breast_ovarian_cancer_syndrome;RS={record.id[2:]}"
                )
                fields = [record.chrom, str(record.pos), ".", record.ref, record.alts[0]]
                lines.append("\t".join([*fields, ".", ".", info]))
    (workdir / "clinvar.vcf").write_text("\n".join(lines) + "\n")
    write_run_config(
        workdir,
        cache_dir=str(workdir / "cache"),
        reference={
            "build": "GRCh37-BRCA1-region",
            "fasta": str(BRCA1 / "ref.fa"),
            "gff3": str(BRCA1 / "gencode_v19.brca1.gff3"),
        },
        annotation={"clinvar": str(workdir / "clinvar.vcf")},
    )


def setup_demo(workdir: Path) -> None:
    """The demo's config with absolute paths (its sheets' FASTQ paths are relative to it)."""
    write_run_config(
        workdir,
        samples=str(DEMO / "samples.tsv"),
        units=str(DEMO / "units.tsv"),
        cache_dir=str(workdir / "cache"),
        reference={
            "build": "demo",
            "fasta": str(DEMO / "genome.fa"),
            "gff3": str(DEMO / "genes.gff3"),
        },
        annotation={"clinvar": str(DEMO / "clinvar.vcf")},
    )


RUNS = {"brca1": (setup_brca1, BRCA1), "demo": (setup_demo, DEMO / ".complete")}


# ---------------------------------------------------------------- measuring


def time_command(command: list[str], cwd: Path, repeats: int) -> tuple[float, float]:
    """Median wall seconds and peak RSS (MB, largest process) under /usr/bin/time."""
    walls, peaks = [], []
    for _ in range(repeats):
        with tempfile.NamedTemporaryFile("r") as report:
            wrapped = ["/usr/bin/time", "-f", "%e %M", "-o", report.name, *command]
            subprocess.run(wrapped, cwd=cwd, check=True, env=pipeline_env(), capture_output=True)
            wall, rss_kb = report.read().split()[-2:]
        walls.append(float(wall))
        peaks.append(int(rss_kb) / 1024)
    return statistics.median(walls), max(peaks)


def annotate_commands(log: Path) -> dict[str, str]:
    """pid -> the annotate job's shell command, from the run's `--printshellcmds` output."""
    commands, rule = {}, ""
    for line in log.read_text().splitlines():
        if re.match(r"^(local)?rule \w+:", line):
            rule = line.split()[-1].rstrip(":")
        elif rule == "annotate" and line.startswith("Shell command: "):
            command = line.removeprefix("Shell command: ")
            pid = re.search(r"work/(s[0-9a-f]{10})/", command).group(1)
            commands[pid] = command
    return commands


def cached(workdir: Path, pattern: str, kind: str = "annotation") -> Path:
    """The one file matching `pattern` in the run's cache (annotation or reference)."""
    (path,) = sorted((workdir / "cache" / kind).glob(f"*/{pattern}"))
    return path


def step_commands(workdir: Path, pid: str, scratch: Path) -> dict[str, list[str]]:
    """The Python steps' command lines on the run's files, writing into `scratch`."""
    python, scripts = str(VENV_BIN / "python"), REPO / "scripts"
    gff3 = cached(workdir, "genes-*.gff3")
    canonical = gff3.with_name(gff3.name.replace(".gff3", ".canonical.tsv"))
    config = yaml.safe_load((workdir / "run.yaml").read_text())
    genome = cached(workdir, "genome.fa", "reference")
    return {
        "prepare_gff3": [
            python, str(scripts / "prepare_gff3.py"), "--gff3", config["reference"]["gff3"],
            "--fai", f"{genome}.fai",
            "--out", str(scratch / "genes.gff3"), "--canonical", str(scratch / "genes.tsv"),
        ],
        "prepare_clinvar": [
            python, str(scripts / "prepare_knowledge.py"), "--kind", "clinvar",
            "--vcf", config["annotation"]["clinvar"], "--ref", str(genome),
            "--out", str(scratch / "clinvar.vcf.gz"), "--summary", str(scratch / "clinvar.json"),
            "--gene-list", str(REPO / "resources" / "acmg_sf_genes.tsv"),
            "--no-secondary", str(scratch / "clinvar.no-secondary.vcf.gz"),
        ],
        "findings": [
            python, str(scripts / "findings.py"),
            "--vcf", str(workdir / "work" / pid / f"{pid}.annotated.vcf.gz"),
            "--gff3", str(gff3), "--canonical", str(canonical),
            "--gene-list", str(REPO / "resources" / "acmg_sf_genes.tsv"),
            "--clinvar-summary", str(cached(workdir, "clinvar-*.json")),
            "--consent", "yes", "--json", str(scratch / "f.json"), "--tsv", str(scratch / "f.tsv"),
        ],
    }  # fmt: skip


def samples_of(workdir: Path) -> dict[str, str]:
    """pid -> sample name, from the published findings."""
    names = {}
    for path in (workdir / "results").glob("*/*.findings.json"):
        names[json.loads(path.read_text())["sample"]] = path.parent.name
    return names


def matches(workdir: Path, pid: str, sample: str) -> dict:
    """Calls, ClinVar matches and findings counts of one sample."""
    vcf = workdir / "results" / sample / f"{sample}.annotated.vcf.gz"
    records = clinvar = with_csq = 0
    with pysam.VariantFile(str(vcf)) as handle:
        for record in handle:
            records += 1
            clinvar += "CLNSIG" in record.info
            with_csq += "BCSQ" in record.info
    document = json.loads((workdir / "results" / sample / f"{sample}.findings.json").read_text())
    counts = document.get("counts", {})
    return {
        "sample": sample,
        "consent": document["consent"],
        "records": records,
        "with_consequence": with_csq,
        "clinvar_matches": clinvar,
        "findings": len(document["findings"]),
        "needs_confirmation": len(document.get("needs_confirmation", [])),
        "for_review": counts.get("for_review", 0),  # listed in the lab-only review TSV
        "not_reported_benign": counts.get("not_reported_benign", 0),
        "not_reported_vus": counts.get("not_reported_vus", 0),
    }


def measure(name: str, repeats: int, cores: int) -> dict:
    setup, needed = RUNS[name]
    if not needed.exists():
        print(f"{name}: skipped ({needed} is absent)")
        return {}
    workdir = Path(f"/tmp/bench-annotation-{name}")
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    setup(workdir)
    start = time.perf_counter()
    run_pipeline(workdir, cores, extra=["--printshellcmds"])
    total = time.perf_counter() - start
    names = samples_of(workdir)
    snakemake_rows = [
        {"run": name, **row} for row in read_benchmarks(workdir) if row["rule"] in RULES
    ]
    timed_rows = []
    with tempfile.TemporaryDirectory(prefix="bench-annotation-") as folder:
        scratch = Path(folder)
        jobs = [("prepare_gff3", "-", step_commands(workdir, "", scratch)["prepare_gff3"])]
        jobs.append(
            ("prepare_clinvar", "-", step_commands(workdir, "", scratch)["prepare_clinvar"])
        )
        for pid, command in sorted(annotate_commands(workdir / "snakemake.log").items()):
            # Snakemake removes a job's outputs before it runs (tabix will not overwrite).
            outputs = f"work/{pid}/{pid}.annotated.vcf.gz"
            command = f"rm -f {outputs} {outputs}.tbi {outputs}.step* && {command}"
            jobs.append(("annotate", names.get(pid, pid), ["bash", "-c", command]))
            jobs.append(
                ("findings", names.get(pid, pid), step_commands(workdir, pid, scratch)["findings"])
            )
        for step, sample, command in jobs:
            wall, rss = time_command(command, workdir, repeats)
            timed_rows.append(
                {"run": name, "step": step, "sample": sample, "wall_s": wall, "peak_rss_mb": rss}
            )
    summary = json.loads(cached(workdir, "clinvar-*.json").read_text())
    match_rows = [{"run": name, **matches(workdir, pid, s)} for pid, s in sorted(names.items())]
    return {
        "workdir": str(workdir),
        "pipeline_wall_s": round(total, 2),
        "clinvar_records": summary["records"],
        "clinvar_kept": summary["kept"],
        "snakemake_benchmarks": snakemake_rows,
        "timed": timed_rows,
        "matches": match_rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=5, help="timed re-runs per step")
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--only", choices=sorted(RUNS), action="append")
    args = parser.parse_args()
    results = {name: measure(name, args.repeats, args.cores) for name in args.only or RUNS}
    results = {name: result for name, result in results.items() if result}
    print_table(
        [{"run": n, **{k: r[k] for k in ("pipeline_wall_s", "clinvar_records", "clinvar_kept")}}
         for n, r in results.items()],
        title="Runs (whole pipeline from empty workdir and cache)",
    )  # fmt: skip
    print_table(
        [row for r in results.values() for row in r["snakemake_benchmarks"]],
        ["run", "rule", "jobs", "wall_s", "cpu_s", "max_rss_mb"],
        title="Snakemake benchmark files (sums over jobs; max RSS over jobs)",
    )
    print_table(
        [row for r in results.values() for row in r["timed"]],
        ["run", "step", "sample", "wall_s", "peak_rss_mb"],
        title=f"/usr/bin/time: median wall of {args.repeats} re-runs, peak RSS (largest process)",
    )
    print_table(
        [row for r in results.values() for row in r["matches"]],
        title="ClinVar matches and findings per sample",
    )
    print(f"\nwritten: {write_json('annotation.json', results)}")


if __name__ == "__main__":
    main()

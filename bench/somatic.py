"""Somatic calling accuracy, speed and memory on chr20-somatic-dev, and false positives on
dream-simplefp.

chr20-somatic-dev: tumour (60x, purity 0.6) and normal (30x) FASTQs aligned to the whole GRCh37
chr20, then the somatic path (mpileup candidates per chunk, the somatic model). PASS calls inside
`confident.bed` are matched allele-exactly against `truth.somatic.vcf` (both sides through
`bcftools norm -m -both --atomize`); germline truth alleles called PASS are listed separately.
Wall time and peak memory come from the Snakemake benchmark files of the somatic rules (and of
alignment, for scale). Cost: the somatic path (candidates, model, MSI, TMB) against the normal's
germline calling (bcftools calling and the variant score), measured and extrapolated to a genome
by `cost_rows` (every rule linear in the bases covered, per-job start-up included, so the
genome figure is an upper bound; MSI's scan and examination stop at msi_max_sites sites).
dream-simplefp: the DREAM tumour/normal BAMs as `bam` units; PASS calls are false positives by
construction.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

from common import (
    CHR20,
    DATA,
    DEFAULT_CACHE,
    compare,
    normalise,
    print_table,
    read_bed,
    read_benchmarks,
    read_vcf,
    reference_genome,
    run_pipeline,
    write_json,
    write_run_config,
)
from tailorseq.defaults import config_defaults

DEV = DATA / "chr20-somatic-dev"
DREAM = DATA / "dream-simplefp"
SOMATIC_RULES = ("somatic_candidates", "somatic_model", "somatic_msi", "somatic_biomarkers")
GERMLINE_CALLING = ("call_bcftools", "filter_calls")
COST_TARGET = 2.0
GENOME_BASES = 3.1e9
REGION_BASES = 500_000  # chr20:30,000,001-30,500,000, where the pair's reads are
MSI_MAX_SITES = config_defaults("somatic")["msi_max_sites"]
TARGET = 0.95


def write_pair(workdir: Path, patient: str, tumor: dict, normal: dict, purity: str = "") -> None:
    """samples.tsv and units.tsv of one tumour/normal pair ({"fq1", "fq2"} or {"bam"} units)."""
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "samples.tsv").write_text(
        "sample\tpatient\tkind\tpurity\n"
        f"{patient}-normal\t{patient}\tnormal\t\n{patient}-tumor\t{patient}\ttumor\t{purity}\n"
    )
    rows = ["sample\tunit\tfq1\tfq2\tbam"]
    for kind, unit in (("normal", normal), ("tumor", tumor)):
        cells = [unit.get("fq1", ""), unit.get("fq2", ""), unit.get("bam", "")]
        rows.append("\t".join([f"{patient}-{kind}", "u1", *map(str, cells)]))
    (workdir / "units.tsv").write_text("\n".join(rows) + "\n")


def alignments(patient: str) -> list[str]:
    """The pair's published BAMs, tumour first (the MSI scan reads them)."""
    return [f"results/{patient}-{kind}/{patient}-{kind}.bam" for kind in ("tumor", "normal")]


def targets(patient: str) -> list[str]:
    """The pair's somatic calls and biomarkers (MSI, TMB), and the normal's germline calls."""
    return [
        f"results/{patient}/{patient}.somatic.vcf.gz",
        f"results/{patient}/{patient}.biomarkers.json",
        f"results/{patient}-normal/{patient}-normal.vcf.gz",
    ]


def run_dev(workdir: Path, cache: Path, cores: int, rerun: bool) -> float | None:
    """The chr20-somatic-dev pair through alignment and somatic calling; wall s (None: kept)."""
    if rerun and workdir.exists():
        shutil.rmtree(workdir)
    if (workdir / targets("DEV")[0]).exists():
        return None
    fastq = {
        kind: {
            "fq1": DEV / f"somatic-dev-{kind}_R1.fastq.gz",
            "fq2": DEV / f"somatic-dev-{kind}_R2.fastq.gz",
        }
        for kind in ("tumor", "normal")
    }
    write_pair(workdir, "DEV", fastq["tumor"], fastq["normal"], purity="0.6")
    write_run_config(
        workdir, reference={"build": "GRCh37", "fasta": str(CHR20)}, cache_dir=str(cache)
    )
    return run_pipeline(workdir, cores, [*targets("DEV"), *alignments("DEV")])


def run_dream(workdir: Path, cache: Path, cores: int) -> int:
    """PASS calls of the DREAM false-positive loci."""
    if workdir.exists():
        shutil.rmtree(workdir)
    write_pair(workdir, "DREAM", {"bam": DREAM / "tumor.bam"}, {"bam": DREAM / "normal.bam"})
    write_run_config(
        workdir, reference={"build": "GRCh37", "fasta": str(CHR20)}, cache_dir=str(cache)
    )
    run_pipeline(workdir, cores, targets("DREAM")[:1])
    return len(read_vcf(workdir / targets("DREAM")[0]))


def accuracy(workdir: Path, cache: Path) -> dict:
    """Sensitivity and precision of PASS calls inside confident.bed, per kind and overall."""
    fasta = reference_genome(cache)
    confident = read_bed(DEV / "confident.bed")
    truth = read_vcf(
        normalise(DEV / "truth.somatic.vcf", fasta, workdir / "truth.norm.vcf"), confident
    )
    calls_vcf = normalise(workdir / targets("DEV")[0], fasta, workdir / "calls.norm.vcf")
    calls = read_vcf(calls_vcf, confident)
    germline = read_vcf(normalise(DEV / "truth.germline.vcf", fasta, workdir / "germ.norm.vcf"))
    result = compare(truth, calls)
    tp = len(truth.keys() & calls.keys())
    result["all"] = {
        "truth": len(truth),
        "calls": len(calls),
        "TP": tp,
        "FP": len(calls) - tp,
        "FN": len(truth) - tp,
        "precision": tp / len(calls) if calls else 0.0,
        "recall": tp / len(truth) if truth else 0.0,
    }
    every = read_vcf(calls_vcf, confident, pass_only=False)
    result["missed"] = [
        {
            "key": ":".join(map(str, key)),
            "filter": every[key].filter if key in every else "not written",
        }
        for key in sorted(truth.keys() - calls.keys())
    ]
    result["false"] = [":".join(map(str, key)) for key in sorted(calls.keys() - truth.keys())]
    result["germline_called_somatic"] = [
        ":".join(map(str, k)) for k in sorted(germline.keys() & calls.keys())
    ]
    return result


def cost_rows(benchmarks: list[dict], msi: dict, label: str, region_bases: int) -> list[dict]:
    """The somatic path's CPU against the normal's germline calling, measured on the pair's
    region and per genome: every rule grows with the bases covered, except MSI, whose scan and
    examination stop once msi_max_sites sites are found (the document's `sites_found`)."""
    cpu = {row["rule"]: row["cpu_s"] for row in benchmarks}
    somatic = sum(cpu.get(rule, 0.0) for rule in SOMATIC_RULES)
    germline = sum(cpu.get(rule, 0.0) for rule in GERMLINE_CALLING)
    scale = GENOME_BASES / region_bases
    msi_cpu = cpu.get("somatic_msi", 0.0)
    found = msi["sites_found"]
    genome_msi = msi_cpu * min(found * scale, MSI_MAX_SITES) / found if found else msi_cpu
    genome_somatic = (somatic - msi_cpu) * scale + genome_msi
    return [
        {"scope": f"{label} ({region_bases / 1e6:.1f} Mb)", "somatic_cpu_s": somatic,
         "germline_calling_cpu_s": germline, "ratio": somatic / germline if germline else None,
         "target": f"<= {COST_TARGET}"},
        {"scope": "genome (3.1 Gb, extrapolated)", "somatic_cpu_s": genome_somatic,
         "germline_calling_cpu_s": germline * scale,
         "ratio": genome_somatic / (germline * scale) if germline else None,
         "target": f"<= {COST_TARGET}"},
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/bench-somatic"))
    parser.add_argument("--rerun", action="store_true", help="recompute even when results exist")
    args = parser.parse_args()
    if not DEV.exists():
        sys.exit(f"needs {DEV}")
    wall = run_dev(args.workdir, args.cache, args.cores, args.rerun)
    result = accuracy(args.workdir, args.cache)
    rows = [
        {
            "kind": kind,
            **{
                k: v
                for k, v in result[kind].items()
                if k in ("truth", "calls", "TP", "FP", "FN", "precision", "recall")
            },
        }
        for kind in ("SNV", "indel", "all")
    ]
    print_table(rows, title=f"chr20-somatic-dev, PASS inside confident.bed (targets >= {TARGET})")
    for entry in result["missed"]:
        print(f"  missed {entry['key']} ({entry['filter']})")
    for key in result["false"]:
        print(f"  false positive {key}")
    print(f"  germline truth alleles called somatic PASS: {len(result['germline_called_somatic'])}")
    benchmarks = [
        row
        for row in read_benchmarks(args.workdir)
        if row["rule"] in (*SOMATIC_RULES, *GERMLINE_CALLING, "align_bwa", "merge_markdup")
    ]
    somatic = [row for row in benchmarks if row["rule"] in SOMATIC_RULES]
    total = {
        "rule": "somatic path (sum)",
        "jobs": sum(row["jobs"] for row in somatic),
        "wall_s": sum(row["wall_s"] for row in somatic),
        "cpu_s": sum(row["cpu_s"] for row in somatic),
        "max_rss_mb": max((row["max_rss_mb"] for row in somatic), default=0.0),
    }
    print_table([*benchmarks, total], title="Wall time (summed over jobs) and peak memory per rule")
    if wall is not None:
        print(f"  whole run (reference preparation and alignment included): {wall:.0f} s")
    biomarkers = json.loads((args.workdir / targets("DEV")[1]).read_text())
    costs = cost_rows(benchmarks, biomarkers["msi"], "chr20-somatic-dev", REGION_BASES)
    print_table(costs, title="Somatic path (candidates, model, MSI, TMB) against germline calling")
    msi = biomarkers["msi"]
    print(f"  MSI {msi['status']}, score {msi['score']}: {msi['sites_examined']} of"
          f" {msi['sites_found']} sites found examined, {msi['sites_used']} used")  # fmt: skip
    dream = run_dream(args.workdir.with_name(args.workdir.name + "-dream"), args.cache, args.cores)
    print(f"\ndream-simplefp: {dream} PASS calls (target <= 2)")
    write_json(
        "somatic.json",
        {
            "accuracy": result,
            "benchmarks": [*benchmarks, total],
            "run_wall_s": wall,
            "cost": costs,
            "dream_pass": dream,
        },
    )


if __name__ == "__main__":
    main()

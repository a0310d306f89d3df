"""Germline accuracy on chr20-sim-dev: every aligner x caller against truth.vcf in confident.bed.

For each aligner one workdir is used; the callers run one after the other in it, so the alignment
is computed once and only calling (and what follows it) reruns. Calls are PASS only; both sides are
normalised with `bcftools norm -m -both --atomize -f ref` and matched on (chrom, pos, ref, alt).
Genotype concordance is the share of matched variants whose unphased genotype is the truth's.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from pathlib import Path

import pysam

from common import (
    CHR20,
    DEFAULT_CACHE,
    SIM_DEV,
    Record,
    compare,
    normalise,
    print_table,
    read_bed,
    read_vcf,
    run_pipeline,
    write_json,
    write_run_config,
    write_sheets,
)

SAMPLE = "simdev"
ALIGNERS = ("bwa", "minimap2")
CALLERS = ("bcftools", "freebayes")
TARGETS = {"SNV": 0.998, "indel": 0.99}


def prepare_workdir(workdir: Path, aligner: str, caller: str, cache: Path) -> None:
    """Sheets for the one simulated sample and a run.yaml for this aligner and caller."""
    fq = (SIM_DEV / "chr20-sim-dev_R1.fastq.gz", SIM_DEV / "chr20-sim-dev_R2.fastq.gz")
    write_sheets(workdir, {SAMPLE: [("L1", *fq)]})
    write_run_config(
        workdir,
        reference={"build": "GRCh37", "fasta": str(CHR20)},
        cache_dir=str(cache),
        aligner=aligner,
        caller=caller,
    )


def call_combination(
    root: Path, aligner: str, caller: str, cache: Path, cores: int, rerun: bool
) -> tuple[Path, float | None]:
    """Run one combination unless its VCF is kept already; return the kept VCF and wall s."""
    workdir = root.with_name(f"{root.name}-{aligner}")
    kept = workdir / "kept" / f"{aligner}-{caller}.vcf.gz"
    if kept.exists() and not rerun:
        return kept, None
    prepare_workdir(workdir, aligner, caller, cache)
    seconds = run_pipeline(workdir, cores, log_name=f"snakemake.{caller}.log")
    kept.parent.mkdir(exist_ok=True)
    for suffix in ("", ".tbi"):
        shutil.copy(workdir / "results" / SAMPLE / f"{SAMPLE}.vcf.gz{suffix}", f"{kept}{suffix}")
    return kept, seconds


def depth_at(bam: Path, contig: str, pos: int, min_mapq: int = 20) -> int:
    """Reads with MAPQ >= min_mapq over a 1-based position."""
    with pysam.AlignmentFile(str(bam)) as handle:
        return sum(
            1 for read in handle.fetch(contig, pos - 1, pos) if read.mapping_quality >= min_mapq
        )


def explain(kind: str, result: dict, truth: dict, all_calls: dict, bam: Path | None) -> list[dict]:
    """One row per FN/FP/genotype error with its context: filter, depth, nearby indel."""
    truth_indels = [r for r in truth.values() if r.kind == "indel"]

    def near_indel(record: Record) -> int | None:
        distances = [abs(r.pos - record.pos) for r in truth_indels if r.key != record.key]
        return min(distances) if distances else None

    rows = []
    for label, keys, source in (
        ("FN", result["fn_keys"], truth),
        ("FP", result["fp_keys"], all_calls),
        ("GT", result["gt_mismatch_keys"], truth),
    ):
        for key in keys:
            record = source[key]
            call = all_calls.get(key)
            same_pos = [
                c
                for c in all_calls.values()
                if c.contig == key[0] and abs(c.pos - key[1]) <= 10 and c.key != key
            ]
            rows.append(
                {
                    "class": label,
                    "kind": kind,
                    "pos": key[1],
                    "ref": key[2][:12],
                    "alt": key[3][:12],
                    "truth_gt": truth[key].gt if key in truth else "",
                    "call_gt": call.gt if call else "",
                    "call_filter": call.filter if call else "not called",
                    "qual": round(call.qual, 1) if call else "",
                    "depth_mq20": depth_at(bam, key[0], key[1]) if bam else "",
                    "truth_indel_bp": near_indel(record),
                    "other_calls_10bp": ";".join(
                        f"{c.pos}:{c.ref[:6]}>{c.alt[:6]}:{c.filter}" for c in same_pos
                    ),
                }
            )
    return rows


def info_depth(record: Record) -> int:
    """INFO/DP of a call (0 when absent)."""
    for item in record.info.split(";"):
        if item.startswith("DP="):
            return int(item[3:])
    return 0


def qual_sweep(
    label: str, truth: dict, all_calls: dict, thresholds: list[float], min_depth: int
) -> list[dict]:
    """F1 if the pipeline's filters were QUAL >= q and INFO/DP >= min_depth (FILTER ignored)."""
    rows = []
    for q in thresholds:
        kept = {k: r for k, r in all_calls.items() if r.qual >= q and info_depth(r) >= min_depth}
        result = compare(truth, kept)
        row = {"calls": label, "min_qual": q}
        for kind in ("SNV", "indel"):
            m = result[kind]
            row.update(
                {
                    f"{kind}_TP": m["TP"],
                    f"{kind}_FP": m["FP"],
                    f"{kind}_FN": m["FN"],
                    f"{kind}_F1": m["F1"],
                }
            )
        rows.append(row)
    return rows


def self_test() -> None:
    """The comparison on a hand-made toy case with a known answer."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        ref = tmp / "ref.fa"
        ref.write_text(">t\n" + "ACGTACGTAAAAACGTACGTACGTACGTACGT" + "\n")
        pysam.faidx(str(ref))
        header = (
            "##fileformat=VCFv4.2\n##contig=<ID=t,length=32>\n"
            '##FILTER=<ID=LowQual,Description="">\n'
            '##FORMAT=<ID=GT,Number=1,Type=String,Description="">\n'
        )
        header += "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS\n"
        # truth: SNV at 2 (het), 4 (hom), 21 (het, phased), one A deleted from the A run (9-13)
        (tmp / "truth.vcf").write_text(
            header + "t\t2\t.\tC\tG\t50\tPASS\t.\tGT\t0/1\nt\t4\t.\tT\tA\t50\tPASS\t.\tGT\t1/1\n"
            "t\t12\t.\tAA\tA\t50\tPASS\t.\tGT\t0/1\nt\t21\t.\tA\tC\t50\tPASS\t.\tGT\t0|1\n"
        )
        # calls: SNV 2 (TP), SNV 4 as het (TP, genotype error), deletion written right-shifted
        # (both left-align to 8 TA>T), 21 LowQual (FN), 26 FP, multi-allelic 30 (one FP allele)
        (tmp / "calls.vcf").write_text(
            header + "t\t2\t.\tC\tG\t50\tPASS\t.\tGT\t0/1\nt\t4\t.\tT\tA\t50\tPASS\t.\tGT\t0/1\n"
            "t\t10\t.\tAA\tA\t50\tPASS\t.\tGT\t1/0\nt\t21\t.\tA\tC\t5\tLowQual\t.\tGT\t0/1\n"
            "t\t26\t.\tC\tT\t50\tPASS\t.\tGT\t0/1\nt\t30\t.\tC\tG,T\t50\tPASS\t.\tGT\t0/2\n"
        )
        truth = read_vcf(normalise(tmp / "truth.vcf", ref, tmp / "t.norm.vcf"))
        calls = read_vcf(normalise(tmp / "calls.vcf", ref, tmp / "c.norm.vcf"))
        result = compare(truth, calls)
        snv, indel = result["SNV"], result["indel"]
        assert (snv["TP"], snv["FP"], snv["FN"]) == (2, 2, 1), snv
        assert snv["gt_mismatch_keys"] == [("t", 4, "T", "A")], snv
        assert (indel["TP"], indel["FP"], indel["FN"]) == (1, 0, 0), indel
        assert abs(snv["precision"] - 0.5) < 1e-9 and abs(snv["recall"] - 2 / 3) < 1e-9
    print(
        "self-test passed: 2 SNV TP, 2 FP (one from a split multi-allelic), 1 FN (LowQual),"
        " 1 GT error, left-aligned indel matched"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--aligners", nargs="+", default=list(ALIGNERS), choices=ALIGNERS)
    parser.add_argument("--callers", nargs="+", default=list(CALLERS), choices=CALLERS)
    parser.add_argument(
        "--root",
        type=Path,
        default=Path("/tmp/bench-acc"),
        help="workdirs are <root>-<aligner> (default /tmp/bench-acc)",
    )
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="shared reference cache")
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument(
        "--rerun",
        action="store_true",
        help="rerun the pipeline even if a combination's VCF is kept",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="list every FN, FP and genotype error with its context",
    )
    parser.add_argument(
        "--score",
        nargs="+",
        default=[],
        metavar="LABEL=VCF",
        help="only score these VCFs (e.g. calls made by hand with other options); no pipeline run",
    )
    parser.add_argument(
        "--sweep",
        nargs="*",
        type=float,
        metavar="Q",
        help="also score every callset with QUAL >= Q and INFO/DP >= --min-depth, not its FILTER",
    )
    parser.add_argument(
        "--min-depth",
        type=int,
        default=5,
        help="depth filter of --sweep (the pipeline's calling.min_depth)",
    )
    parser.add_argument(
        "--self-test", action="store_true", help="only check the comparison on a toy case"
    )
    args = parser.parse_args()

    if args.self_test:
        self_test()
        return

    regions = read_bed(SIM_DEV / "confident.bed")
    scratch = Path(tempfile.mkdtemp(prefix="bench-acc-norm-"))
    truth = read_vcf(normalise(SIM_DEV / "truth.vcf", CHR20, scratch / "truth.vcf"), regions)
    rows, details, sweep, results = [], [], [], {}
    if args.score:
        jobs = [
            (label, Path(path), None)
            for label, _, path in (item.partition("=") for item in args.score)
        ]
    else:
        jobs = []
        for aligner in args.aligners:
            for caller in args.callers:
                vcf, seconds = call_combination(
                    args.root, aligner, caller, args.cache, args.cores, args.rerun
                )
                jobs.append((f"{aligner}+{caller}", vcf, seconds))
    for combo, vcf, seconds in jobs:
        norm = normalise(vcf, CHR20, scratch / f"{combo}.vcf")
        calls = read_vcf(norm, regions)
        result = compare(truth, calls)
        results[combo] = {"run_seconds": seconds, "vcf": str(vcf), **result}
        for kind, metrics in result.items():
            rows.append(
                {
                    "combination": combo,
                    "kind": kind,
                    **{
                        k: metrics[k]
                        for k in (
                            "truth",
                            "calls",
                            "TP",
                            "FP",
                            "FN",
                            "precision",
                            "recall",
                            "F1",
                            "gt_concordance",
                        )
                    },
                    "target": TARGETS[kind],
                    "met": "yes" if metrics["F1"] >= TARGETS[kind] else "NO",
                }
            )
        if args.sweep:
            sweep += qual_sweep(
                combo, truth, read_vcf(norm, regions, pass_only=False), args.sweep, args.min_depth
            )
        if args.explain:
            bam = vcf.parent.parent / "results" / SAMPLE / f"{SAMPLE}.bam"
            all_calls = read_vcf(norm, regions, pass_only=False)
            for kind in ("SNV", "indel"):
                for row in explain(
                    kind, result[kind], truth, all_calls, bam if bam.exists() else None
                ):
                    details.append({"combination": combo, **row})
    print_table(
        rows,
        title="Accuracy in confident.bed (PASS calls vs truth.vcf, normalised, pos/ref/alt)",
    )
    if sweep:
        print_table(
            sweep, title="QUAL threshold sweep (FILTER column ignored; INFO/DP >= min-depth kept)"
        )
    if args.explain:
        print_table(details, title="False negatives, false positives and genotype errors")
    for result in results.values():
        for kind in ("SNV", "indel"):
            result[kind] = {
                k: ([list(x) for x in v] if k.endswith("_keys") else v)
                for k, v in result[kind].items()
            }
    name = "accuracy_scored" if args.score else "accuracy"
    write_json(f"{name}.json", results)
    if details:
        write_json(f"{name}_errors.json", details)
    if sweep:
        write_json(f"{name}_sweep.json", sweep)
    subprocess.run(["rm", "-rf", str(scratch)], check=False)


if __name__ == "__main__":
    main()

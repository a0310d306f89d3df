"""Why the germline score misses what it misses on a held-out set of accuracy_depth.py.

Reads the set's kept score VCF (`<workdir>/kept/<caller>-score/<set>.vcf.gz`), truth,
confident BED and BAM (`<workdir>/results/<set>/<set>.bam`), all left by accuracy_depth.py,
and prints, for SNVs inside the confident regions:

1. candidates by alternate-read count (FORMAT/AD): true and false, how many of each PASS, and
   the true SNVs never emitted by the number of alternate reads the BAM shows there (bases
   and reads passing the pipeline's `calling.min_baseq` and `calling.min_mapq`);
2. at one alternate-read count (`--alt-reads`), how well each feature of the score separates
   the true candidates from the false ones (ROC AUC, 0.5 = not at all), next to two values
   read from the BAM that no bcftools annotation carries: the mean sequencing cycle of the
   alternate bases (position in the read in the order the bases were read, 0 = first, 1 =
   last; bcftools' RPBZ ranks positions left to right on the reference, whatever the strand)
   and the alternate reads' strands.

    .venv/bin/python bench/accuracy_depth.py --callers bcftools --settings score --sets h15n
    .venv/bin/python bench/score_misses.py --set h15n
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

import numpy as np
import pysam
import yaml
from sklearn.metrics import roc_auc_score

from common import CHR20, REPO, inside, print_table, read_bed
from tailorseq.scoring import features


def alt_bases(bam: pysam.AlignmentFile, site: tuple, min_baseq: int, min_mapq: int) -> list:
    """(sequencing cycle 0-1, reverse strand) of each read showing the ALT base of an SNV."""
    contig, pos, _, alt = site
    found = []
    for column in bam.pileup(contig, pos - 1, pos, truncate=True, min_base_quality=min_baseq,
                             min_mapping_quality=min_mapq):  # fmt: skip
        for read in column.pileups:
            if read.is_del or read.is_refskip:
                continue
            alignment, offset = read.alignment, read.query_position
            if alignment.query_sequence[offset] != alt:
                continue
            last = alignment.query_length - 1
            cycle = last - offset if alignment.is_reverse else offset
            found.append((cycle / max(last, 1), alignment.is_reverse))
    return found


def snv_sites(vcf: Path, caller: str, bed: list) -> list[features.Site]:
    return [
        site
        for site in features.vcf_features(str(vcf), str(CHR20), caller)
        if len(site.ref) == 1 == len(site.alt) and inside(bed, site.contig, site.pos, site.ref)
    ]


def truth_snvs(path: Path, bed: list) -> set[tuple]:
    with pysam.VariantFile(str(path)) as truth:
        return {
            (r.contig, r.pos, r.ref, r.alts[0])
            for r in truth
            if len(r.ref) == 1 == len(r.alts[0]) and inside(bed, r.contig, r.pos, r.ref)
        }


def count_rows(sites, passed: set, truth: set, unseen: Counter) -> list[dict]:
    """Candidates and never-emitted truth by alternate-read count (6 = 6 or more)."""
    table: Counter = Counter()
    for site in sites:
        key = site.key
        alt = min(int(site.values["alt_reads"]), 6)
        table[alt, key in truth, key in passed] += 1
    return [
        {
            "alt_reads": f"{alt}+" if alt == 6 else str(alt),
            "true": table[alt, True, True] + table[alt, True, False],
            "true_PASS": table[alt, True, True],
            "false": table[alt, False, True] + table[alt, False, False],
            "false_PASS": table[alt, False, True],
            "true_never_emitted": unseen[alt],
        }
        for alt in range(7)
    ]


def separation_rows(sites, truth: set, bam, limits: tuple[int, int], caller: str) -> list:
    """ROC AUC of each feature and of the BAM-only values for true vs false candidates."""
    labels = np.array([s.key in truth for s in sites])
    if labels.all() or not labels.any():
        return []
    reads = [alt_bases(bam, s.key, *limits) for s in sites]
    columns = {name: [s.values[name] for s in sites] for name in features.feature_names(caller)}
    columns["BAM: mean sequencing cycle of ALT bases"] = [
        np.mean([cycle for cycle, _ in r]) if r else np.nan for r in reads
    ]
    columns["BAM: share of ALT reads on the reverse strand"] = [
        np.mean([rev for _, rev in r]) if r else np.nan for r in reads
    ]
    rows = []
    for name, values in columns.items():
        values = np.array(values, dtype=float)
        known = ~np.isnan(values)
        if len(set(labels[known])) < 2 or len(set(values[known])) < 2:
            continue
        auc = roc_auc_score(labels[known], values[known])
        rows.append({"feature": name, "AUC": max(auc, 1 - auc),
                     "true_mean": float(values[known & labels].mean()),
                     "false_mean": float(values[known & ~labels].mean())})  # fmt: skip
    return sorted(rows, key=lambda row: -row["AUC"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/bench-depth"))
    parser.add_argument("--set", default="h15n")
    parser.add_argument("--caller", default="bcftools", choices=features.CALLERS)
    parser.add_argument("--alt-reads", type=int, default=3, help="the count to look into")
    args = parser.parse_args()
    calling = yaml.safe_load((REPO / "config" / "config.yaml").read_text())["calling"]
    limits = (calling["min_baseq"], calling["min_mapq"])
    sets = args.workdir / "sets"
    bed = read_bed(sets / f"{args.set}.confident.bed")
    truth = truth_snvs(sets / f"{args.set}.truth.vcf.gz", bed)
    vcf = args.workdir / "kept" / f"{args.caller}-score" / f"{args.set}.vcf.gz"
    sites = snv_sites(vcf, args.caller, bed)
    with pysam.VariantFile(str(vcf)) as calls:
        passed = {(r.contig, r.pos, r.ref, r.alts[0]) for r in calls if "PASS" in r.filter}
    emitted = {s.key for s in sites}
    bam_path = args.workdir / "results" / args.set / f"{args.set}.bam"
    with pysam.AlignmentFile(str(bam_path)) as bam:
        unseen = Counter(min(len(alt_bases(bam, key, *limits)), 6) for key in truth - emitted)
        print_table(count_rows(sites, passed, truth, unseen),
                    title=f"{args.set} {args.caller} SNVs by alternate reads")  # fmt: skip
        contested = [s for s in sites if s.values["alt_reads"] == args.alt_reads]
        true = sum(s.key in truth for s in contested)
        print_table(separation_rows(contested, truth, bam, limits, args.caller),
                    title=f"{true} true vs {len(contested) - true} false candidates with "
                    f"{args.alt_reads} alternate reads (ROC AUC; few sites: check on more "
                    "sets before trusting a difference)")  # fmt: skip


if __name__ == "__main__":
    main()

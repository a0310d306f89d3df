"""Somatic copy number and structural variants on a simulated chr20 pair with planted events:
events recovered, copy number error, breakpoint distance, false calls and CPU per pair.

The pair (tailorseq.somatic.simulate with tailorseq.somatic.rearrangements): 40x tumour at
purity 0.6 and 30x normal over 4 Mb of GRCh37 chr20 (30-34 Mb), aligned against the whole of
chr20 as a panel or exome is against a genome, so the copy-number bins must follow the depth of
the covered territory. Planted in the tumour cells: an amplification to 8 copies (300 kb), a
one-copy deletion (500 kb), a homozygous deletion (100 kb) and a copy-neutral inversion
(200 kb), which the depth must not call. Generated once into --data.

An event counts as recovered when the called segment covering most of it has the expected call
(amplification, loss, deep_deletion; neutral for the inversion). Breakpoint distance: between
that segment's ends and the event's. False calls: non-neutral segments outside every event.
Structural variants: each event should give PASS somatic DELLY records of its type (deletion:
DEL, tandem amplification: DUP, inversion: INV) with both breakpoints within 1 kb of the
event's; PASS records matching no event are false. Allele-specific copy number (CNVkit `call
--vcf` at the normal's heterozygous SNPs, cnv.json's scar segments): each event's planted
major/minor copies against the segment covering most of it; the scar counts themselves are "not
assessed" on one chromosome, as they must be.

    .venv/bin/python bench/cnv.py   # ~10-18 min on 2 cores (the normal is germline-called too)
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
from pathlib import Path

import pysam

from common import (
    CHR20,
    DEFAULT_CACHE,
    print_table,
    read_benchmarks,
    run_pipeline,
    write_json,
    write_run_config,
)
from somatic import write_pair
from speed import warm_cache
from tailorseq.somatic.rearrangements import Event
from tailorseq.somatic.simulate import PairSpec, simulate_pair

PATIENT = "CNV"
START = 30_000_001
EVENTS = (
    Event("amplification", 500_000, 800_000, copies=(7, 1)),
    Event("deletion", 1_500_000, 2_000_000, copies=(1, 0)),
    Event("deletion", 2_500_000, 2_600_000, copies=(0, 0)),
    Event("inversion", 3_200_000, 3_400_000, inverted=(0,)),
)
SPEC = PairSpec("cnv", "20", START, 4_000_000, 40.0, 30.0, 0.6, 5.0, "clean", 2050, EVENTS)
EXPECTED = {"amplification": "amplification", "inversion": "neutral"}
SV_TYPE = {"amplification": "DUP", "deletion": "DEL", "inversion": "INV"}
SV_SLACK = 1_000
CNV_RULES = ("cnvkit_access", "somatic_cnv", "somatic_sv")


def expected_call(kind: str, total: int) -> str:
    """The call a planted event should get (copies against a diploid contig)."""
    if kind == "deletion":
        return "deep_deletion" if total == 0 else "loss"
    return EXPECTED[kind]


def read_events(path: Path) -> list[dict]:
    rows = [line.split("\t") for line in path.read_text().splitlines() if line]
    return [{"start": int(s), "end": int(e), "kind": k, "copies": int(c)} for _, s, e, k, c in rows]


def read_segments(path: Path) -> list[dict]:
    with path.open() as handle:
        return [
            {
                **row,
                "start": int(row["start"]),
                "end": int(row["end"]),
                "copy_number": int(row["copy_number"]),
            }
            for row in csv.DictReader(handle, delimiter="\t")
        ]


def overlap(a: dict, b: dict) -> int:
    return max(0, min(a["end"], b["end"]) - max(a["start"], b["start"]))


def event_rows(events: list[dict], segments: list[dict]) -> list[dict]:
    """Each event against the called segment covering most of it."""
    rows = []
    for event in events:
        best = max(segments, key=lambda s: overlap(s, event), default=None)
        wanted = expected_call(event["kind"], event["copies"])
        found = best is not None and overlap(best, event) > 0
        rows.append({
            "event": f"{event['kind']} {(event['end'] - event['start']) // 1000} kb",
            "true_copies": event["copies"],
            "expected": wanted,
            "called": best["call"] if found else "none",
            "called_copies": best["copy_number"] if found else None,
            "recovered": found and best["call"] == wanted,
            "start_distance": abs(best["start"] - event["start"]) if found else None,
            "end_distance": abs(best["end"] - event["end"]) if found else None,
        })  # fmt: skip
    return rows


def false_calls(events: list[dict], segments: list[dict]) -> list[dict]:
    """Non-neutral segments that touch no planted copy-number change."""
    changes = [e for e in events if e["kind"] != "inversion"]
    return [
        s for s in segments
        if s["call"] != "neutral" and not any(overlap(s, e) for e in changes)
    ]  # fmt: skip


def read_sv(path: Path) -> list[dict]:
    """PASS records of the published SV VCF: type, 1-based start and END."""
    with pysam.VariantFile(str(path)) as handle:
        return [
            {"id": r.id, "svtype": r.info["SVTYPE"], "pos": r.pos, "end": r.stop}
            for r in handle
            if "PASS" in r.filter
        ]


def sv_rows(events: list[dict], records: list[dict]) -> tuple[list[dict], list[dict]]:
    """Each event's matching PASS records and breakpoint distances; the unmatched records."""
    rows, used = [], set()
    for event in events:
        wanted = SV_TYPE[event["kind"]]
        near = [
            r for r in records
            if r["svtype"] == wanted and abs(r["pos"] - 1 - event["start"]) <= SV_SLACK
            and abs(r["end"] - event["end"]) <= SV_SLACK
        ]  # fmt: skip
        used |= {r["id"] for r in near}
        rows.append({
            "event": f"{event['kind']} {(event['end'] - event['start']) // 1000} kb",
            "expected": wanted,
            "records": len(near),
            "recovered": bool(near),
            "max_breakpoint_distance": max(
                (max(abs(r["pos"] - 1 - event["start"]), abs(r["end"] - event["end"]))
                 for r in near), default=None),
        })  # fmt: skip
    return rows, [r for r in records if r["id"] not in used]


def allele_rows(events: list[dict], scar: dict) -> list[dict]:
    """Each event's planted (major, minor) tumour copies against the allele-specific segment
    covering most of it (the events file lists SPEC.events in order)."""
    rows = []
    for event, planted in zip(events, SPEC.events, strict=True):
        best = max(scar["segments"], key=lambda s: overlap(s, event), default=None)
        found = best is not None and overlap(best, event) > 0
        rows.append({
            "event": f"{event['kind']} {(event['end'] - event['start']) // 1000} kb",
            "true_major_minor": f"{max(planted.copies)}/{min(planted.copies)}",
            "called_major_minor": f"{best['cn1']}/{best['cn2']}" if found else "none",
            "called_total": best["cn"] if found else None,
        })  # fmt: skip
    return rows


def purity_row(purity: dict) -> dict:
    """The planted purity against the estimate from the somatic SNVs and the one used."""
    estimate = purity["estimate"]
    return {
        "planted": SPEC.purity,
        "used": purity["value"],
        "source": purity["source"],
        "estimate": estimate["value"],
        "interval_90": estimate["interval"],
        "snvs": estimate["mutations"],
    }


def pair_parser(description: str) -> argparse.ArgumentParser:
    """The command line of the chr20 pair's benches: where its reads, run and cache live."""
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=Path("/tmp/bench-cnv-data"))
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/bench-cnv"))
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    return parser


def main() -> None:
    parser = pair_parser(__doc__)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument(
        "--estimate-purity", action="store_true", help="no purity in the sheet: use the estimate"
    )
    args = parser.parse_args()
    pair = simulate_pair(CHR20, SPEC, args.data)
    workdir = args.workdir
    warm_cache(workdir, "minimap2", args.cache, args.cores)
    shutil.rmtree(workdir)
    tumor, normal = ({"fq1": fq1, "fq2": fq2} for fq1, fq2 in (pair.tumor, pair.normal))
    write_pair(workdir, PATIENT, tumor, normal,
               purity="" if args.estimate_purity else str(SPEC.purity))  # fmt: skip
    write_run_config(workdir, reference={"build": "GRCh37", "fasta": str(CHR20)},
                     cache_dir=str(args.cache), aligner="minimap2")  # fmt: skip
    products = [f"results/{PATIENT}/{PATIENT}.cnv.{ext}" for ext in ("tsv", "json", "png")]
    products += [f"results/{PATIENT}/{PATIENT}.sv.vcf.gz{ext}" for ext in ("", ".tbi")]
    wall = run_pipeline(workdir, args.cores, products)
    segments = read_segments(workdir / products[0])
    document = json.loads((workdir / products[1]).read_text())
    events = read_events(pair.events)
    rows = event_rows(events, segments)
    false = false_calls(events, segments)
    structural, false_svs = sv_rows(events, read_sv(workdir / products[3]))
    rules = [r for r in read_benchmarks(workdir) if r["rule"] in (*CNV_RULES, "align_minimap2")]
    print_table(rows, title=f"Planted events (tumour {SPEC.tumor_depth:.0f}x, purity"
                f" {SPEC.purity}; normal {SPEC.normal_depth:.0f}x; 4 Mb of chr20)")  # fmt: skip
    print_table(false or [{"false_calls": 0}], title="Non-neutral segments outside every event")
    print_table(structural, title="Planted events against PASS somatic DELLY records")
    print_table(false_svs or [{"false_svs": 0}], title="PASS SV records matching no event")
    print_table([purity_row(document["purity"])], title="Tumour purity")
    alleles = allele_rows(events, document["scar"])
    print_table(alleles, title="Allele-specific copy number (major/minor) of the planted events")
    print(f"  genomic scar counts (research use): {document['scar']['status']}:"
          f" {document['scar']['reason'] or document['scar']['sum']}")  # fmt: skip
    print_table(rules, ["rule", "jobs", "wall_s", "cpu_s", "max_rss_mb"], title="Cost")
    print(f"  territory {document['territory']['bases']:,} bases, {document.get('bins')} bins,"
          f" normal median depth {document.get('normal_median_depth')}x; run wall {wall:.0f} s;"
          f" {sum(r['recovered'] for r in rows)} of {len(rows)} events recovered,"
          f" {len(false)} false calls")  # fmt: skip
    write_json("cnv.json", {"events": rows, "false_calls": false, "sv": structural,
                            "alleles": alleles,
                            "false_svs": false_svs, "cost": rules, "document": document,
                            "wall_s": wall})  # fmt: skip


if __name__ == "__main__":
    main()

"""The bench/cnv.py pair compared with a pooled reference of normals (cnv.reference) instead of
its own normal: events recovered, copy-number error, breakpoint distance, false calls and CPU,
paired against pooled.

The pooled normals are other simulated people over the same 4 Mb of chr20 at the pair normal's
depth (tailorseq.somatic.simulate, other seeds: other germline variants, no events), aligned
with minimap2 and pooled by `tailorseq cnv-reference`'s builder (bins over the sequence every
normal covers, sized by depth). Needs a finished bench/cnv.py run in --workdir (its alignments
and calls are reused: only copy number runs again, first paired with the current code, then
pooled).

    .venv/bin/python bench/cnv.py && .venv/bin/python bench/cnv_pooled.py --normals 3
"""

from __future__ import annotations

import dataclasses
import json
import resource
import subprocess
import tempfile
from pathlib import Path

import yaml

from cnv import (
    PATIENT,
    SPEC,
    event_rows,
    false_calls,
    pair_parser,
    read_events,
    read_segments,
)
from common import CHR20, print_table, read_benchmarks, run_pipeline, write_json
from tailorseq.defaults import config_defaults
from tailorseq.somatic.cnvkit_steps import build_reference
from tailorseq.somatic.copy_number import CnvSettings
from tailorseq.somatic.simulate import simulate_pair


def align(fastqs: tuple[Path, Path], name: str, index: Path, out: Path, threads: int) -> Path:
    """minimap2 short-read alignment, sorted and indexed, read group `name`."""
    bam = out / f"{name}.bam"
    if not bam.exists():
        mapped = subprocess.Popen(
            ["minimap2", "-ax", "sr", "-t", str(threads), "-R", f"@RG\\tID:{name}\\tSM:{name}",
             str(index), *map(str, fastqs)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        subprocess.run(["samtools", "sort", "-@", str(threads), "-o", str(bam), "-"],
                       stdin=mapped.stdout, check=True)  # fmt: skip
        if mapped.wait() != 0:
            raise SystemExit(f"minimap2 failed for {name}")
        subprocess.run(["samtools", "index", str(bam)], check=True)
    return bam


def copy_number(workdir: Path, events_bed: Path, reference: str) -> dict:
    """Copy number of the bench pair with cnv.reference = `reference` (empty: paired)."""
    config = yaml.safe_load((workdir / "run.yaml").read_text())
    config.setdefault("cnv", {})["reference"] = reference
    (workdir / "run.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    products = [f"results/{PATIENT}/{PATIENT}.cnv.{ext}" for ext in ("tsv", "json")]
    for path in (workdir / "benchmarks" / "somatic_cnv").glob("*.tsv"):
        path.unlink()
    wall = run_pipeline(workdir, 2, products, log_name=f"snakemake.cnv{bool(reference)}.log")
    segments = read_segments(workdir / products[0])
    events = read_events(events_bed)
    rows = event_rows(events, segments)
    (cost,) = [r for r in read_benchmarks(workdir) if r["rule"] == "somatic_cnv"]
    return {
        "events": rows,
        "false_calls": false_calls(events, segments),
        "document": json.loads((workdir / products[1]).read_text()),
        "cpu_s": cost["cpu_s"],
        "wall_s": wall,
    }


def cpu_seconds() -> float:
    """CPU time of this process and its finished children."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def summary(label: str, result: dict) -> dict:
    rows = result["events"]
    found = [r for r in rows if r["called_copies"] is not None]
    changes = [r for r in found if r["expected"] != "neutral"]  # an inversion has no ends
    return {
        "reference": label,
        "recovered": f"{sum(r['recovered'] for r in rows)}/{len(rows)}",
        "max_copy_error": max(abs(r["called_copies"] - r["true_copies"]) for r in found),
        "max_breakpoint_bp": max(max(r["start_distance"], r["end_distance"]) for r in changes),
        "false_calls": len(result["false_calls"]),
        "bins": result["document"].get("bins"),
        "purity_used": result["document"]["purity"]["value"],
        "somatic_cnv_cpu_s": result["cpu_s"],
    }


def main() -> None:
    parser = pair_parser(__doc__)
    parser.add_argument("--normals", type=int, default=3)
    args = parser.parse_args()
    genome = next(args.cache.glob("reference/*/genome.fa"))
    index = genome.with_name("genome.fa.sr.mmi")
    bams = []
    for number in range(args.normals):
        spec = dataclasses.replace(SPEC, name=f"pon{number}", seed=3000 + 17 * number,
                                   events=(), tumor_depth=1.0)  # fmt: skip
        pair = simulate_pair(CHR20, spec, args.data)
        bams.append(align(pair.normal, f"pon{number}", index, args.data, 2))
    pooled = args.data / f"pooled{args.normals}.cnn"
    before = cpu_seconds()
    with tempfile.TemporaryDirectory() as work:
        settings = CnvSettings.from_config(config_defaults("cnv"))
        record = build_reference(bams, genome, genome.with_name("genome.fa.cnvkit-access.bed"),
                                 pooled, settings, 20, 2, Path(work))  # fmt: skip
    build_cpu = cpu_seconds() - before
    events = args.data / "cnv.events.bed"  # bench/cnv.py's pair, simulated into --data
    paired = copy_number(args.workdir, events, "")
    pooled_result = copy_number(args.workdir, events, str(pooled))
    for label, result in (("paired", paired), ("pooled", pooled_result)):
        print_table(result["events"], title=f"Planted events, {label} reference")
    table = [summary("paired normal", paired),
             summary(f"pooled, {args.normals} normals", pooled_result)]  # fmt: skip
    print_table(table, title="Paired normal against a pooled reference of simulated normals")
    print(f"  pooled reference: {record['bins']} bins over {record['territory_bases']:,} bases;"
          f" built in {build_cpu:.1f} CPU s (mosdepth per normal, CNVkit's steps)")  # fmt: skip
    write_json("cnv_pooled.json", {"paired": paired, "pooled": pooled_result, "record": record,
                                   "summary": table})  # fmt: skip


if __name__ == "__main__":
    main()

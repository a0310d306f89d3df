"""The PGx matcher against PharmCAT's own material: a table of cases, agreed and disagreed per
source (matcher_cases.json, named test VCFs, the example VCF vs PharmCAT's report).

    .venv/bin/python bench/pgx_pharmcat.py [--pharmcat ../shared/data/pharmcat] [--json OUT]
"""

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "scripts"), str(ROOT / "tests")]

from conformance.pharmcat import (  # noqa: E402
    load_cases,
    run_case,
    run_combination_cases,
    run_combination_files,
    run_dpyd_cases,
    run_dpyd_test_vcfs,
    run_example,
    run_hapb3_table,
    run_test_vcfs,
)
from tailorseq.pgx import load_definitions  # noqa: E402
from tailorseq.pgx.phenotype import pharmcat_source  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pharmcat", default=str(ROOT.parent / "shared" / "data" / "pharmcat"))
    parser.add_argument("--json", help="also write the outcomes as JSON")
    args = parser.parse_args()
    pharmcat = Path(args.pharmcat)
    if not pharmcat.is_dir():
        print(f"{pharmcat} is absent: nothing to compare", file=sys.stderr)
        return 1
    start = time.perf_counter()
    definitions = load_definitions(pharmcat / "definition" / "alleles")
    phenotypes = pharmcat_source(pharmcat / "phenotype")
    with tempfile.TemporaryDirectory() as work:
        sources = {
            "matcher_cases": [
                run_case(c, definitions, pharmcat, Path(work)) for c in load_cases(pharmcat)
            ],
            "test-vcfs": run_test_vcfs(definitions, pharmcat),
            "example": run_example(definitions, pharmcat),
            # PharmCAT's research-mode (findCombinations) tests, with the mode off and on
            "combo-vcfs off": run_combination_files(definitions, pharmcat, False),
            "combo-vcfs on": run_combination_files(definitions, pharmcat, True),
            "combo-cases off": run_combination_cases(definitions, pharmcat, Path(work), False),
            "combo-cases on": run_combination_cases(definitions, pharmcat, Path(work), True),
            # DPYD's lowest-function path (with HapB3), and its phenotype lookup haplotypes
            "dpyd-cases": run_dpyd_cases(definitions, pharmcat, Path(work), phenotypes),
            "dpyd-hapb3-table": run_hapb3_table(definitions, pharmcat, Path(work), phenotypes),
            "dpyd-test-vcfs": run_dpyd_test_vcfs(definitions, pharmcat),
        }
    seconds = time.perf_counter() - start
    print(f"{'source':<16} {'cases':>5} {'agreed':>6} {'disagreed':>9}  disagreed ids")
    for source, outcomes in sources.items():
        bad = [o for o in outcomes if not o.agreed]
        ids = ", ".join(o.id for o in bad) or "-"
        print(f"{source:<16} {len(outcomes):>5} {len(outcomes) - len(bad):>6} {len(bad):>9}  {ids}")
    print(f"\n{seconds:.2f} s for all comparisons")
    for source, outcomes in sources.items():
        if source.endswith(" off"):
            continue  # research-mode cases without the mode: disagreeing is expected
        for o in outcomes:
            if not o.agreed:
                print(f"  {source} {o.id}: PharmCAT {o.expected} / ours {o.got} {o.note}")
            elif (
                o.note
                and o.note not in ("top-ranked", "exact", "combination")
                and not o.note.startswith(("score", "lowest-function", "warning"))
            ):
                print(f"  {source} {o.id}: {o.note}")
    if args.json:
        Path(args.json).write_text(
            json.dumps({s: [o.__dict__ for o in out] for s, out in sources.items()}, indent=1)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

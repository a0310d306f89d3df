"""CYP2D6 from simulated reads with Aldy: every planted patient of tests/unit/cyp2d6_locus.py
(deletion, duplication, SNV alleles, *36) at a few depths; a table of planted vs called
diplotype, copy number, phenotype and Aldy's time. Needs `aldy` on PATH (its licence: see the
README's PGx section) and pypgx.

    .venv/bin/python bench/cyp2d6.py [--depths 30 15] [--json OUT]
"""

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "scripts"), str(ROOT / "tests"), str(ROOT / "tests" / "unit")]

from cyp2d6_locus import PATIENTS, Locus, Patient, aldy_gene_file, patient_bam  # noqa: E402

from tailorseq.pgx.cyp2d6 import call_cyp2d6  # noqa: E402
from tailorseq.pgx.phenotype import pypgx_source  # noqa: E402

GRCH38 = {"chr22": 50_818_468}


def run_patient(locus: Locus, patient: Patient, depth: int, phenotypes) -> dict:
    """Simulate, align, call; the row of the table."""
    with tempfile.TemporaryDirectory(prefix="cyp2d6-bench-") as work:
        bam = patient_bam(locus, patient.haplotypes(locus), Path(work), depth)
        start = time.monotonic()
        call = call_cyp2d6(bam, "GRCh38", GRCH38, False, 10, Path(work))
        seconds = time.monotonic() - start
    phenotype = call.phenotype
    if call.diplotype:
        phenotype = phenotypes.gene_phenotype("CYP2D6", [call.diplotype.split("/")]).phenotype
    solutions = [s["diplotype"] for s in call.solutions]
    expected = (patient.diplotype, patient.copies, patient.phenotype)
    ok = patient.name in solutions and (call.diplotype, call.copy_number, phenotype) == expected
    if not patient.called:
        ok = not call.called
    return {"depth": depth, "planted": patient.name, "called": call.diplotype,
            "solutions": solutions, "reason": call.reason, "copies": call.copy_number,
            "expected_copies": patient.copies, "phenotype": phenotype, "ok": ok,
            "seconds": round(seconds, 1)}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--depths", type=int, nargs="+", default=[30])
    parser.add_argument("--json", help="also write the rows as JSON")
    args = parser.parse_args()
    locus = Locus(aldy_gene_file())
    phenotypes = pypgx_source()
    rows = []
    print("depth  planted   Aldy's solutions      CN(exp)  phenotype                 ok  aldy s")
    for depth in args.depths:
        for patient in PATIENTS:
            row = run_patient(locus, patient, depth, phenotypes)
            rows.append(row)
            print(f"{depth:>5}  {row['planted']:<9} {', '.join(row['solutions']):<21} "
                  f"{row['copies']!s:>2}({row['expected_copies']})    {row['phenotype']!s:<25} "
                  f"{'yes' if row['ok'] else 'NO':<3} {row['seconds']:6.1f}")  # fmt: skip
    print(f"{sum(r['ok'] for r in rows)}/{len(rows)} patients as expected (planted, or no call)")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2) + "\n")
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())

"""Rule adapter: a sample's CYP2D6 structural call with Aldy (tailorseq.pgx.cyp2d6), or the
reason there is none, as JSON. Under Snakemake it reads `snakemake.input.bam/fai`,
`snakemake.params.build/targeted/min_depth`; outside it is a CLI:

    python scripts/pgx_cyp2d6.py --bam S.bam --fai ref.fa.fai --build GRCh38 --out S.cyp2d6.json \
        [--targeted] [--min-depth 10]
"""

import argparse
import sys
import tempfile
from pathlib import Path

from tailorseq.files import stderr_to
from tailorseq.pgx.cyp2d6 import call_cyp2d6, write_call
from tailorseq.regions import contig_lengths


def run(bam: Path, fai: Path, build: str, targeted: bool, min_depth: int, out: Path) -> None:
    """Call, write the JSON, say in the log what was decided."""
    with tempfile.TemporaryDirectory() as work:
        call = call_cyp2d6(bam, build, contig_lengths(fai), targeted, min_depth, Path(work))
    write_call(call, out)
    found = call.diplotype or f"{call.phenotype}, activity score {call.activity_score}"
    print(f"CYP2D6: {found if call.called else 'not called'}; {call.reason or ''}",
          file=sys.stderr)  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bam", type=Path, required=True)
    parser.add_argument("--fai", type=Path, required=True, help="the reference's .fai")
    parser.add_argument("--build", required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--targeted", action="store_true", help="reads from a capture")
    parser.add_argument("--min-depth", type=int, default=10)
    args = parser.parse_args(argv)
    run(args.bam, args.fai, args.build, args.targeted, args.min_depth, args.out)
    return 0


if __name__ == "__main__":
    if "snakemake" in globals():
        rule = globals()["snakemake"]
        with stderr_to(rule.log[0]):
            run(Path(rule.input.bam), Path(rule.input.fai), rule.params.build,
                rule.params.targeted, rule.params.min_depth, Path(rule.output.json))  # fmt: skip
    else:
        sys.exit(main())

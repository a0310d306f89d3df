"""Rule adapter for the PGx step: under Snakemake reads `snakemake.input.vcf`,
`snakemake.params` (definitions, build, sample, genes) and writes `snakemake.output.json/tsv`;
outside Snakemake it is the same CLI as `python -m tailorseq pgx`."""

import sys

from tailorseq.cli import main


def run_from_snakemake(smk) -> None:
    """Call the library with the rule's input, params and output; errors go to the rule's log."""
    from pathlib import Path

    from tailorseq.pgx.report import definitions_folder, run_pgx

    params = smk.params
    genes = getattr(params, "genes", None) or None
    with open(smk.log[0], "w") if smk.log else sys.stderr as log:
        result = run_pgx(
            Path(smk.input.vcf),
            definitions_folder(
                getattr(params, "definitions", None), getattr(params, "build", None)
            ),
            out_json=Path(smk.output.json),
            out_tsv=Path(smk.output.tsv),
            sample=getattr(params, "sample", None),
            genes=list(genes) if genes else None,
            build=getattr(params, "build", None),
        )
        for warning in result["warnings"]:
            print(warning, file=log)


if __name__ == "__main__":
    if "snakemake" in globals():
        run_from_snakemake(globals()["snakemake"])
    else:
        sys.exit(main(["pgx", *sys.argv[1:]]))

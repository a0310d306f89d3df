"""Rule adapter for the PGx call: under Snakemake reads `snakemake.input.vcf` (the
force-genotyped positions), `snakemake.input.outside_calls` (none, one or several files, merged),
`snakemake.input.recommendations` (optional CPIC recommendation file), `snakemake.input.structural`
(the CYP2D6 caller's JSON when pgx.cyp2d6_caller is set), `snakemake.input.sex`
(the sample's sex check: the sex it was called with) and `snakemake.params` (definitions,
build, sample, phenotypes, recommendations: the configured source of the CPIC file) and writes
`snakemake.output.json/tsv` and PharmCAT's files of the calls (`snakemake.output.phenotype`,
`snakemake.output.outside_calls`); outside Snakemake it is the same CLI as `tailorseq pgx`:

    python scripts/pgx.py --vcf S.pgx.vcf.gz --definitions DIR --build GRCh38 \
        --out S.pgx.json --tsv S.pgx.tsv [--sex male] [--outside-calls CYP2D6.tsv HLA.json] \
        [--pharmcat-phenotype S.phenotype.json] [--pharmcat-outside-calls S.outside.tsv]
"""

import sys

from tailorseq.cli import main


def run_from_snakemake(smk) -> None:
    """Call the library with the rule's input, params and output; warnings and errors go to
    the rule's log. The JSON's sample is the one the VCF names (params.sample when given)."""
    import json
    from pathlib import Path

    from tailorseq.files import stderr_to
    from tailorseq.pgx.pipeline import run_pgx

    params = smk.params
    outside = list(smk.input.outside_calls)
    cpic = list(smk.input.recommendations)
    structural = list(smk.input.structural)
    sex = json.loads(Path(smk.input.sex).read_text())["calling_sex"]
    with stderr_to(smk.log[0] if smk.log else None):
        result = run_pgx(
            Path(smk.input.vcf),
            Path(params.definitions),
            out_json=Path(smk.output.json),
            out_tsv=Path(smk.output.tsv),
            pharmcat_phenotype=Path(smk.output.phenotype),
            pharmcat_outside_calls=Path(smk.output.outside_calls),
            sample=params.sample or None,
            build=params.build,
            phenotypes=params.phenotypes or None,
            outside_calls=outside or None,
            sex=sex,
            cpic_file=cpic[0] if cpic else None,
            cpic_source=params.recommendations or None,
            downloads=[json.loads(Path(r).read_text()) for r in smk.input.definition_records],
            structural=structural[0] if structural else None,
        )
        for warning in result["warnings"]:
            print(warning, file=sys.stderr)
        print(f"{len(result['genes'])} genes called", file=sys.stderr)


if __name__ == "__main__":
    if "snakemake" in globals():
        run_from_snakemake(globals()["snakemake"])
    else:
        sys.exit(main(["pgx", *sys.argv[1:]]))

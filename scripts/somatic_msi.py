"""A tumour/normal pair's MSI score (MSIsensor-like, see tailorseq.somatic.msi) as JSON, with
every candidate microsatellite's length distributions as TSV."""

import argparse
import json
from pathlib import Path

from tailorseq.defaults import config_defaults
from tailorseq.files import stderr_to, write_atomic
from tailorseq.somatic.msi import MsiSettings, msi


def run(
    tumor: Path,
    normal: Path,
    reference: Path,
    settings: MsiSettings,
    out: Path,
    sites: Path,
    purity: float | None = None,
) -> dict:
    """Score the pair and write its MSI document and site table."""
    document = msi(tumor, normal, reference, settings, sites_tsv=sites, purity=purity)
    write_atomic(out, json.dumps(document, indent=2) + "\n")
    return document


if __name__ == "__main__":
    if "snakemake" in globals():
        rule = snakemake  # noqa: F821
        with stderr_to(rule.log[0]):
            tumor, normal = rule.input.alns
            run(
                Path(tumor),
                Path(normal),
                Path(rule.input.ref),
                MsiSettings.from_config(rule.params.settings),
                Path(rule.output.json),
                Path(rule.output.sites),
                rule.params.purity,
            )
    else:
        defaults = config_defaults("somatic")
        parser = argparse.ArgumentParser(description=__doc__)
        parser.add_argument("--tumor", type=Path, required=True, help="tumour BAM/CRAM")
        parser.add_argument("--normal", type=Path, required=True, help="normal BAM/CRAM")
        parser.add_argument("--reference", type=Path, required=True, help="indexed FASTA")
        parser.add_argument(
            "--msi-high",
            type=float,
            default=defaults["msi_high"],
            help="MSI-high cut-off (%%); default: the method's, 3.5",
        )
        parser.add_argument("--purity", type=float, help="tumour purity (for the purity note)")
        parser.add_argument("--min-coverage", type=int, default=defaults["msi_min_coverage"])
        parser.add_argument("--min-mapq", type=int, default=defaults["min_mapq"])
        parser.add_argument("--flank", type=int, default=defaults["msi_flank"])
        parser.add_argument("--fdr", type=float, default=defaults["msi_fdr"])
        parser.add_argument("--min-sites", type=int, default=defaults["msi_min_sites"])
        parser.add_argument("--max-sites", type=int, default=defaults["msi_max_sites"])
        parser.add_argument("--out", type=Path, required=True)
        parser.add_argument("--sites", type=Path, required=True)
        args = parser.parse_args()
        settings = MsiSettings(
            args.msi_high, args.min_coverage, args.min_mapq, args.flank, args.fdr, args.min_sites,
            args.max_sites,
        )  # fmt: skip
        document = run(
            args.tumor, args.normal, args.reference, settings, args.out, args.sites, args.purity
        )
        print(json.dumps({k: v for k, v in document.items() if k != "unstable"}, indent=2))

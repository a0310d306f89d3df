"""Somatic calls of one tumour/normal pair from its mpileup candidate chunks: the somatic VCF
(bgzipped, indexed) and a JSON summary. Fails, naming both samples, on a sample swap."""

import argparse
import json
import sys
from pathlib import Path

from tailorseq.errors import TailorseqError
from tailorseq.files import stderr_to
from tailorseq.somatic.caller import call
from tailorseq.somatic.model import Settings

if __name__ == "__main__":
    if "snakemake" in globals():
        rule = snakemake  # noqa: F821
        with stderr_to(rule.log[0]):
            result = call(
                [Path(path) for path in rule.input.chunks],
                Path(rule.output.vcf),
                Settings.from_config(dict(rule.params.settings)),
                Path(rule.input.panel[0]) if rule.input.panel else None,
                rule.params.purity,
                Path(rule.output.summary),
            )
            print(json.dumps(result["records"]), file=sys.stderr)
    else:
        parser = argparse.ArgumentParser(description=__doc__)
        parser.add_argument("--chunks", type=Path, nargs="+", required=True)
        parser.add_argument("--out", type=Path, required=True, help="somatic VCF (.vcf.gz)")
        parser.add_argument("--summary", type=Path)
        parser.add_argument("--panel-of-normals", type=Path)
        parser.add_argument("--purity", type=float)
        parser.add_argument("--settings", type=Path, help="YAML/JSON of somatic settings")
        args = parser.parse_args()
        settings = Settings()
        if args.settings:
            import yaml

            settings = Settings.from_config(yaml.safe_load(args.settings.read_text()) or {})
        try:
            result = call(
                args.chunks, args.out, settings, args.panel_of_normals, args.purity, args.summary
            )
        except TailorseqError as error:
            sys.exit(f"tailorseq: error: {error}")
        print(json.dumps(result, indent=2))

"""A tumour RNA sample's results (tailorseq.rna.summary): gene expression from salmon
(expression.tsv) and rna.json with salmon's run summary, the panel genes' expression, ER/PR/HER2
from RNA, the 21-gene expression profile of a breast tumour and the RNA support of the pair's
somatic mutations; all research use."""

import argparse
import json
from pathlib import Path
from typing import Any

from tailorseq.config import load_config, read_configfile
from tailorseq.defaults import config_defaults
from tailorseq.files import optional_path, stderr_to
from tailorseq.rna.settings import RnaSettings
from tailorseq.rna.summary import RnaInputs, summarise, write_outputs


def run(
    inputs: RnaInputs,
    sample: str,
    patient: str,
    tumour_type: str | None,
    settings: RnaSettings,
    tsv: Path,
    json_path: Path,
) -> dict[str, Any]:
    """Summarise the sample and write its expression table and document."""
    table, document = summarise(inputs, sample, patient, tumour_type, settings)
    return write_outputs(table, document, tsv, json_path)


def rna_section(configfile: Path | None) -> dict[str, Any]:
    """The `rna` section of a run config (validated, defaults filled), else the defaults."""
    if configfile is None:
        return config_defaults("rna")
    return load_config(read_configfile(configfile))["rna"]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--quant", type=Path, required=True, help="salmon quant folder (or quant.sf)"
    )
    parser.add_argument("--gff3", type=Path, required=True, help="GFF3 of the transcriptome")
    parser.add_argument("--bam", type=Path, required=True, help="RNA alignment (indexed)")
    parser.add_argument("--reference", type=Path, required=True, help="genome FASTA")
    parser.add_argument("--somatic-vcf", type=Path, help="the pair's annotated somatic VCF")
    parser.add_argument("--actionable", type=Path, help="the pair's actionable.json")
    parser.add_argument("--cnv", type=Path, help="the pair's cnv.json")
    parser.add_argument("--oncotree", type=Path, help="OncoTree tree file (TSV or API JSON)")
    parser.add_argument("--sample", required=True, help="the tumor_rna sample")
    parser.add_argument("--patient", required=True)
    parser.add_argument("--tumor-type", help="OncoTree code or name, e.g. BRCA")
    parser.add_argument(
        "--configfile", type=Path, help="run config whose `rna` section to use; default: defaults"
    )
    parser.add_argument("--tsv", type=Path, required=True, help="expression.tsv to write")
    parser.add_argument("--json", type=Path, required=True, help="rna.json to write")
    return parser.parse_args()


if __name__ == "__main__":
    if "snakemake" in globals():
        rule = snakemake  # noqa: F821
        with stderr_to(rule.log[0]):
            run(
                RnaInputs(
                    Path(rule.input.quant),
                    Path(rule.input.gff3),
                    Path(rule.input.bam),
                    Path(rule.input.ref),
                    optional_path(list(rule.input.vcf)),
                    optional_path(list(rule.input.actionable)),
                    optional_path(list(rule.input.cnv)),
                    optional_path(list(rule.input.oncotree)),
                ),
                rule.params.sample,
                rule.params.patient,
                rule.params.tumor_type or None,
                RnaSettings.from_config(rule.params.settings),
                Path(rule.output.tsv),
                Path(rule.output.json),
            )
    else:
        args = parse_args()
        inputs = RnaInputs(
            args.quant, args.gff3, args.bam, args.reference, args.somatic_vcf, args.actionable,
            args.cnv, args.oncotree,
        )  # fmt: skip
        settings = RnaSettings.from_config(rna_section(args.configfile))
        document = run(
            inputs, args.sample, args.patient, args.tumor_type, settings, args.tsv, args.json
        )
        print(json.dumps({k: document[k] for k in ("salmon", "receptors", "profile")}, indent=2))

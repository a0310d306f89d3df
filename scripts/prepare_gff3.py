"""Convert a GENCODE or Ensembl GFF3 into the Ensembl style bcftools csq reads, with contigs
named as in the reference and one reporting transcript per gene (table written alongside)."""

import argparse
from pathlib import Path

from tailorseq.files import stderr_to
from tailorseq.gff import write_choices
from tailorseq.gff_convert import convert
from tailorseq.reference import read_contigs


def prepare_gff3(
    source: Path,
    fai: Path,
    out: Path,
    canonical: Path,
    transcripts: dict[str, str],
    all_transcripts: bool,
) -> None:
    """Write the csq-ready GFF3 and the table of reporting transcripts."""
    fasta = Path(str(fai).removesuffix(".fai"))
    choices = convert(source, out, read_contigs(fasta), transcripts, all_transcripts)
    write_choices(choices, canonical)


if __name__ == "__main__":
    if "snakemake" in globals():
        rule = snakemake  # noqa: F821
        with stderr_to(rule.log[0]):
            prepare_gff3(
                Path(rule.input.gff3),
                Path(rule.input.fai),
                Path(rule.output.gff3),
                Path(rule.output.canonical),
                dict(rule.params.transcripts),
                bool(rule.params.all_transcripts),
            )
    else:
        parser = argparse.ArgumentParser(description=__doc__)
        parser.add_argument("--gff3", type=Path, required=True, help="Ensembl or GENCODE GFF3")
        parser.add_argument("--fai", type=Path, required=True, help="the reference's .fai")
        parser.add_argument("--out", type=Path, required=True)
        parser.add_argument("--canonical", type=Path, required=True, help="transcript table")
        parser.add_argument(
            "--transcript", action="append", default=[], metavar="GENE=ENST",
            help="reporting transcript of a gene (repeatable)",
        )  # fmt: skip
        parser.add_argument("--all-transcripts", action="store_true")
        args = parser.parse_args()
        chosen = dict(item.split("=", 1) for item in args.transcript)
        prepare_gff3(args.gff3, args.fai, args.out, args.canonical, chosen, args.all_transcripts)

"""Rule adapter: the ploidy a callset's samples are called with, from their sex checks'
calling sex: bcftools call's ploidy and samples files and freebayes' copy-number map.
Reads `snakemake.input.sexes` (one sex JSON per sample, in `snakemake.params.names` order)
and `.fai`; writes `snakemake.output.ploidy`, `.samples` and `.cnv`."""

from pathlib import Path

from tailorseq import documents
from tailorseq.files import stderr_to, write_atomic
from tailorseq.regions import contig_lengths
from tailorseq.sex import cnv_map, find_sex_contigs, ploidy_file, samples_file


def write_ploidy(fai: Path, sexes: dict[str, str], outputs) -> None:
    """Write the three files for samples name -> calling sex."""
    contigs = find_sex_contigs(contig_lengths(fai))
    write_atomic(Path(outputs.ploidy), ploidy_file(contigs))
    write_atomic(Path(outputs.samples), samples_file(sexes))
    write_atomic(Path(outputs.cnv), cnv_map(contigs, sexes))


if __name__ == "__main__":
    rule = snakemake  # noqa: F821
    with stderr_to(rule.log[0]):
        calling = [documents.load("sex", p)["calling_sex"] for p in rule.input.sexes]
        write_ploidy(Path(rule.input.fai), dict(zip(rule.params.names, calling, strict=True)),
                     rule.output)  # fmt: skip

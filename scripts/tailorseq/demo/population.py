"""The demo's population-frequency VCF (gnomAD-style INFO AF fields) on demo coordinates.

One record per `population` entry of the plan: a planted coding variant with its allele
frequencies (AF and AF_<population>), each entry citing where its numbers come from. The
pipeline reads it as `annotation.population` (`tailorseq.annotation`: the highest of AF and
AF_<population> becomes POP_AF).
"""

from pathlib import Path

from tailorseq.demo.plan import Plan
from tailorseq.demo.variants import Variant

HEADER = [
    "##fileformat=VCFv4.2",
    "##fileDate=demo",
    "##source=tailorseq demo generator: population allele frequencies of planted variants",
    "##reference=demo",
    '##INFO=<ID=SOURCE,Number=1,Type=String,Description="Where the frequencies come from">',
]


def population_vcf(plan: Plan, alleles: dict[str, Variant]) -> str:
    """The VCF text (contigs in FASTA order, positions ascending)."""
    order = [contig.name for contig in plan.contigs]
    keys = sorted({key for item in plan.population for key in item.af})
    header = [
        f'##INFO=<ID={key},Number=A,Type=Float,Description="Alternate allele frequency'
        f'{"" if key == "AF" else " in " + key.removeprefix("AF_")}">'
        for key in keys
    ]
    records = []
    for item in plan.population:
        variant = alleles[item.variant]
        source = item.source.replace(" ", "_").replace(";", ",")
        frequencies = (f"{key}={value:g}" for key, value in sorted(item.af.items()))
        info = ";".join([*frequencies, f"SOURCE={source}"])
        fields = [variant.contig, str(variant.pos), variant.id, variant.ref, variant.alt]
        records.append(((order.index(variant.contig), variant.pos), [*fields, ".", ".", info]))
    columns = ["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO"]
    lines = [*HEADER, *header, "\t".join(columns)]
    lines += ["\t".join(fields) for _, fields in sorted(records)]
    return "\n".join(lines) + "\n"


def write_population(out_dir: Path, plan: Plan, alleles: dict[str, Variant]) -> None:
    """`population.vcf` in the demo folder."""
    (out_dir / "population.vcf").write_text(population_vcf(plan, alleles))

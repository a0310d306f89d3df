"""Pharmacogenomics: PharmCAT-format allele definitions, VCF genotypes at their positions, and a
named-allele matcher with PharmCAT's semantics (see `matcher.py`)."""

from tailorseq.pgx.definitions import (
    GeneDefinition,
    NamedAllele,
    Variant,
    knowledge_version,
    load_definitions,
)
from tailorseq.pgx.genotypes import SampleGenotypes, read_genotypes
from tailorseq.pgx.matcher import Diplotype, GeneCall, call_gene, call_genes

__all__ = [
    "Diplotype",
    "GeneCall",
    "GeneDefinition",
    "NamedAllele",
    "SampleGenotypes",
    "Variant",
    "call_gene",
    "call_genes",
    "knowledge_version",
    "load_definitions",
    "read_genotypes",
]

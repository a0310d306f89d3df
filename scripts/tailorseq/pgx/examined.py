"""The positions the matcher examined for a gene, as the PGx document records them (`positions`
of a matcher-called gene): each defining position with the genotype the matcher saw there.

- `call`: the alleles in the definitions' spelling joined by `|` when phased, `/` when not, one
  allele when haploid; None when the position is missing (no record, `./.` or `0/.`): a missing
  position is never written as reference;
- `phased`, `phase_set` (FORMAT/PS), `undocumented` (an allele no definition has);
- `depth` and `filter` (the no-call's FORMAT/FT reason) from the VCF;
- `reference`: the reference allele's base, `alleles`: the named alleles (other than the
  reference allele) that define the position, in allele-name order, a sub-allele under its
  allele's name (`*45.001` -> `*45`), as PharmCAT's VariantReportFactory names them (its
  test `VariantReportFactoryTest.renameSuballeles`, read, not copied).
"""

from __future__ import annotations

import re

from tailorseq.pgx.definitions import GeneDefinition, name_key
from tailorseq.pgx.genotypes import PositionCall, SampleGenotypes


def call_text(call: PositionCall) -> str | None:
    """The genotype as a VCF-style call (`C/T`, `C|T`, `A`), None when missing."""
    if call.missing:
        return None
    return ("|" if call.phased else "/").join(call.alleles)


#: A sub-allele's suffix (SLCO1B1 `*45.001`).
SUB_ALLELE = re.compile(r"\.\d{3}$")


def defining_alleles(definition: GeneDefinition) -> list[list[str]]:
    """For each position (definition order), the non-reference named alleles defined there."""
    others = [a for a in definition.named_alleles if not a.reference]
    return [
        sorted({SUB_ALLELE.sub("", a.name) for a in others if a.alleles[i] is not None},
               key=name_key)
        for i in range(len(definition.variants))
    ]  # fmt: skip


def examined_positions(definition: GeneDefinition, genotypes: SampleGenotypes) -> list[dict]:
    """Every defining position of a gene with the sample's genotype there (see the module)."""
    alleles = defining_alleles(definition)
    return [
        {
            "chromosome": call.variant.chromosome,
            "position": call.variant.position,
            "rsid": call.variant.rsid,
            "call": call_text(call),
            "phased": call.phased and not call.missing,
            "phase_set": call.phase_set,
            "undocumented": bool(call.undocumented),
            "reference": call.variant.ref,
            "alleles": named,
            "depth": call.depth,
            "filter": call.reason,
        }
        for call, named in zip(genotypes.for_gene(definition), alleles, strict=True)
    ]

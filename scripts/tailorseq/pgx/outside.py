"""Outside calls (PharmCAT's format): genes called by another tool, e.g. CYP2D6 (copy number,
hybrids), HLA-A and HLA-B.

A TSV, one gene per line: `gene<TAB>diplotype[<TAB>phenotype[<TAB>activity score]]`; `#` lines
and blank lines are skipped, as is a header line starting with `gene`. The diplotype may be empty
when a phenotype is given. Several diplotypes of one gene are not allowed (PharmCAT refuses them
too).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tailorseq.errors import InputError

SOURCE = "outside call"


@dataclass(frozen=True)
class OutsideCall:
    gene: str
    diplotype: str | None
    phenotype: str | None = None
    activity_score: float | None = None

    @property
    def haplotypes(self) -> list[str]:
        return self.diplotype.split("/") if self.diplotype else []


def read_outside_calls(path: Path | str) -> dict[str, OutsideCall]:
    """Outside calls by gene."""
    path = Path(path)
    result: dict[str, OutsideCall] = {}
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = [f.strip() for f in line.split("\t")]
        if number == 1 and fields[0].lower() == "gene":
            continue
        if len(fields) < 2 or not fields[0] or not (fields[1] or (len(fields) > 2 and fields[2])):
            raise InputError(
                f"{path}:{number}",
                "an outside call needs a gene and a diplotype (or a phenotype)",
                "write gene<TAB>diplotype[<TAB>phenotype[<TAB>activity score]]",
            )
        gene = fields[0].upper()
        if gene in result:
            raise InputError(f"{path}:{number}", f"{gene} is called twice", "keep one call")
        score = None
        if len(fields) > 3 and fields[3]:
            try:
                score = float(fields[3])
            except ValueError as error:
                raise InputError(
                    f"{path}:{number}", f"activity score {fields[3]!r} is not a number", ""
                ) from error
        result[gene] = OutsideCall(
            gene=gene,
            diplotype=fields[1] or None,
            phenotype=(fields[2] or None) if len(fields) > 2 else None,
            activity_score=score,
        )
    return result

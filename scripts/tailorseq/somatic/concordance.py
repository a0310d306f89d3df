"""Do the tumour and the normal come from one person? Germline concordance of the pair.

At sites where the normal is confidently carrying a germline SNV (enough depth, alt fraction at
least `NORMAL_MIN_VAF`) and the tumour has enough depth, the tumour of the same person shows
the allele too (loss of heterozygosity in an impure tumour still leaves it visible). Between two
people, a good part of such sites is missing from the other sample. The concordance is the
fraction of those sites where the tumour shows the allele.
"""

import math
from dataclasses import dataclass

from tailorseq.errors import TailorseqError

NORMAL_MIN_VAF = 0.3
MIN_DEPTH = 15
TUMOR_MIN_VAF = 0.05
TUMOR_MIN_ALT = 2
VAF_MARGIN = 0.000001  # alt reads added before comparing with a fraction (floating point)


def informative_expression() -> str:
    """A bcftools expression over a biallelic tumour/normal mpileup record (FORMAT/AD, tumour
    first) that holds wherever `Concordance.add` could count the site (a slight superset: the
    alt fraction is compared with a margin for floating point)."""
    tumor, normal = "(FORMAT/AD[0:0]+FORMAT/AD[0:1])", "(FORMAT/AD[1:0]+FORMAT/AD[1:1])"
    return (
        f"{normal}>={MIN_DEPTH} && {tumor}>={MIN_DEPTH}"
        f" && FORMAT/AD[1:1]+{VAF_MARGIN:f}>={NORMAL_MIN_VAF}*{normal}"
    )


def min_informative_normal_alt() -> int:
    """The fewest normal alt reads of a site `informative_expression` holds for: at least
    NORMAL_MIN_VAF of at least MIN_DEPTH reads, with its margin."""
    return math.ceil(NORMAL_MIN_VAF * MIN_DEPTH - VAF_MARGIN)


class SampleSwap(TailorseqError):
    """The tumour and the normal of a pair do not share their germline variants."""


@dataclass
class Concordance:
    """Counts of informative germline sites of a pair."""

    sites: int = 0
    concordant: int = 0

    def add(self, tumor_ref: int, tumor_alt: int, normal_ref: int, normal_alt: int) -> None:
        """Count one SNV site if the normal carries it confidently and both are deep enough."""
        normal_depth, tumor_depth = normal_ref + normal_alt, tumor_ref + tumor_alt
        if normal_depth < MIN_DEPTH or tumor_depth < MIN_DEPTH:
            return
        if normal_alt / normal_depth < NORMAL_MIN_VAF:
            return
        self.sites += 1
        if tumor_alt >= TUMOR_MIN_ALT and tumor_alt / tumor_depth >= TUMOR_MIN_VAF:
            self.concordant += 1

    @property
    def fraction(self) -> float | None:
        return self.concordant / self.sites if self.sites else None

    def check(self, tumor: str, normal: str, minimum: float, min_sites: int) -> str:
        """Raise SampleSwap when enough sites say the pair are two people; else a summary."""
        if self.sites < min_sites:
            return f"not assessed: {self.sites} informative germline sites (< {min_sites})"
        fraction = self.fraction or 0.0
        if fraction < minimum:
            raise SampleSwap(
                f"tumour {tumor} and normal {normal} look like two different people: only"
                f" {self.concordant} of {self.sites} germline variants of the normal"
                f" ({fraction:.1%}) are seen in the tumour (minimum {minimum:.0%}). Check"
                " samples.tsv for a sample swap or a wrong patient id; set"
                " somatic.min_concordance: 0 only if the pair is known to be right."
            )
        return f"{fraction:.4f} of {self.sites} germline sites"

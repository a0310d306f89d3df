"""The first of the somatic candidates' two passes: the positions where the full bcftools
mpileup could write a candidate that the candidates step keeps, found by a cheap count of the
reads (scripts/somatic_sites.sh: `samtools mpileup` text counted by awk), so that the full
mpileup (BAQ, genotype likelihoods, indel realignment) runs only there (`--targets-file`).

Why the first pass loses no candidate the model could use. The candidates step keeps a record
only if both samples together have at least MIN_ALT_READS reads of its alt allele (INFO/AD[1]),
and its tumour has enough alt reads to reach min_tumor_lod (`caller.min_tumor_alt_reads`) or
its normal enough for the sample-swap check (`concordance.min_informative_normal_alt`). Those
are FORMAT/AD counts: bases of the allele at a read-level MAPQ of at least min_mapq and, after
BAQ and the overlapping-mates adjustment, a base quality of at least min_baseq. The first pass
counts, per sample and per allele, every base of reads passing the same MAPQ and flag filters,
at any base quality, without BAQ (`-B`), without a depth cap (`-d 0`) and with orphan reads
(`-A`): each read bcftools counts is counted, so no count is below bcftools'. (Base quality is
not a usable cut: where mates overlap and agree, htslib gives the kept base the sum of both
qualities, and samtools drops a read's indel with its low-quality anchor base. With no cut, the
overlapping mates' adjustment would change no count, so it is left off, `-x`, to save work.)
An indel record needs a candidate first: at least MIN_GAPPED_READS reads of both samples
together with an indel after the position (bcftools mpileup `--min-ireads`, whatever their
base quality); the first pass keeps every position where samtools shows that many. Indel AD
counts come from realignment, not the CIGAR, so only the candidate's existence bounds them,
which is why indel positions are kept on that count alone.
"""

from dataclasses import dataclass

from tailorseq.somatic.caller import min_tumor_alt_reads
from tailorseq.somatic.concordance import min_informative_normal_alt
from tailorseq.somatic.model import Settings

MIN_ALT_READS = 2  # a candidate's alt reads in both samples together (INFO/AD[1])
MIN_GAPPED_READS = 2  # bcftools mpileup --min-ireads: gapped reads making an indel candidate


@dataclass(frozen=True)
class SiteThresholds:
    """Reads of one allele (per sample and together) or gapped reads that keep a position."""

    tumor_alt: int
    normal_alt: int
    alt: int = MIN_ALT_READS
    gapped: int = MIN_GAPPED_READS

    def arguments(self) -> str:
        """The thresholds as scripts/somatic_sites.sh takes them, in its order."""
        return f"{self.tumor_alt} {self.normal_alt} {self.alt} {self.gapped}"


def site_thresholds(settings: Settings) -> SiteThresholds:
    """The first pass's thresholds for the model's settings."""
    return SiteThresholds(min_tumor_alt_reads(settings), min_informative_normal_alt())

"""Tumour mutational burden: PASS somatic coding mutations per Mb of callable coding sequence,
reported only where the territory is large enough for the number to mean something.

Callable coding sequence: the CDS bases of the prepared gene models (reporting transcripts)
where both tumour and normal reach `min_depth` (samtools depth, same mapping and base quality
minimums as calling). Counted mutations: PASS SNVs and indels whose consequence (bcftools csq,
INFO/BCSQ) touches the coding sequence (missense, synonymous, stop/start changes, frameshift and
in-frame indels: PCGR's "coding_and_silent" measure, which counts synonymous changes as the
FoundationOne definition does) and whose tumour depth and allele fraction reach the TMB floors.

Sources:
- Floors: PCGR (sigven/pcgr, pcgr/main.py) options `--tmb_dp_min` and `--tmb_af_min`, "minimum
  required sequencing depth / allelic fraction for TMB calculation", default 0 (no floor beyond
  the caller's own filters); PCGR's documented tumour/normal runs use 20 and 0.05.
- Territory: PCGR divides by the assay's effective coding target size and flags a coding target
  below 1 Mb in its report. A count of n mutations has a Poisson standard error of sqrt(n), so
  over a small territory one mutation more or less moves the rate by 1e6 / territory per Mb:
  below `min_territory` (default 1 Mb) TMB is "not assessed" with that reason.
- FDA: the tumour-agnostic TMB-high indication of pembrolizumab (KEYTRUDA label, accelerated
  approval 2020-06-16) is for solid tumours with TMB >= 10 mutations/Mb determined by an
  FDA-approved test (FoundationOne CDx, about 0.8 Mb of coding sequence); this pipeline is not
  such a test (FDA_STATEMENT).
"""

import gzip
import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from tailorseq.gff import read_features
from tailorseq.somatic.records import read_somatic

CODING_CONSEQUENCES = {
    "missense",
    "synonymous",
    "stop_gained",
    "stop_lost",
    "stop_retained",
    "start_lost",
    "start_retained",
    "frameshift",
    "inframe_insertion",
    "inframe_deletion",
    "inframe_altering",
    "coding_sequence",
}

STATUSES = ("high", "not high", "not assessed")

DEFINITION = (
    "PASS somatic SNVs and indels with a coding consequence (bcftools csq: missense, synonymous,"
    " stop/start gained or lost, frameshift, in-frame), tumour depth >= {dp_min} and allele"
    " fraction >= {af_min}, per megabase of callable coding sequence (CDS bases of the reporting"
    " transcripts where tumour and normal both have depth >= {min_depth}); assessed over at least"
    " {min_territory} callable coding bases"
)

FLOORS_SOURCE = (
    "PCGR (sigven/pcgr) --tmb_dp_min / --tmb_af_min: minimum tumour depth and allele fraction of"
    " the mutations counted for TMB; PCGR's default 0 for both"
)

FDA_STATEMENT = (
    "The FDA tumour-agnostic indication of pembrolizumab for TMB-high (KEYTRUDA label, accelerated"
    " approval 2020-06-16) is for unresectable or metastatic solid tumours with TMB >= 10"
    " mutations/Mb determined by an FDA-approved test (FoundationOne CDx). This pipeline is not"
    " an FDA-approved test: its TMB is not the companion diagnostic of that indication."
)


@dataclass(frozen=True)
class TmbSettings:
    """TMB settings (config `somatic`): callable depth, TMB-high cut-off, minimum callable coding
    territory (bases), and the depth and allele fraction floors of the mutations counted."""

    min_depth: int = 10
    cutoff: float = 10.0
    min_territory: int = 1_000_000
    dp_min: int = 0
    af_min: float = 0.0

    @classmethod
    def from_config(cls, somatic: dict) -> "TmbSettings":
        return cls(
            min_depth=somatic["tmb_min_depth"],
            cutoff=somatic["tmb_high"],
            min_territory=somatic["tmb_min_territory"],
            dp_min=somatic["tmb_dp_min"],
            af_min=somatic["tmb_af_min"],
        )


def cds_intervals(gff3: Path) -> list[tuple[str, int, int]]:
    """Merged CDS intervals of a GFF3 as 0-based half-open (contig, start, end), sorted."""
    opener = gzip.open if gff3.suffix == ".gz" else open
    raw: list[tuple[str, int, int]] = []
    with opener(gff3, "rt") as handle:
        for feature in read_features(handle, str(gff3)):
            if feature.type == "CDS":
                raw.append((feature.seqid, feature.start - 1, feature.end))
    merged: list[tuple[str, int, int]] = []
    for contig, start, end in sorted(raw):
        if merged and merged[-1][0] == contig and start <= merged[-1][2]:
            merged[-1] = (contig, merged[-1][1], max(merged[-1][2], end))
        else:
            merged.append((contig, start, end))
    return merged


def write_cds_bed(gff3: Path, bed: Path) -> int:
    """Write the merged CDS of a GFF3 as BED; returns its size in bases."""
    intervals = cds_intervals(gff3)
    bed.write_text("".join(f"{c}\t{s}\t{e}\n" for c, s, e in intervals))
    return sum(end - start for _, start, end in intervals)


def read_callable(path: Path) -> dict[str, int]:
    """The `name<TAB>count` lines of the callable-bases file."""
    values = {}
    for line in path.read_text().splitlines():
        name, value = line.split("\t")
        values[name] = int(value)
    return values


def is_coding(consequence: str) -> bool:
    """True when a (possibly compound, '&'-joined) consequence touches the coding sequence."""
    return any(part in CODING_CONSEQUENCES for part in consequence.split("&"))


def coding_mutations(vcf: Path) -> list[dict]:
    """PASS records with a coding consequence, with gene, change, tumour depth and VAF."""
    found = []
    for variant in read_somatic(vcf):
        coding = [entry for entry in variant.consequences if is_coding(entry[1])]
        if not coding:
            continue
        gene, consequence, change = coding[0]
        found.append(
            {
                "contig": variant.contig,
                "pos": variant.pos,
                "ref": variant.ref,
                "alt": variant.alt,
                "type": variant.kind,
                "gene": gene,
                "consequence": consequence,
                "protein_change": change,
                "vaf": variant.vaf,
                "depth": variant.depth,
            }
        )
    return found


def below_floor(mutation: dict, settings: TmbSettings) -> str | None:
    """Why a coding mutation is not counted for TMB (depth or VAF floor), None when it is."""
    depth, vaf = mutation.get("depth"), mutation.get("vaf")
    if settings.dp_min and (depth is None or depth < settings.dp_min):
        return f"tumour depth {depth} < {settings.dp_min}"
    if settings.af_min and (vaf is None or vaf < settings.af_min):
        return f"allele fraction {vaf:.3g} < {settings.af_min:g}"
    return None


def status_of(count: int, callable_bases: int, settings: TmbSettings) -> dict:
    """TMB status, value, reason and caveat of `count` mutations over `callable_bases`."""
    step = 1e6 / callable_bases if callable_bases else None
    if callable_bases < settings.min_territory:
        moves = ""
        if step:
            moves = f"; one mutation more or less moves the rate by {step:,.0f} mutations/Mb"
        return {
            "status": "not assessed",
            "mutations_per_mb": None,
            "reason": f"only {callable_bases:,} callable coding bases, fewer than the"
            f" {settings.min_territory:,} needed (somatic.tmb_min_territory): a TMB from so"
            " small a territory is noise",
            "caveat": f"{count} counted coding mutation(s) over {callable_bases:,} callable"
            f" coding bases{moves}",
        }
    value = count / (callable_bases / 1e6)
    error = math.sqrt(count) * step
    caveat = (
        f"{count} mutation(s) over {callable_bases / 1e6:.2f} Mb: Poisson standard error"
        f" {error:.1f} mutations/Mb"
    )
    if callable_bases < 2 * settings.min_territory:
        caveat += (
            f"; the territory is less than twice the {settings.min_territory / 1e6:g} Mb minimum,"
            " so a value near the cut-off is uncertain"
        )
    return {
        "status": "high" if value >= settings.cutoff else "not high",
        "mutations_per_mb": round(value, 3),
        "reason": None,
        "caveat": caveat,
    }


def common_fields(settings: TmbSettings) -> dict:
    """The fields every `tmb` part carries: definition, floors, cut-offs, FDA statement."""
    return {
        "definition": DEFINITION.format(
            dp_min=settings.dp_min,
            af_min=settings.af_min,
            min_depth=settings.min_depth,
            min_territory=f"{settings.min_territory:,}",
        ),
        "min_territory": settings.min_territory,
        "min_depth": settings.min_depth,
        "floors": {
            "min_depth": settings.dp_min,
            "min_vaf": settings.af_min,
            "source": FLOORS_SOURCE,
        },
        "cutoff": settings.cutoff,
        "fda_statement": FDA_STATEMENT,
    }


def without_annotation(settings: TmbSettings) -> dict:
    """The `tmb` part of a run without gene annotation: coding territory and consequences are
    unknown, so TMB is not assessed."""
    return {
        "status": "not assessed",
        "assessed": False,
        "tmb_high": False,
        "mutations_per_mb": None,
        "reason": "no gene annotation (reference.gff3) was given, so the coding territory and"
        " the mutations' consequences are unknown",
        "caveat": None,
        **common_fields(settings),
        "mutations": [],
    }


def tmb_section(vcf: Path, callable_file: Path, settings: TmbSettings) -> dict:
    """The `tmb` part of a pair's biomarkers document (see tailorseq.somatic.biomarkers)."""
    mutations = coding_mutations(vcf)
    for mutation in mutations:
        reason = below_floor(mutation, settings)
        mutation["counted"] = reason is None
        if reason:
            mutation["not_counted_because"] = reason
    counted = [mutation for mutation in mutations if mutation["counted"]]
    sizes = read_callable(callable_file)
    callable_bases = sizes["callable_bases"]
    result = status_of(len(counted), callable_bases, settings)
    types = Counter(mutation["type"] for mutation in counted)
    return {
        **result,
        "assessed": result["status"] != "not assessed",
        "tmb_high": result["status"] == "high",
        "coding_mutations": len(counted),
        "snvs": types["snv"],
        "indels": types["indel"],
        "callable_coding_bases": callable_bases,
        "coding_bases": sizes["cds_bases"],
        **common_fields(settings),
        "mutations": mutations,
    }

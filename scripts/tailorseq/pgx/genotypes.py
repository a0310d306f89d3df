"""Genotypes of one sample at the definitions' positions, read from a VCF (plain or bgzipped).

Conventions, as PharmCAT's VCF reader and preprocessor expect them:
- contig names `chr10` and `10` (and `chrM`/`MT`) are the same contig;
- a position is *missing* when the VCF has no record there or the genotype has a missing allele
  (`./.`, `0/.`): missing is never read as reference; a half-missing genotype (`0/.`) is marked
  as such (`PositionCall.half_missing`), since PharmCAT makes no call for the gene then (see
  `matcher.py`);
- alleles are translated to the definitions' spelling: VCF-style and padded for indels, as in
  PharmCAT's `pharmcat_positions.vcf`; an allele that differs only by a longer shared suffix
  (e.g. `CATAT>CAT` for the definitions' `CA>C` style) is recognised after trimming that suffix;
  an allele the definitions do not know is kept as is ("undocumented") and matches no named allele,
  except for the genes PharmCAT reads undocumented variation as reference for;
- a `|` genotype's FORMAT/PS (phase set) is kept: genotypes are phased together only within one
  phase set (see `phasing.py`);
- the REF column must agree with the definitions' reference: a handful of disagreements are
  warnings (those positions become missing), many are an error (wrong genome build).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pysam

from tailorseq.errors import InputError
from tailorseq.pgx.definitions import GeneDefinition, Variant

#: Genes whose undocumented alleles PharmCAT treats as reference (NamedAlleleMatcher docs).
UNDOCUMENTED_AS_REFERENCE = frozenset({"CACNA1S", "DPYD", "G6PD", "NUDT15", "RYR1", "TPMT"})

#: Contig lengths that identify GRCh37 for the contigs PGx genes sit on (GRCh38 differs on each).
GRCH37_LENGTHS = {
    "1": 249250621, "2": 243199373, "4": 191154276, "6": 171115067, "7": 159138663,
    "8": 146364022, "10": 135534747, "12": 133851895, "13": 115169878, "16": 90354753,
    "19": 59128983, "22": 51304566, "X": 155270560,
}  # fmt: skip
GRCH38_LENGTHS = {
    "1": 248956422, "2": 242193529, "4": 190214555, "6": 170805979, "7": 159345973,
    "8": 145138636, "10": 133797422, "12": 133275309, "13": 114364328, "16": 90338345,
    "19": 58617616, "22": 50818468, "X": 156040895,
}  # fmt: skip

#: Share of checked positions whose REF disagrees above which the VCF is called the wrong build.
WRONG_BUILD_FRACTION = 0.2


def normalize_contig(name: str) -> str:
    """`chr10` -> `10`, `chrM`/`MT` -> `M`: the key two naming styles share."""
    bare = name[3:] if name.lower().startswith("chr") else name
    return "M" if bare.upper() in {"M", "MT"} else bare


@dataclass(frozen=True)
class PositionCall:
    """The sample's genotype at one defining position."""

    variant: Variant
    alleles: tuple[str, ...] | None  # None: missing; 1 allele: haploid; 2: diploid
    phased: bool = False
    undocumented: tuple[str, ...] = ()
    half_missing: bool = False  # `0/.`: one allele called, the other not (counts as missing)
    phase_set: int | None = None  # FORMAT/PS of a `|` genotype (None: no PS, or `.`)
    reason: str | None = None  # a missing genotype's FORMAT/FT (why it is a no-call), if given
    depth: int | None = None  # FORMAT/DP, else INFO/DP (None: the record gives neither)

    @property
    def missing(self) -> bool:
        return self.alleles is None


@dataclass
class SampleGenotypes:
    """All position calls of one sample, by (normalised contig, position)."""

    sample: str
    calls: dict[tuple[str, int], PositionCall] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    source: str = ""

    def for_gene(self, definition: GeneDefinition) -> list[PositionCall]:
        """One call per definition variant, in definition order (missing where the VCF is
        silent)."""
        return [
            self.calls.get((normalize_contig(v.chromosome), v.position)) or PositionCall(v, None)
            for v in definition.variants
        ]


def _trim_suffix(ref: str, alt: str) -> tuple[str, str]:
    while len(ref) > 1 and len(alt) > 1 and ref[-1] == alt[-1]:
        ref, alt = ref[:-1], alt[:-1]
    return ref, alt


def translate_allele(variant: Variant, vcf_ref: str, allele: str) -> str | None:
    """The definitions' spelling of a VCF allele at this position, or None when undocumented."""
    if allele == vcf_ref:
        return variant.ref
    known = (variant.ref, *variant.alts)
    if allele in known and vcf_ref == variant.ref:
        return allele
    wanted = _trim_suffix(vcf_ref, allele)
    for candidate in known:
        if _trim_suffix(variant.ref, candidate) == wanted:
            return candidate
    return None


def reference_agrees(variant: Variant, vcf_ref: str) -> bool:
    """Whether a VCF REF is consistent with the definition's (one may pad more than the other)."""
    a, b = vcf_ref.upper(), variant.ref.upper()
    if a == "N" or not a:
        return True
    return a.startswith(b) or b.startswith(a)


def choose_sample(header_samples: list[str], sample: str | None, path: str) -> str:
    """The sample to read: the one named, or the only one."""
    if sample is not None:
        if sample not in header_samples:
            raise InputError(
                path,
                f"sample {sample!r} is not in this VCF (it has: {', '.join(header_samples)})",
                "give --sample one of the VCF's samples",
            )
        return sample
    if len(header_samples) == 1:
        return header_samples[0]
    if not header_samples:
        raise InputError(path, "the VCF has no sample column", "give a VCF with one sample's GT")
    raise InputError(
        path,
        f"the VCF has {len(header_samples)} samples ({', '.join(header_samples)}) "
        "and none was chosen",
        "name one with --sample",
    )


def _check_contig_lengths(header: pysam.VariantHeader, needed: set[str], build: str, path: str):
    if not build.upper().startswith("GRCH38"):
        return
    for name, contig in header.contigs.items():
        key = normalize_contig(name)
        length = contig.length
        if key in needed and length and length == GRCH37_LENGTHS.get(key) != GRCH38_LENGTHS[key]:
            raise InputError(
                path,
                f"contig {name} is {length} bp long, which is GRCh37, but the allele definitions "
                f"are {build}",
                "give a GRCh38 VCF (lift it over, or call against GRCh38), or GRCh37 definitions",
            )


def read_genotypes(
    vcf: Path | str,
    definitions: Iterable[GeneDefinition],
    sample: str | None = None,
) -> SampleGenotypes:
    """Read the sample's genotype at every position of the given gene definitions."""
    path = str(vcf)
    definitions = list(definitions)
    wanted: dict[tuple[str, int], tuple[GeneDefinition, Variant]] = {}
    for definition in definitions:
        for variant in definition.variants:
            wanted[(normalize_contig(variant.chromosome), variant.position)] = (definition, variant)
    quiet = pysam.set_verbosity(0)  # htslib's header warnings are not the user's problem
    try:
        return _read(path, definitions, wanted, sample)
    finally:
        pysam.set_verbosity(quiet)


def _read(path, definitions, wanted, sample) -> SampleGenotypes:
    try:
        handle = pysam.VariantFile(path)
    except (OSError, ValueError) as error:
        raise InputError(path, f"cannot read this VCF ({error})", "give a valid VCF") from error
    with handle:
        chosen = choose_sample(list(handle.header.samples), sample, path)
        builds = {d.genome_build for d in definitions if d.genome_build}
        needed = {k[0] for k in wanted}
        for build in builds:
            _check_contig_lengths(handle.header, needed, build, path)
        result = SampleGenotypes(sample=chosen, source=path)
        mismatches: list[str] = []
        checked = 0
        for record in _records(handle, wanted):
            key = (normalize_contig(record.chrom), record.pos)
            definition, variant = wanted[key]
            checked += 1
            if not reference_agrees(variant, record.ref):
                mismatches.append(
                    f"{variant.label}: VCF REF {record.ref}, definitions {variant.ref}"
                )
                continue
            call = _position_call(record, chosen, definition, variant, path)
            previous = result.calls.get(key)
            if previous is None or _prefer(call, previous):
                result.calls[key] = call
    if mismatches and len(mismatches) >= 2 and len(mismatches) > WRONG_BUILD_FRACTION * checked:
        build = ", ".join(sorted(builds)) or "the definitions' build"
        raise InputError(
            path,
            f"reference alleles disagree with the {build} allele definitions at "
            f"{len(mismatches)} of {checked} positions (e.g. {'; '.join(mismatches[:3])}): "
            "the VCF is probably on another genome build (e.g. GRCh37 given as GRCh38)",
            "give a VCF on the definitions' build, or definitions for the VCF's build",
        )
    result.warnings.extend(f"{m} (position treated as missing)" for m in mismatches)
    return result


def _records(handle: pysam.VariantFile, wanted: dict[tuple[str, int], object]):
    """Records at wanted positions: by region when the VCF is indexed, else by one scan."""
    by_contig: dict[str, list[int]] = {}
    for contig, position in wanted:
        by_contig.setdefault(contig, []).append(position)
    indexed = handle.index is not None
    if indexed:
        names = {normalize_contig(c): c for c in handle.header.contigs}
        for contig, positions in by_contig.items():
            name = names.get(contig)
            if name is None:
                continue
            for record in handle.fetch(name, min(positions) - 1, max(positions)):
                if (contig, record.pos) in wanted:
                    yield record
        return
    for record in handle:
        if (normalize_contig(record.chrom), record.pos) in wanted:
            yield record


def _prefer(new: PositionCall, old: PositionCall) -> bool:
    """Of two records at one position (split multi-allelics), keep the informative one."""
    if old.missing:
        return not new.missing
    if new.missing:
        return False
    ref = new.variant.ref
    return all(a == ref for a in old.alleles) and any(a != ref for a in new.alleles)


def _position_call(
    record, sample: str, definition: GeneDefinition, variant: Variant, path: str
) -> PositionCall:
    data = record.samples[sample]
    gt = data.get("GT")
    depth = _depth(record, data)
    if not gt or any(i is None for i in gt):
        reason = data.get("FT") if "FT" in record.format else None
        return PositionCall(
            variant,
            None,
            half_missing=any(i is not None for i in gt or ()),
            reason=reason if reason not in (None, "PASS", ".") else None,
            depth=depth,
        )
    vcf_alleles = (record.ref, *(record.alts or ()))
    alleles: list[str] = []
    undocumented: list[str] = []
    for index in gt:
        raw = vcf_alleles[index] if index < len(vcf_alleles) else "."
        allele = (
            None
            if raw.startswith("<") or raw == "*"
            else translate_allele(variant, record.ref, raw)
        )
        if allele is None:
            undocumented.append(raw)
            allele = variant.ref if definition.gene in UNDOCUMENTED_AS_REFERENCE else raw
        alleles.append(allele)
    phased = bool(data.phased) and len(alleles) == 2
    return PositionCall(
        variant,
        tuple(alleles),
        phased=phased,
        undocumented=tuple(undocumented),
        phase_set=_phase_set(record, data, variant, path) if phased else None,
        depth=depth,
    )


def _depth(record, data) -> int | None:
    """The sample's read depth at the record: FORMAT/DP, else INFO/DP, else None."""
    if "DP" in record.format and data.get("DP") is not None:
        return int(data["DP"])
    if "DP" in record.header.info and record.info.get("DP") is not None:
        return int(record.info["DP"])
    return None


def _phase_set(record, data, variant: Variant, path: str) -> int | None:
    """The genotype's FORMAT/PS, None when the record has none or it is `.`."""
    if "PS" not in record.format:
        return None
    value = data.get("PS")
    if value in (None, "."):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InputError(
            path,
            f"{variant.label}: FORMAT/PS is {value!r}, not a phase-set number",
            "write PS as an integer (VCF 4.2: the position of the phase set's first variant)",
        ) from None

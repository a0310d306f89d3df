"""Force-genotype every allele-defining position from the reads (BAM/CRAM).

PharmCAT needs a VCF with every defining position present and reads an absent position as
no-call; a variant caller's VCF leaves reference sites out. So the PGx step genotypes the reads
at every position of the definitions itself:

    bcftools mpileup -f REF -R positions -a AD,DP -q MAPQ -Q BASEQ BAM
      | bcftools call -m -C alleles -T alleles.tsv.gz -f GQ

(`-C alleles` constrains the call to the definitions' REF/ALT alleles, so reference calls are
emitted too). Then one record per defining position is written, in the definitions' spelling
(REF and ALT as the definitions have them): the called genotype, or an explicit no-call `./.`
when the depth is below `min_depth`, the genotype quality below `min_gq`, or no read covers the
position (FORMAT/FT says which: `LowDepth`, `LowGQ`, `NoCoverage`, `RefMismatch`) - never a
silent reference call. FORMAT/DP, AD and GQ are kept per position.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pysam

from tailorseq.errors import InputError
from tailorseq.pgx.definitions import GeneDefinition
from tailorseq.pgx.genotypes import WRONG_BUILD_FRACTION, normalize_contig

DEFAULT_MIN_DEPTH = 8
DEFAULT_MIN_GQ = 20
DEFAULT_MIN_MAPQ = 20
DEFAULT_MIN_BASEQ = 13
NO_CALL_REASONS = ("LowDepth", "LowGQ", "NoCoverage", "NoCall", "RefMismatch")


@dataclass
class Site:
    """One defining position on the reference's contig names, with all alleles defined there."""

    contig: str
    pos: int
    ref: str
    alts: list[str]
    rsid: str | None = None


@dataclass
class SiteCall:
    site: Site
    gt: str  # e.g. 0/1, ./.
    dp: int
    ad: list[int] | None
    gq: int | None
    ft: str


def _sites(definitions: Iterable[GeneDefinition], fasta: pysam.FastaFile) -> list[Site]:
    names = {normalize_contig(n): n for n in fasta.references}
    sites: dict[tuple[str, int], Site] = {}
    for definition in definitions:
        for variant in definition.variants:
            contig = names.get(normalize_contig(variant.chromosome))
            if contig is None:
                continue
            key = (contig, variant.position)
            site = sites.setdefault(
                key, Site(contig, variant.position, variant.ref, [], variant.rsid)
            )
            if len(variant.ref) > len(site.ref):  # keep the longest REF, extend the others
                site.alts = [a + variant.ref[len(site.ref) :] for a in site.alts]
                site.ref = variant.ref
            for alt in variant.alts:
                spelled = alt + site.ref[len(variant.ref) :]
                if spelled != site.ref and spelled not in site.alts and alt not in "*-":
                    site.alts.append(spelled)
    order = {n: i for i, n in enumerate(fasta.references)}
    return sorted(sites.values(), key=lambda s: (order[s.contig], s.pos))


def _check_reference(sites: list[Site], fasta: pysam.FastaFile, where: str) -> set[tuple]:
    bad = set()
    for site in sites:
        found = fasta.fetch(site.contig, site.pos - 1, site.pos - 1 + len(site.ref)).upper()
        if found != site.ref.upper():
            bad.add((site.contig, site.pos))
    if len(bad) >= 2 and len(bad) > WRONG_BUILD_FRACTION * len(sites):
        raise InputError(
            where,
            f"the reference disagrees with the allele definitions at {len(bad)} of {len(sites)} "
            "defining positions: the reference and the definitions are on different builds",
            "give the reference the definitions were made for",
        )
    return bad


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise InputError(" ".join(command[:2]), result.stderr.strip()[-2000:], "")
    return result


def _ploidy_options(haploid: Sequence[tuple[str, int, int]], work: Path) -> list[str]:
    """bcftools call options making `haploid` regions (contig, first, last) haploid; the
    file names one sex, which bcftools gives the only sample."""
    if not haploid:
        return []
    lines = [f"{contig}\t{first}\t{last}\tS\t1\n" for contig, first, last in haploid]
    return ["--ploidy-file", _write(work / "ploidy.txt", "".join(lines) + "*\t*\t*\tS\t2\n")]


def _called(
    bam: Path, fasta_path: Path, sites: list[Site], work: Path, min_mapq: int, min_baseq: int,
    haploid: Sequence[tuple[str, int, int]] = (),
) -> dict[tuple[str, int], tuple]:  # fmt: skip
    regions = work / "positions.tsv"
    regions.write_text("".join(f"{s.contig}\t{s.pos}\t{s.pos}\n" for s in sites))
    alleles = work / "alleles.tsv.gz"
    text = "".join(f"{s.contig}\t{s.pos}\t{','.join([s.ref, *s.alts])}\n" for s in sites if s.alts)
    pysam.tabix_compress(_write(work / "alleles.tsv", text), str(alleles), force=True)
    pysam.tabix_index(str(alleles), seq_col=0, start_col=1, end_col=1, force=True, zerobased=False)
    pileup = work / "pileup.bcf"
    called = work / "called.vcf"
    _run([
        "bcftools", "mpileup", "--no-version", "-f", str(fasta_path), "-R", str(regions),
        "-a", "FORMAT/AD,FORMAT/DP", "-q", str(min_mapq), "-Q", str(min_baseq),
        "-d", "100000", "-Ou", "-o", str(pileup), str(bam),
    ])  # fmt: skip
    _run([
        "bcftools", "call", "--no-version", "-m", "-C", "alleles", "-T", str(alleles),
        "-a", "GQ", *_ploidy_options(haploid, work), "-Ov", "-o", str(called), str(pileup),
    ])  # fmt: skip
    quiet = pysam.set_verbosity(0)
    try:
        # bcftools call gives no GQ for a reference call: take it from mpileup's PL
        pl_gq: dict[tuple[str, int], int] = {}
        with pysam.VariantFile(str(pileup)) as handle:
            for record in handle:
                pl = record.samples[0].get("PL")
                if pl and None not in pl and len(pl) >= 2:
                    best = sorted(pl)
                    pl_gq[(record.chrom, record.pos)] = min(99, best[1] - best[0])
        records: dict[tuple[str, int], tuple] = {}
        with pysam.VariantFile(str(called)) as handle:
            for record in handle:
                key = (record.chrom, record.pos)
                previous = records.get(key)
                if previous is None or (record.alts and not previous[0].alts):
                    records[key] = (record, pl_gq.get(key))
    finally:
        pysam.set_verbosity(quiet)
    return records


def _write(path: Path, text: str) -> str:
    path.write_text(text)
    return str(path)


def _site_call(site: Site, called, min_depth: int, min_gq: int, mismatch: bool) -> SiteCall:
    if mismatch:
        return SiteCall(site, "./.", 0, None, None, "RefMismatch")
    if called is None:
        return SiteCall(site, "./.", 0, None, None, "NoCoverage")
    record, pl_gq = called
    sample = record.samples[0]
    dp = sample.get("DP") or 0
    gq = sample.get("GQ")
    if gq is None:
        gq = pl_gq
    ad_raw = sample.get("AD")
    # the record's alleles -> the site's spelling (bcftools may trim or pad differently)
    alleles = (site.ref, *site.alts)
    mapping = {}
    for index, allele in enumerate((record.ref, *(record.alts or ()))):
        if allele == "<*>":
            continue
        spelled = (
            allele + site.ref[len(record.ref) :] if len(record.ref) < len(site.ref) else allele
        )
        if spelled in alleles:
            mapping[index] = alleles.index(spelled)
    ad = None
    if ad_raw is not None and None not in ad_raw:
        ad = [0] * len(alleles)
        for index, count in enumerate(ad_raw):
            if index in mapping:
                ad[mapping[index]] += count
    gt = sample.get("GT") or (None,)
    if dp == 0:
        return SiteCall(site, "./.", 0, ad, gq, "NoCoverage")
    if dp < min_depth:
        return SiteCall(site, "./.", dp, ad, gq, "LowDepth")
    if gq is None or gq < min_gq:
        return SiteCall(site, "./.", dp, ad, gq, "LowGQ")
    if any(i is None or i not in mapping for i in gt):
        return SiteCall(site, "./.", dp, ad, gq, "NoCall")
    return SiteCall(site, "/".join(str(mapping[i]) for i in gt), dp, ad, gq, "PASS")


def _sample_name(bam: Path, reference: Path, sample: str | None) -> str:
    if sample:
        return sample
    with pysam.AlignmentFile(str(bam), reference_filename=str(reference)) as handle:
        names = {rg.get("SM") for rg in handle.header.to_dict().get("RG", []) if rg.get("SM")}
    return names.pop() if len(names) == 1 else Path(bam).name.split(".")[0]


def force_genotype(
    bam: Path | str,
    reference: Path | str,
    definitions: Iterable[GeneDefinition],
    out_vcf: Path | str,
    *,
    sample: str | None = None,
    min_depth: int = DEFAULT_MIN_DEPTH,
    min_gq: int = DEFAULT_MIN_GQ,
    min_mapq: int = DEFAULT_MIN_MAPQ,
    min_baseq: int = DEFAULT_MIN_BASEQ,
    haploid: Sequence[tuple[str, int, int]] = (),
) -> list[SiteCall]:
    """Write a single-sample VCF (bgzipped and indexed when it ends in .gz) with one record at
    every defining position of `definitions` on `reference`; return the per-site calls.
    `haploid` regions (contig, first, last; tailorseq.sex.haploid_regions: chrM, a male's
    non-PAR chrX and chrY) are called with one allele (GT `1`, not `1/1`)."""
    bam, reference, out_vcf = Path(bam), Path(reference), Path(out_vcf)
    for tool in ("bcftools",):
        if not shutil.which(tool):
            raise InputError(tool, "is not on PATH", "install bcftools (>= 1.16)")
    with pysam.FastaFile(str(reference)) as fasta:
        sites = _sites(definitions, fasta)
        if not sites:
            raise InputError(
                str(reference),
                "no defining position lies on this reference's contigs",
                "give definitions of the reference's build",
            )
        mismatches = _check_reference(sites, fasta, str(reference))
        contigs = [(n, fasta.get_reference_length(n)) for n in fasta.references]
    name = _sample_name(bam, reference, sample)
    with tempfile.TemporaryDirectory(prefix="pgx-force-") as tmp:
        usable = [s for s in sites if (s.contig, s.pos) not in mismatches]
        records = _called(bam, reference, usable, Path(tmp), min_mapq, min_baseq, haploid)
        calls = [
            _site_call(
                s,
                records.get((s.contig, s.pos)),
                min_depth,
                min_gq,
                (s.contig, s.pos) in mismatches,
            )
            for s in sites
        ]
    _write_vcf(out_vcf, name, contigs, calls, min_depth, min_gq)
    return calls


def _write_vcf(path: Path, sample: str, contigs, calls: list[SiteCall], min_depth, min_gq):
    header = [
        "##fileformat=VCFv4.2",
        "##source=tailorseq.pgx.force_genotype (bcftools mpileup | bcftools call -m -C alleles)",
        f"##tailorseq_pgx_thresholds=min_depth:{min_depth},min_gq:{min_gq}",
        *(f"##contig=<ID={n},length={length}>" for n, length in contigs),
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype (./. = no call)">',
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth used by the caller">',
        '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Reads per allele">',
        '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">',
        *(f'##FILTER=<ID={f},Description="no-call: {f}">' for f in NO_CALL_REASONS),
        '##FORMAT=<ID=FT,Number=1,Type=String,Description="PASS, or why the genotype is a '
        'no-call: LowDepth, LowGQ, NoCoverage, NoCall, RefMismatch">',
        "\t".join(
            ["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", sample]
        ),
    ]
    lines = []
    for c in calls:
        s = c.site
        ad = ",".join(map(str, c.ad)) if c.ad else "."
        gq = "." if c.gq is None else str(int(c.gq))
        lines.append(
            "\t".join(
                [
                    s.contig,
                    str(s.pos),
                    s.rsid or ".",
                    s.ref,
                    ",".join(s.alts) or ".",
                    ".",
                    "PASS" if c.ft == "PASS" else c.ft,
                    ".",
                    "GT:DP:AD:GQ:FT",
                    f"{c.gt}:{c.dp}:{ad}:{gq}:{c.ft}",
                ]
            )
        )
    text = "\n".join(header + lines) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.name.endswith(".gz"):
        plain = path.with_name(path.name.removesuffix(".gz") + ".partial")
        plain.write_text(text)
        pysam.tabix_compress(str(plain), str(path), force=True)
        plain.unlink()
        pysam.tabix_index(str(path), preset="vcf", force=True)
    else:
        partial = path.with_name(path.name + ".partial")
        partial.write_text(text)
        partial.replace(path)

"""Force-genotype every allele-defining position from the reads (BAM/CRAM).

PharmCAT needs a VCF with every defining position present and reads an absent position as
no-call; a variant caller's VCF leaves reference sites out. So the PGx step genotypes the reads
at every position of the definitions itself:

- single-base substitutions by a constrained pileup call,

      bcftools mpileup -f REF -R positions -a AD,DP -q MAPQ -Q BASEQ BAM
        | bcftools call -m -C alleles -T alleles.tsv.gz -f GQ [--ploidy-file]

  (`-C alleles` constrains the call to the definitions' REF/ALT alleles, so reference calls are
  emitted too);
- indels and multi-base substitutions (and single-base positions inside their windows) by the
  reads' haplotype sequence over the locus (`tailorseq.pgx.haplotypes`): a pileup caller's
  spelling of a repeat indel cannot be matched to the definition's, and a constrained call then
  falls back to the reference (UGT1A1 *28 came out `*1/*1`).

Then one record per defining position is written, in the definitions' spelling (REF and ALT as
the definitions have them): the called genotype (haploid inside the `haploid` regions), or an
explicit no-call `./.` with FORMAT/FT saying why (`sites.NO_CALL_REASONS`) - never a silent
reference call. FORMAT/DP, AD and GQ are kept per position.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import pysam

from tailorseq.errors import InputError
from tailorseq.pgx.definitions import GeneDefinition
from tailorseq.pgx.genotypes import WRONG_BUILD_FRACTION, normalize_contig
from tailorseq.pgx.haplotypes import build_loci, genotype_locus, read_evidence
from tailorseq.pgx.sites import NO_CALL_REASONS, Site, SiteCall

#: (contig, first, last), 1-based inclusive
Region = tuple[str, int, int]
DEFAULT_MIN_DEPTH = 8
DEFAULT_MIN_GQ = 20
DEFAULT_MIN_MAPQ = 20
DEFAULT_MIN_BASEQ = 13


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


def _called(
    bam: Path,
    fasta_path: Path,
    sites: list[Site],
    work: Path,
    thresholds: tuple[int, int],
    haploid: Sequence[Region],
) -> dict[tuple[str, int], tuple]:
    """bcftools' constrained call at single-base `sites` (haploid in the `haploid` regions):
    (record, GQ from mpileup's PL) by position."""
    min_mapq, min_baseq = thresholds
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
        "-I", "-d", "100000", "-Ou", "-o", str(pileup), str(bam),
    ])  # fmt: skip
    _run([
        "bcftools", "call", "--no-version", "-m", "-C", "alleles", "-T", str(alleles),
        "-a", "GQ", *_ploidy_options(pileup, haploid, work), "-Ov", "-o", str(called),
        str(pileup),
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


def _ploidy_options(pileup: Path, haploid: Sequence[Region], work: Path) -> list[str]:
    """bcftools call's options making the `haploid` regions haploid (none when there are none):
    a ploidy file for a sex code of our own, given to the pileup's sample."""
    if not haploid:
        return []
    with pysam.VariantFile(str(pileup)) as handle:
        samples = list(handle.header.samples)
    ploidy = "".join(f"{c}\t{first}\t{last}\tH\t1\n" for c, first, last in haploid)
    ploidy += "*\t*\t*\tH\t2\n"
    return [
        "--ploidy-file", _write(work / "ploidy.tsv", ploidy),
        "-S", _write(work / "sex.tsv", "".join(f"{s}\tH\n" for s in samples)),
    ]  # fmt: skip


def _write(path: Path, text: str) -> str:
    path.write_text(text)
    return str(path)


def _site_call(site: Site, called, min_depth: int, min_gq: int, no_call: str) -> SiteCall:
    """A single-base site's call from bcftools' record (None: no record, no read)."""
    if called is None:
        return SiteCall(site, no_call, 0, None, None, "NoCoverage")
    record, pl_gq = called
    sample = record.samples[0]
    dp = sample.get("DP") or 0
    gq = sample.get("GQ")
    if gq is None:
        gq = pl_gq
    ad_raw = sample.get("AD")
    # the record's alleles -> the site's (single bases: one spelling; `<*>` is none of them)
    alleles = (site.ref, *site.alts)
    mapping = {
        index: alleles.index(allele)
        for index, allele in enumerate((record.ref, *(record.alts or ())))
        if allele in alleles
    }
    ad = None
    if ad_raw is not None and None not in ad_raw:
        ad = [0] * len(alleles)
        for index, count in enumerate(ad_raw):
            if index in mapping:
                ad[mapping[index]] += count
    gt = sample.get("GT") or (None,)
    if dp == 0:
        return SiteCall(site, no_call, 0, ad, gq, "NoCoverage")
    if dp < min_depth:
        return SiteCall(site, no_call, dp, ad, gq, "LowDepth")
    if gq is None or gq < min_gq:
        return SiteCall(site, no_call, dp, ad, gq, "LowGQ")
    if any(i is None or i not in mapping for i in gt):
        return SiteCall(site, no_call, dp, ad, gq, "NoCall")
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
    haploid: Sequence[Region] = (),
) -> list[SiteCall]:
    """Write a single-sample VCF (bgzipped and indexed when it ends in .gz) with one record at
    every defining position of `definitions` on `reference`; return the per-site calls.
    `haploid` regions (contig as the reference names it, first, last; 1-based inclusive:
    tailorseq.sex.haploid_regions, i.e. chrM and a male's non-PAR chrX and chrY) are called with
    one allele (GT `1`, not `1/1`)."""
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
        loci, single = build_loci([s for s in sites if (s.contig, s.pos) not in mismatches], fasta)
    name = _sample_name(bam, reference, sample)
    calls: dict[tuple[str, int], SiteCall] = {
        key: SiteCall(s, _no_call(_inside(haploid, s.contig, s.pos)), 0, None, None, "RefMismatch")
        for s in sites
        if (key := (s.contig, s.pos)) in mismatches
    }
    with tempfile.TemporaryDirectory(prefix="pgx-force-") as tmp:
        records = (
            _called(bam, reference, single, Path(tmp), (min_mapq, min_baseq), haploid)
            if single
            else {}
        )
    for s in single:
        no_call = _no_call(_inside(haploid, s.contig, s.pos))
        call = _site_call(s, records.get((s.contig, s.pos)), min_depth, min_gq, no_call)
        calls[(s.contig, s.pos)] = call
    with pysam.AlignmentFile(str(bam), reference_filename=str(reference)) as alignments:
        for locus in loci:
            evidence = read_evidence(alignments, locus, min_mapq)
            ploidy = 1 if _inside(haploid, locus.contig, locus.start + 1) else 2
            for call in genotype_locus(
                locus, evidence, ploidy=ploidy, min_depth=min_depth, min_gq=min_gq
            ):
                calls[(call.site.contig, call.site.pos)] = call
    ordered = [calls[(s.contig, s.pos)] for s in sites]
    _write_vcf(out_vcf, name, contigs, ordered, min_depth, min_gq)
    return ordered


def _inside(regions: Sequence[Region], contig: str, pos: int) -> bool:
    """True when 1-based `pos` of `contig` lies in one of the regions."""
    return any(c == contig and first <= pos <= last for c, first, last in regions)


def _no_call(haploid: bool) -> str:
    return "." if haploid else "./."


def _write_vcf(path: Path, sample: str, contigs, calls: list[SiteCall], min_depth, min_gq):
    header = [
        "##fileformat=VCFv4.2",
        "##source=tailorseq.pgx.force_genotype (single-base: bcftools mpileup | bcftools call "
        "-m -C alleles; indels and multi-base: read haplotypes, tailorseq.pgx.haplotypes)",
        f"##tailorseq_pgx_thresholds=min_depth:{min_depth},min_gq:{min_gq}",
        *(f"##contig=<ID={n},length={length}>" for n, length in contigs),
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype (./. or . = no call)">',
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth used by the caller">',
        '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Reads per allele">',
        '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">',
        *(f'##FILTER=<ID={f},Description="no-call: {d}">' for f, d in NO_CALL_REASONS.items()),
        '##FORMAT=<ID=FT,Number=1,Type=String,Description="PASS, or why the genotype is a '
        f'no-call: {", ".join(NO_CALL_REASONS)}">',
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

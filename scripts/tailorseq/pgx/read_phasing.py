"""Read-backed phase of the force-genotyped PGx positions with WhatsHap (Martin et al., bioRxiv
2016, doi:10.1101/085050): heterozygous calls that reads or read pairs span together get `|`
genotypes and a phase set (FORMAT/PS), which the matcher reads with PharmCAT's semantics
(`tailorseq.pgx.phasing`). Two positions too far apart for one fragment stay unphased, and the
matcher keeps PharmCAT's unphased behaviour for them.

WhatsHap skips multi-allelic records, and every PGx record lists all of a position's defined
alleles (UGT1A1 *28 has three ALTs): so it phases a copy of the heterozygous calls with the ALTs
no genotype carries trimmed away (`bcftools view --trim-alt-alleles --genotype het`), and the
phase is carried back to the full record allele by allele (by sequence, not by index).

The hereditary findings use the same run (`phase_calls`): the germline calls in the regions of
the gene list's autosomal-recessive genes, phased to tell a compound heterozygote (two P/LP
variants in trans) from two variants in cis (`tailorseq.findings_phase`).
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pysam

from tailorseq.tools import run_logged as run

PS_HEADER = (
    '##FORMAT=<ID=PS,Number=1,Type=Integer,Description="Phase set: WhatsHap read-backed phase'
    " (the position of the block's first variant)\">"
)


def phase_source(vcf: Path) -> str:
    """Where a VCF's phase sets come from, read from its PS header line."""
    with pysam.VariantFile(str(vcf)) as handle:
        ps = handle.header.formats.get("PS")
    if ps is None:
        return "none (the VCF has no phase sets)"
    return "reads (WhatsHap)" if "WhatsHap" in (ps.description or "") else "the input VCF"


def whatshap_phase(
    vcf: Path, bam: Path, reference: Path, work: Path, regions: Path | None = None
) -> Path:
    """WhatsHap's phased copy of `vcf`'s heterozygous calls with unused ALTs trimmed (only
    they can be phased; WhatsHap also refuses a contig mixing diploid and haploid calls, as a
    male's chrX does); with `regions` (a BED; `vcf` indexed) only the calls inside them."""
    trimmed, phased = work / "trimmed.vcf.gz", work / "phased.vcf"
    within = ("--regions-file", regions) if regions is not None else ()
    run("bcftools", "view", "--trim-alt-alleles", "--genotype", "het", *within, "-Oz", "-o",
        trimmed, vcf)  # fmt: skip
    run("bcftools", "index", "--tbi", trimmed)
    run("whatshap", "phase", "--reference", reference, "--ignore-read-groups", "-o", phased,
        trimmed, bam)  # fmt: skip
    return phased


def whatshap_version(phased: Path) -> str | None:
    """The WhatsHap version that wrote a phased VCF (its `##commandline="(whatshap 2.8) ..."`
    header line); None when WhatsHap did not write it."""
    with pysam.VariantFile(str(phased)) as handle:
        for line in handle.header.records:
            found = re.search(r"\(whatshap ([\w.+-]+)\)", str(line))
            if found:
                return found.group(1)
    return None


def phases(phased: Path) -> dict[tuple[str, int], tuple[tuple[str, str], int]]:
    """(contig, pos) -> (the two alleles' sequences in phase order, phase set) of each phased
    call."""
    found = {}
    with pysam.VariantFile(str(phased)) as handle:
        sample = handle.header.samples[0]
        for record in handle:
            call = record.samples[sample]
            gt, ps = call["GT"], call.get("PS")
            if call.phased and ps is not None and None not in gt and len(gt) == 2:
                found[(record.contig, record.pos)] = (tuple(record.alleles[i] for i in gt), ps)
    return found


def transfer(original: Path, phased: dict, out: Path) -> int:
    """`original` with the phased genotypes and phase sets set; the number of phased calls."""
    count = 0
    with pysam.VariantFile(str(original)) as source:
        header = source.header.copy()
        if "PS" not in header.formats:
            header.add_line(PS_HEADER)
        sample = header.samples[0]
        with pysam.VariantFile(str(out), "wz", header=header) as sink:
            for record in source:
                record.translate(header)
                found = phased.get((record.contig, record.pos))
                if found and all(allele in record.alleles for allele in found[0]):
                    call = record.samples[sample]
                    call["GT"] = tuple(record.alleles.index(allele) for allele in found[0])
                    call.phased = True
                    call["PS"] = found[1]
                    count += 1
                sink.write(record)
    pysam.tabix_index(str(out), preset="vcf", force=True)
    return count


def phase_from_reads(vcf: Path, bam: Path, reference: Path, out: Path) -> int:
    """Phase `vcf`'s heterozygous calls from `bam` into `out` (bgzipped, indexed); the number
    of calls phased."""
    with tempfile.TemporaryDirectory(dir=out.parent) as scratch:
        phased = phases(whatshap_phase(vcf, bam, reference, Path(scratch)))
    return transfer(vcf, phased, out)


def phase_calls(vcf: Path, bam: Path, reference: Path, out: Path, regions: Path | None) -> int:
    """WhatsHap's phased copy of `vcf`'s heterozygous calls (inside `regions` when given) into
    `out` (bgzipped, indexed; WhatsHap's own header kept, so its version can be read back);
    the number of calls phased. Empty `regions`: nothing to phase, `out` has the header only
    (bcftools refuses an empty regions file)."""
    if regions is not None and not regions.read_text().strip():
        run("bcftools", "view", "--header-only", "-Oz", "-o", out, vcf)
        run("bcftools", "index", "--force", "--tbi", out)
        return 0
    with tempfile.TemporaryDirectory(dir=out.parent) as scratch:
        phased = whatshap_phase(vcf, bam, reference, Path(scratch), regions)
        run("bcftools", "view", "-Oz", "-o", out, phased)
    run("bcftools", "index", "--force", "--tbi", out)
    return len(phases(out))

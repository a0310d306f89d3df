"""A tumour/normal pair's somatic copy number (tailorseq.somatic.copy_number): the normal's
covered territory (mosdepth), then CNVkit in WGS mode on it with the pair's normal as the
reference (autobin, coverage, reference, fix, segment, call with the purity, scatter), and the
table, document and plot. With a pooled reference of normals (config `cnv.reference`,
tailorseq.somatic.cnv_reference) the tumour's coverage is read over the reference's own bins
and fixed against it instead. A territory too small or too shallow gives "not assessed" and no
segments. The purity is the sample sheet's, else estimated from the pair's somatic SNVs in the
copy-neutral segments (tailorseq.somatic.purity); the estimate is reported either way. The
research-use genomic scar counts (tailorseq.somatic.scar) come from a second CNVkit `call`
given the tumour's and normal's allele depths at the normal's heterozygous SNPs (major and
minor copy number per segment)."""

import json
import statistics
import tempfile
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pysam

from tailorseq import documents
from tailorseq.files import stderr_to
from tailorseq.gff import gene_spans
from tailorseq.reference import read_contigs
from tailorseq.regions import Region, read_bed
from tailorseq.somatic import cnv_reference, scar
from tailorseq.somatic import copy_number as cnv
from tailorseq.somatic import purity as tumour_purity
from tailorseq.somatic.cnvkit_steps import (
    CNVKIT,
    autobin,
    cnvkit,
    coverage,
    covered,
    no_antitargets,
)
from tailorseq.tools import find_tool
from tailorseq.tools import run_logged as run

NO_SEGMENTS = "copy number was not assessed: no segments to find copy-neutral SNVs in"


class Pair:
    """One pair's CNVkit run in a scratch folder."""

    def __init__(self, inputs: dict[str, str], work: Path, threads: int) -> None:
        self.inputs, self.work, self.threads = inputs, work, str(threads)

    def territory(self, settings: cnv.CnvSettings, min_mapq: int) -> list[Region]:
        """The accessible sequence the normal covers at the territory depth."""
        access = read_bed(Path(self.inputs["access"]))
        return covered(Path(self.inputs["normal"]), access, self.work / "normal", settings,
                       min_mapq, int(self.threads))  # fmt: skip

    def normal_bins(self, covered: list[Region], settings: cnv.CnvSettings) -> list[float]:
        """Bins over the territory sized by the normal's depth there; the normal's depth in
        each."""
        autobin([Path(self.inputs["normal"])], covered, self.work, settings.bp_per_bin)
        self.coverage("normal", "bins.bed", "targetcoverage")
        lines = (self.work / "normal.targetcoverage.cnn").read_text().splitlines()
        column = lines[0].split("\t").index("depth")
        return [float(line.split("\t")[column]) for line in lines[1:]]

    def pooled_bins(self) -> list[Region]:
        """The pooled reference's own bins, into the bins BED the tumour's coverage reads."""
        return cnv_reference.write_bins(Path(self.inputs["reference"]), self.work / "bins.bed")

    def coverage(self, sample: str, bed: str, kind: str) -> None:
        coverage(Path(self.inputs[sample]), self.work / bed,
                 self.work / f"{sample}.{kind}.cnn", int(self.threads))  # fmt: skip

    def reference(self, sex: str | None) -> Path:
        """The reference the tumour is fixed against: the pooled one when configured, else one
        made of the pair's normal (its coverage over the bins, GC from the FASTA)."""
        if "reference" in self.inputs:
            return Path(self.inputs["reference"])
        work = self.work
        no_antitargets(Path(self.inputs["normal"]), work, "normal", int(self.threads))
        cnvkit("reference", work / "normal.targetcoverage.cnn",
            work / "normal.antitargetcoverage.cnn", "--fasta", self.inputs["ref"],
            *sex_option(sex), "-o", work / "reference.cnn")  # fmt: skip
        return work / "reference.cnn"

    def segments(self, sex: str | None, method: str) -> Path:
        """CNVkit from the tumour's coverage to segments, log2 before purity adjustment (WGS:
        no antitargets)."""
        work = self.work
        no_antitargets(Path(self.inputs["tumor"]), work, "tumor", int(self.threads))
        self.coverage("tumor", "bins.bed", "targetcoverage")
        reference = self.reference(sex)
        cnvkit("fix", work / "tumor.targetcoverage.cnn", work / "tumor.antitargetcoverage.cnn",
            reference, "--no-edge", "-o", work / "tumor.cnr")  # fmt: skip
        cnvkit("segment", work / "tumor.cnr", "-m", method, "-p", self.threads,
            "-o", work / "tumor.cns")  # fmt: skip
        return work / "tumor.cns"

    def call(self, sex: str | None, purity: float | None) -> Path:
        """Integer copy number of the segments, adjusted for `purity` when known."""
        purity_option = ["--purity", str(purity)] if purity is not None else []
        cnvkit("call", self.work / "tumor.cns", "-m", "clonal", *purity_option,
            *sex_option(sex), "-o", self.work / "tumor.call.cns")  # fmt: skip
        return self.work / "tumor.call.cns"

    def allele_vcf(self, min_mapq: int) -> tuple[Path, list[str], int]:
        """The tumour's and normal's allele depths at the normal's heterozygous biallelic SNPs
        (bcftools), the VCF's sample names (tumour, normal) and the number of those SNPs."""
        hets, pileup = self.work / "normal.hets.vcf.gz", self.work / "pair.alleles.bcf"
        alleles = self.work / "pair.alleles.vcf.gz"
        run("bcftools", "view", "-f", "PASS,.", "-g", "het", "-v", "snps", "-m2", "-M2",
            self.inputs["germline"], "-Oz", "-o", hets)  # fmt: skip
        with pysam.VariantFile(str(hets)) as vcf:
            count = sum(1 for _ in vcf)
        if not count:
            return alleles, [], 0
        run("bcftools", "mpileup", "-f", self.inputs["ref"], "-T", hets, "-q", str(min_mapq),
            "-a", "FORMAT/AD,FORMAT/DP", "-Ob", "-o", pileup, self.inputs["tumor"],
            self.inputs["normal"])  # fmt: skip
        run("bcftools", "call", "-m", "-Oz", "-o", alleles, pileup)
        run("bcftools", "index", "-t", alleles)
        with pysam.VariantFile(str(alleles)) as vcf:
            return alleles, list(vcf.header.samples), count

    def allele_call(
        self, sex: str | None, purity: float | None, alleles: Path, samples: list[str]
    ) -> Path:
        """CNVkit's call with b-allele frequencies: major (cn1) and minor (cn2) copy number."""
        purity_option = ["--purity", str(purity)] if purity is not None else []
        cnvkit("call", self.work / "tumor.cns", "-m", "clonal", *purity_option,
            *sex_option(sex), "--vcf", alleles, "-i", samples[0], "-n", samples[1],
            "-o", self.work / "tumor.alleles.call.cns")  # fmt: skip
        return self.work / "tumor.alleles.call.cns"

    def plot(self, png: str) -> None:
        """Bins and segments, log2 ratio of tumour to its reference (before purity
        adjustment)."""
        against = "the pooled normals" if "reference" in self.inputs else "the normal"
        cnvkit("scatter", self.work / "tumor.cnr", "-s", self.work / "tumor.cns", "-o", png,
            "--title", f"Tumour copy number (log2 ratio to {against})")  # fmt: skip


def sex_option(sex: str | None) -> list[str]:
    """CNVkit's option for the patient's sex, when known."""
    return ["--sample-sex", sex] if sex else []


def purity_document(
    pair: Pair, sex_contigs: dict[str, str], given: float | None, settings: cnv.CnvSettings,
    purity_settings: tumour_purity.PuritySettings,
) -> dict[str, Any]:  # fmt: skip
    """The purity to adjust for, with the estimate from the somatic SNVs in neutral segments."""
    excluded = {name for key, name in sex_contigs.items() if key in ("x", "y")}
    neutral = tumour_purity.neutral_segments(
        pair.work / "tumor.cns", purity_settings.neutral_log2, settings.min_bins, excluded
    )
    counts = tumour_purity.snv_counts(
        Path(pair.inputs["somatic"]), neutral, purity_settings.min_depth
    )
    return tumour_purity.resolve(given, tumour_purity.estimate(counts, purity_settings))


def scar_document(pair: Pair, sex: str | None, purity: float | None, min_mapq: int) -> dict:
    """The research-use scar counts of the pair (tailorseq.somatic.scar), or why not."""
    alleles, samples, hets = pair.allele_vcf(min_mapq)
    if not hets:
        return scar.not_assessed("the normal has no heterozygous PASS SNP to measure alleles at")
    if len(samples) != 2:
        return scar.not_assessed(
            "the tumour's and normal's reads carry one read-group sample name, so their allele"
            " depths cannot be told apart"
        )
    segments = scar.read_allele_segments(pair.allele_call(sex, purity, alleles, samples))
    lengths = read_contigs(Path(pair.inputs["ref"]))
    centromeres = pair.inputs.get("centromeres")
    arms = scar.autosome_arms(lengths, read_bed(Path(centromeres))) if centromeres else []
    return scar.scar_scores(segments, lengths, arms)


def not_assessed_plot(reason: str, png: str) -> None:
    """A plot that says why there is no copy-number profile."""
    figure = plt.figure(figsize=(8, 1.5))
    figure.text(0.02, 0.5, f"Copy number not assessed: {reason}", wrap=True, va="center")
    figure.savefig(png, dpi=100)
    plt.close(figure)


def table_rows(
    called: Path, inputs: dict[str, str], sex: str | None, sex_contigs: dict[str, str],
    settings: cnv.CnvSettings,
) -> list[dict[str, Any]]:  # fmt: skip
    """The table's rows; the sex chromosomes only when the patient's sex is known."""
    unknown = {sex_contigs.get("x"), sex_contigs.get("y")} if sex is None else set()
    segments = [s for s in cnv.read_segments(called) if s.contig not in unknown]
    ploidy = {s.contig: cnv.contig_ploidy(s.contig, sex or "", sex_contigs) for s in segments}
    genes = gene_spans(Path(inputs["gff3"])) if inputs.get("gff3") else []
    return cnv.segment_rows(segments, genes, ploidy, settings)


def assess(pair: Pair, settings: cnv.CnvSettings, min_mapq: int, document: dict) -> str | None:
    """Territory, bins and the normal's depth into `document` (with a pooled reference: its
    bins and its normals' depth); why not assessed, or None."""
    pooled = "reference" in pair.inputs
    covered = pair.pooled_bins() if pooled else pair.territory(settings, min_mapq)
    bases = sum(region.length for region in covered)
    document["territory"] = {"bases": bases, "contigs": len({r.contig for r in covered})}
    reason = cnv.unassessable(bases, float("inf"), settings, pooled)
    if reason is not None:
        return reason
    if pooled:
        depth, bins = cnv_reference.median_depth(Path(pair.inputs["reference"])), len(covered)
    else:
        depths = pair.normal_bins(covered, settings)
        depth, bins = statistics.median(depths), len(depths)
    document["normal_median_depth"], document["bins"] = round(depth, 1), bins
    return cnv.unassessable(bases, document["normal_median_depth"], settings, pooled)


def somatic_cnv(
    inputs: dict[str, str], outputs: dict[str, str], section: dict[str, Any],
    purity: float | None, threads: int, min_mapq: int,
) -> dict[str, Any]:  # fmt: skip
    """Assess and call the pair's copy number (the config's `cnv` section); write the table,
    document and plot."""
    settings = cnv.CnvSettings.from_config(section)
    purity_settings = tumour_purity.PuritySettings.from_config(section)
    sex_record = json.loads(Path(inputs["sex"]).read_text())
    sex = sex_record["calling_sex"] if sex_record["calling_sex"] in ("female", "male") else None
    document: dict[str, Any] = {
        "schema": documents.IDS[cnv.KIND],
        "tool": {"name": "CNVkit", "version": find_tool(CNVKIT).version},
        "settings": vars(settings) | {f"purity_{k}": v for k, v in vars(purity_settings).items()},
        "reference": (
            cnv_reference.pooled(Path(inputs["reference"]))
            if "reference" in inputs
            else cnv_reference.paired()
        ),
        "purity": tumour_purity.resolve(purity, tumour_purity.not_estimated(NO_SEGMENTS)),
        "sex": sex or "unknown",
    }
    with tempfile.TemporaryDirectory(dir=Path(outputs["tsv"]).parent) as scratch:
        pair = Pair(inputs, Path(scratch), threads)
        reason = assess(pair, settings, min_mapq, document)
        if reason is not None:
            document.update(status="not assessed", reason=reason, altered_genes=[])
            document["scar"] = scar.not_assessed(f"copy number was not assessed: {reason}")
            cnv.write_table([], Path(outputs["tsv"]))
            not_assessed_plot(reason, outputs["png"])
        else:
            pair.segments(sex, settings.segment_method)
            document["purity"] = purity_document(
                pair, sex_record["contigs"], purity, settings, purity_settings
            )
            called = pair.call(sex, document["purity"]["value"])
            rows = table_rows(called, inputs, sex, sex_record["contigs"], settings)
            cnv.write_table(rows, Path(outputs["tsv"]))
            pair.plot(outputs["png"])
            altered = cnv.altered_genes(rows, settings.min_bins)
            document["scar"] = scar_document(pair, sex, document["purity"]["value"], min_mapq)
            document.update(status="assessed", reason="", segments=len(rows), altered_genes=altered)
    documents.write(cnv.KIND, document, Path(outputs["json"]))
    return document


if __name__ == "__main__":
    rule = snakemake  # noqa: F821
    with stderr_to(rule.log[0]):
        somatic_cnv(
            dict(rule.input.items()),
            dict(rule.output.items()),
            rule.params.settings,
            rule.params.purity,
            rule.threads,
            rule.params.min_mapq,
        )

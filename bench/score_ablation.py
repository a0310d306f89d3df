"""Would the germline score gain from more training windows, read features only the BAM holds,
or more candidates? Offline ablation on the held-out sets of accuracy_depth.py (bcftools).

Each variant is trained like bench/train_score.py (the shipped ensemble, isotonic calibration
and best-F1 threshold on the validation sets) and scores the candidate calls accuracy_depth.py
kept (the candidates are the same whatever the model; only PASS changes):

- no repeat stutter: the training and validation windows of train_score.py simulated with
  strand artefacts and homopolymer slippage only (simulate.Artefacts(), as before 2026-12-07;
  workdir `--train-workdir`), the pipeline's candidates;
- more windows: plus 8 training and 2 validation windows of 10-20x noisy reads, the depth and
  profile of the target's set (MORE_TRAINING, MORE_VALIDATION);
- cycle: plus two values read from each call's BAM, for SNVs (score_misses.alt_bases): the
  mean sequencing cycle of the ALT bases and the share of them in the last third of the read
  (dwgsim's errors, like Illumina's, rise along the read; bcftools' RPBZ ranks positions on
  the reference, whatever the strand);
- re-called, -m 2 and -m 1: every set's candidates called again from its BAM (`recall`) with
  bcftools mpileup --min-ireads 2 (bcftools' default) and 1 (an indel that one read's
  alignment shows becomes a candidate, and bcftools' realignment weighs it on all the reads;
  the pipeline's with the score since 2026-12-07), the model trained on each. These two also
  score real reads: the BRCA1 region of two 1000 Genomes samples (../shared/data/brca1-1kg,
  ~4.5x, aligned by the pipeline), against their phase 3 genotypes, since without repeat
  stutter the simulated reads have no indel errors but homopolymer slippage, and real reads
  have many more;
- stutter (the pipeline's candidates, re-called -m 2, re-called -m 1): the same three, trained
  on the windows simulated with one-unit slippage in tandem repeats of 2-6 base units added as
  well (simulate.TRAINING_ARTEFACTS, train_score.py's reads; workdir `--stutter-workdir`), the
  shipped model's training. The held-out sets stay as accuracy_depth.py simulates them, so
  these rows also show what a model that distrusts gapped reads in repeats loses where the
  reads do not stutter there.

Printed per held-out set: SNV and indel FP, FN (truth never emitted included) and F1 inside
the confident regions, as accuracy_depth.py counts them for the shipped model; per 1000 Genomes
sample: its phase 3 variants, how many PASS calls find and with the same zygosity, and the PASS
calls not in phase 3 (indels among them).

    .venv/bin/python bench/train_score.py --caller bcftools --out /tmp/model  # its callsets
    .venv/bin/python bench/accuracy_depth.py --callers bcftools --settings score \\
        --sets h08 h15n h15n2 h15n3 h60
    .venv/bin/python bench/score_ablation.py  # ~30 min on 2 cores after the two above
"""

from __future__ import annotations

import argparse
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pysam
import yaml

import train_score
from accuracy_depth import HELD_OUT
from common import (
    CHR20,
    DATA,
    DEFAULT_CACHE,
    REPO,
    inside,
    normalise,
    print_table,
    read_bed,
    run_pipeline,
    variant_kind,
    write_json,
    write_run_config,
    write_sheets,
)
from score_misses import alt_bases
from tailorseq.scoring import features, fit, model
from tailorseq.scoring.simulate import TRAINING_ARTEFACTS, Artefacts, SimulatedSet, simulate

WINDOW = train_score.WINDOW
MORE_TRAINING = [
    SimulatedSet("t15n3", "20", 1_000_001, WINDOW, 15, "noisy", 121),
    SimulatedSet("t12n3", "20", 9_000_001, WINDOW, 12, "noisy", 122),
    SimulatedSet("t18n2", "20", 13_000_001, WINDOW, 18, "noisy", 123),
    SimulatedSet("t10n2", "20", 16_000_001, WINDOW, 10, "noisy", 124),
    SimulatedSet("t15n4", "20", 19_000_001, WINDOW, 15, "noisy", 125),
    SimulatedSet("t20n2", "20", 21_000_001, WINDOW, 20, "noisy", 126),
    SimulatedSet("t15n5", "20", 23_000_001, WINDOW, 15, "noisy", 127),
    SimulatedSet("t12n4", "20", 24_000_001, WINDOW, 12, "noisy", 128),
]
MORE_VALIDATION = [
    SimulatedSet("v15n2", "20", 37_000_001, WINDOW, 15, "noisy", 207),
    SimulatedSet("v18n", "20", 54_000_001, WINDOW, 18, "noisy", 208),
]
CYCLE = ("alt_cycle", "alt_last_third")
KINDS = ("SNV", "indel")
BRCA1 = DATA / "brca1-1kg"
BRCA1_REF = BRCA1 / "ref.fa"
BRCA1_CONTIG = "ref_brca1"
BRCA1_SAMPLES = ("HG00096", "HG00099")


def cycle_values(bam: pysam.AlignmentFile, site: features.Site, limits: tuple) -> list[float]:
    """The CYCLE values of an SNV call (NaN for an indel or no ALT base passing the limits)."""
    if len(site.ref) != 1 or len(site.alt) != 1:
        return [np.nan, np.nan]
    cycles = [cycle for cycle, _ in alt_bases(bam, site.key, *limits)]
    if not cycles:
        return [np.nan, np.nan]
    return [float(np.mean(cycles)), float(np.mean(np.array(cycles) > 2 / 3))]


class SetData:
    """One set's calls: features, labels, the truth keys of its window and, when a BAM is
    given, the CYCLE values of its SNVs."""

    def __init__(self, spec: SimulatedSet, vcf: Path, truth: Path, bam: Path | None = None,
                 limits: tuple = ()):  # fmt: skip
        self.sites = list(features.vcf_features(str(vcf), str(CHR20), "bcftools"))
        self.keys = fit.truth_keys(truth, CHR20, (spec.contig, spec.start, spec.end))
        self.x = features.matrix(self.sites, "bcftools")
        self.y = np.array([s.key in self.keys for s in self.sites])
        self.cycle = np.empty((len(self.sites), 0))
        if bam:
            with pysam.AlignmentFile(str(bam)) as alignments:
                self.cycle = np.array([cycle_values(alignments, s, limits) for s in self.sites])

    def columns(self, cycle: bool) -> np.ndarray:
        return np.hstack([self.x, self.cycle]) if cycle else self.x


def recall(bam: Path, region: str, reference: Path, out: Path, min_gapped_reads: int,
           calling: dict) -> Path:  # fmt: skip
    """Candidates called again from a BAM as rules call_bcftools and gather_calls call them
    (the score's prior; one region instead of the scattered chunks), with bcftools mpileup
    --min-ireads (-m; bcftools' own default is 2)."""
    mpileup = ["bcftools", "mpileup", "--fasta-ref", str(reference), "--regions", region,
               "--min-MQ", str(calling["min_mapq"]), "--min-BQ", str(calling["min_baseq"]),
               "--max-depth", "1000", "--annotate", ",".join(features.BCFTOOLS_ANNOTATIONS),
               "--min-ireads", str(min_gapped_reads), "--output-type", "u", str(bam)]  # fmt: skip
    call = ["bcftools", "call", "--multiallelic-caller", "--variants-only", "--prior",
            str(model.CANDIDATE_PRIOR), "--output-type", "u"]  # fmt: skip
    norm = ["bcftools", "norm", "--fasta-ref", str(reference), "--multiallelics", "-both",
            "--atomize", "--output-type", "z", "--output", str(out)]  # fmt: skip
    out.parent.mkdir(parents=True, exist_ok=True)
    first = subprocess.Popen(mpileup, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    second = subprocess.Popen(call, stdin=first.stdout, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL)  # fmt: skip
    subprocess.run(norm, stdin=second.stdout, check=True, capture_output=True)
    if first.wait() or second.wait():
        raise RuntimeError(f"bcftools mpileup | call failed on {bam}")
    pysam.tabix_index(str(out), preset="vcf", force=True)
    return out


def examples(sets: list[SetData], cycle: bool) -> fit.Examples:
    found = fit.Examples("bcftools")
    for data in sets:
        found.add_rows(data.columns(cycle), data.y.astype(int), len(data.keys))
    return found


def held_out_row(data: SetData, bed: list, probabilities: np.ndarray, threshold: float) -> dict:
    """FP, FN and F1 per kind of the calls kept at the threshold, inside the confident BED."""
    row = {}
    for kind in KINDS:
        truth = {k for k in data.keys if variant_kind(k[2], k[3]) == kind and inside(bed, *k[:3])}
        kept = {
            s.key
            for s, p in zip(data.sites, probabilities, strict=True)
            if p >= threshold and variant_kind(s.ref, s.alt) == kind and inside(bed, *s.key[:3])
        }
        tp = len(kept & truth)
        row[f"{kind}_F1"] = 2 * tp / (len(kept) + len(truth)) if kept or truth else 0.0
        row[f"{kind}_FP"], row[f"{kind}_FN"] = len(kept) - tp, len(truth) - tp
    return row


@dataclass(frozen=True)
class Variant:
    """A model to try: candidates (None: the pipeline's; else re-called with this mpileup -m),
    with the more windows, with the CYCLE values, trained on reads with repeat stutter."""

    name: str
    min_gapped_reads: int | None = None
    more_windows: bool = False
    cycle: bool = False
    stutter: bool = False


VARIANTS = (
    Variant("no repeat stutter"),
    Variant("more windows", more_windows=True),
    Variant("cycle", cycle=True),
    Variant("re-called, -m 2", min_gapped_reads=2),
    Variant("re-called, -m 1", min_gapped_reads=1),
    Variant("stutter", stutter=True),
    Variant("stutter, re-called, -m 2", min_gapped_reads=2, stutter=True),
    Variant("stutter, re-called, -m 1", min_gapped_reads=1, stutter=True),
)


def train_variant(variant: Variant, loaded: dict) -> tuple[list, tuple, dict]:
    """A variant's boosters, calibration and best threshold (as train_score.py makes them)."""
    names = [s.name for s in train_score.TRAINING + MORE_TRAINING * variant.more_windows]
    checks = [s.name for s in train_score.VALIDATION + MORE_VALIDATION * variant.more_windows]
    data = loaded[variant.stutter, variant.min_gapped_reads]
    training = examples([data[name] for name in names], variant.cycle)
    validation = examples([data[name] for name in checks], variant.cycle)
    boosters = fit.fit_ensemble(training, fit.ENSEMBLES["bcftools"], CYCLE * variant.cycle)
    raw = model.mean_raw(boosters, validation.x)
    calibration = fit.calibrate(raw, validation.y)
    best = fit.best_threshold(np.interp(raw, *calibration), validation.y, validation.truth)
    return boosters, calibration, best


def variant_rows(variant: Variant, trained: tuple, held: dict) -> list[dict]:
    """A variant's errors on each held-out set."""
    boosters, calibration, best = trained
    rows = []
    for name, (calls, bed) in held[variant.min_gapped_reads].items():
        scores = np.interp(model.mean_raw(boosters, calls.columns(variant.cycle)), *calibration)
        rows.append({"variant": variant.name, "validation_F1": best["F1"], "set": name,
                     **held_out_row(calls, bed, scores, best["threshold"])})  # fmt: skip
    return rows


def brca1_alignments(workdir: Path, cache: Path, cores: int) -> dict[str, Path]:
    """The 1000 Genomes samples' reads of the BRCA1 region aligned by the pipeline (bwa)."""
    write_sheets(workdir, {sample: [("L1", BRCA1 / f"{sample}_R1.fastq.gz",
                                     BRCA1 / f"{sample}_R2.fastq.gz")]
                           for sample in BRCA1_SAMPLES})  # fmt: skip
    write_run_config(workdir, reference={"build": "GRCh37-BRCA1-region", "fasta": str(BRCA1_REF)},
                     cache_dir=str(cache), aligner="bwa", caller="bcftools")  # fmt: skip
    run_pipeline(workdir, cores, log_name="snakemake.brca1.log")
    return {sample: workdir / "results" / sample / f"{sample}.bam" for sample in BRCA1_SAMPLES}


def thousand_genomes(normalised: Path, sample: str) -> dict[fit.Key, bool]:
    """A sample's variants in the 1000 Genomes phase 3 VCF, normalised like the calls
    (common.normalise): key -> homozygous."""
    truth = {}
    with pysam.VariantFile(str(normalised)) as variants:
        for record in variants:
            alleles = record.samples[sample].alleles
            if record.alts and record.alts[0] in alleles:
                truth[record.contig, record.pos, record.ref, record.alts[0]] = all(
                    allele == record.alts[0] for allele in alleles
                )
    return truth


def real_rows(variant: Variant, trained: tuple, real: dict) -> list[dict]:
    """A variant's PASS calls on the 1000 Genomes samples against their phase 3 genotypes."""
    boosters, calibration, best = trained
    rows = []
    for sample, (sites, truth) in real[variant.min_gapped_reads].items():
        scores = np.interp(model.mean_raw(boosters, features.matrix(sites, "bcftools")),
                           *calibration)  # fmt: skip
        passed = {site.key: site.values["genotype_hom"] == 1
                  for site, score in zip(sites, scores, strict=True)
                  if score >= best["threshold"]}  # fmt: skip
        present = passed.keys() & truth.keys()
        extra = passed.keys() - truth.keys()
        indels = sum(variant_kind(key[2], key[3]) == "indel" for key in extra)
        rows.append({"variant": variant.name, "sample": sample, "in_1000G": len(truth),
                     "found": len(present),
                     "same_genotype": sum(passed[key] == truth[key] for key in present),
                     "PASS_not_in_1000G": len(extra),
                     "of_them_indels": indels})  # fmt: skip
    return rows


@dataclass(frozen=True)
class Sets:
    """Simulated sets: their reads, the pipeline's results/ holding their alignments, and the
    folder whose recalled-m<n>/ receives their candidates called again."""

    specs: list[SimulatedSet]
    reads: dict  # set name -> SimulatedReads
    results: Path
    workdir: Path

    def bam(self, name: str) -> Path:
        return self.results / name / f"{name}.bam"

    def recalled(self, gapped: int, calling: dict) -> dict[str, SetData]:
        """Each set's candidates called again with mpileup -m `gapped`, as SetData."""
        return {
            spec.name: SetData(spec, recall(self.bam(spec.name), spec.region, CHR20,
                                            self.workdir / f"recalled-m{gapped}" /
                                            f"{spec.name}.vcf.gz", gapped, calling),
                               self.reads[spec.name].truth)
            for spec in self.specs
        }  # fmt: skip


def simulated_training(workdir: Path, specs: list, artefacts: Artefacts, args) -> Sets:
    """The sets simulated into workdir/sets and run through the pipeline (bcftools)."""
    reads = {spec.name: simulate(CHR20, spec, workdir / "sets", artefacts) for spec in specs}
    train_score.run_caller(workdir / "pipeline", reads, "bcftools", args.cache, args.cores)
    return Sets(specs, reads, workdir / "pipeline" / "results", workdir)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train-workdir", type=Path, default=Path("/tmp/train-score"))
    parser.add_argument("--stutter-workdir", type=Path, default=Path("/tmp/train-score-stutter"))
    parser.add_argument("--depth-workdir", type=Path, default=Path("/tmp/bench-depth"))
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--cores", type=int, default=2)
    args = parser.parse_args()
    calling = yaml.safe_load((REPO / "config" / "config.yaml").read_text())["calling"]
    limits = (calling["min_baseq"], calling["min_mapq"])
    shipped_sets = train_score.TRAINING + train_score.VALIDATION
    trainings = {
        False: simulated_training(args.train_workdir, shipped_sets + MORE_TRAINING +
                                  MORE_VALIDATION, Artefacts(), args),
        True: simulated_training(args.stutter_workdir, shipped_sets, TRAINING_ARTEFACTS, args),
    }  # fmt: skip
    depth = args.depth_workdir
    held_reads = {
        spec.name: simulate(CHR20, spec, depth / "sets", Artefacts()) for spec in HELD_OUT
    }
    # the held-out candidates called again go beside the training's (--train-workdir)
    held_out = Sets(HELD_OUT, held_reads, depth / "results", args.train_workdir)
    beds = {spec.name: read_bed(held_reads[spec.name].confident) for spec in HELD_OUT}
    loaded = {(stutter, None): {spec.name: SetData(spec, train_score.callset(t.results, spec.name),
                                                   t.reads[spec.name].truth,
                                                   None if stutter else t.bam(spec.name), limits)
                                for spec in t.specs}
              for stutter, t in trainings.items()}  # fmt: skip
    kept = depth / "kept" / "bcftools-score"
    held = {None: {spec.name: (SetData(spec, kept / f"{spec.name}.vcf.gz",
                                       held_reads[spec.name].truth, held_out.bam(spec.name),
                                       limits), beds[spec.name])
                   for spec in HELD_OUT}}  # fmt: skip
    brca1 = brca1_alignments(args.train_workdir / "brca1", args.cache, args.cores)
    phase3 = normalise(BRCA1 / "truth.1kg_phase3.vcf", BRCA1_REF,
                       args.train_workdir / "brca1" / "truth.1kg_phase3.norm.vcf")  # fmt: skip
    truths = {sample: thousand_genomes(phase3, sample) for sample in BRCA1_SAMPLES}
    real = {}
    for gapped in {v.min_gapped_reads for v in VARIANTS} - {None}:
        for stutter, t in trainings.items():
            loaded[stutter, gapped] = t.recalled(gapped, calling)
        held[gapped] = {name: (data, beds[name])
                        for name, data in held_out.recalled(gapped, calling).items()}  # fmt: skip
        real[gapped] = {}
        for sample, bam in brca1.items():
            vcf = recall(bam, BRCA1_CONTIG, BRCA1_REF, args.train_workdir /
                         f"recalled-m{gapped}" / f"{sample}.vcf.gz", gapped, calling)  # fmt: skip
            sites = list(features.vcf_features(str(vcf), str(BRCA1_REF), "bcftools"))
            real[gapped][sample] = (sites, truths[sample])
    rows, real_data = [], []
    for variant in VARIANTS:
        trained = train_variant(variant, loaded)
        rows += variant_rows(variant, trained, held)
        if variant.min_gapped_reads:
            real_data += real_rows(variant, trained, real)
    print_table(rows, title="Held-out sets (bcftools) by model variant")
    print_table(real_data, title="BRCA1 region, 1000 Genomes samples (~4.5x, real reads), alone")
    write_json("score_ablation.json", {"simulated": rows, "brca1_1000G": real_data})


if __name__ == "__main__":
    main()

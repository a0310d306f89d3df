"""The variant score: features read from hand-made VCF records, the model round trip, the
calibration and threshold choice, and the filter written into a VCF."""

import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pysam
import pytest

from helpers import ROOT
from tailorseq.scoring import apply, features, fit, model, mqc
from tailorseq.scoring.simulate import (
    COMPLEMENT,
    ArtefactInjector,
    Artefacts,
    SimulatedSet,
    simulate,
)

# 60 bases: an A8 homopolymer at 11-18, a (CA)x5 repeat at 31-40, GC elsewhere mixed.
REFERENCE = "GCTGACGTCAAAAAAAAGTCGATGCTAGTCACACACACAGTTGCATGCGATCGTAGCTAG"
HEADER = """##fileformat=VCFv4.2
##contig=<ID=c,length=60>
##INFO=<ID=DP,Number=1,Type=Integer,Description="depth">
##INFO=<ID=MQ,Number=1,Type=Integer,Description="mean MAPQ">
##INFO=<ID=RPBZ,Number=1,Type=Float,Description="read position bias">
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
##FORMAT=<ID=AD,Number=R,Type=Integer,Description="depths">
##FORMAT=<ID=ADF,Number=R,Type=Integer,Description="forward depths">
##FORMAT=<ID=ADR,Number=R,Type=Integer,Description="reverse depths">
##FORMAT=<ID=QS,Number=R,Type=Integer,Description="quality sums">
##FORMAT=<ID=SP,Number=1,Type=Integer,Description="strand bias">
##FORMAT=<ID=SCR,Number=1,Type=Integer,Description="clipped reads">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\tS2
"""
RECORDS = [
    # an SNV carried by S1 only: 6 REF (3+3), 4 ALT all forward; QS 180/120
    "c\t5\t.\tA\tC\t40\t.\tDP=10;MQ=58;RPBZ=-1.5\tGT:AD:ADF:ADR:QS:SP:SCR"
    "\t0/1:6,4:3,4:3,0:180,120:12:2\t0/0:9,0:5,0:4,0:270,0:0:0",
    # a deletion of one A in the homopolymer, both samples, S2 homozygous
    "c\t10\t.\tCA\tC\t99\t.\tDP=20;MQ=60\tGT:AD:ADF:ADR:QS:SP:SCR"
    "\t0/1:5,5:2,3:3,2:150,150:0:0\t1/1:0,10:0,5:0,5:0,300:0:0",
    # an insertion in the CA repeat, 2 bases after the deletion's neighbour
    "c\t30\t.\tT\tTCA\t25\t.\tDP=12;MQ=60\tGT:AD:ADF:ADR:QS:SP:SCR"
    "\t0/1:8,4:4,2:4,2:240,100:0:0\t./.:.:.:.:.:.:.",
]


@pytest.fixture
def calls(tmp_path: Path) -> tuple[Path, Path]:
    """A bgzipped, indexed VCF of RECORDS and its reference."""
    fasta = tmp_path / "ref.fa"
    fasta.write_text(f">c\n{REFERENCE}\n")
    pysam.faidx(str(fasta))
    plain = tmp_path / "calls.vcf"
    plain.write_text(HEADER + "\n".join(RECORDS) + "\n")
    pysam.tabix_index(str(plain), preset="vcf", force=True)
    return tmp_path / "calls.vcf.gz", fasta


def sites_by_key(vcf: Path, fasta: Path) -> dict:
    found = features.vcf_features(str(vcf), str(fasta), "bcftools")
    return {(s.pos, s.sample): s.values for s in found}


def test_features_of_an_snv_come_from_the_callers_read_counts(calls) -> None:
    sites = sites_by_key(*calls)
    snv = sites[5, "S1"]
    assert (5, "S2") not in sites  # 0/0: S2 does not carry it
    assert snv["alt_reads"] == 4 and snv["depth"] == 10
    assert snv["allele_balance"] == pytest.approx(0.4)
    assert snv["alt_strand_balance"] == 0.0  # every ALT read forward
    assert snv["ref_strand_balance"] == 0.5
    assert snv["alt_baseq"] == 30 and snv["ref_baseq"] == 30
    assert snv["qual"] == pytest.approx(math.log10(41))
    assert snv["MQ"] == 58 and snv["RPBZ"] == -1.5 and snv["FORMAT/SP"] == 12
    assert snv["FORMAT/SCR"] == pytest.approx(0.2)
    assert snv["is_indel"] == 0 and snv["genotype_hom"] == 0
    assert math.isnan(snv["MQBZ"])  # absent annotation: NaN, not 0


def test_indel_features_and_context(calls) -> None:
    sites = sites_by_key(*calls)
    deletion_het, deletion_hom = sites[10, "S1"], sites[10, "S2"]
    assert deletion_het["is_indel"] == 1 and deletion_het["indel_length"] == 1
    assert deletion_het["is_insertion"] == 0
    assert deletion_hom["genotype_hom"] == 1 and deletion_het["genotype_hom"] == 0
    assert deletion_het["homopolymer"] == 8  # the A8 run the deletion sits in
    insertion = sites[30, "S1"]
    assert insertion["is_insertion"] == 1 and insertion["indel_length"] == 2
    assert insertion["tandem_repeat"] == 10  # (CA)x5
    assert insertion["homopolymer"] < 3
    assert (30, "S2") not in sites  # missing genotype


def test_neighbours_and_relative_depth(calls) -> None:
    sites = sites_by_key(*calls)
    assert sites[5, "S1"]["nearest_call"] == pytest.approx(math.log10(6))  # 5 bases to POS 10
    assert sites[5, "S1"]["calls_within_20"] == 1
    assert sites[10, "S1"]["calls_within_20"] == 2
    # S1's depths are 10, 10, 12: median 10
    assert sites[30, "S1"]["depth_relative"] == pytest.approx(1.2)


def test_context_features_gc_and_repeat_at_the_edges() -> None:
    context = features.context_features("GGGGCCCCAT", 0, 1, "G", "T")
    assert context["gc"] == pytest.approx(0.8) and context["homopolymer"] == 4
    assert features.context_features("ACGTACGTTT", 0, 9, "T", "G")["homopolymer"] == 3


def separable_examples(caller: str, rows: int, seed: int) -> fit.Examples:
    """Sites whose truth follows allele balance and depth, with some label noise."""
    generator = np.random.default_rng(seed)
    names = features.feature_names(caller)
    x = generator.normal(size=(rows, len(names)))
    signal = x[:, names.index("allele_balance")] + 0.5 * x[:, names.index("depth")]
    y = (signal + generator.normal(scale=0.3, size=rows) > -0.5).astype(int)
    examples = fit.Examples(caller)
    examples.rows, examples.labels, examples.truth = [x], [y], int(y.sum()) + 5
    return examples


def test_sites_are_labelled_by_their_key_and_unreached_truth_counts() -> None:
    values = dict.fromkeys(features.feature_names("bcftools"), 0.0)
    sites = [features.Site(0, "20", 100, "A", "G", "s", values),
             features.Site(1, "20", 100, "A", "T", "s", values),
             features.Site(2, "20", 200, "C", "CA", "s", values)]  # fmt: skip
    examples = fit.Examples("bcftools")
    examples.add(sites, {("20", 100, "A", "T"), ("20", 200, "C", "CA"), ("20", 300, "G", "A")})
    assert examples.y.tolist() == [0, 1, 1]  # the same position with another ALT is false
    assert examples.truth == 3 and examples.x.shape == (3, len(values))


def test_an_extra_column_is_trained_on_under_its_own_name() -> None:
    examples = separable_examples("bcftools", 600, 3)
    generator = np.random.default_rng(4)
    extra = examples.y + generator.normal(scale=0.1, size=len(examples.y))
    examples.rows = [np.column_stack([examples.rows[0], extra])]
    (booster,) = fit.fit_ensemble(examples, fit.Ensemble(members=1, rounds=20, leaves=7), ["cycle"])
    assert booster.feature_name()[-1] == "cycle"
    gains = dict(zip(booster.feature_name(), booster.feature_importance("gain"), strict=True))
    assert gains["cycle"] == max(gains.values())  # the label's near copy carries the model


def test_calibration_is_monotone_and_matches_observed_rates() -> None:
    raw = np.linspace(-3, 3, 400)
    labels = (np.random.default_rng(2).random(400) < 1 / (1 + np.exp(-raw))).astype(int)
    xs, ys = fit.calibrate(raw, labels)
    assert xs == sorted(xs) and ys == sorted(ys)
    assert 0 <= ys[0] < 0.2 and 0.8 < ys[-1] <= 1


def test_best_threshold_counts_truth_never_called() -> None:
    probabilities = np.array([0.99, 0.95, 0.9, 0.4, 0.2])
    labels = np.array([1, 1, 1, 0, 1])
    # 5 true variants exist, one was never called: keeping all 4 true calls needs 0.2.
    best = fit.best_threshold(probabilities, labels, truth=5)
    assert best["threshold"] == 0.2 and best["TP"] == 4 and best["FP"] == 1 and best["FN"] == 1
    strict = fit.f1_at(probabilities, labels, 5, 0.9)
    assert strict["TP"] == 3 and strict["FN"] == 2 and strict["precision"] == 1.0


def test_a_trained_model_round_trips_and_filters_a_vcf(calls, tmp_path: Path) -> None:
    training = separable_examples("bcftools", 600, 1)
    boosters = fit.fit_ensemble(training, fit.Ensemble(members=3, rounds=40, leaves=7))
    validation = separable_examples("bcftools", 300, 2)
    each = [booster.predict(validation.x, raw_score=True) for booster in boosters]
    assert not np.allclose(each[0], each[1])  # the seed draws other subsamples
    raw = (each[0] + each[1] + each[2]) / 3
    calibration = fit.calibrate(raw, validation.y)
    folder = tmp_path / "model"
    fit.write_caller_model(folder, "bcftools", boosters[:1], calibration, 0.5, {"note": "old"})
    fit.write_caller_model(folder, "bcftools", boosters, calibration, 0.5, {"note": "test"})
    assert sorted(p.name for p in folder.glob("*.lgb.txt")) == [
        "bcftools.1.lgb.txt", "bcftools.2.lgb.txt", "bcftools.3.lgb.txt"
    ]  # fmt: skip
    loaded = model.load(folder, "bcftools")
    assert len(loaded.boosters) == 3
    probabilities = loaded.probabilities(validation.x)
    assert np.allclose(probabilities, np.interp(raw, *calibration))
    assert fit.f1_at(probabilities, validation.y, validation.truth, 0.5)["F1"] > 0.85

    vcf, fasta = calls
    out = tmp_path / "filtered.vcf.gz"
    counts = apply.filter_vcf(vcf, out, fasta, caller_model=loaded)
    assert sum(counts.values()) == 3
    with pysam.VariantFile(str(out)) as filtered:
        records = list(filtered)
    for record in records:
        assert 0 <= record.info["TSCORE"] <= 1
        assert list(record.filter) == (["PASS"] if record.info["TSCORE"] >= 0.5 else ["LowScore"])
    deletion = records[1]
    assert deletion.samples["S1"]["TQ"] is not None and deletion.samples["S2"]["TQ"] is not None
    assert records[0].samples["S2"]["TQ"] is None  # S2 does not carry the SNV
    assert Path(f"{out}.tbi").exists()


def test_the_qual_fallback_marks_low_qual_and_low_depth(calls, tmp_path: Path) -> None:
    vcf, fasta = calls
    out = tmp_path / "filtered.vcf.gz"
    counts = apply.filter_vcf(vcf, out, fasta, qual=apply.QualFilter(30, 12, 11))
    # SNV DP 10 QUAL 40; deletion DP 20 QUAL 99; insertion DP 12 QUAL 25 (below 30)
    assert counts == {"LowDepth": 1, "PASS": 1, "LowQual": 1}
    with pysam.VariantFile(str(out)) as filtered:
        assert [list(r.filter) for r in filtered] == [["LowDepth"], ["PASS"], ["LowQual"]]
    # An SNV shallower than snv_min_qual_depth is not held to min_qual; an indel always is.
    low_snv = tmp_path / "low_snv.vcf.gz"
    counts = apply.filter_vcf(vcf, low_snv, fasta, qual=apply.QualFilter(50, 11, 5))
    assert counts == {"PASS": 2, "LowQual": 1}  # the SNV (QUAL 40, DP 10) passes
    deep = tmp_path / "deep.vcf.gz"
    counts = apply.filter_vcf(vcf, deep, fasta, qual=apply.QualFilter(50, 10, 5))
    assert counts == {"LowQual": 2, "PASS": 1}


def test_phred_is_capped_and_monotone() -> None:
    assert model.phred(0.9) == 10 and model.phred(0.999) == 30
    assert model.phred(1.0) == model.MAX_PHRED == model.phred(1 - 1e-9)


def test_a_missing_or_stale_model_is_refused_before_compute(tmp_path: Path) -> None:
    calling = {"filter": "score", "score_model": "nowhere"}
    (problem,) = model.model_problems(calling, "bcftools", tmp_path)
    assert "nowhere/model.json" in str(problem) and "calling.score_model" in str(problem)
    assert model.model_problems({**calling, "filter": "qual"}, "bcftools", tmp_path) == []
    folder = tmp_path / "stale"
    shutil.copytree(model.BUNDLED, folder)
    manifest = (folder / "model.json").read_text().replace('"qual"', '"quality"', 1)
    (folder / "model.json").write_text(manifest)
    (problem,) = model.model_problems({**calling, "score_model": "stale"}, "bcftools", tmp_path)
    assert "other features" in str(problem) and "retrain" in str(problem)
    folder = tmp_path / "partial"
    shutil.copytree(model.BUNDLED, folder)
    files = json.loads((folder / "model.json").read_text())["callers"]["bcftools"]["model_files"]
    (folder / files[-1]).unlink()
    (problem,) = model.model_problems({**calling, "score_model": "partial"}, "bcftools", tmp_path)
    assert "bcftools model file is missing" in str(problem)


def test_the_bundled_model_loads_for_both_callers() -> None:
    for caller in features.CALLERS:
        loaded = model.load(model.BUNDLED, caller)
        assert loaded.features == features.feature_names(caller)
        assert 0 < loaded.threshold < 1


THREADS_AROUND_PREDICTION = """
import os, numpy as np
from tailorseq.scoring import model
loaded = model.load(model.BUNDLED, "bcftools")
values = np.random.default_rng(1).normal(size=(2000, len(loaded.features)))
before = len(os.listdir("/proc/self/task"))
loaded.probabilities(values)
print(before, len(os.listdir("/proc/self/task")))
"""


@pytest.mark.skipif(
    (os.cpu_count() or 1) < 2 or not Path("/proc/self/task").is_dir(),
    reason="needs Linux's /proc and 2 cores (one core starts no OpenMP thread anyway)",
)
def test_the_score_predicts_on_the_one_thread_its_rule_declares() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "scripts")}
    env.pop("OMP_NUM_THREADS", None)  # LightGBM's default: a thread per core
    result = subprocess.run([sys.executable, "-c", THREADS_AROUND_PREDICTION], env=env,
                            capture_output=True, text=True, check=True)  # fmt: skip
    before, after = map(int, result.stdout.split())
    assert after == before


@pytest.mark.skipif(shutil.which("dwgsim") is None, reason="needs dwgsim (apt-get install dwgsim)")
def test_simulated_truth_is_in_the_references_coordinates(tmp_path: Path) -> None:
    sequence = (REFERENCE * 100)[:5000]
    fasta = tmp_path / "ref.fa"
    fasta.write_text(f">chrT\n{'C' * 1000}{sequence}\n")
    pysam.faidx(str(fasta))
    spec = SimulatedSet("t", "chrT", 1001, 5000, 5, "clean", 3)
    reads = simulate(fasta, spec, tmp_path / "sets")
    with pysam.VariantFile(str(reads.truth)) as truth:
        records = list(truth)
    assert records, "dwgsim made no variant in 5 kb"
    with pysam.FastaFile(str(fasta)) as reference:
        for record in records:
            assert 1001 <= record.pos <= 6000
            assert reference.fetch("chrT", record.pos - 1, record.pos - 1 + len(record.ref)) == (
                record.ref
            )
            assert record.samples["SIM"]["GT"] in ((0, 1), (1, 1))
    with pysam.FastxFile(str(reads.fq1)) as reads1:
        first = next(iter(reads1))
    assert first.name == "t.1/1" or first.name == "t.1"
    assert reads.confident.read_text() == "chrT\t1000\t6000\n"
    with_gap = tmp_path / "gap.fa"
    with_gap.write_text(f">g\n{sequence[:2000]}{'N' * 500}{sequence[2000:4000]}\n")
    pysam.faidx(str(with_gap))
    gapped = simulate(with_gap, SimulatedSet("g", "g", 1, 4500, 5, "clean", 1), tmp_path / "g")
    assert gapped.confident.read_text() == "g\t0\t2000\ng\t2500\t4500\n"


def test_artefacts_change_one_strands_reads_and_slip_homopolymers() -> None:
    window = "ACGTTGCA" * 10 + "A" * 12 + "CGTACGTTGCAGT" * 10
    artefacts = Artefacts(strand_sites_per_mb=1e6 / 40, strand_fraction=(1.0, 1.0),
                          slippage_per_base=1.0, max_slippage=1.0)  # fmt: skip
    injector = ArtefactInjector(window, artefacts, seed=5)
    assert injector.runs == [(79, 92, 1, 1.0)]  # 13 A: the repeat unit ends in A
    (position, on_reverse, base, _), *_ = injector.sites
    read = window[:60]
    changed, _ = injector.apply(read, "I" * 60, 1, reverse=False)
    reverse_read = read.translate(COMPLEMENT)[::-1]
    changed_reverse, _ = injector.apply(reverse_read, "I" * 60, 1, reverse=True)
    forward_view = changed_reverse.translate(COMPLEMENT)[::-1]
    same_strand, other_strand = (forward_view, changed) if on_reverse else (changed, forward_view)
    assert same_strand[position] == base != window[position]
    assert other_strand[position] == window[position]
    spanning = window[70:110]
    slipped, qualities = injector.apply(spanning, "I" * 40, 71, reverse=False)
    assert len(slipped) in (39, 41) and len(qualities) == len(slipped)
    longest = max(len(run) for run in slipped.split("C") + slipped.split("G") if set(run) == {"A"})
    assert longest in (12, 14)


def test_repeat_stutter_adds_or_removes_one_unit_and_is_off_by_default() -> None:
    flank = "ACGTTGCAGTCTGAAG" * 3
    window = flank + "CA" * 8 + flank  # 8 copies: CA at 48-63
    assert ArtefactInjector(window, Artefacts(), seed=1).runs == []
    stutter = Artefacts(strand_sites_per_mb=0, repeat_slippage_per_copy=1.0,
                        max_repeat_slippage=1.0)  # fmt: skip
    assert Artefacts(repeat_slippage_per_copy=0.01).repeat_share(8) == pytest.approx(0.06)
    injector = ArtefactInjector(window, stutter, seed=1)
    assert injector.runs == [(48, 64, 2, 1.0)]
    lengths = set()
    for _ in range(20):
        slipped, qualities = injector.apply(window[30:90], "I" * 60, 31, reverse=False)
        assert len(qualities) == len(slipped)
        assert slipped[:18] == window[30:48] and slipped.endswith(window[64:90])
        lengths.add(len(slipped))
        assert slipped[18 : len(slipped) - 26] == "CA" * ((len(slipped) - 44) // 2)
    assert lengths == {58, 62}  # one unit lost or gained, never the reference


def test_multiqc_score_histogram_names_samples_and_bins(calls, tmp_path: Path) -> None:
    vcf, fasta = calls
    loaded = model.load(model.BUNDLED, "bcftools")
    scored = tmp_path / "s0123456789.vcf.gz"
    apply.filter_vcf(vcf, scored, fasta, caller_model=loaded)
    with pysam.VariantFile(str(scored)) as handle:
        expected = sorted(min(r.samples["S1"]["TQ"], 60) // 5 for r in handle)
    counts = mqc.score_histogram(scored)
    assert sum(counts) == 3 and len(counts) == 13  # S1 carries all three; bins 0, 5, ..., 60
    assert sorted(i for i, n in enumerate(counts) for _ in range(n)) == expected
    out = tmp_path / "scores_mqc.tsv"
    mqc.write_scores([scored], out, {"s0123456789": "demo1"}, 0.5)
    lines = out.read_text().splitlines()
    assert "plot_type: 'linegraph'" in out.read_text() and "(0.5)" in out.read_text()
    assert lines[-2].split("\t")[:3] == ["", "0", "5"]  # unnamed row: MultiQC's x values
    assert lines[-1].split("\t") == ["demo1", *map(str, counts)]


def test_scoring_in_batches_gives_the_same_scores(calls, tmp_path: Path, monkeypatch) -> None:
    vcf, fasta = calls
    loaded = model.load(model.BUNDLED, "bcftools")

    def scores(batch: int) -> list:
        monkeypatch.setattr(apply, "BATCH", batch)
        out = tmp_path / f"batch{batch}.vcf.gz"
        apply.filter_vcf(vcf, out, fasta, caller_model=loaded)
        with pysam.VariantFile(str(out)) as handle:
            return [(r.pos, r.info["TSCORE"], [s.get("TQ") for s in r.samples.values()])
                    for r in handle]  # fmt: skip

    assert scores(1) == scores(2) == scores(10_000)

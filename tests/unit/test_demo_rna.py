"""The demo's tumour RNA sample and its expression contigs: spliced, stranded reads at the planted
TPM and RNA allele fractions, checked against genes.gff3 and genome.fa (not the generator's own
transcripts); the expression contigs change no other contig, variant or read."""

import gzip
import json
import shutil
import subprocess
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pysam
import pytest
import yaml

from tailorseq.demo import DEFAULT_PLAN, generate_demo, load_plan
from tailorseq.demo.genome import build_reference
from tailorseq.demo.plan import Plan
from tailorseq.demo.rna import apportion, mean_fragment, simulate_rna, transcript_sequence
from tailorseq.demo.sequence import revcomp
from tailorseq.errors import InputError

SEED = 11
SCALE = 0.75  # of the plan's reads: 45,000 RNA fragments
K = 31
RNA = "demo3-rna"
Model = tuple[list[tuple[int, int]], str]  # exon spans in transcript order, strand
needs_gffread = pytest.mark.skipif(not shutil.which("gffread"), reason="needs gffread")


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo-rna")
    generate_demo(out, seed=SEED, coverage_scale=SCALE)
    return out


@pytest.fixture(scope="module")
def genome(demo: Path) -> dict[str, str]:
    with pysam.FastaFile(str(demo / "genome.fa")) as fasta:
        return {name: fasta.fetch(name) for name in fasta.references}


@pytest.fixture(scope="module")
def models(demo: Path) -> dict[str, Model]:
    """Each gene's exons (transcript order) and strand, from genes.gff3."""
    rows = [line.split("\t") for line in (demo / "genes.gff3").read_text().splitlines()]
    exons = [r for r in rows if len(r) > 2 and r[2] == "exon"]
    result = {}
    for gene in dict.fromkeys(r[0] for r in exons):
        spans = sorted((int(r[3]), int(r[4])) for r in exons if r[0] == gene)
        strand = next(r[6] for r in exons if r[0] == gene)
        result[gene] = (spans if strand == "+" else spans[::-1], strand)
    return result


def along(sequence: str, first: int, last: int, strand: str) -> str:
    """Genomic 1-based first..last (either order) read along `strand`."""
    low, high = sorted((first, last))
    piece = sequence[low - 1 : high]
    return piece if strand == "+" else revcomp(piece)


@pytest.fixture(scope="module")
def transcripts(genome: dict[str, str], models: dict[str, Model]) -> dict[str, str]:
    """Each gene's mature transcript: its genes.gff3 exons spliced, along its strand."""
    return {
        gene: "".join(along(genome[gene], start, end, strand) for start, end in exons)
        for gene, (exons, strand) in models.items()
    }


@pytest.fixture(scope="module")
def pairs(demo: Path) -> list[tuple[str, str]]:
    """The RNA sample's (R1, R2) bases."""
    return read_pairs(demo, RNA)


def read_pairs(demo: Path, sample: str) -> list[tuple[str, str]]:
    """(R1, R2) bases of a one-unit sample."""
    r1, r2 = (
        gzip.decompress((demo / "reads" / f"{sample}_L001_R{m}.fastq.gz").read_bytes())
        .decode()
        .splitlines()[1::4]
        for m in (1, 2)
    )
    return list(zip(r1, r2, strict=True))


def kmer_owner(sequences: dict[str, str]) -> dict[str, str]:
    """Every K-mer of the sequences (their own strand) -> the sequence's name."""
    return {s[i : i + K]: name for name, s in sequences.items() for i in range(len(s) - K + 1)}


def transcript_index(model: Model, pos: int) -> int:
    """0-based index in the mature transcript of genomic position `pos` (inside an exon)."""
    exons, strand = model
    offset = 0
    for start, end in exons:
        if start <= pos <= end:
            return offset + (pos - start if strand == "+" else end - pos)
        offset += end - start + 1
    raise ValueError(f"{pos} lies in no exon")


def test_the_rna_sample_is_in_the_sheets_and_the_truth(demo: Path, plan: Plan) -> None:
    samples = [line.split("\t") for line in (demo / "samples.tsv").read_text().splitlines()]
    assert [RNA, "patient3", "tumor_rna", "female", "", "", "yes"] in samples
    units = [line.split("\t")[:4] for line in (demo / "units.tsv").read_text().splitlines()]
    assert [RNA, "L001", f"reads/{RNA}_L001_R1.fastq.gz", f"reads/{RNA}_L001_R2.fastq.gz"] in units
    entry = json.loads((demo / "expected" / "summary.json").read_text())["samples"][RNA]
    assert (entry["patient"], entry["kind"], entry["units"]) == ("patient3", "tumor_rna", ["L001"])
    truth = entry["rna"]
    assert (truth["sample"], truth["library_type"]) == (RNA, "ISR")
    assert list(truth["tpm"]) == [gene.name for gene in plan.genes]
    assert sum(truth["tpm"].values()) == pytest.approx(1e6, abs=0.1)
    tpm = truth["tpm"]
    assert tpm["ERBB2"] > tpm["GRB7"] > tpm["ESR1"] > tpm["MKI67"] and tpm["ACTB"] > tpm["GUSB"]
    somatic = truth["somatic"]
    assert list(somatic) == list(plan.patients[2].somatic)
    assert (somatic["EGFR-A420V"]["dna_vaf"], somatic["EGFR-A420V"]["rna_vaf"]) == (0.3, 0.0)
    assert somatic["KRAS-G12C"] == {
        "gene": "KRAS", "contig": "KRAS", "pos": 20351, "ref": "C", "alt": "A",
        "dna_vaf": 0.2, "rna_vaf": 0.2,
    }  # fmt: skip


def test_rna_reads_are_stranded(pairs: list[tuple[str, str]], transcripts: dict[str, str]) -> None:
    """R2 reads the transcript, R1 its reverse complement (salmon's ISR)."""
    sense = kmer_owner(transcripts)
    antisense = kmer_owner({gene: revcomp(tx) for gene, tx in transcripts.items()})
    assert sum(r2[:K] in sense for _, r2 in pairs) > 0.95 * len(pairs)
    assert sum(r1[:K] in antisense for r1, _ in pairs) > 0.95 * len(pairs)
    assert not any(r2[:K] in antisense or r1[:K] in sense for r1, r2 in pairs)


def test_reads_over_an_exon_junction_are_spliced(
    pairs: list[tuple[str, str]],
    genome: dict[str, str],
    models: dict[str, Model],
    transcripts: dict[str, str],
) -> None:
    """Reads over the end of exon 1 show exon 2 next, never the intron."""
    reads = [read for pair in pairs for read in pair]
    for gene in ("ACTB", "ERBB2", "KRAS", "GSTM1", "BRCA1"):
        exons, strand = models[gene]
        first = exons[0]
        junction = first[1] - first[0] + 1  # transcript index of exon 2's first base
        last = first[1] if strand == "+" else first[0]  # exon 1's last base on the genome
        step = 1 if strand == "+" else -1
        spliced = transcripts[gene][junction - 20 : junction + 20]
        unspliced = along(genome[gene], last - 19 * step, last + 20 * step, strand)
        assert spliced[:20] == unspliced[:20] and spliced != unspliced
        seen = [sum(k in r or revcomp(k) in r for r in reads) for k in (spliced, unspliced)]
        assert seen[0] >= 3 and seen[1] == 0, (gene, seen)


def test_fragments_per_gene_follow_tpm_times_effective_length(
    demo: Path, plan: Plan, pairs: list[tuple[str, str]], transcripts: dict[str, str]
) -> None:
    tpm = json.loads((demo / "expected" / "summary.json").read_text())["samples"][RNA]["rna"]
    tpm = tpm["tpm"]
    owner = kmer_owner(transcripts)
    counts = Counter(owner.get(r2[:K]) for _, r2 in pairs)
    assigned = len(pairs) - counts.pop(None, 0)
    mean = mean_fragment(plan.rna_reads)
    weights = {gene: tpm[gene] * (len(tx) - mean + 1) for gene, tx in transcripts.items()}
    total = sum(weights.values())
    for gene, weight in weights.items():
        expected = assigned * weight / total
        assert abs(counts[gene] - expected) < 0.03 * expected + 4 * expected**0.5, gene
    assert counts["ACTB"] > 10 * counts["GUSB"] > 0


def test_rna_allele_fractions_at_the_planted_loci(
    demo: Path,
    pairs: list[tuple[str, str]],
    genome: dict[str, str],
    models: dict[str, Model],
    transcripts: dict[str, str],
) -> None:
    """Each somatic SNV is on its RNA fraction of the fragments over it: EGFR-A420V on none
    though EGFR is expressed there. EGFR and KRAS have 20 fragments over each site with 12 bases
    either side at the plan's full size (here SCALE of that); their read depth is higher."""
    sense = [r2 + "|" + revcomp(r1) for r1, r2 in pairs]  # both mates along the transcript
    truth = json.loads((demo / "expected" / "summary.json").read_text())["samples"][RNA]["rna"]
    for variant_id, site in truth["somatic"].items():
        gene, model = site["gene"], models[site["gene"]]
        index = transcript_index(model, site["pos"])
        strand = model[1]
        tx = transcripts[gene]
        assert tx[index] == along(genome[site["contig"]], site["pos"], site["pos"], strand)
        alt = along(site["alt"], 1, 1, strand)
        ref_kmer = tx[index - 12 : index + 13]
        alt_kmer = ref_kmer[:12] + alt + ref_kmer[13:]
        ref, alt = (sum(k in read for read in sense) for k in (ref_kmer, alt_kmer))
        if gene in ("EGFR", "KRAS"):
            assert ref + alt >= 20 * SCALE, variant_id
        assert abs(alt / (ref + alt) - site["rna_vaf"]) < 0.1, (variant_id, ref, alt)
        assert alt > 0 if site["rna_vaf"] else alt == 0, variant_id


@needs_gffread
def test_gffread_writes_the_transcripts_reads_come_from(
    demo: Path, plan: Plan, transcripts: dict[str, str], tmp_path: Path
) -> None:
    """The transcripts salmon is given (gffread -w, as the pipeline builds them) are the ones
    the generator reads, under the ids `transcript:<GENE>-201`."""
    out = tmp_path / "tx.fa"
    subprocess.run(
        ["gffread", "-w", str(out), "-g", str(demo / "genome.fa"), str(demo / "genes.gff3")],
        check=True,
        capture_output=True,
    )
    with pysam.FastaFile(str(out)) as fasta:
        written = {name: fasta.fetch(name) for name in fasta.references}
    assert written == {f"transcript:{gene}-201": tx for gene, tx in transcripts.items()}
    reference, layouts = build_reference(plan, SEED)
    for gene, layout in layouts.items():
        assert transcript_sequence(reference, layout).tobytes().decode() == transcripts[gene]


def test_rna_reads_are_deterministic(plan: Plan) -> None:
    reference, layouts = build_reference(plan, SEED)
    patient = plan.patients[2]
    sample = next(s for s in patient.samples if s.kind == "tumor_rna")
    runs = [
        simulate_rna(plan, reference, layouts, patient, sample, seed, 0.05)
        for seed in (SEED, SEED, SEED + 1)
    ]
    assert len(runs[0]) >= 3000 and np.array_equal(runs[0].r1, runs[1].r1)
    assert np.array_equal(runs[0].q2, runs[1].q2) and not np.array_equal(runs[0].r1, runs[2].r1)


def test_apportion_keeps_the_total() -> None:
    assert apportion(np.array([1.0, 1.0, 1.0]), 10).tolist() == [4, 3, 3]
    assert apportion(np.array([3.0, 0.0, 1.0]), 9).tolist() == [7, 0, 2]


def test_expression_contigs_change_nothing_else(tmp_path: Path) -> None:
    """The demo without the expression contigs and the RNA sample: the same other contigs,
    variants and microsatellites (none on the expression contigs, nor background variants), and
    every DNA read file the start of today's (the expression contigs' reads are appended)."""

    def without(data: dict[str, Any]) -> None:
        late = {c["name"] for c in data["contigs"] if c.get("expression")}
        data["contigs"] = [c for c in data["contigs"] if c["name"] not in late]
        data["genes"] = [g for g in data["genes"] if g["name"] not in late]
        for patient in data["patients"]:
            patient["samples"] = [s for s in patient["samples"] if s["kind"] != "tumor_rna"]

    before, after = tmp_path / "before", tmp_path / "after"
    generate_demo(before, seed=SEED, plan_path=changed_plan(tmp_path, without), coverage_scale=0.02)
    generate_demo(after, seed=SEED, coverage_scale=0.02)
    assert (after / "genome.fa").read_text().startswith((before / "genome.fa").read_text())
    for name in ("expected/germline.vcf", "expected/somatic.vcf"):
        old, new = ((d / name).read_text().splitlines() for d in (before, after))
        assert [line for line in new if "##contig=" not in line] == [
            line for line in old if "##contig=" not in line
        ]
    assert (before / "expected/microsatellites.tsv").read_text() == (
        after / "expected/microsatellites.tsv"
    ).read_text()
    for sample in ("demo2", "demo3-normal", "demo3-tumor"):
        old, new = read_pairs(before, sample), read_pairs(after, sample)
        assert new[: len(old)] == old and len(new) > 1.1 * len(old), sample


def changed_plan(tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    """A copy of the plan with `change` applied to its parsed YAML."""
    data = yaml.safe_load(DEFAULT_PLAN.read_text())
    change(data)
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def rna_sample(data: dict[str, Any]) -> dict[str, Any]:
    return next(s for p in data["patients"] for s in p["samples"] if s["kind"] == "tumor_rna")


def tumour_sample(data: dict[str, Any]) -> dict[str, Any]:
    return next(s for p in data["patients"] for s in p["samples"] if s["kind"] == "tumor")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: rna_sample(d)["rna"]["vaf"].update({"BRCA1-E23fs": 0.1}), "tumor_rna needs"),
        (lambda d: rna_sample(d)["rna"]["tpm"].update({"NOPE": 5}), "TPM >= 0 of gene models"),
        (lambda d: rna_sample(d)["rna"].update({"pairs": 0}), "pairs >= 1"),
        (lambda d: rna_sample(d).pop("rna"), "demo3-rna: rna is for tumor_rna samples"),
        (
            lambda d: tumour_sample(d).update({"rna": rna_sample(d)["rna"]}),
            "demo3-tumor: rna is for tumor_rna samples",
        ),
    ],
)
def test_a_plan_with_impossible_expression_is_refused(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        load_plan(changed_plan(tmp_path, change))

"""Force-genotyping every defining position from reads, on the demo: its PharmCAT-format
definitions (translated onto the demo windows by the generator), reads aligned with bwa, and the
planted star alleles, phenotypes and drugs called back."""

import json
import shutil
import subprocess
import time
from pathlib import Path

import pysam
import pytest
from pgx_reads import bwa_bam

from tailorseq.cli import main
from tailorseq.demo import generate_demo, load_plan
from tailorseq.pgx.definitions import load_definitions
from tailorseq.pgx.force_genotype import force_genotype
from tailorseq.pgx.pipeline import run_pgx
from tailorseq.pgx.pypgx_tables import pypgx_available
from tailorseq.pgx.read_phasing import phase_from_reads

SEED = 20261123
SAMPLES = ("demo1", "demo2", "demo3-normal")
pytestmark = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("bwa", "samtools", "bcftools")),
    reason="needs bwa, samtools and bcftools",
)


pytestmark = pytest.mark.usefixtures("venv_tools")


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pgxdemo")
    generate_demo(out, seed=SEED)
    fasta = out / "genome.fa"
    subprocess.run(["bwa", "index", str(fasta)], check=True, capture_output=True)
    for sample in SAMPLES:
        reads = sorted((out / "reads").glob(f"{sample}_*_R1.fastq.gz"))
        r1 = out / f"{sample}_R1.fq.gz"
        r2 = out / f"{sample}_R2.fq.gz"
        r1.write_bytes(b"".join(p.read_bytes() for p in reads))
        r2.write_bytes(b"".join(Path(str(p).replace("_R1.", "_R2.")).read_bytes() for p in reads))
        bwa_bam(fasta, [r1, r2], out / f"{sample}.bam", sample)
    return out


def _summary(demo: Path) -> dict[str, dict]:
    return json.loads((demo / "expected" / "summary.json").read_text())["samples"]


def _haploid(demo: Path, sample: str) -> list[tuple[str, int, int]]:
    """The sample's one-copy contigs as whole regions (a male's chrX and chrY, chrM)."""
    lengths = {c.name: c.length for c in load_plan().contigs}
    copies = _summary(demo)[sample]["copies"]
    return [(contig, 1, lengths[contig]) for contig, n in copies.items() if n == 1]


def _expected(demo: Path) -> dict[str, dict[str, str]]:
    """summary.json's star alleles in the definitions' names (DPYD *1 is `Reference` ...);
    G6PD and MT-RNR1 carry no planted allele: their reference, one name per copy."""
    plan = load_plan()
    summary = _summary(demo)
    result = {}
    for sample in SAMPLES:
        result[sample] = {}
        for gene, diplotype in summary[sample]["pgx"].items():
            names = plan.pharmcat_names.get(gene, {})
            result[sample][gene] = "/".join(names.get(h, h) for h in diplotype.split("/"))
        copies = summary[sample]["copies"]["chrX"]
        result[sample]["G6PD"] = "/".join(["B (reference)"] * copies)
        result[sample]["MT-RNR1"] = "Reference"
    return result


def _run(demo: Path, sample: str, tmp_path: Path, **kwargs) -> tuple[list, dict]:
    """Force-genotype, phase from the reads and match, as the pipeline's PGx rules do."""
    folder = demo / "pgx" / "definitions"
    vcf = tmp_path / f"{sample}.pgx.vcf.gz"
    calls = force_genotype(demo / f"{sample}.bam", demo / "genome.fa",
                           load_definitions(folder).values(), vcf,
                           haploid=_haploid(demo, sample), **kwargs)  # fmt: skip
    phased = tmp_path / f"{sample}.pgx.phased.vcf.gz"
    phase_from_reads(vcf, demo / f"{sample}.bam", demo / "genome.fa", phased)
    return calls, run_pgx(phased, folder, out_json=tmp_path / f"{sample}.json")


def test_demo_definitions_are_on_the_demo_windows(demo: Path):
    folder = demo / "pgx" / "definitions"
    genes = sorted(p.name.split("_")[0] for p in folder.glob("*_translation.json"))
    assert genes == ["CYP2C19", "CYP2C9", "DPYD", "G6PD", "MT-RNR1", "SLCO1B1", "TPMT", "UGT1A1"]
    source = (folder / "SOURCE").read_text()
    assert ("pypgx" in source) == pypgx_available()
    lengths = dict(zip(*zip(*[(c.name, c.length) for c in load_plan().contigs], strict=True),
                       strict=True))  # fmt: skip
    with pysam.FastaFile(str(demo / "genome.fa")) as fasta:
        for definition in load_definitions(folder).values():
            for v in definition.variants:
                assert 1 <= v.position <= lengths[v.chromosome]
                # the generator forced the GRCh38 reference there
                assert (
                    fasta.fetch(v.chromosome, v.position - 1, v.position - 1 + len(v.ref)) == v.ref
                )


@pytest.mark.parametrize("sample", SAMPLES)
def test_planted_star_alleles_come_back_from_the_reads(demo: Path, sample: str, tmp_path: Path):
    calls, result = _run(demo, sample, tmp_path)
    assert all(c.gt != "./." for c in calls), [c for c in calls if c.gt == "./."][:3]
    got = {g: [d["name"] for d in c["diplotypes"]] for g, c in result["genes"].items()}
    assert got == {g: [d] for g, d in _expected(demo)[sample].items()}
    assert _position_depths(result) == {(c.site.contig, c.site.pos): (c.dp, None) for c in calls}


def _position_depths(result: dict) -> dict[tuple[str, int], tuple[int | None, str | None]]:
    """(depth, filter) the PGx document gives each defining position of its genes."""
    return {
        (p["chromosome"], p["position"]): (p["depth"], p["filter"])
        for gene in result["genes"].values()
        for p in gene["positions"]
    }


def test_phenotypes_and_drugs_from_the_reads(demo: Path, tmp_path: Path):
    if not pypgx_available():
        pytest.skip("needs pypgx")
    _, demo1 = _run(demo, "demo1", tmp_path)
    assert demo1["genes"]["CYP2C19"]["phenotype"]["phenotype"] == "Intermediate Metabolizer"
    assert demo1["genes"]["DPYD"]["phenotype"]["phenotype"] == "Intermediate Metabolizer"
    assert demo1["genes"]["DPYD"]["phenotype"]["activity_score"] == 1.0
    drugs = {r["drug"]: r for r in demo1["recommendations"]}
    assert "Reduce starting dose" in drugs["fluorouracil"]["recommendation"]
    _, demo2 = _run(demo, "demo2", tmp_path)
    assert demo2["genes"]["CYP2C19"]["phenotype"]["phenotype"] == "Poor Metabolizer"
    assert demo2["genes"]["TPMT"]["phenotype"]["phenotype"] == "Intermediate Metabolizer"
    clopidogrel = next(r for r in demo2["recommendations"] if r["drug"] == "clopidogrel")
    assert clopidogrel["recommendation"].startswith("Avoid")


def test_low_depth_is_an_explicit_no_call(demo: Path, tmp_path: Path):
    calls, result = _run(demo, "demo2", tmp_path, min_depth=1000)
    assert {c.gt for c in calls} == {"./.", "."} and {c.ft for c in calls} == {"LowDepth"}
    assert all(c.dp > 0 for c in calls)
    for gene in result["genes"].values():
        assert gene["diplotypes"] == [] and gene["missing_positions"]
    with pysam.VariantFile(str(tmp_path / "demo2.pgx.vcf.gz")) as vcf:
        records = list(vcf)
    assert len(records) == len(calls)
    assert _position_depths(result) == {
        (c.site.contig, c.site.pos): (c.dp, "LowDepth") for c in calls
    }
    haploid = {contig for contig, _, _ in _haploid(demo, "demo2")}
    for r in records:  # no allele on any copy: (None,) on one-copy contigs, (None, None) else
        assert r.samples[0]["GT"] == (None,) * (1 if r.chrom in haploid else 2)
        assert r.samples[0]["DP"] > 0


def test_command_line_genotypes_then_calls_with_depths(demo: Path, tmp_path: Path):
    """`python -m tailorseq pgx-genotype` then `pgx`: a thin-read no-call keeps its depth and
    reason in the PGx document, for every defining position of every gene called."""
    folder = demo / "pgx" / "definitions"
    pysam.faidx(str(demo / "genome.fa"))
    vcf, out = tmp_path / "demo1.pgx.vcf.gz", tmp_path / "demo1.pgx.json"
    assert main(["pgx-genotype", "--bam", str(demo / "demo1.bam"), "--reference",
                 str(demo / "genome.fa"), "--definitions", str(folder), "--out", str(vcf),
                 "--min-depth", "1000"]) == 0  # fmt: skip
    assert main(["pgx", "--vcf", str(vcf), "--definitions", str(folder), "--out", str(out)]) == 0
    result = json.loads(out.read_text())
    with pysam.VariantFile(str(vcf)) as handle:
        written = {(r.contig, r.pos): (r.samples[0]["DP"], "LowDepth") for r in handle}
    assert _position_depths(result) == written
    definitions = load_definitions(folder)
    for gene, entry in result["genes"].items():
        assert len(entry["positions"]) == len(definitions[gene].variants)
        assert all(p["depth"] > 0 for p in entry["positions"])


def test_every_position_has_a_record_with_depth_and_quality(demo: Path, tmp_path: Path):
    _run(demo, "demo1", tmp_path)
    definitions = load_definitions(demo / "pgx" / "definitions")
    positions = {(v.chromosome, v.position) for d in definitions.values() for v in d.variants}
    with pysam.VariantFile(str(tmp_path / "demo1.pgx.vcf.gz")) as vcf:
        records = {(r.chrom, r.pos): r for r in vcf}
    assert set(records) == positions
    assert all(r.samples[0]["DP"] >= 8 and r.samples[0]["GQ"] >= 20 for r in records.values())
    rs3918290 = next(r for r in records.values() if r.id == "rs3918290")
    assert rs3918290.samples[0]["GT"] == (0, 1)


def test_speed_of_force_genotype_and_match(demo: Path, tmp_path: Path):
    start = time.perf_counter()
    _run(demo, "demo1", tmp_path)
    elapsed = time.perf_counter() - start
    print(f"force-genotype + match, demo1: {elapsed:.2f} s")
    assert elapsed < 10

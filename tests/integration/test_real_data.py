"""End to end on real reads from ../shared/data: content of the calls, not just files."""

import re
import shutil
from pathlib import Path

import pysam
import pytest

from helpers import run_config, shared, snakemake, write_tsv
from vcf import calls, passing

pytestmark = pytest.mark.integration

SAMPLES_HEADER = ["sample", "patient", "kind", "sex", "purity", "tumor_type", "secondary_findings"]
UNITS_HEADER = ["sample", "unit", "fq1", "fq2", "bam", "adapters"]


def na12878_run(workdir: Path, **overrides: object) -> Path:
    """Config for the tiny NA12878 set: one sample, one FASTQ unit."""
    data = shared("na12878-tiny")
    write_tsv(workdir / "samples.tsv", SAMPLES_HEADER, [["NA12878", "GIAB1", "germline"]])
    write_tsv(
        workdir / "units.tsv",
        UNITS_HEADER,
        [["NA12878", "run1", data / "NA12878_R1.fastq.gz", data / "NA12878_R2.fastq.gz"]],
    )
    return run_config(
        workdir,
        samples=str(workdir / "samples.tsv"),
        units=str(workdir / "units.tsv"),
        **{
            "reference": {"build": "hs37d5-chr22-piece", "fasta": str(data / "ref.fa")},
            **overrides,
        },
    )


@pytest.fixture(scope="module")
def na12878(tmp_path_factory) -> Path:
    """The tiny NA12878 set through bwa + bcftools."""
    workdir = tmp_path_factory.mktemp("na12878")
    snakemake(workdir, na12878_run(workdir))
    return workdir


def pseudonym_of(workdir: Path) -> str:
    """The one sample pseudonym of a single-sample run's working folder."""
    (folder,) = [p for p in (workdir / "work").iterdir() if re.fullmatch(r"s[0-9a-f]{10}", p.name)]
    return folder.name


def giab_truth() -> dict:
    truth = shared("na12878-tiny", "truth.giab.vcf")
    return {call.key: call for call in calls(truth)}


def test_every_giab_snv_is_called_with_its_genotype(na12878: Path) -> None:
    found = passing(na12878 / "results/NA12878/NA12878.vcf.gz")
    truth = giab_truth()
    assert len(truth) == 14
    for key, expected in truth.items():
        assert key in found, f"GIAB SNV {key} not called"
        assert found[key].genotype == expected.genotype
    extra_snvs = [key for key, call in found.items() if call.is_snv and key not in truth]
    assert extra_snvs == []
    extra = sorted(key for key in found if key not in truth)
    assert extra == [("q", 5638, "CAT", "C"), ("q", 9251, "GTTCT", "G")]


def test_alignment_has_real_sample_and_marked_duplicates(na12878: Path) -> None:
    bam = na12878 / "results/NA12878/NA12878.bam"
    with pysam.AlignmentFile(str(bam)) as handle:
        groups = handle.header.to_dict()["RG"]
        assert [group["SM"] for group in groups] == ["NA12878"]
        assert groups[0]["PU"] == "run1"
        assert "NA12878" not in groups[0]["ID"]
        assert handle.mapped > 3000
    pid = pseudonym_of(na12878)
    stats = (na12878 / f"work/{pid}/qc/{pid}.markdup.txt").read_text()
    assert "DUPLICATE TOTAL" in stats


def test_multiqc_report_names_the_sample_not_its_pseudonym(na12878: Path) -> None:
    pid = pseudonym_of(na12878)
    stats = (na12878 / "results/run/multiqc_data/multiqc_general_stats.txt").read_text()
    rows = [line.split("\t")[0] for line in stats.splitlines()[1:]]
    assert sorted(rows) == ["NA12878", "NA12878.run1"]
    for table in (na12878 / "results/run/multiqc_data").glob("multiqc_*.txt"):
        names = [line.split("\t")[0] for line in table.read_text().splitlines()[1:]]
        if table.name != "multiqc_sources.txt":  # lists the working files' paths
            assert not [name for name in names if pid in name], table.name
    assert "NA12878" in (na12878 / "results/run/multiqc.html").read_text()


def test_no_sample_name_in_working_paths_or_logs(na12878: Path) -> None:
    for folder in ("work", "logs", "benchmarks"):
        for path in (na12878 / folder).rglob("*"):
            relative = str(path.relative_to(na12878))
            # Publishing runs only as a local job, never on the scheduler, so its log may.
            if not relative.startswith("logs/publish_"):
                assert "NA12878" not in relative


def test_outputs_are_not_world_readable(na12878: Path) -> None:
    for path in (na12878 / "results").rglob("*"):
        assert path.stat().st_mode & 0o007 == 0, path


def test_freebayes_with_minimap2_finds_the_giab_snvs(tmp_path: Path) -> None:
    snakemake(tmp_path, na12878_run(tmp_path, aligner="minimap2", caller="freebayes"))
    found = passing(tmp_path / "results/NA12878/NA12878.vcf.gz")
    truth = giab_truth()
    recovered = [key for key in truth if key in found and found[key].genotype == "0/1"]
    assert len(recovered) == 14
    extra_snvs = [key for key, call in found.items() if call.is_snv and key not in truth]
    # The freebayes score (trained on bwa alignments only: no claim for minimap2, see
    # resources/germline_score/MODEL_CARD.md) passes two non-GIAB SNVs here where the QUAL
    # filter passed one: q:2633 C>A (3 ALT reads, all reverse, next to a poly-A run) and
    # q:6359 T>A (QUAL 0.0002, TSCORE 0.55). Known and open (issue 13); no more than these.
    assert sorted(extra_snvs) == [("q", 2633, "C", "A"), ("q", 6359, "T", "A")] or (
        len(extra_snvs) <= 1
    )


def test_an_existing_bam_is_used_as_it_is(na12878: Path, tmp_path: Path) -> None:
    bam = tmp_path / "given.bam"
    shutil.copy(na12878 / "results/NA12878/NA12878.bam", bam)
    write_tsv(tmp_path / "samples.tsv", SAMPLES_HEADER, [["HG001-bam", "GIAB1", "germline"]])
    write_tsv(tmp_path / "units.tsv", UNITS_HEADER, [["HG001-bam", "lane1", None, None, bam]])
    data = shared("na12878-tiny")
    config = run_config(
        tmp_path,
        samples=str(tmp_path / "samples.tsv"),
        units=str(tmp_path / "units.tsv"),
        reference={"build": "hs37d5-chr22-piece", "fasta": str(data / "ref.fa")},
    )
    result = snakemake(tmp_path, config)
    assert "align_bwa" not in result.stderr and "fastp" not in result.stderr
    out = tmp_path / "results/HG001-bam/HG001-bam.bam"
    with pysam.AlignmentFile(str(out)) as handle:
        assert {group["SM"] for group in handle.header.to_dict()["RG"]} == {"HG001-bam"}
    again = passing(tmp_path / "results/HG001-bam/HG001-bam.vcf.gz")
    assert again.keys() == passing(na12878 / "results/NA12878/NA12878.vcf.gz").keys()


def brca1_run(workdir: Path, **overrides: object) -> Path:
    """Config for the two 1000 Genomes samples over BRCA1."""
    data = shared("brca1-1kg")
    samples = [["HG00096", "HG00096", "germline"], ["HG00099", "HG00099", "germline"]]
    write_tsv(workdir / "samples.tsv", SAMPLES_HEADER, samples)
    units = [
        [name, "lowcov", data / f"{name}_R1.fastq.gz", data / f"{name}_R2.fastq.gz"]
        for name, _, _ in samples
    ]
    write_tsv(workdir / "units.tsv", UNITS_HEADER, units)
    return run_config(
        workdir,
        samples=str(workdir / "samples.tsv"),
        units=str(workdir / "units.tsv"),
        reference={"build": "GRCh37-BRCA1-region", "fasta": str(data / "ref.fa")},
        **overrides,
    )


def concordance(vcf: Path, sample: str) -> tuple[int, int, int, int]:
    """Truth variants of a sample, how many PASS calls find, how many with its genotype, and
    PASS calls not in the truth."""
    truth = {c.key: c for c in calls(shared("brca1-1kg", "truth.1kg_phase3.vcf"), sample)}
    found = passing(vcf, sample)
    present = [key for key in truth if key in found]
    agreeing = sum(found[key].genotype == truth[key].genotype for key in present)
    return len(truth), len(present), agreeing, sum(key not in truth for key in found)


def test_brca1_two_samples_joint_and_per_sample(tmp_path: Path) -> None:
    found = {}
    for joint in (False, True):
        workdir = tmp_path / ("joint" if joint else "single")
        workdir.mkdir()
        snakemake(workdir, brca1_run(workdir, calling={"joint": joint}))
        for sample in ("HG00096", "HG00099"):
            vcf = workdir / f"results/{sample}/{sample}.vcf.gz"
            total, present, agreeing, extra = concordance(vcf, sample)
            found[joint, sample] = present
            # ~4.5x mean depth against imputed genotypes: a heterozygote often shows one allele.
            assert total > 150 and present / total >= (0.65 if joint else 0.25), (sample, present)
            assert agreeing / present >= 0.75, (sample, present, agreeing)
            assert extra <= 0.1 * total, (sample, extra)
    # Joint calling pools evidence across samples: it finds more of each sample's variants.
    assert all(found[True, sample] > found[False, sample] for sample in ("HG00096", "HG00099"))
    joint_vcf = tmp_path / "joint/results/run/germline.joint.vcf.gz"
    with pysam.VariantFile(str(joint_vcf)) as handle:
        assert list(handle.header.samples) == ["HG00096", "HG00099"]


def test_cram_output_gives_the_same_calls(na12878: Path, tmp_path: Path) -> None:
    snakemake(tmp_path, na12878_run(tmp_path, alignment={"format": "cram"}))
    cram = tmp_path / "results/NA12878/NA12878.cram"
    assert Path(f"{cram}.crai").exists()
    with open(cram, "rb") as handle:
        assert handle.read(4) == b"CRAM"
    found = passing(tmp_path / "results/NA12878/NA12878.vcf.gz")
    assert found.keys() == passing(na12878 / "results/NA12878/NA12878.vcf.gz").keys()

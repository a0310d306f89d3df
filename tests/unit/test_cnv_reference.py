"""A pooled reference of normals (cnv.reference): refused before compute when it is missing, not
a CNVkit reference or built on another reference; its bins and its record in cnv.json."""

import json
from pathlib import Path

import pytest
from preflight_helpers import Project

from tailorseq import documents
from tailorseq.cli import main
from tailorseq.defaults import config_defaults
from tailorseq.files import sha256
from tailorseq.regions import Region
from tailorseq.report.assemble import reference_text
from tailorseq.somatic import cnv_reference
from tailorseq.somatic.copy_number import CnvSettings, unassessable

HEADER = "chromosome\tstart\tend\tgene\tlog2\tdepth\tgc\tspread\n"


def write_reference(path: Path, rows: list[tuple[str, int, int, str, float]]) -> Path:
    """A CNVkit reference with these (contig, start, end, gene, depth) bins."""
    lines = [f"{c}\t{s}\t{e}\t{g}\t0.0\t{d}\t0.4\t0.05\n" for c, s, e, g, d in rows]
    path.write_text(HEADER + "".join(lines))
    return path


def test_a_reference_on_the_run_s_contigs_passes_the_checks(project: Project) -> None:
    write_reference(project.root / "pooled.cnn", [("chr1", 0, 500, "-", 30.0)])
    project.config["cnv"] = {"reference": "pooled.cnn"}
    assert project.problems() == []


def test_a_reference_of_another_naming_or_build_is_refused_naming_the_file_and_fix(
    project: Project,
) -> None:
    """GRCh37-style names on a chr-named reference, or bins past a contig's end (another
    build's lengths): the run stops at its checks."""
    pooled = write_reference(project.root / "pooled.cnn", [("1", 0, 500, "-", 30.0)])
    project.config["cnv"] = {"reference": "pooled.cnn"}
    assert project.only_problem() == (
        f"config cnv.reference: {pooled} has bins on contigs the run's reference lacks (1): it "
        "was built on another reference. Fix: build one with `tailorseq cnv-reference --fasta "
        "<the run's reference> NORMAL.bam ...`"
    )
    write_reference(pooled, [("chr2", 0, 5000, "-", 30.0)])  # chr2 has 500 bases
    assert "has bins past the end of chr2 in the run's reference" in project.only_problem()


def test_a_missing_file_or_a_sample_s_coverage_is_not_a_reference(project: Project) -> None:
    project.config["cnv"] = {"reference": "pooled.cnn"}
    assert "pooled.cnn does not exist. Fix: correct the path, or build" in project.only_problem()
    coverage = "chromosome\tstart\tend\tgene\tlog2\tdepth\nchr1\t0\t500\t-\t0\t30\n"
    (project.root / "pooled.cnn").write_text(coverage)  # a sample's .cnn has no spread
    assert "is not a CNVkit reference: it lacks the columns spread" in project.only_problem()


def test_copy_number_off_leaves_the_reference_unchecked(project: Project) -> None:
    project.config["cnv"] = {"enabled": False, "reference": "pooled.cnn"}
    assert project.problems() == []


def test_the_bins_are_the_reference_s_targets_and_its_depth_their_median(tmp_path: Path) -> None:
    rows = [("chr1", 0, 100, "-", 20.0), ("chr1", 100, 200, "-", 40.0),
            ("chr1", 200, 300, "-", 31.0), ("chr1", 300, 900, "Antitarget", 1.0)]  # fmt: skip
    pooled = write_reference(tmp_path / "pooled.cnn", rows)
    spans = ((0, 100), (100, 200), (200, 300))
    assert cnv_reference.bins(pooled) == [Region("chr1", s, e) for s, e in spans]
    assert cnv_reference.median_depth(pooled) == 31.0


def test_the_record_counts_the_normals_only_for_the_bytes_it_was_written_for(
    tmp_path: Path,
) -> None:
    """The builder's record says how many normals; a lab's reference without one, or a reference
    changed since its record, says None rather than a guess."""
    pooled = write_reference(tmp_path / "pooled.cnn", [("chr1", 0, 100, "-", 30.0)])
    assert cnv_reference.pooled(pooled)["normals"] is None
    record = {"tool": {"name": "CNVkit", "version": "0.9.14"}, "normals": ["a.bam", "b.bam"],
              "fasta": "g.fa", "territory_bases": 100, "bins": 1, "settings": {},
              "sha256": sha256(pooled)}  # fmt: skip
    documents.write(cnv_reference.KIND, record, cnv_reference.record_path(pooled))
    assert cnv_reference.pooled(pooled) == {"kind": "pooled normals", "path": str(pooled),
                                            "sha256": sha256(pooled), "normals": 2}  # fmt: skip
    write_reference(pooled, [("chr1", 0, 100, "-", 31.0)])
    assert cnv_reference.pooled(pooled)["normals"] is None
    assert json.loads(cnv_reference.record_path(pooled).read_text())["normals"] == record["normals"]


def test_the_report_names_the_reference_the_tumour_was_compared_with() -> None:
    pooled = {"kind": "pooled normals", "path": "/lab/pon.cnn", "sha256": "ab" * 32, "normals": 8}
    assert reference_text(cnv_reference.paired()) == "the pair's normal as reference"
    assert reference_text(pooled) == (
        f"a pooled reference of 8 normals, /lab/pon.cnn (sha256 {'ab' * 32})"
    )
    unknown = reference_text(pooled | {"normals": None})
    assert unknown.startswith("a pooled reference of normals (how many is not recorded in it)")


def test_the_builder_names_a_missing_normal_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fasta = tmp_path / "genome.fa"
    fasta.write_text(">chr1\nACGT\n")
    command = ["cnv-reference", "--fasta", str(fasta), "--output", str(tmp_path / "pon.cnn")]
    assert main([*command, str(tmp_path / "n1.bam")]) == 1
    assert f"{tmp_path / 'n1.bam'} does not exist. Fix: correct the path" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == [fasta]


def test_a_pooled_reference_too_small_or_shallow_says_so_in_its_own_terms() -> None:
    settings = CnvSettings.from_config(config_defaults("cnv"))
    small = unassessable(50_000, 30.0, settings, pooled=True)
    assert small == (
        "the pooled reference's bins span 50,000 bases, fewer than the 100,000 copy number"
        " needs (cnv.min_territory)"
    )
    shallow = unassessable(4_000_000, 6.0, settings, pooled=True)
    assert shallow.startswith("the pooled normals' median depth over the reference's bins is 6.0x")
    assert unassessable(50_000, 30.0, settings).startswith("the normal covers 50,000 accessible")

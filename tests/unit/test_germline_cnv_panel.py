"""A panel of normals for germline exon copy number (germline_cnv.panel): written and read back,
aligned to the run's parts, refused when built on another build or annotation, and a sample
with no run sample beside it assessed against it."""

from pathlib import Path

import numpy as np
import pytest
from preflight_helpers import Project

from tailorseq import germline_cnv as gc
from tailorseq.errors import InputError
from tailorseq.germline_cnv_panel import aligned, panel_problems, read_panel, write_panel
from tailorseq.report.hereditary import copy_number_statement

SETTINGS = gc.GermlineCnvSettings(min_reference_samples=2, min_depth=15, min_z=4)


def run_parts() -> tuple[list[gc.Part], list[str]]:
    """Ten parts of G1 and G2 on chr1 and two of GX on chrX, with their BED names."""
    parts = [gc.Part("chr1", 1000 * i, 1000 * i + 200, f"G{1 + i // 5}") for i in range(10)]
    parts += [gc.Part("chrX", 1000 * i, 1000 * i + 200, "GX") for i in range(2)]
    names = [f"{p.gene}|{i % 5 + 1}" for i, p in enumerate(parts[:10])] + ["GX|1", "GX|2"]
    return parts, names


def write_test_panel(path: Path, normals: int = 5, build: str = "GRCh38") -> Path:
    """A panel over the run's autosomal parts with normals near 1 (a little noise)."""
    parts, names = run_parts()
    rng = np.random.default_rng(7)
    relative = 1 + rng.normal(0, 0.03, (normals, 10))
    write_panel(path, build, parts[:10], names[:10], relative)
    return path


def test_the_panel_reads_back_and_lines_up_with_the_run_s_parts(tmp_path: Path) -> None:
    panel = read_panel(write_test_panel(tmp_path / "panel.tsv"))
    assert panel.build == "GRCh38" and panel.relative.shape == (5, 10)
    parts, names = run_parts()
    pool = aligned(panel, parts, names, {"chrX"}, tmp_path / "panel.tsv")
    assert pool.shape == (5, 12) and np.isnan(pool[:, 10:]).all()
    assert np.allclose(pool[:, :10], panel.relative, atol=1e-5)


def test_a_panel_of_another_annotation_is_refused_naming_the_part(tmp_path: Path) -> None:
    path = write_test_panel(tmp_path / "panel.tsv")
    parts, names = run_parts()
    moved = [gc.Part(p.contig, p.start + 10, p.end, p.gene) for p in parts]  # other exon ends
    with pytest.raises(InputError, match=r"other coding parts than the run's gene annotation"):
        aligned(read_panel(path), moved, names, {"chrX"}, path)
    with pytest.raises(InputError, match=r"G3\|1 is missing; 0 extra, 1 missing"):  # more genes
        aligned(read_panel(path), [*parts, gc.Part("chr1", 9000, 9100, "G3")],
                [*names, "G3|1"], {"chrX"}, path)  # fmt: skip


def test_a_panel_of_another_build_or_no_panel_is_refused_before_compute(
    project: Project, tmp_path: Path
) -> None:
    write_test_panel(project.root / "panel.tsv", build="GRCh37")
    project.config["germline_cnv"] = {"panel": "panel.tsv"}
    assert "was built on GRCh37, the run's reference.build is test" in project.only_problem()
    (project.root / "panel.tsv").write_text("contig\tstart\n")
    assert "is not a tailorseq-germline-cnv-panel/1 file" in project.only_problem()
    assert panel_problems(tmp_path / "none.tsv", "test")[0].problem.endswith("does not exist")


def test_one_sample_is_assessed_against_the_panel_and_its_deletion_called(
    tmp_path: Path,
) -> None:
    """Alone in its run the sample is not assessed; against five normals its one-copy loss of
    G2's parts 2-3 is a deletion, the X parts (not in the panel) are not assessed, and the
    document and report name the panel."""
    parts, names = run_parts()
    depths = np.full((1, 12), 60.0)
    depths[0, 6:8] = 30.0  # one copy of G2 parts 2-3
    ploidy = np.full((1, 12), 2.0)
    assert gc.sample_calls(parts, depths, ploidy, 0, SETTINGS) is None
    path = write_test_panel(tmp_path / "panel.tsv")
    pool = aligned(read_panel(path), parts, names, {"chrX"}, path)
    calls = gc.sample_calls(parts, depths, ploidy, 0, SETTINGS, pool)
    reference = {"kind": "panel of normals", "samples": 5, "path": str(path), "sha256": "0" * 64}
    document = gc.document("s0", parts, calls, reference, SETTINGS, {})
    assert [(e["gene"], e["call"], e["copy_number"], e["parts"]) for e in document["events"]] == [
        ("G2", "deletion", 1, 2)
    ]
    assert document["genes_not_assessed"][0]["gene"] == "GX"
    assert document["method"].endswith("against a configured panel of normals")
    part = {"status": "assessed", "reason": None, "reference_samples": 5, "findings": [],
            "reference_kind": "panel of normals", "genes_assessed": ["G2"]}  # fmt: skip
    assert "against 5 normal(s) of the configured panel" in copy_number_statement(part)

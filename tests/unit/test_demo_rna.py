"""The demo's expression contigs change no other contig, variant or read."""

import gzip
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from tailorseq.demo import DEFAULT_PLAN, generate_demo

SEED = 11


def read_pairs(demo: Path, sample: str) -> list[tuple[str, str]]:
    """(R1, R2) bases of a one-unit sample."""
    r1, r2 = (
        gzip.decompress((demo / "reads" / f"{sample}_L001_R{m}.fastq.gz").read_bytes())
        .decode()
        .splitlines()[1::4]
        for m in (1, 2)
    )
    return list(zip(r1, r2, strict=True))


def test_expression_contigs_change_nothing_else(tmp_path: Path) -> None:
    """The demo without the expression contigs: the same other contigs, variants and
    microsatellites (none on the expression contigs, nor background variants), and every DNA
    read file the start of today's (the expression contigs' reads are appended)."""

    def without(data: dict[str, Any]) -> None:
        late = {c["name"] for c in data["contigs"] if c.get("expression")}
        data["contigs"] = [c for c in data["contigs"] if c["name"] not in late]
        data["genes"] = [g for g in data["genes"] if g["name"] not in late]

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

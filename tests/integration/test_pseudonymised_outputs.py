"""`privacy.pseudonymise_outputs`: no sample or patient id in any file name or file content
under results/, their pseudonyms instead, and the lab's owner-only mapping file.

To stay cheap the run is patient3 of the demo only (its normal and tumour: germline, joint,
somatic, PGx, findings, actionability, report, MultiQC, provenance), reusing the reference
and knowledge cache of the session's demo run.
"""

import gzip
import json
import os
import stat
import subprocess
from pathlib import Path

import pytest

from helpers import demo_run, demo_sheets, snakemake
from tailorseq.pseudonym import patient_pseudonym, pseudonym

pytestmark = pytest.mark.integration

SECRET = "pseudonymised-outputs-test"
NORMAL, TUMOR, RNA, PATIENT = "demo3-normal", "demo3-tumor", "demo3-rna", "patient3"
# every id of the demo's sheet, so that none shows even from outside this run's rows
IDS = ("demo1", "demo2", NORMAL, TUMOR, RNA, "patient1", "patient2", PATIENT)
MAPPING = ".tailorseq/pseudonyms.tsv"


def pid(name: str) -> str:
    return pseudonym(name, SECRET.encode())


def environment() -> dict[str, str]:
    path = f"{Path(os.sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    return {**os.environ, "PATH": path, "TAILORSEQ_SECRET": SECRET}


@pytest.fixture(scope="module")
def pseudonymised(demo_results: Path, tmp_path_factory) -> Path:
    workdir = tmp_path_factory.mktemp("pseudonymised")
    config = demo_run(
        workdir,
        **demo_sheets(workdir, [NORMAL, TUMOR, RNA]),
        cache_dir=str(demo_results / "cache"),
        calling={"joint": True},
        privacy={"pseudonymise_outputs": True},
        cnv={"enabled": False},  # tumour copy number and SVs: names as the other pair outputs
        sv={"enabled": False},
    )
    snakemake(workdir, config, env=environment())
    return workdir


def text_of(path: Path) -> str:
    """A file's content as text: alignments as SAM (header and records), gzip/BGZF decompressed."""
    if path.suffix in (".bam", ".cram"):
        command = ["samtools", "view", "--with-header", str(path)]
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data.decode(errors="replace")


def test_results_name_no_id(pseudonymised: Path) -> None:
    results = pseudonymised / "results"
    files = [path for path in results.rglob("*") if path.is_file()]
    assert len(files) > 20
    for path in files:
        name = str(path.relative_to(results))
        assert not [i for i in IDS if i in name], name
        text = text_of(path)
        assert not [i for i in IDS if i in text], f"{name} names {[i for i in IDS if i in text]}"


def bcftools_samples(vcf: Path) -> list[str]:
    command = ["bcftools", "query", "--list-samples", str(vcf)]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout.split()


def test_outputs_carry_the_pseudonyms(pseudonymised: Path) -> None:
    normal, tumor, patient = pid(NORMAL), pid(TUMOR), patient_pseudonym(PATIENT, SECRET.encode())
    results = pseudonymised / "results"
    header = text_of(results / normal / f"{normal}.bam").split("\n@PG")[0]
    assert f"\tSM:{normal}" in header and "\tSM:" not in header.replace(f"\tSM:{normal}", "")
    assert bcftools_samples(results / normal / f"{normal}.vcf.gz") == [normal]
    assert bcftools_samples(results / "run" / "germline.joint.vcf.gz") == [normal]
    somatic = results / patient / f"{patient}.somatic.vcf.gz"
    assert bcftools_samples(somatic) == [tumor, normal]
    report = json.loads((results / patient / f"{patient}.report.json").read_text())
    assert report["header"]["patient"] == report["header"]["patient_pseudonym"] == patient
    rna = pid(RNA)
    assert [s["sample"] for s in report["header"]["samples"]] == [normal, tumor, rna]
    assert report["tumour"]["pairs"][0]["rna"]["sample"] == rna
    assert json.loads((results / patient / f"{patient}.rna.json").read_text())["sample"] == rna
    pgx = (results / normal / f"{normal}.pgx.json").read_text()
    assert normal in pgx
    multiqc = (results / "run" / "multiqc.html").read_text()
    assert normal in multiqc and tumor in multiqc
    provenance = json.loads((results / "run" / "provenance.json").read_text())
    assert any(f"{tumor}_L001_R1.fastq.gz" in path for path in provenance["inputs"])


def test_mapping_file_is_owner_only_with_every_id(pseudonymised: Path) -> None:
    mapping = pseudonymised / MAPPING
    assert stat.S_IMODE(mapping.stat().st_mode) == 0o600
    assert mapping.read_text().splitlines() == [
        "pseudonym\tkind\tid",
        f"{pid(NORMAL)}\tsample\t{NORMAL}",
        f"{pid(TUMOR)}\tsample\t{TUMOR}",
        f"{pid(RNA)}\tsample\t{RNA}",
        f"{patient_pseudonym(PATIENT, SECRET.encode())}\tpatient\t{PATIENT}",
    ]


def test_mapping_inside_results_is_refused_before_any_job(tmp_path: Path) -> None:
    config = demo_run(
        tmp_path, privacy={"pseudonymise_outputs": True, "mapping": "results/ids.tsv"}
    )
    result = snakemake(tmp_path, config, "--dry-run", check=False, env=environment())
    assert result.returncode != 0
    assert "privacy.mapping: results/ids.tsv is inside results/" in result.stdout + result.stderr
    assert not (tmp_path / "results").exists() and not (tmp_path / "work").exists()

"""The somatic candidates' two passes (a count of the reads, then the full mpileup at the
positions it keeps) against one full mpileup over each chunk, as the step ran before its first
pass: on the demo's tumour/normal pair, the model writes the same records with the same
FILTERs from both, and the sample-swap check counts the same sites."""

import json
import shlex
import subprocess
from pathlib import Path

import pysam
import pytest

from tailorseq.defaults import config_defaults
from tailorseq.somatic.caller import MAX_DEPTH, call, candidate_filter
from tailorseq.somatic.candidate_sites import MIN_ALT_READS
from tailorseq.somatic.model import Settings

pytestmark = pytest.mark.integration

PATIENT = "patient3"
PAIR = ("demo3-tumor", "demo3-normal")  # mpileup's order: tumour, normal
SOMATIC = config_defaults("somatic")
SETTINGS = Settings.from_config(SOMATIC)
ANNOTATIONS = "FORMAT/AD,FORMAT/ADF,FORMAT/ADR,FORMAT/DP,FORMAT/QS,INFO/AD"


def single_pass(workdir: Path, bed: Path, out: Path) -> Path:
    """A chunk's candidates from one full mpileup over the whole chunk, through the same
    filters as the rule's second pass."""
    genome = next(workdir.glob("cache/reference/*/genome.fa"))
    bams = [workdir / f"results/{sample}/{sample}.bam" for sample in PAIR]
    keep = f'ALT!="<*>" && INFO/AD[1]>={MIN_ALT_READS} && ({candidate_filter(SETTINGS)})'
    command = (
        f"bcftools mpileup --fasta-ref {genome} --regions-file {bed}"
        f" --min-MQ {SOMATIC['min_mapq']} --min-BQ {SOMATIC['min_baseq']}"
        f" --max-depth {MAX_DEPTH} --annotate {ANNOTATIONS} --output-type u"
        f" {' '.join(map(str, bams))}"
        f" | bcftools view --include 'MAX(INFO/AD[1-])>={MIN_ALT_READS}' --output-type u"
        f" | bcftools norm --fasta-ref {genome} --multiallelics -both --output-type u"
        f" | bcftools view --include {shlex.quote(keep)} --output-type b --output {out}"
    )
    subprocess.run(["bash", "-o", "pipefail", "-c", command], check=True, capture_output=True)
    return out


def records(vcf: Path) -> list[tuple]:
    with pysam.VariantFile(str(vcf)) as handle:
        return [(r.contig, r.pos, r.ref, r.alts[0], tuple(r.filter.keys())) for r in handle]


def test_two_passes_give_the_model_the_candidates_of_one_full_pass(
    shared_demo: Path, tmp_path: Path
) -> None:
    beds = sorted(shared_demo.glob("work/scatter/*/*/chunk*.bed"))
    chunks = [single_pass(shared_demo, bed, tmp_path / f"{bed.stem}.bcf") for bed in beds]
    result = call(chunks, tmp_path / "single.vcf.gz", SETTINGS)
    published = shared_demo / f"results/{PATIENT}/{PATIENT}.somatic.vcf.gz"
    assert records(published) == records(tmp_path / "single.vcf.gz")
    assert len(records(published)) > 10 and result["concordance"]["sites"] > 20
    (summary,) = shared_demo.glob("work/*/somatic/*.somatic.json")
    assert json.loads(summary.read_text())["concordance"] == result["concordance"]

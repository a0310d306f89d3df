# Bootstrap of every run: the config and sample sheets checked (preflight), the names of
# samples and patients (lab ids, pseudonyms, working ids), the wildcard constraints.
# Stage files follow (Snakefile), each with its input functions at its top; paths.smk names
# every working path.
import gc
import os
from pathlib import Path

from snakemake.exceptions import WorkflowError
from snakemake.settings.types import DeploymentMethod

from tailorseq.checks import preflight, report_full_disk
from tailorseq.errors import TailorseqError
from tailorseq.pseudonym import (
    check_mapping_path,
    lab_secret,
    mapping_rows,
    patient_pseudonym,
    pseudonym,
    pseudonymised_sheet,
    public_names,
    write_mapping,
)
from tailorseq.sheets import SampleSheet, load_sheets
from tailorseq.somatic import cnv_reference
from tailorseq.somatic.scar import shipped_centromeres

# Results, logs and cache are for the lab's group only.
os.umask(0o027)

# Snakemake's DAG of a large run is millions of long-lived objects, none of them garbage while
# it is built: at Python's default thresholds (700, 10, 10) the cyclic collector rescans them
# over and over (a 1,000-sample dry run: 51.9-55.6 CPU s at the defaults, 50.2-50.9 at these,
# same peak memory; README "Scale").
gc.set_threshold(50_000, 20, 100)


def uses_conda() -> bool:
    """True when tools come from the per-step conda envs rather than PATH."""
    settings = workflow.deployment_settings
    return settings is not None and DeploymentMethod.CONDA in settings.deployment_method


if workflow.is_main_process:
    SHEET = preflight(
        config,
        Path.cwd(),
        check_tools=not uses_conda(),
        cores=workflow.resource_settings.cores,
    )
else:
    SHEET = load_sheets(Path(config["samples"]), Path(config["units"]))


onerror:
    report_full_disk([Path.cwd(), Path(config["cache_dir"])])


SECRET = lab_secret()


def outputs_sheet(sheet: SampleSheet) -> SampleSheet:
    """The sheet under the names every output carries: the lab's ids, or with
    privacy.pseudonymise_outputs their pseudonyms. Decided here once, so that no output
    (paths, headers, VCF columns, reports, MultiQC) can name a sample or patient otherwise.
    The submitting process first records the pseudonyms in the lab's owner-only mapping file.
    """
    if not config["privacy"]["pseudonymise_outputs"]:
        return sheet
    if workflow.is_main_process:
        mapping = Path(config["privacy"]["mapping"])
        try:
            check_mapping_path(mapping, Path("results"))
            write_mapping(mapping, mapping_rows(sheet, SECRET))
        except TailorseqError as error:
            raise WorkflowError(str(error)) from None
    return pseudonymised_sheet(sheet, SECRET)


LAB_SHEET = SHEET
SHEET = outputs_sheet(LAB_SHEET)
# lab id -> the name outputs carry, for samples and patients
PUBLIC_NAME = public_names(LAB_SHEET, SHEET)
# Working paths always use the hash of the lab's id, whatever the outputs are named.
PID = {PUBLIC_NAME[name]: pseudonym(name, SECRET) for name in LAB_SHEET.samples}
PATIENT_PSEUDONYM = {
    PUBLIC_NAME[row.patient]: patient_pseudonym(row.patient, SECRET)
    for row in LAB_SHEET.samples.values()
}
config["pgx"]["outside_calls"] = {
    PUBLIC_NAME.get(name, name): path
    for name, path in config["pgx"]["outside_calls"].items()
}
SAMPLE = {pid: name for name, pid in PID.items()}
if len(SAMPLE) != len(PID):
    raise WorkflowError("two samples share a pseudonym: set another TAILORSEQ_SECRET")
UID = {
    name: {f"u{index}": unit for index, unit in enumerate(units, start=1)}
    for name, units in SHEET.units.items()
}


wildcard_constraints:
    pid="s[0-9a-f]{10}",
    uid=r"u\d+",
    chunk=r"\d+",
    callset=r"s[0-9a-f]{10}|joint",
    sample="|".join(SHEET.samples),


def germline_pids() -> list[str]:
    """Pseudonyms of samples called for germline variants (kind germline or normal)."""
    return [PID[sample.sample] for sample in SHEET.germline_samples()]


def sample_units(wildcards) -> dict:
    """The unit ids (u1, u2, ...) of one sample, keyed by id."""
    return UID[SAMPLE[wildcards.pid]]


def unit(wildcards):
    """The sheet's unit behind a (pid, uid) wildcard pair."""
    return sample_units(wildcards)[wildcards.uid]


def sample_name(wildcards) -> str:
    """The sample's name in outputs (its id, or its pseudonym: outputs_sheet) behind a {pid};
    used only inside local jobs and files."""
    return SAMPLE[wildcards.pid]

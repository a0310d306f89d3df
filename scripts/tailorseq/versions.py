"""Tool versions as they ran: each conda env of the run (envs/<env>.yaml) is probed from inside
itself, as nf-core modules record theirs, by one small job per env that runs with that env's
`conda:` directive (workflow/rules/report.smk, rule tool_versions). Its record,
`results/run/versions/<env>.json` (document kind `versions`, resources/versions.schema.json),
says which version of each of the env's dependencies answered and how it was asked. Without
`--sdm conda` the job runs with the tools on PATH and the Python of Snakemake: the ones every
other rule runs with, so the record is again what ran.

The provenance manifest (scripts/provenance.py) gathers the records with each rule's env; the
run's MultiQC report shows them (`tailorseq_mqc_versions.yml`); the patient report's methods
list them."""

import os
import platform
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from tailorseq.tools import TOOLS, reported_version, version_tuple

#: The record's document id (tailorseq.documents.IDS["versions"]): the probing job writes it
#: without jsonschema, which an env need not hold; readers validate it.
SCHEMA = "tailorseq-versions/1"
#: The env file's channels, in this order (DESIGN: envs).
CHANNELS = ["conda-forge", "bioconda", "nodefaults"]
PYTHON_PROBE = "platform.python_version()"


@dataclass(frozen=True)
class Probe:
    """How to ask an env's dependency for its version: a command and a pattern whose first
    group is the version, or (no command) the Python distribution's installed metadata."""

    command: tuple[str, ...] = ()
    pattern: str = ""
    distribution: str = ""

    def describe(self) -> str:
        """How the version was asked, for the record."""
        if self.command:
            return " ".join(self.command)
        if self.distribution:
            return f"importlib.metadata.version({self.distribution!r})"
        return PYTHON_PROBE

    def run(self) -> str | None:
        """The version the dependency reports now, or None when it does not answer."""
        if self.command:
            return reported_version(list(self.command), self.pattern)
        if not self.distribution:
            return platform.python_version()
        try:
            return metadata.version(self.distribution)
        except metadata.PackageNotFoundError:
            return None


def _tool(package: str, command: str) -> tuple[str, Probe]:
    """A command-line tool probed as the preflight check reads it (tailorseq.tools.TOOLS)."""
    spec = TOOLS[command]
    return package, Probe((command, *spec.args), spec.pattern)


def _python(package: str, distribution: str = "") -> tuple[str, Probe]:
    return package, Probe(distribution=distribution or package)


#: Env dependency (conda or pip package name) -> its probe. Every dependency of envs/*.yaml has
#: one (tests/unit/test_envs.py); htslib answers through tabix, cnvkit through cnvkit.py.
PROBES: dict[str, Probe] = dict(
    [
        *(
            _tool(name, name)
            for name in (
                "bwa", "samtools", "bcftools", "fastp", "minimap2", "freebayes", "mosdepth",
                "delly", "whatshap", "gffread", "salmon", "aldy",
            )
        ),
        _tool("htslib", "tabix"),
        _tool("cnvkit", "cnvkit.py"),
        ("multiqc", Probe(("multiqc", "--version"), r"version (\d[\w.-]*)")),
        ("python", Probe()),
        _python("matplotlib-base", "matplotlib"),
        *(
            _python(name)
            for name in (
                "pysam", "pyyaml", "jsonschema", "scipy", "numpy", "lightgbm", "jinja2",
                "markupsafe", "pip", "pypgx", "fhir.resources", "fhir-core", "phenopackets",
                "protobuf",
            )
        ),
    ]
)  # fmt: skip


@dataclass(frozen=True)
class EnvFile:
    """A conda env file: its name (the file's stem), channels and pinned dependencies (name ->
    version as written; pip's under `pip`)."""

    name: str
    path: Path
    channels: list[str]
    conda: dict[str, str]
    pip: dict[str, str]

    @property
    def dependencies(self) -> dict[str, str]:
        """Every dependency (conda then pip) with its pin."""
        return self.conda | self.pip


def _split(spec: str, separator: str) -> tuple[str, str]:
    name, _, version = spec.partition(separator)
    return name.strip(), version.strip()


def read_env(path: Path) -> EnvFile:
    """Parse an env file; a dependency without a pin has the pin ''."""
    import yaml  # here, not at the top: the probing job runs in envs without PyYAML

    data = yaml.safe_load(Path(path).read_text()) or {}
    conda, pip = {}, {}
    for entry in data.get("dependencies") or []:
        if isinstance(entry, dict):
            pip.update(_split(spec, "==") for spec in entry.get("pip") or [])
        else:
            conda.update([_split(str(entry), "=")])
    return EnvFile(Path(path).stem, Path(path), list(data.get("channels") or []), conda, pip)


def probe_env(env: str, dependencies: list[str], deployment: str) -> dict[str, Any]:
    """The versions record of an env (a `versions` document) from its dependencies' names,
    probed in the environment this process runs in; `deployment` is how Snakemake deployed
    the software ('conda' with --sdm conda, else 'system')."""
    tools, probes = {}, {}
    for name in dependencies:
        probe = PROBES.get(name)
        tools[name] = probe.run() if probe else None
        probes[name] = probe.describe() if probe else "no probe (tailorseq.versions.PROBES)"
    return {
        "schema": SCHEMA,
        "env": env,
        "env_file": f"envs/{env}.yaml",
        "tools": tools,
        "how": {
            "deployment": deployment,
            "conda_prefix": os.environ.get("CONDA_PREFIX"),
            "python": sys.executable,
            "probes": probes,
        },
    }


def matches_pin(reported: str | None, pinned: str) -> bool:
    """True when a reported version is the pinned release ('0.7.17-r1188' is bwa=0.7.17)."""
    return reported is not None and version_tuple(reported) == version_tuple(pinned)


def environments(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Env name -> its record's file, tools and how they were probed, for the manifest."""
    return {
        record["env"]: {key: record[key] for key in ("env_file", "tools", "how")}
        for record in sorted(records, key=lambda record: record["env"])
    }


def rule_environments(conda_envs: dict[str, str]) -> dict[str, str]:
    """Rule -> env name from each rule's `conda:` path ('../../envs/bwa.yaml' -> 'bwa')."""
    return {rule: Path(env).stem for rule, env in sorted(conda_envs.items())}


def tool_list(records: list[dict[str, Any]]) -> dict[str, str]:
    """Each tool once with the version(s) it ran as (two envs may hold different versions);
    a tool that did not answer says so."""
    versions: dict[str, list[str]] = {}
    for record in records:
        for name, version in record["tools"].items():
            found = version or "did not answer (see its versions record)"
            versions.setdefault(name, [])
            if found not in versions[name]:
                versions[name].append(found)
    return {name: ", ".join(found) for name, found in sorted(versions.items())}


def multiqc_versions(records: list[dict[str, Any]], pipeline_version: str) -> dict[str, Any]:
    """MultiQC's software-versions custom content (`*_mqc_versions.yml`): tools grouped by
    their env, and the pipeline's own version."""
    groups: dict[str, Any] = {"tailorseq": {"tailorseq": pipeline_version}}
    for env, record in environments(records).items():
        groups[f"env {env}"] = {
            name: version or "did not answer" for name, version in record["tools"].items()
        }
    return groups

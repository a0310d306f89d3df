"""Checks of the knowledge a run is configured with (PGx definitions, phenotypes, CPIC
recommendations, outside calls; OncoTree for the sheet's tumour types), part of the one check
before compute (`tailorseq.checks.inspect_run`). Each returns every problem it finds.

Local files only: a URL is checked when the step that downloads it runs.
"""

from pathlib import Path
from typing import Any

from tailorseq.config import CONFIG
from tailorseq.errors import InputError
from tailorseq.pgx.releases import GRCH37_STATEMENT, is_release, release_files
from tailorseq.reference import is_url
from tailorseq.samples import SampleSheet
from tailorseq.somatic.knowledge import KnowledgeError
from tailorseq.somatic.oncotree import load_oncotree, unknown_tumour_type


def json_files(folder: str | Path, subfolder: str = "") -> list[str]:
    """The JSON files of a knowledge folder (or of its `subfolder` when it has one)."""
    path = Path(folder)
    if subfolder and (path / subfolder).is_dir():
        path = path / subfolder
    return sorted(str(file) for file in path.glob("*.json"))


def pgx_release_note(definitions: str, build: str) -> str:
    """What check says when pgx.definitions names a PharmCAT release: fetched on GRCh38, no
    PGx on another build (PharmCAT publishes GRCh38 definitions only)."""
    if not is_release(definitions):
        return ""
    if build == "GRCh38":
        return f"pgx.definitions {definitions}: PharmCAT's definitions are fetched once by URL"
    return f"pgx.definitions {definitions} on {build}: {GRCH37_STATEMENT}"


def pgx_problems(
    pgx: dict[str, Any], sheet: SampleSheet, workdir: Path, *, check_tools: bool, build: str = ""
) -> list[InputError]:
    """Every reason the PGx step could not run with the config's `pgx` section (none when PGx
    is off, or a PharmCAT release on a build it has no definitions for: `pgx_release_note`).
    pypgx is looked for only with `check_tools` (under conda the step's env has it)."""
    definitions, phenotypes = pgx["definitions"], pgx["phenotypes"]
    if not definitions:
        return []
    problems = []
    if is_release(definitions):
        if build != "GRCh38":
            return []
        try:
            release_files(definitions, build)
        except InputError as error:
            problems.append(error)
    elif not any(
        f.endswith("_translation.json") for f in json_files(workdir / definitions, "alleles")
    ):
        problem = (
            f"pgx.definitions: {definitions} holds no PharmCAT allele definitions "
            "(<GENE>_translation.json)"
        )
        fix = (
            "give the build's definition folder, or leave pgx.definitions empty to skip "
            "pharmacogenomics"
        )
        problems.append(InputError(CONFIG, problem, fix))
    if phenotypes and not json_files(workdir / phenotypes):
        problem = f"pgx.phenotypes: {phenotypes} holds no PharmCAT phenotype files (<GENE>.json)"
        fix = "give PharmCAT's phenotype folder, or leave it empty for pypgx's tables"
        problems.append(InputError(CONFIG, problem, fix))
    if not phenotypes and check_tools:
        problems += _pypgx_problems()
    problems += _recommendation_problems(pgx["recommendations"], workdir)
    problems += _outside_call_problems(pgx["outside_calls"], sheet, workdir)
    return problems


def _pypgx_problems() -> list[InputError]:
    """pypgx, whose tables PGx uses when no phenotype folder is given, must be installed."""
    from tailorseq.pgx.pypgx_tables import pypgx_available

    if pypgx_available():
        return []
    problem = "pgx: the phenotype and recommendation tables come from pypgx, which is not installed"
    fix = (
        "`pip install --no-deps pypgx==0.27.0` (make setup does), or set pgx.phenotypes to "
        "PharmCAT's phenotype folder"
    )
    return [InputError(CONFIG, problem, fix)]


def _recommendation_problems(given: str, workdir: Path) -> list[InputError]:
    """A local CPIC recommendation file is read and checked; a URL when it is downloaded."""
    from tailorseq.pgx.cpic import load_cpic_file

    if not given or is_url(given):
        return []
    try:
        load_cpic_file(workdir / given)
    except InputError as error:
        problem = f"pgx.recommendations: {error.problem}"
        return [InputError(error.file, problem, error.fix, error.row)]
    return []


def _outside_call_problems(
    outside_calls: dict[str, str | list[str]], sheet: SampleSheet, workdir: Path
) -> list[InputError]:
    """Outside calls name germline or normal samples of the sheet, and files (one or a list)
    that exist, can be read, and do not call one gene differently (the check `run_pgx` makes
    too: `merged_outside_calls`)."""
    from tailorseq.pgx.outside import merged_outside_calls, outside_call_files

    germline = sorted(sample.sample for sample in sheet.germline_samples())
    problems = []
    for name, given in outside_calls.items():
        if name not in germline:
            problem = f"pgx.outside_calls: {name} is not a germline or normal sample of the sheet"
            problems.append(InputError(CONFIG, problem, "name one of " + ", ".join(germline)))
            continue
        paths = outside_call_files(given)
        missing = [path for path in paths if not (workdir / path).is_file()]
        for path in missing:
            problem = f"pgx.outside_calls: the file of {name} ({path}) does not exist"
            fix = "give the path of its outside-call file, relative to the working directory"
            problems.append(InputError(CONFIG, problem, fix))
        if not missing:
            problems += merged_outside_calls([workdir / path for path in paths], name)[1]
    return problems


def tumour_type_problems(
    sheet: SampleSheet, source: str, workdir: Path, samples_label: str
) -> list[InputError]:
    """Every tumour's tumor_type is an OncoTree code or name of somatic.oncotree (`source`, a
    local file; a URL's download is checked by the actionability step)."""
    typed = [s for s in sheet.samples.values() if s.tumor_type]
    if not typed or is_url(source):
        return []
    if not source:
        return [
            InputError(
                samples_label,
                f"tumor_type {sample.tumor_type!r} is given but somatic.oncotree is not set, "
                "so it cannot be matched to any indication",
                "set somatic.oncotree to OncoTree's tree file (config/README.md)",
                sample.row,
            )
            for sample in typed
        ]
    try:
        tree = load_oncotree(workdir / source)
    except (OSError, KnowledgeError) as error:
        return [InputError(CONFIG, f"somatic.oncotree: {error}", "give a readable OncoTree file")]
    problems = []
    for sample in typed:
        if tree.find(sample.tumor_type) is None:
            problem, fix = unknown_tumour_type(tree, sample.tumor_type)
            problems.append(InputError(samples_label, problem, fix, sample.row))
    return problems

"""The run's provenance manifest (results/run/provenance.json): pipeline version and commit,
Snakemake's version, each rule's conda env and each env's tool versions as they ran (the
versions records, results/run/versions/<env>.json), knowledge versions, the config and its
hash, sha256 of the inputs and final outputs, start and end time."""

import argparse
import json
from datetime import UTC, datetime
from pathlib import Path

from tailorseq import documents
from tailorseq.download import read_record
from tailorseq.files import stderr_to, write_atomic
from tailorseq.provenance import manifest, snakemake_version
from tailorseq.pseudonym import replace_ids
from tailorseq.report.knowledge import knowledge_versions, run_started
from tailorseq.versions import rule_environments

REPOSITORY = Path(__file__).resolve().parents[1]


def write_provenance(
    config: dict,
    knowledge: dict,
    inputs: list[str],
    outputs: list[str],
    out: Path,
    versions: list[str] | None = None,
    rules: dict[str, str] | None = None,
    snakemake: str | None = None,
    workdir: Path = Path("."),
    renames: dict[str, str] | None = None,
    downloads: list[Path] | None = None,
) -> dict:
    """Build the manifest and write it atomically, with each id of `renames` (lab id ->
    pseudonym) replaced wherever it shows, e.g. in the input FASTQ paths. `versions` are the
    run's versions records, `rules` each rule's `conda:` path, `snakemake` the version that
    ran the workflow (default: the one installed here). `downloads`: the download records
    (tailorseq.download) of every URL the run read, kept under "downloads"."""
    paths = {key: knowledge.get(key) for key in ("clinvar_summary", "pgx_document", "gene_list")}
    knowledge_found = knowledge_versions(
        knowledge.get("reference", {}),
        clinvar_summary=Path(paths["clinvar_summary"]) if paths["clinvar_summary"] else None,
        pgx_document=Path(paths["pgx_document"]) if paths["pgx_document"] else None,
        gene_list=Path(paths["gene_list"]) if paths["gene_list"] else None,
        gff3=knowledge.get("gff3"),
        pgx_definitions=knowledge.get("pgx_definitions"),
    )
    document = manifest(
        config=config,
        repository=REPOSITORY,
        versions=[documents.load("versions", path) for path in versions or []],
        rules=rule_environments(rules or {}),
        snakemake=snakemake or snakemake_version(),
        knowledge=knowledge_found,
        inputs=[Path(p) for p in inputs],
        outputs=[Path(p) for p in outputs],
        started=run_started(workdir, datetime.now(UTC)),
    )
    document["downloads"] = [read_record(Path(record)) for record in downloads or []]
    text = json.dumps(document, indent=2, default=str)
    write_atomic(out, replace_ids(text, renames or {}) + "\n")
    return document


if __name__ == "__main__":
    if "snakemake" in globals():
        rule = snakemake  # noqa: F821
        with stderr_to(rule.log[0]):
            knowledge = dict(rule.params.knowledge)
            knowledge["clinvar_summary"] = rule.input.clinvar[0] if rule.input.clinvar else None
            knowledge["pgx_document"] = rule.input.pgx[0] if rule.input.pgx else None
            write_provenance(
                dict(rule.config),
                knowledge,
                list(rule.input.units),
                list(rule.input.outputs),
                Path(rule.output[0]),
                versions=list(rule.input.versions),
                rules=dict(rule.params.rules),
                snakemake=rule.params.snakemake,
                renames=dict(rule.params.renames),
                downloads=list(rule.input.downloads),
            )
    else:
        parser = argparse.ArgumentParser(description=__doc__)
        parser.add_argument("--config", type=Path, required=True, help="the run's config YAML")
        parser.add_argument("--input", nargs="*", default=[], help="input files (FASTQ, BAM)")
        parser.add_argument("--output", nargs="*", default=[], help="final outputs")
        parser.add_argument("--clinvar-summary", help="prepared ClinVar's JSON summary")
        parser.add_argument("--pgx-document", help="a sample's .pgx.json")
        parser.add_argument("--gene-list", help="gene-list TSV")
        parser.add_argument(
            "--versions", nargs="*", default=[], help="versions records (scripts/tool_versions.py)"
        )
        parser.add_argument("--downloads", nargs="*", default=[], help="download records (JSON)")
        parser.add_argument("--out", type=Path, required=True)
        args = parser.parse_args()
        import yaml

        config = yaml.safe_load(args.config.read_text())
        reference = config.get("reference", {})
        knowledge = {
            "reference": {"build": reference.get("build"), "fasta": reference.get("fasta")},
            "clinvar_summary": args.clinvar_summary,
            "pgx_document": args.pgx_document,
            "gene_list": args.gene_list,
        }
        write_provenance(
            config,
            knowledge,
            args.input,
            args.output,
            args.out,
            versions=args.versions,
            downloads=args.downloads,
        )

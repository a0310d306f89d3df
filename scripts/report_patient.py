"""A patient's report: the JSON document (resources/report.schema.json) assembled from the
outputs of the patient's samples, its self-contained HTML rendering, and its exports beside it
(an HL7 FHIR R4 Genomics Reporting Bundle and a GA4GH Phenopacket v2: tailorseq.export).

As a command: `--sample NAME KIND` for each sample, then its files with `--file NAME ROLE PATH`
(roles: stats, mosdepth, pgx, findings, gene_regions, gene_thresholds), and
`--tumour TUMOUR NORMAL BIOMARKERS SUMMARY` for each tumour/normal pair."""

import argparse
import json
from pathlib import Path

import pysam

from tailorseq import documents
from tailorseq.defaults import config_defaults
from tailorseq.download import read_record
from tailorseq.export.fhir import write_fhir
from tailorseq.export.phenopacket import write_phenopacket
from tailorseq.files import stderr_to, write_atomic
from tailorseq.gene_list import load_gene_list
from tailorseq.gff import read_choices, read_models
from tailorseq.provenance import config_hash, git_commit
from tailorseq.report.assemble import SampleFiles, Settings, TumourFiles, assemble
from tailorseq.report.qc import Thresholds
from tailorseq.report.render import write_html
from tailorseq.variants import name_vcf
from tailorseq.versions import tool_list

ROLES = ("stats", "mosdepth", "pgx", "findings", "gene_regions", "gene_thresholds")
REPOSITORY = Path(__file__).resolve().parents[1]


def settings_from(options: dict, config: dict | None, versions: list[Path] = ()) -> Settings:
    """The report's settings from the config's `report` section (filled in from the schema's
    defaults) and run context; the tools of the methods are those of the run's versions
    records (tailorseq.versions), as they ran."""
    report = options["report"]
    gene_list = options.get("gene_list")
    return Settings(
        thresholds=Thresholds.from_config(report["qc"]),
        coverage_min_depth=int(report["min_depth"]),
        coverage_min_fraction=float(report["min_fraction"]),
        pgx_min_depth=int(options["pgx_min_depth"]),
        genes=list(report["genes"]),
        gene_list=dict.fromkeys(load_gene_list(Path(gene_list)).genes) if gene_list else {},
        reference=options.get("reference") or {},
        pipeline={
            "name": "tailorseq",
            "version": options.get("version"),
            "commit": git_commit(REPOSITORY),
        },
        config_sha256=config_hash(config) if config is not None else None,
        assay=report["assay"],
        targets=options.get("targets") or "",
        tools=tool_list([documents.load("versions", path) for path in versions]),
        laboratory=report["laboratory"],
        sign_off=dict(report["sign_off"]),
        use_statement=report["use_statement"],
        downloads=[read_record(Path(path)) for path in options.get("downloads") or []],
        pgx_unavailable=options.get("pgx_unavailable") or "",
    )


def write_report(
    patient: str,
    pseudonym: str,
    samples: list[SampleFiles],
    tumours: list[TumourFiles],
    settings: Settings,
    out_json: Path,
    out_html: Path,
    out_fhir: Path,
    out_phenopacket: Path,
) -> dict:
    """Assemble, write the JSON, render the HTML, write the FHIR and Phenopacket exports."""
    document = assemble(patient, pseudonym, samples, tumours, settings)
    write_atomic(out_json, json.dumps(document, indent=2) + "\n")
    plots = {t.tumor: t.cnv_plot.read_bytes() for t in tumours if t.cnv_plot is not None}
    write_html(document, out_html, images=plots)
    write_fhir(document, out_fhir)
    write_phenopacket(document, out_phenopacket)
    return document


def samples_from(entries: list[dict]) -> list[SampleFiles]:
    """SampleFiles from the rule's `samples` parameter (one dict per sample)."""
    result = []
    for entry in entries:
        files = {role: Path(path) for role, path in (entry.get("files") or {}).items() if path}
        result.append(
            SampleFiles(
                name=entry["name"],
                kind=entry["kind"],
                sex=entry.get("sex") or None,
                consent=bool(entry.get("consent")),
                purity=entry.get("purity"),
                tumor_type=entry.get("tumor_type") or None,
                **files,
            )
        )
    return result


def somatic_names(vcf: str | None, genes: dict | None) -> dict:
    """HGVS names of a pair's annotated somatic alleles (needs the gene models and genome)."""
    if not vcf or not genes:
        return {}
    canonical = read_choices(Path(genes["canonical"]))
    models = read_models(Path(genes["gff3"]), canonical)
    with pysam.FastaFile(genes["genome"]) as genome:
        return name_vcf(Path(vcf), models, canonical, genome.fetch)


def tumours_from(entries: list[dict], genes: dict | None = None) -> list[TumourFiles]:
    return [
        TumourFiles(
            e["tumor"],
            e["normal"],
            Path(e["biomarkers"]) if e.get("biomarkers") else None,
            Path(e["summary"]) if e.get("summary") else None,
            Path(e["actionable"]) if e.get("actionable") else None,
            somatic_names(e.get("vcf"), genes),
            Path(e["cnv"]) if e.get("cnv") else None,
            Path(e["cnv_plot"]) if e.get("cnv_plot") else None,
            Path(e["sv"]) if e.get("sv") else None,
            Path(e["rna"]) if e.get("rna") else None,
        )
        for e in entries
    ]


if __name__ == "__main__":
    if "snakemake" in globals():
        rule = snakemake  # noqa: F821
        with stderr_to(rule.log[0]):
            write_report(
                rule.wildcards.patient,
                rule.params.pseudonym,
                samples_from(rule.params.samples),
                tumours_from(rule.params.tumours, rule.params.options.get("genes")),
                settings_from(
                    dict(rule.params.options), rule.config, [Path(p) for p in rule.input.versions]
                ),
                Path(rule.output.json),
                Path(rule.output.html),
                Path(rule.output.fhir),
                Path(rule.output.phenopacket),
            )
    else:
        parser = argparse.ArgumentParser(description=__doc__)
        parser.add_argument("--patient", required=True)
        parser.add_argument("--pseudonym", required=True)
        parser.add_argument(
            "--sample", nargs=2, action="append", required=True, metavar=("NAME", "KIND")
        )
        parser.add_argument(
            "--consent",
            action="append",
            default=[],
            metavar="NAME",
            help="a sample that consented to secondary findings",
        )
        parser.add_argument(
            "--file", nargs=3, action="append", default=[], metavar=("NAME", "ROLE", "PATH")
        )
        parser.add_argument(
            "--tumour",
            nargs=4,
            action="append",
            default=[],
            metavar=("TUMOUR", "NORMAL", "BIOMARKERS", "SUMMARY"),
        )
        parser.add_argument("--gene-list", help="gene-list TSV (resources/acmg_sf_genes.tsv)")
        parser.add_argument("--build", help="reference build")
        parser.add_argument(
            "--versions", nargs="*", type=Path, default=[], help="the run's versions records"
        )
        parser.add_argument("--json", type=Path, required=True)
        parser.add_argument("--html", type=Path, required=True)
        parser.add_argument("--fhir", type=Path, required=True, help="FHIR R4 Bundle (JSON)")
        parser.add_argument(
            "--phenopacket", type=Path, required=True, help="GA4GH Phenopacket v2 (JSON)"
        )
        args = parser.parse_args()
        entries = {
            name: {"name": name, "kind": kind, "consent": name in args.consent, "files": {}}
            for name, kind in args.sample
        }
        for name, role, path in args.file:
            if role not in ROLES:
                parser.error(f"--file role {role}: choose among {', '.join(ROLES)}")
            entries[name]["files"][role] = path
        tumours = [
            dict(zip(("tumor", "normal", "biomarkers", "summary"), t, strict=True))
            for t in args.tumour
        ]
        options = {
            "gene_list": args.gene_list,
            "reference": {"build": args.build},
            "report": config_defaults("report"),
            "pgx_min_depth": config_defaults("pgx")["min_depth"],
        }
        write_report(
            args.patient,
            args.pseudonym,
            samples_from(list(entries.values())),
            tumours_from(tumours),
            settings_from(options, None, args.versions),
            args.json,
            args.html,
            args.fhir,
            args.phenopacket,
        )

"""What the demo's answers are: truth VCFs, summary.json and the sample sheets."""

import json
from pathlib import Path
from typing import Any

from tailorseq.demo.genome import GeneLayout
from tailorseq.demo.plan import Patient, Plan, Sample
from tailorseq.demo.variants import GermlineSite, SomaticSite, Variant

SAMPLE_COLUMNS = ("sample", "patient", "kind", "sex", "purity", "tumor_type", "secondary_findings")
UNIT_COLUMNS = ("sample", "unit", "fq1", "fq2", "bam", "adapters")


def germline_samples(plan: Plan) -> list[tuple[Sample, Patient]]:
    """Samples that show the germline (kind germline or normal), in plan order."""
    return [(s, p) for p in plan.patients for s in p.samples if s.kind in ("germline", "normal")]


def sort_key(plan: Plan, variant: Variant) -> tuple[int, int]:
    """FASTA contig order, then position."""
    return [c.name for c in plan.contigs].index(variant.contig), variant.pos


def _vcf_header(plan: Plan, info: list[str], samples: list[str]) -> list[str]:
    lines = ["##fileformat=VCFv4.2", "##source=tailorseq demo generator", "##reference=genome.fa"]
    lines += [f"##contig=<ID={c.name},length={c.length}>" for c in plan.contigs]
    lines += info
    columns = ["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO"]
    if samples:
        lines.append('##FORMAT=<ID=GT,Number=1,Type=String,Description="True phased genotype">')
        columns += ["FORMAT", *samples]
    return [*lines, "\t".join(columns)]


def _vcf_line(variant: Variant, info: str, genotypes: list[str]) -> str:
    fields = [
        variant.contig,
        str(variant.pos),
        variant.id,
        variant.ref,
        variant.alt,
        ".",
        "PASS",
        info or ".",
    ]
    return "\t".join(fields + (["GT", *genotypes] if genotypes else []))


def germline_vcf(plan: Plan, sites: list[GermlineSite]) -> str:
    """Every germline variant with the phased genotype of each germline/normal sample."""
    samples = germline_samples(plan)
    info = [
        '##INFO=<ID=PLANTED,Number=1,Type=String,Description="Planted variant: star allele '
        'or gene:protein change; absent for random background">'
    ]
    lines = _vcf_header(plan, info, [sample.name for sample, _ in samples])
    for site in sorted(sites, key=lambda s: sort_key(plan, s.variant)):
        genotypes = ["{}|{}".format(*site.genotypes[patient.id]) for _, patient in samples]
        label = site.variant.label
        lines.append(_vcf_line(site.variant, f"PLANTED={label}" if label else "", genotypes))
    return "\n".join(lines) + "\n"


def somatic_vcf(plan: Plan, somatic: dict[str, list[SomaticSite]]) -> str:
    """Every tumour's somatic variants with VAF, gene and protein change."""
    info = [
        '##INFO=<ID=PLANTED,Number=1,Type=String,Description="Planted variant">',
        '##INFO=<ID=SAMPLE,Number=1,Type=String,Description="Tumour sample carrying it">',
        '##INFO=<ID=VAF,Number=1,Type=Float,Description="Expected variant allele fraction">',
        '##INFO=<ID=GENE,Number=1,Type=String,Description="Gene">',
        '##INFO=<ID=HGVSC,Number=1,Type=String,Description="CDS change">',
        '##INFO=<ID=HGVSP,Number=1,Type=String,Description="Protein change">',
        '##INFO=<ID=AA,Number=1,Type=String,Description="Protein change as bcftools csq writes">',
    ]
    lines = _vcf_header(plan, info, [])
    records = []
    for patient in plan.patients:
        tumor = next((s.name for s in patient.samples if s.kind == "tumor"), None)
        for site in somatic[patient.id] if tumor else ():
            c = site.coding
            fields = (
                f"PLANTED={c.label};SAMPLE={tumor};VAF={site.vaf:.2f};GENE={c.gene};"
                f"HGVSC={c.hgvsc};HGVSP={c.hgvsp};AA={c.csq}"
            )
            records.append((sort_key(plan, site.variant), _vcf_line(site.variant, fields, [])))
    return "\n".join(lines + [line for _, line in sorted(records)]) + "\n"


def _diplotypes(plan: Plan, patient: Patient) -> dict[str, str]:
    return {gene: "/".join(patient.pgx.get(gene, ("*1", "*1"))) for gene in plan.star_alleles}


def _where(variant: Variant) -> dict[str, Any]:
    return {"contig": variant.contig, "pos": variant.pos, "ref": variant.ref, "alt": variant.alt}


def _germline_summary(plan: Plan, patient: Patient, sites: list[GermlineSite]) -> dict[str, Any]:
    carried = sorted(
        (s for s in sites if any(s.genotypes[patient.id])), key=lambda s: sort_key(plan, s.variant)
    )
    planted = {s.variant.label: s for s in carried if s.variant.label}
    coding = [
        {
            "id": variant_id,
            "gene": c.gene,
            "hgvsc": c.hgvsc,
            "hgvsp": c.hgvsp,
            "csq": c.csq,
            "consequence": c.consequence,
            "clinvar": c.clinvar,
            "genotype": genotype,
            **_where(planted[c.label].variant),
        }
        for variant_id, genotype in patient.germline.items()
        for c in [plan.coding(variant_id)]
    ]
    background = [s for s in carried if not s.variant.label]
    return {
        "pgx": _diplotypes(plan, patient),
        "pgx_variants": [
            {
                "id": s.variant.id,
                "allele": s.variant.label,
                **_where(s.variant),
                "genotype": "{}|{}".format(*s.genotypes[patient.id]),
            }
            for s in carried
            if s.variant.id in {v.id for v in plan.pgx_variants}
        ],
        "germline_coding": coding,
        "background": {
            "snv": sum(s.variant.is_snv for s in background),
            "indel": sum(not s.variant.is_snv for s in background),
            "hom": sum(all(s.genotypes[patient.id]) for s in background),
        },
        "germline_variants": len(carried),
    }


def summary(
    plan: Plan,
    seed: int,
    sites: list[GermlineSite],
    somatic: dict[str, list[SomaticSite]],
    layouts: dict[str, GeneLayout],
) -> dict[str, Any]:
    """The expected findings per sample."""
    samples: dict[str, Any] = {}
    for patient in plan.patients:
        germline = _germline_summary(plan, patient, sites)
        for sample in patient.samples:
            entry = {
                "patient": patient.id,
                "kind": sample.kind,
                "units": list(sample.units),
                "secondary_findings": patient.secondary_findings,
                **germline,
            }
            if sample.kind == "tumor":
                entry["purity"] = sample.purity
                entry["tumor_type"] = patient.tumor_type
                entry["somatic"] = [
                    {
                        "id": s.coding.id,
                        "gene": s.coding.gene,
                        "hgvsc": s.coding.hgvsc,
                        "hgvsp": s.coding.hgvsp,
                        "csq": s.coding.csq,
                        "vaf": s.vaf,
                        **_where(s.variant),
                    }
                    for s in somatic[patient.id]
                ]
                entry["somatic_coding_snvs"] = sum(s.variant.is_snv for s in somatic[patient.id])
            samples[sample.name] = entry
    cds_bases = sum(layout.cds_length for layout in layouts.values())
    return {"seed": seed, "build": "demo", "cds_bases": cds_bases, "samples": samples}


def write_truth(
    out_dir: Path,
    plan: Plan,
    seed: int,
    sites: list[GermlineSite],
    somatic: dict[str, list[SomaticSite]],
    layouts: dict[str, GeneLayout],
) -> None:
    """expected/germline.vcf, expected/somatic.vcf and expected/summary.json."""
    expected = out_dir / "expected"
    expected.mkdir(parents=True, exist_ok=True)
    (expected / "germline.vcf").write_text(germline_vcf(plan, sites))
    (expected / "somatic.vcf").write_text(somatic_vcf(plan, somatic))
    content = summary(plan, seed, sites, somatic, layouts)
    (expected / "summary.json").write_text(json.dumps(content, indent=2) + "\n")


def write_sheets(out_dir: Path, plan: Plan, units: dict[str, list[tuple[str, str, str]]]) -> None:
    """samples.tsv and units.tsv (FASTQ paths relative to the sheets' folder)."""
    rows = ["\t".join(SAMPLE_COLUMNS)]
    for patient in plan.patients:
        for sample in patient.samples:
            purity = "" if sample.purity is None else str(sample.purity)
            tumor_type = patient.tumor_type if sample.kind == "tumor" else ""
            consent = "yes" if patient.secondary_findings else "no"
            rows.append(
                "\t".join(
                    [sample.name, patient.id, sample.kind, patient.sex, purity, tumor_type, consent]
                )
            )
    (out_dir / "samples.tsv").write_text("\n".join(rows) + "\n")
    rows = ["\t".join(UNIT_COLUMNS)]
    for sample, written in units.items():
        rows += ["\t".join([sample, unit, fq1, fq2, "", ""]) for unit, fq1, fq2 in written]
    (out_dir / "units.tsv").write_text("\n".join(rows) + "\n")

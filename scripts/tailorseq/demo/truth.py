"""What the demo's answers are: truth VCFs, summary.json and the sample sheets."""

import json
from pathlib import Path
from typing import Any

from tailorseq.demo.genome import GeneLayout
from tailorseq.demo.microsatellites import Microsatellite, UnstableSite
from tailorseq.demo.plan import Patient, Plan, RnaExpression, Sample
from tailorseq.demo.rna import LIBRARY_TYPE, planted_tpm
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


def genotype_text(genotype: tuple[int, ...]) -> str:
    """A phased VCF genotype with one allele per copy: `0|1`, haploid `1`, no copy `.`."""
    return "|".join(map(str, genotype)) or "."


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
        genotypes = [genotype_text(site.genotypes[patient.id]) for _, patient in samples]
        label = site.variant.label
        lines.append(_vcf_line(site.variant, f"PLANTED={label}" if label else "", genotypes))
    return "\n".join(lines) + "\n"


def tumour_sample(patient: Patient) -> str | None:
    """The name of the patient's tumour sample, None without one."""
    return next((s.name for s in patient.samples if s.kind == "tumor"), None)


def somatic_vcf(
    plan: Plan, somatic: dict[str, list[SomaticSite]], unstable: dict[str, list[UnstableSite]]
) -> str:
    """Every tumour's somatic variants with VAF: the SNVs with gene and protein change, the
    shortened microsatellites (MSI) as deletions."""
    info = [
        '##INFO=<ID=PLANTED,Number=1,Type=String,Description="Planted variant; MSI:UNIT[n]>UNIT[m]'
        ' for a microsatellite shortened from n to m units">',
        '##INFO=<ID=SAMPLE,Number=1,Type=String,Description="Tumour sample carrying it">',
        "##INFO=<ID=VAF,Number=1,Type=Float,Description=\"Fraction of the tumour's fragments over"
        ' it that carry it">',
        '##INFO=<ID=GENE,Number=1,Type=String,Description="Gene">',
        '##INFO=<ID=HGVSC,Number=1,Type=String,Description="CDS change">',
        '##INFO=<ID=HGVSP,Number=1,Type=String,Description="Protein change">',
        '##INFO=<ID=AA,Number=1,Type=String,Description="Protein change as bcftools csq writes">',
    ]
    lines = _vcf_header(plan, info, [])
    records = []
    for patient in plan.patients:
        tumor = tumour_sample(patient)
        for site in somatic[patient.id] if tumor else ():
            c = site.coding
            fields = (
                f"PLANTED={c.label};SAMPLE={tumor};VAF={site.vaf:.2f};GENE={c.gene};"
                f"HGVSC={c.hgvsc};HGVSP={c.hgvsp};AA={c.csq}"
            )
            records.append((sort_key(plan, site.variant), _vcf_line(site.variant, fields, [])))
        for msi in unstable[patient.id] if tumor else ():
            fields = f"PLANTED={msi.variant.label};SAMPLE={tumor};VAF={msi.allele.fraction:.2f}"
            records.append((sort_key(plan, msi.variant), _vcf_line(msi.variant, fields, [])))
    return "\n".join(lines + [line for _, line in sorted(records)]) + "\n"


def microsatellites_tsv(
    plan: Plan, sites: list[Microsatellite], unstable: dict[str, list[UnstableSite]]
) -> str:
    """The planted microsatellites, with the units each tumour's shortened allele lost (0:
    stable)."""
    tumours = [(p, name) for p in plan.patients if (name := tumour_sample(p))]
    lost = {
        name: {(u.site.contig, u.site.pos): u.deleted_units for u in unstable[p.id]}
        for p, name in tumours
    }
    rows = ["\t".join(["contig", "pos", "end", "unit", "copies", *(n for _, n in tumours)])]
    for site in sites:
        losses = [str(lost[name].get((site.contig, site.pos), 0)) for _, name in tumours]
        fields = [site.contig, str(site.pos), str(site.last), site.unit, str(site.copies)]
        rows.append("\t".join(fields + losses))
    return "\n".join(rows) + "\n"


def msi_summary(sites: list[Microsatellite], unstable: list[UnstableSite]) -> dict[str, Any]:
    """A tumour's planted MSI: sites, unstable sites, score (% unstable) and allele fraction."""
    return {
        "microsatellites": len(sites),
        "unstable": len(unstable),
        "score": round(100 * len(unstable) / len(sites), 2),
        "vaf": unstable[0].allele.fraction if unstable else None,
        "unstable_sites": [
            {
                "contig": u.site.contig,
                "pos": u.site.pos,
                "unit": u.site.unit,
                "copies": u.site.copies,
                "deleted_units": u.deleted_units,
                "deletion": _where(u.variant),
            }
            for u in unstable
        ],
    }


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
    diplotypes = _diplotypes(plan, patient)
    return {
        "sex": patient.sex,
        "copies": {c.name: c.ploidy(patient.sex) for c in plan.contigs if not c.autosomal},
        # germline deletions in demo positions (1-based, inclusive), one copy each
        "deletions": [
            {
                "contig": d.contig,
                "start": plan.contig(d.contig).to_demo(d.start),
                "end": plan.contig(d.contig).to_demo(d.end),
                "copy_number": plan.contig(d.contig).ploidy(patient.sex) - 1,
            }
            for d in patient.deletions
        ],
        "pgx": diplotypes,
        "pgx_phenotypes": {
            gene: plan.phenotypes[gene][diplotype]
            for gene, diplotype in diplotypes.items()
            if diplotype in plan.phenotypes.get(gene, {})
        },
        "pgx_variants": [
            {
                "id": s.variant.id,
                "allele": s.variant.label,
                **_where(s.variant),
                "genotype": genotype_text(s.genotypes[patient.id]),
            }
            for s in carried
            if s.variant.id in {v.id for v in plan.pgx_variants}
        ],
        "germline_coding": coding,
        "background": {
            "snv": sum(s.variant.is_snv for s in background),
            "indel": sum(not s.variant.is_snv for s in background),
            "hom": sum(s.genotypes[patient.id] == (1, 1) for s in background),
            "haploid": sum(s.genotypes[patient.id] == (1,) for s in background),
        },
        "germline_variants": len(carried),
    }


def rna_summary(
    plan: Plan, name: str, expression: RnaExpression, somatic: list[SomaticSite]
) -> dict[str, Any]:
    """A tumour RNA sample's planted expression: salmon's library type, TPM per gene (summing
    to 1e6) and each somatic SNV's RNA allele fraction (0: the gene is expressed, the allele
    not)."""
    return {
        "sample": name,
        "library_type": LIBRARY_TYPE,
        "tpm": {gene: round(tpm, 3) for gene, tpm in planted_tpm(plan, expression).items()},
        "somatic": {
            s.coding.id: {
                "gene": s.coding.gene,
                **_where(s.variant),
                "dna_vaf": s.vaf,
                "rna_vaf": expression.fraction(s.coding.id, s.vaf),
            }
            for s in somatic
        },
    }


def summary(
    plan: Plan,
    seed: int,
    sites: list[GermlineSite],
    somatic: dict[str, list[SomaticSite]],
    layouts: dict[str, GeneLayout],
    msi: tuple[list[Microsatellite], dict[str, list[UnstableSite]]],
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
            }
            if sample.rna:
                entry["rna"] = rna_summary(plan, sample.name, sample.rna, somatic[patient.id])
            else:
                entry |= germline
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
                entry["msi"] = msi_summary(msi[0], msi[1][patient.id])
                # whole contigs: tumour cells' copies (every other contig keeps its ploidy)
                entry["copy_number"] = dict(patient.copy_number)
                entry["fusions"] = [
                    {"name": f.name, "five_prime": f.five_prime, "three_prime": f.three_prime,
                     "five_prime_break": plan.contig(f.five_prime).to_demo(f.five_prime_break),
                     "three_prime_break": plan.contig(f.three_prime).to_demo(f.three_prime_break)}
                    for f in patient.fusions
                ]  # fmt: skip
            samples[sample.name] = entry
    cds_bases = sum(layout.cds_length for layout in layouts.values())
    return {
        "seed": seed,
        "build": "demo",
        "cds_bases": cds_bases,
        "microsatellites": len(msi[0]),
        "samples": samples,
    }


def write_truth(
    out_dir: Path,
    plan: Plan,
    seed: int,
    sites: list[GermlineSite],
    somatic: dict[str, list[SomaticSite]],
    layouts: dict[str, GeneLayout],
    microsatellites: list[Microsatellite],
    unstable: dict[str, list[UnstableSite]],
) -> None:
    """expected/germline.vcf, somatic.vcf, microsatellites.tsv and summary.json."""
    expected = out_dir / "expected"
    expected.mkdir(parents=True, exist_ok=True)
    (expected / "germline.vcf").write_text(germline_vcf(plan, sites))
    (expected / "somatic.vcf").write_text(somatic_vcf(plan, somatic, unstable))
    (expected / "microsatellites.tsv").write_text(
        microsatellites_tsv(plan, microsatellites, unstable)
    )
    content = summary(plan, seed, sites, somatic, layouts, (microsatellites, unstable))
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

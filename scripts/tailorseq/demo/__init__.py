"""The offline demo: a synthetic genome standing for real loci, patients with known findings.

`generate_demo(out_dir, seed)` writes, from `resources/demo_plan.yaml` alone:
genome.fa(.fai) (with the plan's microsatellites), genes.gff3, clinvar.vcf (ClinVar-style
records of the classified variants), population.vcf (gnomAD-style allele frequencies),
pgx/definitions/*_translation.json (PharmCAT-format allele definitions on the demo's
coordinates, see `tailorseq.demo.pgx`),
reads/<sample>_<unit>_R{1,2}.fastq.gz, samples.tsv, units.tsv and
expected/{germline.vcf,somatic.vcf,microsatellites.tsv,summary.json}. The same seed gives the
same bytes. A tumour's somatic alleles (SNVs, shortened microsatellites) are each carried by
exactly round(VAF x n) of the n tumour fragments read over them. A tumor_rna sample gets
stranded RNA reads over the gene models' transcripts at planted expression (`tailorseq.demo.rna`)
instead of DNA reads.

Randomness comes from named, independent streams (genome per contig, CDS per gene, background
per contig, reads per sample, the expression contigs' DNA reads per sample), so forcing extra
reference bases (`extra_ref_bases`) or scaling coverage changes nothing else, and adding the
expression contigs (the plan's `expression: true`) left every other contig and read as it was.
"""

from collections.abc import Iterable
from pathlib import Path

from tailorseq.demo.clinvar import write_clinvar
from tailorseq.demo.fusions import with_fusions
from tailorseq.demo.genome import (
    GeneLayout,
    RefBase,
    Reference,
    build_reference,
    write_fasta,
    write_gff3,
)
from tailorseq.demo.microsatellites import (
    Microsatellite,
    UnstableSite,
    plant_microsatellites,
    unstable_sites,
)
from tailorseq.demo.oncotree import write_oncotree
from tailorseq.demo.pgx import demo_definitions, reference_bases, write_definitions
from tailorseq.demo.plan import Patient, Plan, Sample
from tailorseq.demo.plan_load import DEFAULT_PLAN, load_plan
from tailorseq.demo.population import write_population
from tailorseq.demo.reads import ReadPairs, simulate_pairs, write_units
from tailorseq.demo.rna import simulate_rna
from tailorseq.demo.sequence import stream
from tailorseq.demo.truth import write_sheets, write_truth
from tailorseq.demo.variants import (
    GermlineSite,
    Haplotype,
    SomaticSite,
    TumourAllele,
    Variant,
    background_sites,
    haplotypes,
    planted_alleles,
    planted_germline,
    somatic_sites,
)
from tailorseq.errors import TailorseqError

__all__ = ["DEFAULT_PLAN", "RefBase", "generate_demo", "load_plan"]


def _avoid(planted: Iterable[Variant], extra: Iterable[RefBase]) -> dict[str, list[int]]:
    """Positions background variants keep their distance from, per contig."""
    avoid: dict[str, list[int]] = {}
    for variant in planted:
        avoid.setdefault(variant.contig, []).append(variant.pos)
    for base in extra:
        avoid.setdefault(base.contig, []).append(base.pos)
    return avoid


def _microsatellite_positions(sites: list[Microsatellite]) -> dict[str, list[int]]:
    """The anchor base before each microsatellite and its last base, per contig."""
    positions: dict[str, list[int]] = {}
    for site in sites:
        positions.setdefault(site.contig, []).extend([site.pos - 1, site.last])
    return positions


def _check_deletions(plan: Plan, alleles: dict[str, Variant]) -> None:
    """No planted germline or somatic variant of a patient lies in the patient's deletion."""
    for patient in plan.patients:
        for deletion in patient.deletions:
            contig = plan.contig(deletion.contig)
            first, last = contig.to_demo(deletion.start), contig.to_demo(deletion.end)
            for variant_id in [*patient.germline, *patient.somatic]:
                variant = alleles[variant_id]
                if variant.contig == contig.name and first <= variant.pos <= last:
                    raise TailorseqError(
                        f"demo: {patient.id}: {variant_id} lies in the deletion"
                        f" {deletion.contig}:{deletion.start}-{deletion.end}: move one"
                    )


def _tumour_alleles(somatic: list[SomaticSite], unstable: list[UnstableSite]) -> list[TumourAllele]:
    """A tumour's somatic SNVs and shortened microsatellites, each with its allele fraction."""
    return [TumourAllele(s.variant, s.vaf) for s in somatic] + [u.allele for u in unstable]


def _dna_pairs(
    plan: Plan,
    seed: int,
    patient: Patient,
    sample: Sample,
    patient_haplotypes: dict[str, tuple[Haplotype, ...]],
    tumour: list[TumourAllele],
    coverage_scale: float,
) -> ReadPairs:
    """A DNA sample's pairs: those of the contigs from the sample's stream, then those of the
    expression contigs from a stream of their own (so adding them changed no other read)."""
    coverage = plan.reads.coverage[sample.kind] * coverage_scale
    alleles = tumour if sample.kind == "tumor" else []
    copy_depth = {
        contig.name: patient.tumour_copy_depth(contig, sample.purity)
        if sample.kind == "tumor" and sample.purity is not None
        else contig.copy_depth(patient.sex)
        for contig in plan.contigs
    }
    sample_haplotypes = patient_haplotypes
    if sample.kind == "tumor" and patient.fusions:
        sample_haplotypes, copy_depth = with_fusions(
            plan, patient.fusions, patient_haplotypes, sample.purity, copy_depth
        )
    expression = {contig.name for contig in plan.contigs if contig.expression}
    parts = []
    for later, names in ((False, ()), (True, ("expression contigs",))):
        chosen = {c: h for c, h in sample_haplotypes.items() if (c in expression) == later}
        rng = stream(seed, "reads", sample.name, *names)
        if chosen:
            parts.append(simulate_pairs(chosen, alleles, coverage, plan.reads, rng, copy_depth))
    return ReadPairs.joined(parts)


def _write_reads(
    out_dir: Path,
    plan: Plan,
    seed: int,
    reference: Reference,
    layouts: dict[str, GeneLayout],
    sites: list[GermlineSite],
    tumour: dict[str, list[TumourAllele]],
    coverage_scale: float,
) -> dict[str, list[tuple[str, str, str]]]:
    """Simulate and write every sample's FASTQ pairs (RNA for a tumor_rna sample, DNA for the
    others); return each sample's units."""
    (out_dir / "reads").mkdir(parents=True, exist_ok=True)
    units = {}
    run = 0
    for patient in plan.patients:
        patient_haplotypes = haplotypes(plan, reference, sites, patient)
        for sample in patient.samples:
            run += 1
            if sample.kind == "tumor_rna":
                pairs = simulate_rna(
                    plan, reference, layouts, patient, sample, seed, coverage_scale
                )
            else:
                pairs = _dna_pairs(
                    plan,
                    seed,
                    patient,
                    sample,
                    patient_haplotypes,
                    tumour[patient.id],
                    coverage_scale,
                )
            units[sample.name] = write_units(out_dir, sample.name, run, sample.units, pairs)
    return units


def generate_demo(
    out_dir: Path,
    seed: int,
    *,
    plan_path: Path = DEFAULT_PLAN,
    extra_ref_bases: Iterable[RefBase] = (),
    coverage_scale: float = 1.0,
) -> None:
    """Write the demo data set for `seed` into `out_dir` (see the module docstring).

    `extra_ref_bases`: (contig, 1-based position, bases) to force into the genome, e.g. the
    GRCh38 reference at every PharmCAT-defining position of a window; background variants keep
    their distance from them. `coverage_scale` multiplies every sample's coverage (tests).
    """
    plan = load_plan(plan_path)
    extra = [RefBase(*base) for base in extra_ref_bases]
    pgx_definitions, pgx_source = demo_definitions(plan)
    extra += reference_bases(pgx_definitions, extra)
    reference, layouts = build_reference(plan, seed, extra)
    alleles = planted_alleles(plan, reference, layouts)
    planted = planted_germline(plan, alleles)
    avoid = _avoid(alleles.values(), extra)
    microsatellites = plant_microsatellites(plan, reference, layouts, avoid, seed)
    for contig, positions in _microsatellite_positions(microsatellites).items():
        avoid.setdefault(contig, []).extend(positions)
    sites: list[GermlineSite] = planted + background_sites(plan, reference, layouts, avoid, seed)
    somatic = somatic_sites(plan, alleles)
    unstable = {
        p.id: unstable_sites(plan, p, microsatellites, reference, seed) for p in plan.patients
    }
    tumour = {p.id: _tumour_alleles(somatic[p.id], unstable[p.id]) for p in plan.patients}
    _check_deletions(plan, alleles)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_fasta(reference, out_dir)
    write_gff3(plan, layouts, out_dir)
    write_definitions(out_dir, pgx_definitions, pgx_source)
    write_clinvar(out_dir, plan, alleles)
    write_population(out_dir, plan, alleles)
    write_oncotree(out_dir)
    units = _write_reads(out_dir, plan, seed, reference, layouts, sites, tumour, coverage_scale)
    write_sheets(out_dir, plan, units)
    write_truth(out_dir, plan, seed, sites, somatic, layouts, microsatellites, unstable)

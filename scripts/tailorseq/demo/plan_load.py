"""Reading the demo plan (`resources/demo_plan.yaml`) and checking that its parts agree: one
InputError naming the file lists every inconsistency."""

import re
from pathlib import Path

import yaml

from tailorseq.demo.plan import CodingVariant, Microsatellites, Patient, Plan, parse_plan
from tailorseq.errors import InputError
from tailorseq.locations import RESOURCES

DEFAULT_PLAN = RESOURCES / "demo_plan.yaml"
GENOTYPE = re.compile(r"^[01]\|[01]$")
KINDS = ("germline", "normal", "tumor", "tumor_rna")
SEXES = ("female", "male")
DNA = re.compile(r"^[ACGT]*$")


def plan_problems(plan: Plan) -> list[str]:
    """Every inconsistency between the plan's parts (an empty list for a good plan)."""
    problems = []
    contigs = {contig.name: contig for contig in plan.contigs}
    coding = {variant.id: variant for variant in plan.coding_variants}
    problems += _contig_problems(plan)
    for item in plan.population:
        if item.variant not in coding or not all(0 <= af <= 1 for af in item.af.values()):
            problems.append(f"population {item.variant}: needs a coding variant, 0 <= AF <= 1")
    for variant in plan.pgx_variants:
        contig = contigs.get(variant.gene)
        allele = variant.grch38
        if contig is None or contig.chrom != allele.chrom:
            problems.append(f"{variant.id}: no contig {variant.gene} on {allele.chrom}")
        elif not contig.start <= allele.pos <= contig.end:
            problems.append(f"{variant.id}: {allele.chrom}:{allele.pos} outside {contig.name}")
    for gene in plan.genes:
        if gene.name not in contigs or gene.strand not in "+-":
            problems.append(f"gene {gene.name}: needs a contig of that name and strand + or -")
        if len(gene.introns) != len(gene.exon_cds_ends) or min(gene.utr5, gene.utr3) < 1:
            problems.append(f"gene {gene.name}: one intron per exon_cds_ends entry, UTRs >= 1")
        if not all(DNA.match(bases) for bases in gene.forced_cds.values()):
            problems.append(f"gene {gene.name}: forced_cds must be upper-case DNA")
    for variant in plan.coding_variants:
        if variant.gene not in {gene.name for gene in plan.genes}:
            problems.append(f"{variant.id}: no gene model {variant.gene}")
    problems += _microsatellite_problems(plan.microsatellites)
    for patient in plan.patients:
        problems += _patient_problems(plan, patient, coding)
    return problems


def _contig_problems(plan: Plan) -> list[str]:
    """Copies per sex and depth of the contigs; known sequence inside its contig's window."""
    problems = []
    for contig in plan.contigs:
        copies = contig.copies or {sex: 2 for sex in SEXES}
        if set(copies) != set(SEXES) or not all(0 <= n <= 2 for n in copies.values()):
            problems.append(f"contig {contig.name}: copies needs female and male, each 0-2")
        if contig.depth is not None and contig.depth <= 0:
            problems.append(f"contig {contig.name}: depth must be positive")
    names = {contig.name: contig for contig in plan.contigs}
    for item in plan.context:
        contig = names.get(item.contig)
        end = item.grch38 + len(item.bases) - 1
        if contig is None or not contig.start <= item.grch38 <= end <= contig.end:
            problems.append(f"context {item.contig}:{item.grch38}: outside every contig")
        if not item.bases or not DNA.match(item.bases):
            problems.append(f"context {item.contig}:{item.grch38}: bases must be upper-case DNA")
    return problems


def _microsatellite_problems(spec: Microsatellites) -> list[str]:
    problems = []
    if not all(DNA.match(unit) and 1 <= len(unit) <= 2 for unit in spec.units):
        problems.append("microsatellites: units must be upper-case mono- or dinucleotides")
    low, high = spec.bases
    if not 12 <= low <= high <= 40 or spec.count < 1:
        problems.append("microsatellites: need count >= 1 and 12 <= bases[0] <= bases[1] <= 40")
    if not 1 <= spec.deleted_units[0] <= spec.deleted_units[1] < low // 2:
        problems.append("microsatellites: deleted_units must be >= 1 and leave a repeat")
    return problems


def _patient_problems(plan: Plan, patient: Patient, coding: dict[str, CodingVariant]) -> list[str]:
    problems = []
    if patient.sex not in SEXES:
        problems.append(f"{patient.id}: sex must be one of {SEXES}")
    for gene, pair in patient.pgx.items():
        known = {"*1", *plan.star_alleles.get(gene, {})}
        if len(pair) != 2 or not set(pair) <= known:
            problems.append(f"{patient.id}: {gene} {pair} needs two of {sorted(known)}")
    for variant_id, genotype in patient.germline.items():
        if variant_id not in coding or not GENOTYPE.match(genotype):
            problems.append(f"{patient.id}: germline {variant_id}={genotype}")
    for variant_id, vaf in patient.somatic.items():
        variant = coding.get(variant_id)
        if variant is None or len(variant.cds_ref) != 1 or not 0 < vaf <= 1:
            problems.append(f"{patient.id}: somatic {variant_id} must be a coding SNV, 0<VAF<=1")
    if patient.msi and not (0 <= patient.msi.unstable <= 1 and 0 < patient.msi.vaf <= 1):
        problems.append(f"{patient.id}: msi needs 0 <= unstable <= 1 and 0 < vaf <= 1")
    for sample in patient.samples:
        if sample.kind not in KINDS:
            problems.append(f"{patient.id}: sample {sample.name} kind {sample.kind}")
    return (
        problems
        + _rna_problems(plan, patient)
        + _copy_number_problems(plan, patient, coding)
        + _fusion_problems(plan, patient, coding)
        + _deletion_problems(plan, patient)
    )


def _rna_problems(plan: Plan, patient: Patient) -> list[str]:
    """A tumor_rna sample, and only it, has planted expression: fragments, TPM of gene models,
    RNA allele fractions of the patient's somatic variants; its patient has a tumour."""
    problems = []
    genes = {gene.name for gene in plan.genes}
    has_tumour = any(s.kind == "tumor" for s in patient.samples)
    for sample in patient.samples:
        rna = sample.rna
        if (sample.kind == "tumor_rna") != (rna is not None):
            problems.append(f"{patient.id}: sample {sample.name}: rna is for tumor_rna samples")
        elif rna and not (
            has_tumour
            and sample.purity is None
            and rna.pairs >= 1
            and rna.default_tpm >= 0
            and set(rna.tpm) <= genes
            and all(tpm >= 0 for tpm in rna.tpm.values())
            and sum(rna.tpm.get(gene, rna.default_tpm) for gene in genes) > 0
            and set(rna.vaf) <= set(patient.somatic)
            and all(0 <= vaf <= 1 for vaf in rna.vaf.values())
        ):
            problems.append(
                f"{patient.id}: sample {sample.name}: tumor_rna needs a tumour sample of its"
                " patient, no purity, pairs >= 1, TPM >= 0 of gene models (not all 0), and"
                " 0 <= vaf <= 1 of the patient's somatic variants"
            )
    return problems


def _deletion_problems(plan: Plan, patient: Patient) -> list[str]:
    """A germline deletion lies inside its contig's window, on a haplotype the patient has,
    on a contig that no tumour rearranges."""
    problems = []
    contigs = {contig.name: contig for contig in plan.contigs}
    for deletion in patient.deletions:
        contig = contigs.get(deletion.contig)
        if (
            contig is None
            or not contig.start < deletion.start <= deletion.end < contig.end
            or not 0 <= deletion.haplotype < contig.ploidy(patient.sex)
            or deletion.contig in plan.rearranged_contigs
        ):
            problems.append(
                f"{patient.id}: deletion {deletion.contig}:{deletion.start}-{deletion.end} needs"
                " a span inside a contig no tumour rearranges, on a haplotype the patient has"
            )
    return problems


def _fusion_problems(plan: Plan, patient: Patient, coding: dict[str, CodingVariant]) -> list[str]:
    """A fusion joins two gene models inside their windows, in a tumour with a purity, on
    contigs without somatic variants or copy-number changes."""
    problems = []
    genes = {gene.name for gene in plan.genes}
    contigs = {contig.name: contig for contig in plan.contigs}
    mutated = {coding[v].gene for v in patient.somatic if v in coding} | set(patient.copy_number)
    has_purity = any(s.kind == "tumor" and s.purity is not None for s in patient.samples)
    for fusion in patient.fusions:
        for gene, grch38 in ((fusion.five_prime, fusion.five_prime_break),
                             (fusion.three_prime, fusion.three_prime_break)):  # fmt: skip
            contig = contigs.get(gene)
            if gene not in genes or contig is None or gene in mutated or not has_purity:
                problems.append(
                    f"{patient.id}: fusion {fusion.name}: {gene} needs a gene model and contig"
                    " without somatic variants, and a tumour sample with a purity"
                )
            elif not contig.start < grch38 < contig.end:
                problems.append(f"{patient.id}: fusion {fusion.name}: {grch38} outside {gene}")
    return problems


def _copy_number_problems(
    plan: Plan, patient: Patient, coding: dict[str, CodingVariant]
) -> list[str]:
    """Tumour copy number needs a tumour with a purity, an autosomal contig without somatic
    variants (their allele fractions are set per fragment, not per copy)."""
    if not patient.copy_number:
        return []
    problems = []
    tumours = [s for s in patient.samples if s.kind == "tumor" and s.purity is not None]
    if not tumours:
        problems.append(f"{patient.id}: copy_number needs a tumour sample with a purity")
    contigs = {contig.name: contig for contig in plan.contigs}
    mutated = {coding[v].gene for v in patient.somatic if v in coding}
    for name, copies in patient.copy_number.items():
        contig = contigs.get(name)
        if contig is None or not contig.autosomal or name in mutated or copies < 0:
            problems.append(
                f"{patient.id}: copy_number {name}={copies} needs an autosomal contig without"
                " somatic variants and copies >= 0"
            )
    return problems


def load_plan(path: Path = DEFAULT_PLAN) -> Plan:
    """Read and check the plan; any problem becomes one InputError naming the file."""
    try:
        plan = parse_plan(yaml.safe_load(path.read_text()))
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError) as error:
        raise InputError(
            str(path), f"cannot read the demo plan ({error})", "fix the plan"
        ) from None
    problems = plan_problems(plan)
    if problems:
        raise InputError(str(path), "; ".join(problems), "make the plan consistent")
    return plan

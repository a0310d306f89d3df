"""VCF phase sets (FORMAT/PS) with PharmCAT's semantics: heterozygous `|` genotypes are phased
together only within one phase set; homozygous positions never break phasing."""

from pathlib import Path

import pytest
from test_pgx import names, write_definitions, write_vcf
from test_pgx_dpyd import _dpyd_vcf, definitions

from helpers import shared
from tailorseq.errors import InputError
from tailorseq.pgx import call_gene, load_definitions, read_genotypes
from tailorseq.pgx.lowest_function import HAPB3, HAPB3_INTRONIC, WARN_INTRONIC_MISMATCH
from tailorseq.pgx.phasing import phase_blocks, strand_pairs

PS_HEADER = '##FORMAT=<ID=PS,Number=1,Type={type},Description="Phase set">'


def add_phase_sets(vcf: Path, phase_sets: dict[str, str], ps_type: str = "Integer") -> Path:
    """Give the records whose ID is in `phase_sets` a FORMAT/PS (the value given)."""
    lines = []
    for line in vcf.read_text().splitlines():
        fields = line.split("\t")
        if line.startswith("#CHROM"):
            lines.append(PS_HEADER.format(type=ps_type))
        elif not line.startswith("#") and fields[2] in phase_sets:
            fields[8] = "GT:PS"
            fields[9] = f"{fields[9]}:{phase_sets[fields[2]]}"
        lines.append("\t".join(fields))
    vcf.write_text("\n".join(lines) + "\n")
    return vcf


@pytest.fixture
def gene(tmp_path):
    return load_definitions(write_definitions(tmp_path / "defs"))["GENEX"]


def genex_call(tmp_path, gene, genotypes, phase_sets, top=True):
    """GENEX (*2: G at 100, *3: T at 200, *4: both) from GTs by position and PS by rsID."""
    vcf = add_phase_sets(write_vcf(tmp_path / "in.vcf", genotypes), phase_sets)
    return call_gene(gene, read_genotypes(vcf, [gene]), top_candidate_only=top)


def test_same_phase_set_is_phased(tmp_path, gene):
    # trans in one set: *2 on one chromosome, *3 on the other
    trans = genex_call(tmp_path, gene, {100: "1|0", 200: "0|1", 300: "0|0"},
                       {"rs100": "100", "rs200": "100"})  # fmt: skip
    assert names(trans) == ["*2/*3"] and trans.effectively_phased and trans.phased
    # cis in one set: *4 and the reference
    cis = genex_call(tmp_path, gene, {100: "1|0", 200: "1|0", 300: "0|0"},
                     {"rs100": "100", "rs200": "100"})  # fmt: skip
    assert names(cis) == ["*1/*4"] and cis.warnings == []


def test_two_phase_sets_match_unphased(tmp_path, gene):
    genotypes = {100: "1|0", 200: "0|1", 300: "0|0"}
    sets = {"rs100": "100", "rs200": "200"}
    every = genex_call(tmp_path, gene, genotypes, sets, top=False)
    assert names(every) == ["*1/*4", "*2/*3"]  # both orders of the second set remain
    assert not every.effectively_phased and every.phased
    assert "2 phase sets" in every.warnings[0]
    assert names(genex_call(tmp_path, gene, genotypes, sets)) == ["*1/*4"]  # as unphased


def test_no_phase_set_and_dot_are_one_block(tmp_path, gene):
    genotypes = {100: "1|0", 200: "0|1", 300: "0|0"}
    assert names(genex_call(tmp_path, gene, genotypes, {})) == ["*2/*3"]
    assert names(genex_call(tmp_path, gene, genotypes, {"rs100": ".", "rs200": "."})) == ["*2/*3"]
    # a `|` genotype without PS is not in the phase set of one with a PS
    mixed = genex_call(tmp_path, gene, genotypes, {"rs200": "200"}, top=False)
    assert names(mixed) == ["*1/*4", "*2/*3"] and not mixed.effectively_phased


def test_homozygous_positions_do_not_break_phasing(tmp_path, gene):
    # 300 is an unphased homozygous call, in no phase set: the two hets stay phased
    result = genex_call(tmp_path, gene, {100: "1|0", 200: "0|1", 300: "0/0"},
                        {"rs100": "7", "rs200": "7"})  # fmt: skip
    assert names(result) == ["*2/*3"] and result.effectively_phased and not result.phased


def test_phase_blocks_and_strand_pairs(tmp_path, gene):
    vcf = add_phase_sets(write_vcf(tmp_path / "b.vcf", {100: "1|0", 200: "0/1", 300: "0|1"}),
                         {"rs100": "5", "rs300": "5"})  # fmt: skip
    calls = read_genotypes(vcf, [gene]).for_gene(gene)
    assert [c.phase_set for c in calls] == [5, None, 5]
    blocks = phase_blocks(calls)
    assert blocks == [[0, 2], [1]]
    pairs = list(strand_pairs([c.alleles for c in calls], blocks))
    assert pairs == [(("G", "C", "CAT"), ("A", "T", "C")), (("G", "T", "CAT"), ("A", "C", "C"))]


def test_non_numeric_phase_set_is_an_input_error(tmp_path, gene):
    vcf = add_phase_sets(write_vcf(tmp_path / "c.vcf", {100: "1|0", 200: "0|1"}),
                         {"rs100": "blockA"}, ps_type="String")  # fmt: skip
    with pytest.raises(InputError, match=r"c\.vcf: .*rs100.*PS is 'blockA'.*Fix: write PS"):
        read_genotypes(vcf, [gene])


@pytest.mark.shared
def test_dpyd_hapb3_per_strand_within_its_phase_set(tmp_path):
    """Not effectively phased (c.2846A>T unphased), but HapB3's two positions share a phase
    set: HapB3 is called per strand (intronic and exonic variant on different chromosomes ->
    the intronic allele, with PharmCAT's mismatch warning) instead of from allele counts."""
    dpyd = definitions()["DPYD"]
    genotypes = {"rs75017182": "0|1", "rs56038477": "1|0", "rs67376798": "0/1"}
    vcf = _dpyd_vcf(tmp_path, genotypes)
    counted = call_gene(dpyd, read_genotypes(vcf, [dpyd]))
    assert counted.haplotype_matches == ["c.2846A>T", HAPB3]
    add_phase_sets(vcf, {"rs75017182": "1", "rs56038477": "1"})
    per_strand = call_gene(dpyd, read_genotypes(vcf, [dpyd]))
    assert not per_strand.effectively_phased
    assert per_strand.haplotype_matches == ["c.2846A>T", HAPB3_INTRONIC]
    assert WARN_INTRONIC_MISMATCH in per_strand.warnings


@pytest.mark.shared
def test_pharmcat_phase_set_vcf():
    """PharmCAT's VcfReaderTest-phaseSet.vcf: Sample_1 is phased in two phase sets (PS kept per
    position, none on a `|` record without PS), Sample_2 is unphased (`/`: its PS is ignored)."""
    vcf = shared("pharmcat", "test-vcfs", "VcfReaderTest-phaseSet.vcf")
    cyp2b6 = definitions()["CYP2B6"]
    first = read_genotypes(vcf, [cyp2b6], sample="Sample_1").for_gene(cyp2b6)
    sets = {c.variant.position: c.phase_set for c in first if c.phased}
    assert {p: sets[p] for p in (40991224, 40991369, 40991381, 40991388, 40991391)} == {
        40991224: 40991224, 40991369: 40991224, 40991381: None,
        40991388: 40991388, 40991391: 40991388,
    }  # fmt: skip
    assert [len(b) for b in phase_blocks([c for c in first if not c.missing])] == [2, 2]
    call = call_gene(cyp2b6, read_genotypes(vcf, [cyp2b6], sample="Sample_1"))
    assert not call.effectively_phased and "2 phase sets" in call.warnings[0]
    second = read_genotypes(vcf, [cyp2b6], sample="Sample_2").for_gene(cyp2b6)
    assert not any(c.phased or c.phase_set for c in second if not c.missing)

"""The demo generator: planted facts, gene models, truth files, reads, determinism."""

import gzip
import hashlib
import itertools
import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pysam
import pytest

from tailorseq.defaults import config_defaults
from tailorseq.demo import DEFAULT_PLAN, RefBase, generate_demo, load_plan
from tailorseq.demo.plan import Plan
from tailorseq.demo.reads import Fragments, check_apart, draw_fragments, plant, reading
from tailorseq.demo.sequence import BASES, revcomp
from tailorseq.demo.variants import Haplotype, TumourAllele, Variant
from tailorseq.errors import InputError, TailorseqError
from tailorseq.somatic.repeats import find_microsatellites

SEED = 11
SCALE = 0.3  # of the plan's coverage: 9x germline, 18x tumour, enough to see every allele
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
ADAPTER_R1 = "AGATCGGAAGAGCACACGTCTGAACTCCAGTCA"
CODON_TABLE = dict(
    zip(
        (a + b + c for a in "TCAG" for b in "TCAG" for c in "TCAG"),
        "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG",
        strict=True,
    )
)
# The 21-gene breast recurrence score's genes the demo lacked before its RNA sample (Paik et al.,
# N Engl J Med 2004;351:2817-26; ERBB2 was there), in plan order
EXPRESSION_GENES = [
    *("MKI67", "AURKA", "BIRC5", "CCNB1", "MYBL2", "GRB7", "ESR1", "PGR", "BCL2", "SCUBE2"),
    *("MMP11", "CTSV", "GSTM1", "CD68", "BAG1", "ACTB", "GAPDH", "RPLP0", "GUSB", "TFRC"),
]
needs_bcftools = pytest.mark.skipif(not shutil.which("bcftools"), reason="needs bcftools")
needs_bwa = pytest.mark.skipif(not shutil.which("bwa"), reason="needs bwa")


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    generate_demo(out, seed=SEED, coverage_scale=SCALE)
    return out


@pytest.fixture(scope="module")
def genome(demo: Path) -> dict[str, str]:
    with pysam.FastaFile(str(demo / "genome.fa")) as fasta:
        return {name: fasta.fetch(name) for name in fasta.references}


def vcf_records(path: Path) -> tuple[list[str], list[list[str]]]:
    """(sample names, records split into fields) of a plain VCF."""
    samples, records = [], []
    for line in path.read_text().splitlines():
        if line.startswith("#CHROM"):
            samples = line.split("\t")[9:]
        elif not line.startswith("#"):
            records.append(line.split("\t"))
    return samples, records


def germline_truth(demo: Path) -> dict[tuple[str, int], dict[str, str]]:
    """(contig, pos) -> {"ref", "alt", "id", "info", <sample>: GT}."""
    samples, records = vcf_records(demo / "expected" / "germline.vcf")
    return {
        (r[0], int(r[1])): {"id": r[2], "ref": r[3], "alt": r[4], "info": r[7]}
        | dict(zip(samples, r[9:], strict=True))
        for r in records
    }


def fastq(path: Path) -> list[tuple[str, str, str]]:
    """(name line, bases, qualities) of every record."""
    lines = gzip.decompress(path.read_bytes()).decode().splitlines()
    return [(lines[i], lines[i + 1], lines[i + 3]) for i in range(0, len(lines), 4)]


def sample_bases(demo: Path, sample: str) -> list[str]:
    """Every read's bases of a sample (all units, both mates)."""
    return [
        bases
        for path in sorted((demo / "reads").glob(f"{sample}_*.fastq.gz"))
        for _, bases, _ in fastq(path)
    ]


def allele_counts(reads: list[str], genome: str, pos: int, alt: str) -> tuple[int, int]:
    """Reads (either strand) carrying the reference / the alt 25-mer centred on an SNV."""
    ref_kmer = genome[pos - 13 : pos + 12]
    alt_kmer = ref_kmer[:12] + alt + ref_kmer[13:]
    kmers = [(ref_kmer, revcomp(ref_kmer)), (alt_kmer, revcomp(alt_kmer))]
    return tuple(sum(any(k in read for k in pair) for read in reads) for pair in kmers)


def test_plan_is_consistent(plan: Plan) -> None:
    assert [contig.name for contig in plan.contigs] == [
        "CYP2C19",
        "CYP2C9",
        "DPYD",
        "TPMT",
        "SLCO1B1",
        "BRCA1",
        "EGFR",
        "KRAS",
        "UGT1A1",
        "HFE",
        "TTR",
        "chrX",
        "chrY",
        "chrM",
        "ERBB2",
        "EML4",
        "ALK",
        *EXPRESSION_GENES,
    ]
    dna = [contig for contig in plan.contigs if not contig.expression]
    expression = [contig for contig in plan.contigs if contig.expression]
    assert all(10_000 <= contig.length <= 40_000 for contig in dna)
    assert sum(contig.length for contig in dna) <= 410_000
    assert all(2_000 <= contig.length <= 4_000 for contig in expression)
    assert sum(contig.length for contig in expression) <= 70_000
    assert {gene.name for gene in plan.genes} >= set(EXPRESSION_GENES)
    sex = {c.name: (c.ploidy("female"), c.ploidy("male")) for c in plan.contigs}
    assert (sex["chrX"], sex["chrY"], sex["chrM"], sex["HFE"]) == ((2, 1), (0, 1), (1, 1), (2, 2))
    assert plan.contig("chrM").copy_depth("male") == 6.0  # one copy at 3x the autosomal depth
    assert plan.contig("chrX").copy_depth("male") == 1.0  # one copy: half the autosomal depth


def test_a_plan_naming_an_unknown_allele_is_refused(tmp_path: Path) -> None:
    text = DEFAULT_PLAN.read_text().replace('CYP2C19: ["*2", "*17"]', 'CYP2C19: ["*2", "*99"]')
    bad = tmp_path / "plan.yaml"
    bad.write_text(text)
    with pytest.raises(InputError, match=r"patient1: CYP2C19 .*\*99"):
        load_plan(bad)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("msi: {unstable: 0.40,", "msi: {unstable: 1.40,", "patient3: msi needs 0 <= unstable"),
        ("units: [A, T, A, T,", "units: [AAT, T, A, T,", "units must be upper-case mono- or"),
        ("deleted_units: [1, 3]", "deleted_units: [1, 6]", "deleted_units must be >= 1"),
    ],
)
def test_a_plan_with_impossible_microsatellites_is_refused(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    assert old in DEFAULT_PLAN.read_text()
    bad = tmp_path / "plan.yaml"
    bad.write_text(DEFAULT_PLAN.read_text().replace(old, new))
    with pytest.raises(InputError, match=re.escape(message)):
        load_plan(bad)


def test_every_output_is_written(demo: Path) -> None:
    names = {str(path.relative_to(demo)) for path in demo.rglob("*") if path.is_file()}
    expected = {
        "genome.fa",
        "genome.fa.fai",
        "genes.gff3",
        "clinvar.vcf",
        "population.vcf",
        "samples.tsv",
        "units.tsv",
        "expected/germline.vcf",
        "expected/somatic.vcf",
        "expected/microsatellites.tsv",
        "expected/summary.json",
        "oncotree.tsv",
    }
    reads = {
        f"reads/{sample}_{unit}_R{mate}.fastq.gz"
        for sample, unit in [
            ("demo1", "L001"),
            ("demo1", "L002"),
            ("demo2", "L001"),
            ("demo3-normal", "L001"),
            ("demo3-tumor", "L001"),
            ("demo3-rna", "L001"),
        ]
        for mate in (1, 2)
    }
    pgx = {"pgx/definitions/SOURCE"} | {
        f"pgx/definitions/{gene}_translation.json"
        for gene in ("CYP2C19", "CYP2C9", "DPYD", "TPMT", "SLCO1B1", "UGT1A1", "G6PD", "MT-RNR1")
    }
    assert names == expected | reads | pgx


def test_fai_is_what_samtools_writes(demo: Path, tmp_path: Path) -> None:
    copy = tmp_path / "genome.fa"
    shutil.copy(demo / "genome.fa", copy)
    pysam.faidx(str(copy))
    assert (demo / "genome.fa.fai").read_text() == (tmp_path / "genome.fa.fai").read_text()


def test_genome_is_random_at_about_41_percent_gc(genome: dict[str, str]) -> None:
    sequence = "".join(genome.values())
    assert set(sequence) == set("ACGT")
    assert 0.39 < (sequence.count("G") + sequence.count("C")) / len(sequence) < 0.43


def test_planted_positions_carry_the_grch38_reference(plan: Plan, genome: dict[str, str]) -> None:
    facts = [(v.gene, v.grch38) for v in plan.pgx_variants]
    facts += [(v.gene, v.grch38) for v in plan.coding_variants if v.grch38]
    assert len(facts) == 16
    for contig_name, allele in facts:
        contig = plan.contig(contig_name)
        assert contig.chrom == allele.chrom
        start = contig.to_demo(allele.pos) - 1
        assert genome[contig_name][start : start + len(allele.ref)] == allele.ref


def test_truth_has_the_planted_genotypes(demo: Path) -> None:
    truth = germline_truth(demo)
    by_id = {site["id"]: site for site in truth.values() if site["id"] != "."}
    expected = {  # id: (PLANTED, demo1, demo2, demo3-normal)
        "rs12248560": ("CYP2C19*17", "0|1", "0|0", "0|1"),
        "rs12769205": ("CYP2C19*2", "1|0", "1|1", "0|0"),
        "rs4244285": ("CYP2C19*2", "1|0", "1|1", "0|0"),
        "rs1057910": ("CYP2C9*3", "0|0", "0|1", "0|0"),
        "rs3918290": ("DPYD*2A", "0|1", "0|0", "0|0"),
        "rs1800460": ("TPMT*3A", "0|0", "0|1", "0|0"),
        "rs1142345": ("TPMT*3A", "0|0", "0|1", "0|0"),
        "rs4149056": ("SLCO1B1*5", "0|0", "0|0", "0|1"),
        "rs9332131": ("CYP2C9*6", "0|0", "0|0", "0|1"),
        "rs3064744": ("UGT1A1*28", "1|0", "1|1", "0|0"),
        "rs887829": ("UGT1A1*80", "0|1", "0|0", "0|0"),  # in trans with demo1's *28
        "rs80357914": ("BRCA1:p.Glu23ValfsTer17", "0|1", "1|0", "0|0"),
        "rs1800562": ("HFE:p.Cys282Tyr", "1|1", "0|0", "0|1"),
        "rs76992529": ("TTR:p.Val142Ile", "0|1", "0|0", "0|0"),
    }
    for rsid, (label, *genotypes) in expected.items():
        site = by_id[rsid]
        assert site["info"] == f"PLANTED={label}"
        assert [site["demo1"], site["demo2"], site["demo3-normal"]] == genotypes
    labels = {site["info"]: site["demo1"] for site in truth.values()}
    assert labels["PLANTED=BRCA1:p.Leu200="] == "1|0"
    assert labels["PLANTED=BRCA1:p.Val250Ile"] == "0|1"
    frameshift = by_id["rs80357914"]
    assert (frameshift["ref"], frameshift["alt"]) == ("ACT", "A")
    assert (by_id["rs3064744"]["ref"], by_id["rs3064744"]["alt"]) == ("C", "CAT")  # (TA)7
    assert (by_id["rs9332131"]["ref"], by_id["rs9332131"]["alt"]) == ("GA", "G")


def test_the_ugt1a1_tata_box_carries_the_grch38_repeat(
    plan: Plan, genome: dict[str, str], demo: Path
) -> None:
    """GRCh38 A(TA)6TAA after the anchor C of rs3064744; demo2's reads (*28/*28) show A(TA)7TAA
    only, demo1's (*28 het) both, demo3-normal's the reference's only."""
    anchor = plan.contig("UGT1A1").to_demo(233760233)
    assert genome["UGT1A1"][anchor - 1 : anchor + 16] == "C" + "A" + "TA" * 6 + "TAA"
    flank = genome["UGT1A1"][anchor - 9 : anchor]
    after = genome["UGT1A1"][anchor + 16 : anchor + 24]
    seven, six = (flank + "A" + "TA" * n + "TAA" + after for n in (7, 6))
    for sample, expected in (("demo2", (True, False)), ("demo1", (True, True)),
                             ("demo3-normal", (False, True))):  # fmt: skip
        reads = sample_bases(demo, sample)
        found = [sum(k in r or revcomp(k) in r for r in reads) for k in (seven, six)]
        checks = [n >= 3 if seen else n == 0 for n, seen in zip(found, expected, strict=True)]
        assert all(checks), (sample, found)


def test_sex_chromosomes_follow_the_patients_sex(demo: Path) -> None:
    """A male's chrX and chrY are haploid (`1`/`0`), a female has two chrX and no chrY (`.`);
    chrM is haploid for everyone."""
    _, records = vcf_records(demo / "expected" / "germline.vcf")
    ploidy = {"chrX": (2, 1, 2), "chrY": (0, 1, 0), "chrM": (1, 1, 1)}
    seen = set()
    for record in records:
        if record[0] in ploidy:
            seen.add(record[0])
            genotypes = record[9:]
            sizes = tuple(0 if gt == "." else len(gt.split("|")) for gt in genotypes)
            assert sizes == ploidy[record[0]], record[:5]
    assert seen == set(ploidy)
    summary = json.loads((demo / "expected" / "summary.json").read_text())["samples"]
    assert summary["demo2"]["copies"] == {"chrX": 1, "chrY": 1, "chrM": 1}
    assert summary["demo1"]["copies"] == {"chrX": 2, "chrY": 0, "chrM": 1}
    assert summary["demo2"]["background"]["haploid"] > summary["demo1"]["background"]["haploid"]


def reads_per_kb(demo: Path, sample: str, genome: dict[str, str]) -> dict[str, float]:
    """Reads per kb of HFE (an autosome), chrX, chrY and chrM: reads whose first 31 bases
    occur in the contig (either strand)."""
    owner = {}
    for contig in ("HFE", "chrX", "chrY", "chrM"):
        sequence = genome[contig]
        for i in range(len(sequence) - 30):
            owner[sequence[i : i + 31]] = owner[revcomp(sequence[i : i + 31])] = contig
    counts = dict.fromkeys(("HFE", "chrX", "chrY", "chrM"), 0)
    for read in sample_bases(demo, sample):
        contig = owner.get(read[:31])
        if contig:
            counts[contig] += 1
    return {contig: 1000 * n / len(genome[contig]) for contig, n in counts.items()}


def test_reads_follow_the_copy_number_of_each_contig(demo: Path, genome: dict[str, str]) -> None:
    """Male: chrX at half the autosomal depth, chrY present; female: no chrY read at all, chrX
    at the autosomal depth; chrM at about 3x the autosomal depth in both."""
    for sample, x_ratio, has_y in (("demo2", 0.5, True), ("demo1", 1.0, False)):
        depth = reads_per_kb(demo, sample, genome)
        assert 0.75 * x_ratio < depth["chrX"] / depth["HFE"] < 1.3 * x_ratio
        assert 2.4 < depth["chrM"] / depth["HFE"] < 3.6
        assert (depth["chrY"] / depth["HFE"] > 0.35) if has_y else depth["chrY"] == 0


def test_truth_is_sorted_and_normalized(demo: Path, plan: Plan, genome: dict[str, str]) -> None:
    order = [contig.name for contig in plan.contigs]
    keys = [(order.index(contig), pos) for contig, pos in germline_truth(demo)]
    assert keys == sorted(keys) and len(keys) == len(set(keys))
    for (contig, pos), site in germline_truth(demo).items():
        ref, alt = site["ref"], site["alt"]
        assert genome[contig][pos - 1 : pos - 1 + len(ref)] == ref
        if len(ref) != len(alt):  # anchored and left-aligned; background also unique
            indel = ref[1:] or alt[1:]
            after = genome[contig][pos - 1 + len(ref)]
            assert ref[0] == alt[0] and indel[-1] != ref[0]
            assert indel[0] != after or "PLANTED" in site["info"]


@needs_bcftools
def test_bcftools_norm_leaves_the_truth_unchanged(demo: Path, tmp_path: Path) -> None:
    normalized = subprocess.run(
        [
            "bcftools",
            "norm",
            "-f",
            str(demo / "genome.fa"),
            "-c",
            "x",
            "-m",
            "-any",
            str(demo / "expected" / "germline.vcf"),
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    body = [line.split("\t")[:5] for line in normalized.splitlines() if line[0] != "#"]
    _, records = vcf_records(demo / "expected" / "germline.vcf")
    assert body == [record[:5] for record in records]


def test_background_follows_the_rules(demo: Path, plan: Plan, genome: dict[str, str]) -> None:
    truth = germline_truth(demo)
    summary = json.loads((demo / "expected" / "summary.json").read_text())["samples"]
    for sample in ("demo1", "demo2", "demo3-normal"):
        background = summary[sample]["background"]
        assert 80 <= background["snv"] <= 170 and 10 <= background["indel"] <= 35
        assert 0.2 < background["hom"] / (background["snv"] + background["indel"]) < 0.5
    positions: dict[str, list[int]] = {}
    for contig, pos in truth:
        positions.setdefault(contig, []).append(pos)
    for contig, found in positions.items():
        assert all(b - a >= plan.background.min_spacing for a, b in itertools.pairwise(found))
        assert found[0] > 300 and found[-1] < plan.contig(contig).length - 300
    quiet = [
        (q.contig, plan.contig(q.contig).to_demo(q.start), plan.contig(q.contig).to_demo(q.end))
        for q in plan.quiet
    ]
    for (contig, pos), site in truth.items():
        if "PLANTED" not in site["info"]:
            assert not any(c == contig and start <= pos <= end for c, start, end in quiet)
            window = genome[contig][pos - 8 : pos + 8 + len(site["ref"])]
            assert not re.search(r"A{5}|C{5}|G{5}|T{5}", window)


def test_no_background_variant_touches_an_exon(demo: Path) -> None:
    exons = [
        line.split("\t")
        for line in (demo / "genes.gff3").read_text().splitlines()
        if "\texon\t" in line
    ]
    for (contig, pos), site in germline_truth(demo).items():
        if "PLANTED" not in site["info"]:
            assert not any(
                e[0] == contig and int(e[3]) - 10 <= pos <= int(e[4]) + 10 for e in exons
            )


def transcript(gff: str, genome: dict[str, str], gene: str) -> tuple[str, list[str]]:
    """(CDS, introns) of a gene's transcript, read on its strand from genes.gff3."""
    rows = [line.split("\t") for line in gff.splitlines() if line.startswith(f"{gene}\t")]
    strand = rows[0][6]
    parts = {
        kind: sorted((int(r[3]), int(r[4])) for r in rows if r[2] == kind)
        for kind in ("CDS", "exon")
    }
    sequence = genome[gene]

    def read(spans: list[tuple[int, int]]) -> list[str]:
        pieces = [sequence[start - 1 : end] for start, end in spans]
        return pieces if strand == "+" else [revcomp(piece) for piece in reversed(pieces)]

    exons = parts["exon"]
    introns = [(a[1] + 1, b[0] - 1) for a, b in itertools.pairwise(exons)]
    return "".join(read(parts["CDS"])), read(introns)


def test_gene_models_translate_and_splice(demo: Path, genome: dict[str, str]) -> None:
    gff = (demo / "genes.gff3").read_text()
    codons = {
        "EGFR": (858, "CTG"),
        "KRAS": (12, "GGT"),
        "BRCA1": (23, "GAG"),
        "HFE": (282, "TGC"),
        "TTR": (142, "GTC"),
    }
    for gene, (number, codon) in codons.items():
        cds, introns = transcript(gff, genome, gene)
        protein = "".join(CODON_TABLE[cds[i : i + 3]] for i in range(0, len(cds), 3))
        assert protein[0] == "M" and protein[-1] == "*" and "*" not in protein[:-1]
        assert cds[3 * number - 3 : 3 * number] == codon
        assert all(intron.startswith("GT") and intron.endswith("AG") for intron in introns)
    brca1 = transcript(gff, genome, "BRCA1")[0]
    assert "".join(CODON_TABLE[brca1[i : i + 3]] for i in range(0, 120, 3)) == (
        "MDLSALRVEEVQNVINAMQKILECPICLELIKEPVSTKCD"
    )
    assert len(transcript(gff, genome, "EGFR")[0]) // 3 >= 859


def csq_amino_acids(demo: Path, tmp_path: Path, record: list[str]) -> tuple[str, str]:
    """(consequence, amino-acid change) bcftools csq gives one variant on genes.gff3."""
    header = [
        line
        for line in (demo / "expected" / "germline.vcf").read_text().splitlines()
        if line.startswith(("##fileformat", "##contig"))
    ]
    vcf = tmp_path / "one.vcf"
    columns = "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO"
    vcf.write_text("\n".join([*header, columns, "\t".join([*record[:7], "."])]) + "\n")
    out = subprocess.run(
        [
            "bcftools",
            "csq",
            "-f",
            str(demo / "genome.fa"),
            "-g",
            str(demo / "genes.gff3"),
            str(vcf),
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    fields = re.search(r"BCSQ=([^\t;]+)", out).group(1).split("|")
    change = fields[5]
    if fields[0] == "frameshift":  # csq lists the whole rest of the reference protein
        change = re.sub(r"^(\d+[A-Z])[A-Z*]*>", r"\1>", change)
    return fields[0], change


@needs_bcftools
def test_bcftools_csq_gives_the_planted_protein_changes(
    demo: Path, plan: Plan, tmp_path: Path
) -> None:
    _, germline = vcf_records(demo / "expected" / "germline.vcf")
    _, somatic = vcf_records(demo / "expected" / "somatic.vcf")
    planted = {
        re.search(r"PLANTED=([^;]+)", r[7]).group(1): r
        for r in germline + somatic
        if "PLANTED=" in r[7]
    }
    assert planted["EGFR:p.Leu858Arg"][:5] == ["EGFR", "21822", "rs121434568", "T", "G"]
    for variant in plan.coding_variants:
        consequence, change = csq_amino_acids(demo, tmp_path, planted[variant.label])
        assert (consequence, change) == (variant.consequence, variant.csq), variant.id
    assert {v.id: v.csq for v in plan.coding_variants if v.id in ("EGFR-L858R", "KRAS-G12C")} == {
        "EGFR-L858R": "858L>858R",
        "KRAS-G12C": "12G>12C",
    }


def test_summary_states_the_expected_findings(demo: Path) -> None:
    summary = json.loads((demo / "expected" / "summary.json").read_text())["samples"]
    assert summary["demo1"]["pgx"]["CYP2C19"] == "*2/*17"
    assert summary["demo1"]["pgx"]["DPYD"] == "*1/*2A"
    assert summary["demo2"]["pgx"] == {
        "CYP2C19": "*2/*2",
        "CYP2C9": "*1/*3",
        "DPYD": "*1/*1",
        "TPMT": "*1/*3A",
        "SLCO1B1": "*1/*1",
        "UGT1A1": "*28/*28",
    }
    assert summary["demo2"]["pgx_phenotypes"] == {"UGT1A1": "Poor Metabolizer"}
    assert summary["demo2"]["sex"] == "male"
    assert summary["demo3-normal"]["pgx"]["CYP2C9"] == "*1/*6"
    assert summary["demo3-normal"]["pgx_phenotypes"] == {"CYP2C9": "Intermediate Metabolizer"}
    assert summary["demo3-tumor"]["pgx"]["SLCO1B1"] == "*1/*5"
    assert summary["demo3-normal"]["pgx"]["CYP2C19"] == "*1/*17"
    coding = {c["id"]: (c["clinvar"], c["genotype"]) for c in summary["demo1"]["germline_coding"]}
    assert coding == {
        "BRCA1-E23fs": ("Pathogenic", "0|1"),
        "BRCA1-L200L": ("Benign", "1|0"),
        "BRCA1-V250I": ("Uncertain significance", "0|1"),
        "HFE-C282Y": ("Pathogenic", "1|1"),
        "TTR-V142I": ("Pathogenic", "0|1"),
    }
    demo3 = {c["id"]: c["genotype"] for c in summary["demo3-normal"]["germline_coding"]}
    assert demo3 == {"HFE-C282Y": "0|1"}
    assert summary["demo2"]["secondary_findings"] is False
    tumour = summary["demo3-tumor"]
    assert tumour["somatic_coding_snvs"] == 6 and tumour["purity"] == 0.6
    vafs = {s["hgvsp"]: s["vaf"] for s in tumour["somatic"]}
    assert vafs["p.Leu858Arg"] == 0.3 and vafs["p.Gly12Cys"] == 0.2


def test_sample_sheets(demo: Path) -> None:
    samples = [line.split("\t") for line in (demo / "samples.tsv").read_text().splitlines()]
    assert samples[0] == [
        "sample",
        "patient",
        "kind",
        "sex",
        "purity",
        "tumor_type",
        "secondary_findings",
    ]
    rows = {row[0]: row for row in samples[1:]}
    assert rows["demo3-tumor"][1:] == [
        "patient3",
        "tumor",
        "female",
        "0.6",
        "lung adenocarcinoma",
        "yes",
    ]
    assert rows["demo2"][6] == "no" and rows["demo3-normal"][2] == "normal"
    units = [line.split("\t") for line in (demo / "units.tsv").read_text().splitlines()]
    assert units[0] == ["sample", "unit", "fq1", "fq2", "bam", "adapters"]
    assert [(u[0], u[1]) for u in units[1:3]] == [("demo1", "L001"), ("demo1", "L002")]
    for unit in units[1:]:
        assert (demo / unit[2]).is_file() and (demo / unit[3]).is_file() and unit[4:] == ["", ""]


def test_reads_look_like_illumina_pairs(demo: Path) -> None:
    r1 = fastq(demo / "reads" / "demo2_L001_R1.fastq.gz")
    r2 = fastq(demo / "reads" / "demo2_L001_R2.fastq.gz")
    assert len(r1) == len(r2) > 5000
    assert all(a[0].split()[0] == b[0].split()[0] for a, b in zip(r1, r2, strict=True))
    assert not any("demo" in name for name, _, _ in r1)
    assert {len(bases) for _, bases, _ in r1} == {150}
    assert set("".join(q for _, _, q in r1[:500])) == {"5", "<", "B", "F", "I"}  # Q20..Q40
    adapters = sum(ADAPTER_R1[:20] in bases for _, bases, _ in r1) / len(r1)
    assert 0.01 < adapters < 0.03
    pairs = [(a[1][:40], b[1][:40]) for a, b in zip(r1, r2, strict=True)]
    assert 0.01 < 1 - len(set(pairs)) / len(pairs) < 0.03  # PCR duplicates


def test_reads_come_from_the_haplotypes(demo: Path, genome: dict[str, str], plan: Plan) -> None:
    star2 = plan.contig("CYP2C19").to_demo(94781859)  # rs4244285 G>A
    ref, alt = allele_counts(sample_bases(demo, "demo2"), genome["CYP2C19"], star2, "A")
    assert alt >= 3 and ref == 0  # demo2 is *2/*2
    ref, alt = allele_counts(sample_bases(demo, "demo1"), genome["CYP2C19"], star2, "A")
    assert alt >= 1 and ref >= 1  # demo1 is *2/*17
    ref, alt = allele_counts(sample_bases(demo, "demo3-normal"), genome["CYP2C19"], star2, "A")
    assert alt == 0 and ref >= 3


def test_tumour_reads_carry_the_somatic_variants(demo: Path, genome: dict[str, str]) -> None:
    tumour, normal = sample_bases(demo, "demo3-tumor"), sample_bases(demo, "demo3-normal")
    _, records = vcf_records(demo / "expected" / "somatic.vcf")
    counts = []
    for contig, pos, _, _, alt, *_ in (r for r in records if "GENE=" in r[7]):
        assert allele_counts(normal, genome[contig], int(pos), alt)[1] == 0
        counts.append(allele_counts(tumour, genome[contig], int(pos), alt))
    assert len(counts) == 6 and all(alt >= 1 for _, alt in counts)
    assert 0.15 < sum(alt for _, alt in counts) / sum(map(sum, counts)) < 0.45  # VAF 0.2-0.3


def toy_fragments(seed: int) -> list[tuple[Haplotype, Fragments]]:
    """2,000 fragments of each of two identical random 5 kb haplotypes (the plan's reads)."""
    rng = np.random.default_rng(seed)
    sequence = rng.choice(BASES, 5000)
    spec = load_plan().reads
    return [
        (haplotype, draw_fragments(haplotype.sequence, 2000, spec, rng))
        for haplotype in (Haplotype(sequence), Haplotype(sequence.copy()))
    ]


def changed_rows(before: list[tuple[Haplotype, Fragments]], after) -> list[np.ndarray]:
    """Per haplotype, the fragments whose templates differ after planting."""
    return [
        np.nonzero((a.head != b.head).any(axis=1) | (a.tail != b.tail).any(axis=1))[0]
        for (_, a), (_, b) in zip(before, after, strict=True)
    ]


@pytest.mark.parametrize("fraction", [0.3, 0.2, 1.0])
def test_a_tumour_snv_is_on_exactly_its_fraction_of_the_fragments_over_it(fraction: float) -> None:
    width = load_plan().reads.read_length
    before, after = toy_fragments(5), toy_fragments(5)
    sequence = before[0][0].sequence
    ref = chr(sequence[2499])
    snv = Variant("toy", 2500, ref, "ACGT"[("ACGT".index(ref) + 1) % 4])
    plant(after, TumourAllele(snv, fraction), width, np.random.default_rng(1))
    over = [np.nonzero(reading(f, width, 2499, 2500))[0] for _, f in before]
    changed = changed_rows(before, after)
    total = sum(len(rows) for rows in over)
    assert total > 100 and sum(len(rows) for rows in changed) == round(fraction * total)
    for rows, within, (_, fragments) in zip(changed, over, after, strict=True):
        assert set(rows) <= set(within)
        column = 2499 - fragments.starts[rows]  # where R1/R2's head read covers the site
        shown = (column >= 0) & (column < width)
        assert set(fragments.head[rows[shown], column[shown]]) <= {ord(snv.alt)}


def test_a_tumour_deletion_shortens_the_fragments_that_carry_it() -> None:
    width = load_plan().reads.read_length
    before, after = toy_fragments(6), toy_fragments(6)
    sequence = before[0][0].sequence.tobytes().decode()
    deletion = Variant("toy", 3000, sequence[2999:3003], sequence[2999])
    plant(after, TumourAllele(deletion, 0.3), width, np.random.default_rng(2))
    over = sum(int(reading(f, width, 2999, 3003).sum()) for _, f in before)
    changed = changed_rows(before, after)
    # A carrier shows the deletion unless its read ends on the anchor base itself.
    assert round(0.3 * over) - 3 <= sum(len(rows) for rows in changed) <= round(0.3 * over)
    shortened = sequence[2980:3000] + sequence[3003:3020]
    carried = [after[h][1].head[row].tobytes().decode() for h in (0, 1) for row in changed[h]]
    assert sum(shortened in read for read in carried) > 10


def test_tumour_alleles_within_a_fragment_of_each_other_are_refused() -> None:
    spec = load_plan().reads
    alleles = [TumourAllele(Variant("toy", pos, "A", "C"), 0.3) for pos in (1000, 1400)]
    with pytest.raises(TailorseqError, match="toy:1000 and 1400 lie within a fragment"):
        check_apart(alleles, spec)


def microsatellite_rows(demo: Path) -> list[dict[str, str]]:
    lines = (demo / "expected" / "microsatellites.tsv").read_text().splitlines()
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:]]


def test_microsatellites_are_planted_where_the_msi_scan_finds_them(
    demo: Path, plan: Plan, genome: dict[str, str]
) -> None:
    rows = microsatellite_rows(demo)
    assert len(rows) == plan.microsatellites.count == 80
    flank = config_defaults("somatic")["msi_flank"]
    found = {
        (site.contig, site.start + 1, site.end, site.unit)
        for contig, sequence in genome.items()
        for site in find_microsatellites(sequence, contig, flank=flank)
    }
    for row in rows:
        contig, pos, end, unit = row["contig"], int(row["pos"]), int(row["end"]), row["unit"]
        assert (contig, pos, end, unit) in found
        assert genome[contig][pos - 1 : end] == unit * int(row["copies"])
        assert 12 <= end - pos + 1 <= 24 and unit in plan.microsatellites.units
    units = {len(row["unit"]) for row in rows}
    assert units == {1, 2}


def test_microsatellites_keep_away_from_genes_planted_and_background_variants(
    demo: Path, plan: Plan
) -> None:
    rows = microsatellite_rows(demo)
    reach = plan.reads.fragment_mean + 6 * plan.reads.fragment_sd
    by_contig: dict[str, list[int]] = {}
    for row in rows:
        by_contig.setdefault(row["contig"], []).append(int(row["pos"]))
    for positions in by_contig.values():
        assert all(b - a > reach for a, b in itertools.pairwise(positions))
    genes = [
        (r[0], int(r[3]), int(r[4]))
        for r in (line.split("\t") for line in (demo / "genes.gff3").read_text().splitlines())
        if len(r) > 4 and r[2] == "gene"
    ]
    quiet = [
        (q.contig, plan.contig(q.contig).to_demo(q.start), plan.contig(q.contig).to_demo(q.end))
        for q in plan.quiet
    ]
    spacing = plan.microsatellites.spacing
    for row in rows:
        contig, pos = row["contig"], int(row["pos"])
        for name, start, end in genes + quiet:
            assert name != contig or not start - spacing <= pos <= end + spacing, row
    for contig, pos in germline_truth(demo):
        assert all(
            abs(pos - site) > plan.background.min_spacing for site in by_contig.get(contig, [])
        )


def test_the_tumour_loses_repeat_units_at_the_planted_unstable_fraction(
    demo: Path, genome: dict[str, str]
) -> None:
    summary = json.loads((demo / "expected" / "summary.json").read_text())
    msi = summary["samples"]["demo3-tumor"]["msi"]
    assert (msi["microsatellites"], msi["unstable"], msi["score"], msi["vaf"]) == (
        80,
        32,
        40.0,
        0.3,
    )
    assert "msi" not in summary["samples"]["demo3-normal"]
    lost = {(r["contig"], int(r["pos"])): int(r["demo3-tumor"]) for r in microsatellite_rows(demo)}
    assert sum(units > 0 for units in lost.values()) == 32
    _, records = vcf_records(demo / "expected" / "somatic.vcf")
    deletions = [r for r in records if "PLANTED=MSI:" in r[7]]
    assert len(deletions) == 32
    for site in msi["unstable_sites"]:
        units = lost[(site["contig"], site["pos"])]
        assert site["deleted_units"] == units and 1 <= units <= 3
        deletion = site["deletion"]
        contig, anchor = deletion["contig"], deletion["pos"]
        assert anchor == site["pos"] - 1 and deletion["alt"] == genome[contig][anchor - 1]
        assert deletion["ref"] == deletion["alt"] + site["unit"] * units
        assert [contig, str(anchor), ".", deletion["ref"], deletion["alt"]] in [
            r[:5] for r in deletions
        ]


def test_only_tumour_reads_show_the_shortened_repeats(demo: Path, genome: dict[str, str]) -> None:
    tumour, normal = sample_bases(demo, "demo3-tumor"), sample_bases(demo, "demo3-normal")
    summary = json.loads((demo / "expected" / "summary.json").read_text())
    for site in summary["samples"]["demo3-tumor"]["msi"]["unstable_sites"][:4]:
        sequence, first = genome[site["contig"]], site["pos"] - 1
        length = len(site["unit"]) * site["copies"]
        left, right = sequence[first - 8 : first], sequence[first + length : first + length + 8]
        lost = len(site["unit"]) * site["deleted_units"]
        shortened = left + sequence[first : first + length - lost] + right
        full = left + sequence[first : first + length] + right
        for kmer, in_tumour, in_normal in ((shortened, True, False), (full, True, True)):
            for reads, expected in ((tumour, in_tumour), (normal, in_normal)):
                seen = any(kmer in read or revcomp(kmer) in read for read in reads)
                assert seen == expected, (site, kmer)


def test_a_plan_with_more_microsatellites_than_places_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "plan.yaml"
    bad.write_text(DEFAULT_PLAN.read_text().replace("  count: 80\n", "  count: 400\n"))
    with pytest.raises(TailorseqError, match="places for the plan's 400 microsatellites"):
        generate_demo(tmp_path / "out", seed=SEED, plan_path=bad, coverage_scale=0.01)


@needs_bwa
def test_reads_realign_with_errors_at_low_quality(demo: Path, tmp_path: Path) -> None:
    shutil.copy(demo / "genome.fa", tmp_path / "genome.fa")
    subprocess.run(["bwa", "index", str(tmp_path / "genome.fa")], check=True, capture_output=True)
    for mate in (1, 2):
        records = fastq(demo / "reads" / f"demo1_L001_R{mate}.fastq.gz")[:3000]
        text = "".join(f"{n.split()[0]}\n{b}\n+\n{q}\n" for n, b, q in records)
        (tmp_path / f"r{mate}.fq").write_text(text)
    sam = subprocess.run(
        [
            "bwa",
            "mem",
            str(tmp_path / "genome.fa"),
            str(tmp_path / "r1.fq"),
            str(tmp_path / "r2.fq"),
        ],
        check=True,
        capture_output=True,
    ).stdout
    (tmp_path / "out.sam").write_bytes(sam)
    variant_bases = {(contig, pos + d) for contig, pos in germline_truth(demo) for d in range(7)}
    mapped = 0
    quality_all, quality_mismatch = [], []
    with pysam.AlignmentFile(str(tmp_path / "out.sam")) as alignments:
        for read in alignments:
            mapped += read.is_proper_pair and read.mapping_quality >= 20
            qualities, contig = read.query_qualities, read.reference_name
            for query, ref_pos, ref_base in read.get_aligned_pairs(
                matches_only=True, with_seq=True
            ):
                if (contig, ref_pos + 1) not in variant_bases:
                    quality_all.append(qualities[query])
                    if ref_base.islower():
                        quality_mismatch.append(qualities[query])
    assert mapped / 6000 > 0.97
    error_rate = len(quality_mismatch) / len(quality_all)
    assert 0.0005 < error_rate < 0.002
    assert sum(quality_mismatch) / len(quality_mismatch) < sum(quality_all) / len(quality_all) - 8


def digest(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_same_seed_same_bytes(demo: Path, tmp_path: Path) -> None:
    generate_demo(tmp_path, seed=SEED, coverage_scale=SCALE)
    assert digest(tmp_path) == digest(demo)


def test_extra_reference_bases_change_nothing_else(tmp_path: Path, plan: Plan) -> None:
    generate_demo(tmp_path / "plain", seed=SEED, coverage_scale=0.01)
    with pysam.FastaFile(str(tmp_path / "plain" / "genome.fa")) as fasta:
        plain = fasta.fetch("CYP2C9")
    cyp2c9 = plan.contig("CYP2C9")
    positions = [cyp2c9.to_demo(p) for p in (94947782, 94972119, 94981371)]  # in the quiet span
    other = {pos: "ACGT"[("ACGT".index(plain[pos - 1]) + 1) % 4] for pos in positions}
    extra = [RefBase("CYP2C9", pos, base) for pos, base in other.items()]
    generate_demo(tmp_path / "forced", seed=SEED, coverage_scale=0.01, extra_ref_bases=extra)
    with pysam.FastaFile(str(tmp_path / "forced" / "genome.fa")) as fasta:
        forced = fasta.fetch("CYP2C9")
    assert [
        i + 1 for i, (a, b) in enumerate(zip(plain, forced, strict=True)) if a != b
    ] == positions
    for name in ("expected/germline.vcf", "expected/somatic.vcf", "genes.gff3", "units.tsv"):
        assert (tmp_path / "plain" / name).read_bytes() == (tmp_path / "forced" / name).read_bytes()


def test_an_extra_base_that_contradicts_a_planted_one_is_refused(tmp_path: Path) -> None:
    star3 = RefBase("CYP2C9", 35296, "G")  # rs1057910 needs the GRCh38 A there
    with pytest.raises(TailorseqError, match="rs1057910"):
        generate_demo(tmp_path, seed=SEED, coverage_scale=0.01, extra_ref_bases=[star3])


def trim_suffix(ref: str, alt: str) -> tuple[str, str]:
    """A VCF allele pair without the trailing bases they share (keeping one base each)."""
    while len(ref) > 1 and len(alt) > 1 and ref[-1] == alt[-1]:
        ref, alt = ref[:-1], alt[:-1]
    return ref, alt


@pytest.mark.shared
def test_plan_pgx_facts_match_pharmcat(plan: Plan) -> None:
    folder = SHARED / "pharmcat" / "definition" / "alleles"
    if not folder.is_dir():
        pytest.skip("needs ../shared/data/pharmcat")
    for variant in plan.pgx_variants:
        definition = json.loads((folder / f"{variant.gene}_translation.json").read_text())
        found = {v["rsid"]: v for v in definition["variants"]}[variant.id]
        allele = variant.grch38
        assert (found["chromosome"], found["position"]) == (allele.chrom, allele.pos)
        spelled = {  # PharmCAT's (ref, alt) with the shared trailing bases removed
            trim_suffix(found["ref"], alt) for alt in found["alts"]
        }
        assert (allele.ref, allele.alt) in spelled, variant.id
    for gene, alleles in plan.star_alleles.items():
        definition = json.loads((folder / f"{gene}_translation.json").read_text())
        rsids = [v["rsid"] for v in definition["variants"]]
        contig = plan.contig(gene)
        for name, members in alleles.items():
            pharmcat_name = plan.pharmcat_names.get(gene, {}).get(name, name)
            named = next(a for a in definition["namedAlleles"] if a["name"] == pharmcat_name)
            alts = {rsids[i]: a for i, a in enumerate(named["alleles"]) if a}
            in_window = {
                rsid
                for rsid in alts
                if contig.start
                <= definition["variants"][rsids.index(rsid)]["position"]
                <= contig.end
            }
            defined = {
                rsid
                for rsid in in_window
                if alts[rsid] != definition["variants"][rsids.index(rsid)]["ref"]
                and re.fullmatch("[ACGT]+", alts[rsid])
            }
            assert defined == set(members), f"{gene}{name}"


@pytest.mark.shared
def test_plan_phenotypes_match_pharmcat(plan: Plan) -> None:
    folder = SHARED / "pharmcat" / "phenotype"
    if not folder.is_dir():
        pytest.skip("needs ../shared/data/pharmcat")
    for gene, diplotypes in plan.phenotypes.items():
        table = json.loads((folder / f"{gene}.json").read_text())["diplotypes"]
        for diplotype, phenotype in diplotypes.items():
            assert next(d for d in table if d["diplotype"] == diplotype)["generesult"] == phenotype


@needs_bcftools
def test_knowledge_vcfs_classify_and_count_the_findings_variants(
    demo: Path, tmp_path: Path
) -> None:
    """ClinVar P records for HFE C282Y and TTR V142I; their population AF (above the 1%
    findings cut-off) and a common benign BRCA1 variant's reach POP_AF through the pipeline's
    own preparation of annotation.population."""
    from tailorseq.annotation import prepare

    _, clinvar = vcf_records(demo / "clinvar.vcf")
    records = {r[2]: (r[0], r[3], r[4], r[7]) for r in clinvar}
    assert records["9"][:3] == ("HFE", "G", "A") and "CLNSIG=Pathogenic;" in records["9"][3]
    assert records["13425"][:3] == ("TTR", "G", "A") and "GENEINFO=TTR:7276" in records["13425"][3]
    prepare(demo / "population.vcf", demo / "genome.fa", tmp_path / "pop.vcf.gz", "population")
    with pysam.VariantFile(str(tmp_path / "pop.vcf.gz")) as vcf:
        pop_af = {(r.chrom, r.ref, r.alts[0]): r.info["POP_AF"][0] for r in vcf}
    assert pop_af == {
        ("BRCA1", "C", "T"): pytest.approx(0.31),
        ("HFE", "G", "A"): pytest.approx(0.06),
        ("TTR", "G", "A"): pytest.approx(0.0173),
    }

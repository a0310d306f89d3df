"""Codes and profile URLs of the FHIR export, each with where it comes from.

Profiles: HL7 FHIR Genomics Reporting IG STU2, version 2.0.0 (FHIR R4 4.0.1),
http://hl7.org/fhir/uv/genomics-reporting/STU2/artifacts.html. STU2 is the version that has the
`genomics-report` DiagnosticReport and the `region-studied` Observation; STU3 (3.0.0) renamed the
report profile `genomic-report` and moved regions studied to GenomicStudy extensions.
The component codes are the IG's slices (its FSH source, input/fsh/CGFindings.fsh and
CGImplications.fsh of github.com/HL7/genomics-reporting); LOINC answer codes are those of the IG's
examples (variant, MSI, PGx) unless marked otherwise.
"""

IG_VERSION = "2.0.0"
PROFILE_BASE = "http://hl7.org/fhir/uv/genomics-reporting/StructureDefinition/"
#: The IG profiles this export claims, by the id of their canonical URL.
PROFILES = (
    "genomics-report",
    "variant",
    "genotype",
    "diagnostic-implication",
    "therapeutic-implication",
    "region-studied",
    "tmb",
    "msi",
)

LOINC = "http://loinc.org"
HGVS = "http://varnomen.hgvs.org"  # the IG's HGVSVS code system
CLINVAR = "http://www.ncbi.nlm.nih.gov/clinvar"  # the IG's alias $CLINVAR
TBD = "http://hl7.org/fhir/uv/genomics-reporting/CodeSystem/tbd-codes"  # STU2's own codes
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
DIAGNOSTIC_SERVICE = "http://terminology.hl7.org/CodeSystem/v2-0074"  # category GE: Genetics
DATA_ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason"  # FHIR R4 core
INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
UCUM = "http://unitsofmeasure.org"

#: Observation and report codes: (system, code, display).
REPORT_CODE = (LOINC, "81247-9", "Master HL7 genetic variant reporting panel")
VARIANT_CODE = (LOINC, "69548-6", "Genetic variant assessment")
GENOTYPE_CODE = (LOINC, "84413-4", "Genotype display name")
REGION_STUDIED_CODE = (LOINC, "53041-0", "DNA region of interest panel")
TMB_CODE = (LOINC, "94076-7", "Mutations/Megabase [# Ratio] in Tumor")
MSI_CODE = (LOINC, "81695-9", "Microsatellite instability [Interpretation] in Cancer specimen")
DIAGNOSTIC_IMPLICATION_CODE = (TBD, "diagnostic-implication", "Diagnostic Implication")
THERAPEUTIC_IMPLICATION_CODE = (TBD, "therapeutic-implication", "Therapeutic Implication")

#: Component codes (the IG's slice name: LOINC code, display). The displays of 48018-6 to
#: 81252-9 are those of the IG's examples; the others are not checked offline (a display is
#: informative only: the code carries the meaning).
COMPONENTS = {
    "gene-studied": (LOINC, "48018-6", "Gene studied [ID]"),
    "coding-hgvs": (LOINC, "48004-6", "DNA change (c.HGVS)"),
    "protein-hgvs": (LOINC, "48005-3", "Amino acid change (pHGVS)"),
    "transcript-ref-seq": (LOINC, "51958-7", "Transcript reference sequence [ID]"),
    "genomic-ref-seq": (LOINC, "48013-7", "Genomic reference sequence [ID]"),
    "reference-sequence-assembly": (LOINC, "62374-4", "Human reference sequence assembly version"),
    "coordinate-system": (LOINC, "92822-6", "Genomic coordinate system [Type]"),
    "exact-start-end": (LOINC, "81254-5", "Genomic allele start-end"),
    "ref-allele": (LOINC, "69547-8", "Genomic ref allele [ID]"),
    "alt-allele": (LOINC, "69551-0", "Genomic alt allele [ID]"),
    "genomic-source-class": (LOINC, "48002-0", "Genomic source class [Type]"),
    "sample-allelic-frequency": (LOINC, "81258-6", "Sample variant allelic frequency"),
    "allelic-state": (LOINC, "53034-5", "Allelic state"),
    "variation-code": (LOINC, "81252-9", "Discrete genetic variant"),
    "clinical-significance": (LOINC, "53037-8", "Genetic variation clinical significance"),
    "associated-phenotype": (LOINC, "81259-4", "Associated phenotype"),
    "mode-of-inheritance": (LOINC, "79742-3", "Inheritance pattern based on family history"),
    "effect-medication-metabolism": (
        LOINC,
        "53040-2",
        "Genetic variation's effect on drug metabolism",
    ),
    "region-description": (LOINC, "81293-3", "Description of ranges of DNA sequences examined"),
}

#: LOINC answers (system LOINC): (code, display).
PRESENT = ("LA9633-4", "Present")
SEQUENCING = ("LA26398-0", "Sequencing")
ONE_BASED = ("LA30102-0", "1-based character counting")  # answer list LL5323-2
SOURCE_CLASS = {"germline": ("LA6683-2", "Germline"), "somatic": ("LA6684-0", "Somatic")}
ALLELIC_STATE = {  # answer list LL381-5
    "het": ("LA6706-1", "Heterozygous"),
    "hom": ("LA6705-3", "Homozygous"),
    "hemi": ("LA6707-9", "Hemizygous"),
}
ASSEMBLY = {"GRCh37": ("LA14029-5", "GRCh37"), "GRCh38": ("LA26806-2", "GRCh38")}  # LL1040-6
#: ClinVar's words -> answer list LL4034-6; ClinVar's other words stay text only.
SIGNIFICANCE = {
    "Pathogenic": ("LA6668-3", "Pathogenic"),
    "Likely pathogenic": ("LA26332-9", "Likely pathogenic"),
}
MSI_VALUE = {"MSI-high": ("LA26203-2", "MSI-H"), "MSS": ("LA14122-8", "Stable")}  # LL3994-2
#: The gene list's inheritance abbreviations (resources/acmg_sf_genes.tsv), in words.
INHERITANCE = {"AD": "autosomal dominant", "AR": "autosomal recessive", "XL": "X-linked"}

"""Exports of a patient's report document, written beside it by the report step, each built
from the report document alone (so under its one identifier, and saying only what it says) and
validated before it is written:

- `fhir`: an HL7 FHIR R4 Bundle following the Genomics Reporting IG STU2 (2.0.0): variants,
  implications, genotypes, TMB, MSI and the regions studied (`codes`, `fhir_parts`,
  `fhir_variants`, `fhir_pgx`);
- `phenopacket`: a GA4GH Phenopacket v2 of the hereditary findings.
"""

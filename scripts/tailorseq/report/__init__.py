"""The per-patient report: a JSON document (resources/report.schema.json) assembled from the
patient's samples' outputs, rendered to one self-contained HTML file (resources/templates/), and
the run's MultiQC custom content and provenance knowledge.

- `qc`: sample QC metrics (samtools stats, mosdepth) and their pass/warn/fail;
- `coverage`: coverage per gene of interest (mosdepth over CDS, PGx positions' depth);
- `assemble`: the report document;
- `plain`: the plain-language patient section, written by us from the document;
- `plots`: inline SVG charts;
- `render`: JSON -> HTML with Jinja2;
- `mqc`: MultiQC custom content;
- `knowledge`: knowledge-source versions for provenance.
"""

SCHEMA_ID = "tailorseq-report/2"

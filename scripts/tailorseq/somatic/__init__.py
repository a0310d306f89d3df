"""Somatic small-variant calling for tumour/normal pairs: the likelihood model and its filters
(`model`), reading candidates and writing the somatic VCF (`caller`), germline concordance of the
pair (`concordance`), tumour mutational burden (`tmb`), microsatellite instability (`msi`) and
the pair's declared biomarkers document (`biomarkers`)."""

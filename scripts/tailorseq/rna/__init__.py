"""Tumour RNA (samples.tsv kind `tumor_rna`): gene expression from salmon (`expression`),
expression relative to the reference genes (`normalise`), RNA-based receptor status
(`receptors`), the research-use 21-gene expression profile of breast tumours (`profile`), the
RNA read support of the pair's somatic mutations (`mutations`) and the sample's declared `rna`
document (`summary`). Every RNA-based result is research use, and says so."""

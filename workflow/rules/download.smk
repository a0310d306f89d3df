# Every URL of the config, fetched once into the cache (functions/download.smk).
if DOWNLOADS:

    rule download:
        input:
            download_source,
        output:
            file=f"{DOWNLOAD_DIR}/files/{{path}}",
            record=f"{DOWNLOAD_DIR}/records/{{path}}.json",
        log:
            "logs/download/{path}.log",
        wildcard_constraints:
            path="|".join(re.escape(path) for path in DOWNLOADS),
        retries: 2
        conda:
            "../../envs/python.yaml"
        params:
            download=download_entry,
        script:
            "../../scripts/download.py"

"""The run's config and the schemas behind it: schema loading, validation with messages a user can
act on, and defaults. Every default lives in `workflow/schemas/*.schema.yaml` and is filled in
here only.
"""

import difflib
import functools
from collections.abc import Iterator
from copy import deepcopy
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from urllib.request import url2pathname

import jsonschema
import yaml
from referencing import Registry, Resource

from tailorseq.errors import InputError
from tailorseq.files import unreadable
from tailorseq.locations import SCHEMAS

CONFIG = "config"


# ---------------------------------------------------------------- schemas


@functools.cache
def load_schema(name: str) -> dict[str, Any]:
    """`workflow/schemas/<name>.schema.yaml`, its `$id` set to its file URI (as Snakemake does)."""
    path = SCHEMAS / f"{name}.schema.yaml"
    schema = yaml.safe_load(path.read_text())
    schema["$id"] = path.as_uri()
    return schema


@functools.cache
def _retrieve(uri: str) -> Resource:
    """Resolve a `$ref` to another schema file (relative refs arrive as file URIs), once."""
    return Resource.from_contents(
        yaml.safe_load(Path(url2pathname(urlparse(uri).path)).read_text())
    )


@functools.cache
def _registry() -> Registry:
    """Every schema of SCHEMAS under its URI, crawled once: a `$ref` is then a lookup, where
    an uncrawled registry crawls again at every reference (half the time of checking a sheet)."""
    schemas = [load_schema(path.name.removesuffix(".schema.yaml"))
               for path in sorted(SCHEMAS.glob("*.schema.yaml"))]  # fmt: skip
    resources = [(schema["$id"], Resource.from_contents(schema)) for schema in schemas]
    return Registry(retrieve=_retrieve).with_resources(resources).crawl()


_Validator = jsonschema.Draft202012Validator
_validate_properties = _Validator.VALIDATORS["properties"]


def _properties_with_defaults(
    validator: Any, properties: dict, instance: Any, schema: dict
) -> Iterator:
    """`properties` that first sets each missing key with a `default` (a copy of it)."""
    if isinstance(instance, dict):
        for key, subschema in properties.items():
            if "default" in subschema:
                instance.setdefault(key, deepcopy(subschema["default"]))
    yield from _validate_properties(validator, properties, instance, schema)


_FillingValidator = jsonschema.validators.extend(
    _Validator, {"properties": _properties_with_defaults}
)

_BOUNDS = {
    "minimum": "at least",
    "exclusiveMinimum": "more than",
    "maximum": "at most",
    "exclusiveMaximum": "less than",
    "minLength": "a text of at least this many characters:",
}


def schema_problems(
    instance: dict[str, Any], schema: dict[str, Any], noun: str, *, fill: bool = False
) -> list[tuple[str, str]]:
    """(problem, fix) for each way `instance` breaks `schema`; `noun` names a key ("column").
    With `fill`, missing keys that have a `default` are set in the same pass (fill_defaults),
    which is for a sheet's rows whose schemas give no default to a required key."""
    validator = _FillingValidator if fill else _Validator
    errors = validator(schema, registry=_registry()).iter_errors(instance)
    ordered = sorted(errors, key=lambda error: [str(part) for part in error.path])
    return [explained for error in ordered for explained in _explain(error, noun)]


def fill_defaults(instance: dict[str, Any], schema: dict[str, Any]) -> None:
    """Set every missing key that has a schema `default`, in nested objects too (in place)."""
    list(_FillingValidator(schema, registry=_registry()).iter_errors(instance))


def _explain(error: jsonschema.ValidationError, noun: str) -> list[tuple[str, str]]:
    """Turn one schema error into (problem, fix) pairs a user can act on."""
    path = [str(part) for part in error.absolute_path]
    kind, expected, value, fix = error.validator, error.validator_value, error.instance, None
    name = f"{noun} '{'.'.join(path)}'"
    own_fix = error.schema.get("fix")
    if kind == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        return [unknown_key(noun, path, key, allowed) for key in value if key not in allowed]
    if kind == "required":
        missing = [key for key in expected if key not in value]
        return [(f"{noun} '{'.'.join([*path, key])}' is missing", "add it") for key in missing]
    if kind == "enum":
        problem = f"{name} is {value!r} (allowed: {', '.join(map(str, expected))})"
        close = closest(str(value), [str(allowed) for allowed in expected])
        fix = "use one of the allowed values" + (f" (did you mean '{close}'?)" if close else "")
    elif kind == "type":
        problem = f"{name} is {value!r}, which is not of type {expected}"
        fix = f"give a value of type {expected}"
    elif kind == "pattern":
        problem = f"{name} is {value!r}, which does not match {expected}"
    elif kind in _BOUNDS:
        problem = f"{name} is {value!r}: {error.message}"
        fix = f"give a value that is {_BOUNDS[kind]} {expected}"
    else:
        rule = error.schema.get("description", error.message)
        given = ", ".join(value) if isinstance(value, dict) else repr(value)
        problem = f"{rule}; given: {given}"
    return [(problem, own_fix or fix or "correct the value")]


def closest(given: str, allowed: list[str]) -> str | None:
    """The allowed value `given` most likely means: the one it abbreviates ('F' -> 'female') or
    the closest spelling ('tumour' -> 'tumor'), case ignored; None when none is close."""
    lower = {value.lower(): value for value in allowed}
    starting = [value for key, value in lower.items() if given and key.startswith(given.lower())]
    if len(starting) == 1:
        return starting[0]
    close = difflib.get_close_matches(given.lower(), list(lower), n=1)
    return lower[close[0]] if close else None


def unknown_key(noun: str, path: list[str], key: str, allowed: list[str]) -> tuple[str, str]:
    """Problem and fix for a key the schema does not know, with a did-you-mean hint."""
    full = ".".join([*path, key])
    problem = f"{noun} '{full}' is not allowed (allowed: {', '.join(allowed)})"
    close = difflib.get_close_matches(key, allowed, n=1)
    hint = f" (did you mean '{'.'.join([*path, close[0]])}'?)" if close else ""
    return problem, f"correct the spelling{hint} or remove it"


# ---------------------------------------------------------------- the run's config


#: Config keys that may name a URL (tailorseq.download fetches them).
URL_KEYS = (
    "reference.fasta",
    "reference.gff3",
    "annotation.clinvar",
    "annotation.population",
    "pgx.recommendations",
    "somatic.civic",
    "somatic.oncotree",
)


def config_problems(config: dict[str, Any]) -> list[InputError]:
    """Every way the config breaks its schema, each naming the key path; then URLs of a scheme
    the pipeline does not read (ftp://), naming the key and the fix."""
    from tailorseq.download import url_problem

    found = schema_problems(config, load_schema("config"), "key")
    problems = [InputError(CONFIG, problem, fix) for problem, fix in found]
    for key in URL_KEYS:
        section, name = key.split(".")
        value = (config.get(section) or {}).get(name)
        problem = url_problem(key, value) if isinstance(value, str) else None
        if problem:
            problems.append(problem)
    return problems


def load_config(config: dict[str, Any]) -> dict[str, Any]:
    """A validated copy of `config` with all defaults filled in; InputError on the first problem."""
    problems = config_problems(config)
    if problems:
        raise problems[0]
    filled = deepcopy(config)
    fill_defaults(filled, load_schema("config"))
    return filled


def read_configfile(configfile: Path) -> dict[str, Any]:
    """The YAML config as a dict; InputError (with the line) for a missing or broken file, or a
    key given twice (YAML lets the last silently win)."""
    label = str(configfile)
    bad = unreadable(configfile, "give the path of the run's config YAML")
    if bad:
        raise InputError(label, *bad)
    try:
        text = configfile.read_text()
        _refuse_duplicate_keys(label, yaml.compose(text, Loader=yaml.SafeLoader), [])
        config = yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        row = mark.line + 1 if mark else None
        raise InputError(
            label, f"is not valid YAML ({error.problem})", "fix the syntax", row
        ) from error
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(label, f"cannot be read ({error})", "save it as UTF-8 text") from error
    if config is None:
        return {}
    if not isinstance(config, dict):
        raise InputError(label, "is not a mapping of keys to values", "write it as `key: value`")
    return config


def _refuse_duplicate_keys(label: str, node: yaml.Node | None, path: list[str]) -> None:
    """InputError at the second occurrence of a key given twice in one mapping, at any depth."""
    if isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _refuse_duplicate_keys(label, item, [*path, str(index)])
    if not isinstance(node, yaml.MappingNode):
        return
    first_lines: dict[str, int] = {}
    for key, value in node.value:
        line, name = key.start_mark.line + 1, str(key.value)
        if name in first_lines:
            problem = (
                f"key '{'.'.join([*path, name])}' is given twice (first on line "
                f"{first_lines[name]}); the last would silently win"
            )
            raise InputError(label, problem, "keep one of them", line)
        first_lines[name] = line
        _refuse_duplicate_keys(label, value, [*path, str(key.value)])

"""The YAML and JSON text of a case file, chosen by the file's extension.

Two YAML habits are turned off because they lose what the clinician typed:
dates are kept as text (the schema reads them, so ``2002-03-08`` and
``day 8`` go through the same checks), and a key written twice in one mapping
is an error instead of the last one silently winning. JSON gets the same
duplicate-key check.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Mapping
from pathlib import Path
from typing import Any, Literal

import yaml

from remit.errors import CaseFileError

Syntax = Literal["yaml", "json"]
SUFFIXES: Mapping[str, Syntax] = {".yaml": "yaml", ".yml": "yaml", ".json": "json"}


class _Loader(yaml.SafeLoader):
    """Safe YAML without implicit timestamps and with duplicate keys refused."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _mapping(loader: _Loader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    seen: set[Hashable] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, Hashable):
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping", node.start_mark, f"the key {key!r} is written twice", key_node.start_mark
                )
            seen.add(key)
    return loader.construct_mapping(node, deep=True)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def syntax_of(path: Path) -> Syntax:
    """YAML or JSON, from the extension (``.yaml``, ``.yml``, ``.json``)."""
    syntax = SUFFIXES.get(path.suffix.casefold())
    if syntax is None:
        raise CaseFileError(f"unsupported file extension {path.suffix!r}; use .yaml, .yml or .json", file=str(path))
    return syntax


def decode(text: str, syntax: Syntax, *, source: str) -> object:
    """Parse ``text``; a syntax error becomes a :class:`CaseFileError` with line and column."""
    if syntax == "json":
        try:
            return json.loads(text, object_pairs_hook=_json_object)
        except json.JSONDecodeError as exc:
            raise CaseFileError(
                f"not valid JSON: line {exc.lineno}, column {exc.colno}: {exc.msg}", file=source
            ) from exc
        except ValueError as exc:
            raise CaseFileError(f"not valid JSON: {exc}", file=source) from exc
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        raise CaseFileError(f"not valid YAML: {where}{exc.problem}", file=source) from exc
    except yaml.YAMLError as exc:
        raise CaseFileError(f"not valid YAML: {exc}", file=source) from exc


def encode(data: Mapping[str, Any], syntax: Syntax) -> str:
    """Text with keys in the order given and non-ASCII characters kept readable."""
    if syntax == "json":
        return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    return yaml.safe_dump(dict(data), sort_keys=False, allow_unicode=True, default_flow_style=False, width=120)


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"the key {key!r} is written twice in one object")
        result[key] = value
    return result

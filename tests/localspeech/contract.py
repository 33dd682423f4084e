"""Checks responses against the official definition (shared/reference/speechtotext-v3.2):
the status is one the operation declares, the body validates against its schema, and it
carries every key of the definition's example response with the same JSON type."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import jsonschema

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference" / "speechtotext-v3.2"
SPEC = json.loads((REFERENCE / "speechtotext.json").read_text())


def _template(path: str) -> re.Pattern:
    pattern = re.escape(path)
    pattern = re.sub(r"\\\{[^}]+\\\}", r"[^/]+", pattern)
    return re.compile(rf"^/speechtotext/v3\.2{pattern}$")


OPERATIONS = [
    (method.upper(), _template(path), op)
    for path, ops in SPEC["paths"].items()
    for method, op in ops.items()
    if method != "parameters"
]
# Literal segments win over parameters (/models/base before /models/{id}).
OPERATIONS.sort(key=lambda item: -len(item[1].pattern.replace("[^/]+", "")))


def _type(value) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__


# Objects whose keys are data, not fields: locales, custom properties, subscribed events.
MAPS = {"customProperties", "events"}
LOCALE_KEY = re.compile(r"^[a-z]{2,3}-[A-Z]{2}$")


def missing_keys(example, actual, where: str = "") -> list[str]:
    """Keys of the example absent from the actual body, or present with another JSON type."""
    problems = []
    last = where.rstrip(".").rsplit(".", 1)[-1]
    if isinstance(example, dict) and (last in MAPS or any(LOCALE_KEY.match(k) for k in example)):
        return [] if isinstance(actual, dict) else [f"{where or '<body>'}: expected an object"]
    if isinstance(example, dict):
        if not isinstance(actual, dict):
            return [f"{where or '<body>'}: expected an object, got {_type(actual)}"]
        for key, value in example.items():
            if key not in actual:
                problems.append(f"{where}{key}: missing")
            else:
                problems += missing_keys(value, actual[key], f"{where}{key}.")
    elif isinstance(example, list):
        if not isinstance(actual, list):
            return [f"{where.rstrip('.')}: expected a list, got {_type(actual)}"]
        if example and actual:
            problems += missing_keys(example[0], actual[0], f"{where.rstrip('.')}[0].")
    elif example is not None and actual is not None and _type(example) != _type(actual):
        problems.append(f"{where.rstrip('.')}: {_type(actual)} instead of {_type(example)}")
    return problems


class Contract:
    def __init__(self) -> None:
        self.covered: dict[str, int] = {}

    def operation(self, method: str, url: str) -> dict:
        path = urlsplit(url).path
        for op_method, pattern, op in OPERATIONS:
            if op_method == method and pattern.match(path):
                return op
        raise AssertionError(f"{method} {path} is not an operation of the definition")

    def check(self, response: httpx.Response, example: bool = True) -> httpx.Response:
        request = response.request
        op = self.operation(request.method, str(request.url))
        name = op["operationId"]
        status = str(response.status_code)
        declared = op["responses"]
        assert status in declared or status.startswith(("4", "5")), (
            f"{name}: status {status} not in {list(declared)}: {response.text[:300]}"
        )
        spec = declared.get(status) or declared["default"]
        if status.startswith(("4", "5")):
            raise AssertionError(f"{name} failed with {status}: {response.text[:500]}")
        schema = spec.get("schema")
        if schema is not None:
            body = response.json()
            validator = jsonschema.Draft4Validator({**schema, "definitions": SPEC["definitions"]})
            errors = sorted(validator.iter_errors(body), key=lambda e: list(e.path))
            assert not errors, f"{name}: {errors[0].message} at {list(errors[0].path)}"
            if example:
                # Operations with several examples (a dataset from a URL or by blocks) pass
                # when the body carries every key of one of them.
                outcomes = []
                for ref in op.get("x-ms-examples", {}).values():
                    sample = json.loads((REFERENCE / ref["$ref"].lstrip("./")).read_text())
                    expected = sample["responses"].get(status, {}).get("body")
                    if expected is not None:
                        outcomes.append(missing_keys(expected, body))
                if outcomes:
                    best = min(outcomes, key=len)
                    assert not best, f"{name}: {best}"
        for header in spec.get("headers", {}):
            if header == "Retry-After":
                continue  # only sent while an entity is not finished
            assert header in response.headers, f"{name}: missing header {header}"
        self.covered[name] = self.covered.get(name, 0) + 1
        return response

    def uncovered(self) -> list[str]:
        every = {op["operationId"] for _, _, op in OPERATIONS}
        return sorted(every - set(self.covered))

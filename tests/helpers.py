"""The API reference (docs/codego-api/endpoints.json) as the tests read it, and the
check that an answer has the documented shape."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

REFERENCE = Path(__file__).resolve().parent.parent / "docs" / "codego-api" / "endpoints.json"
# Endpoint name -> its entry in the reference, in the reference's order.
ENDPOINTS: dict[str, dict[str, Any]] = {
    entry["name"]: entry for entry in json.loads(REFERENCE.read_text())
}


def documented(name: str) -> dict[str, Any]:
    """The (first non-empty) success example of endpoint `name` in the API reference."""
    return next(
        r["json"] for r in ENDPOINTS[name]["responses"] if r["kind"] == "success" and r["json"]
    )


def shape_mismatches(documented: Any, actual: Any, path: str = "") -> list[str]:
    """Where `actual` lacks a documented key or has another JSON type."""
    if documented is None:  # null in the example: the type is not documented
        return []
    if isinstance(documented, dict):
        if not isinstance(actual, dict):
            return [f"{path or '<root>'}: object expected, got {type(actual).__name__}"]
        problems = []
        for key, value in documented.items():
            if key not in actual:
                problems.append(f"{path}.{key}: missing")
            else:
                problems.extend(shape_mismatches(value, actual[key], f"{path}.{key}"))
        return problems
    if isinstance(documented, list):
        if not isinstance(actual, list):
            return [f"{path}: array expected, got {type(actual).__name__}"]
        problems = []
        for number, item in enumerate(documented):
            # Each documented item must be matched by some real one (lists such as
            # industries carry their data in the keys).
            if not any(not shape_mismatches(item, candidate) for candidate in actual):
                detail = shape_mismatches(item, actual[0]) if actual else ["empty list"]
                problems.append(f"{path}[{number}]: no item matches ({'; '.join(detail[:3])})")
        return problems
    if isinstance(documented, bool):
        return [] if isinstance(actual, bool) else [f"{path}: boolean expected"]
    if isinstance(documented, int | float):
        ok = isinstance(actual, int | float) and not isinstance(actual, bool)
        return [] if ok else [f"{path}: number expected, got {actual!r}"]
    return [] if isinstance(actual, str) else [f"{path}: string expected, got {actual!r}"]


def assert_shape(actual: Any, example: Any) -> None:
    """Every key of the documented example is there, with the same JSON type."""
    problems = shape_mismatches(example, actual)
    assert not problems, problems

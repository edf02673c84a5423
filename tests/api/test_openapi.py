"""Every field a route returns is described in /openapi.json, so clients generated from it see the whole response."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import bearer


def _resolve(schema: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def undescribed(value: Any, schema: dict[str, Any], spec: dict[str, Any], path: str = "$") -> list[str]:
    """Paths of fields in ``value`` that ``schema`` does not describe."""
    schema = _resolve(schema, spec)
    options = schema.get("anyOf") or schema.get("oneOf")
    if options:
        results = [undescribed(value, option, spec, path) for option in options if _fits(value, option, spec)]
        return min(results, key=len) if results else [f"{path} (no anyOf option fits)"]
    if isinstance(value, dict):
        properties = schema.get("properties")
        extra = schema.get("additionalProperties")
        problems: list[str] = []
        for key, item in value.items():
            if properties is not None and key in properties:
                problems += undescribed(item, properties[key], spec, f"{path}.{key}")
            elif isinstance(extra, dict):
                problems += undescribed(item, extra, spec, f"{path}.{key}")
            elif extra is not True and not (properties is None and schema.get("type") == "object"):
                problems.append(f"{path}.{key}")
        return problems
    if isinstance(value, list) and "items" in schema:
        return [p for i, item in enumerate(value) for p in undescribed(item, schema["items"], spec, f"{path}[{i}]")]
    return []


def _fits(value: Any, schema: dict[str, Any], spec: dict[str, Any]) -> bool:
    schema = _resolve(schema, spec)
    kind = schema.get("type")
    types = {"null": type(None), "object": dict, "array": list, "string": str, "integer": int, "number": (int, float),
             "boolean": bool}  # fmt: skip
    return kind is None or isinstance(value, types.get(kind, object))  # type: ignore[arg-type]


def test_every_returned_field_is_in_the_openapi_schema(client: TestClient, tokens: dict[str, str]) -> None:
    spec = client.get("/openapi.json").json()
    headers = bearer(tokens["read"])
    chart = client.post("/api/v1/charts", json={"number": "EP3404678B1", "references": ["US11147202B2"]},
                        headers=headers)  # fmt: skip
    calls = {
        ("/api/v1/search", "get"): client.get("/api/v1/search?q=wireless&explain=true", headers=headers),
        ("/api/v1/patents/{number}", "get"): client.get("/api/v1/patents/EP3404678B1", headers=headers),
        ("/api/v1/patents/{number}/claims", "get"): client.get("/api/v1/patents/EP3404678B1/claims", headers=headers),
        ("/api/v1/patents/{number}/citations", "get"): client.get("/api/v1/patents/EP3404678B1/citations",
                                                                  headers=headers),
        ("/api/v1/patents/{number}/family", "get"): client.get("/api/v1/patents/US8799651/family", headers=headers),
        ("/api/v1/patents/{number}/similar", "get"): client.get("/api/v1/patents/US8799651/similar", headers=headers),
        ("/api/v1/charts", "post"): chart,
        ("/api/v1/stats", "get"): client.get("/api/v1/stats", headers=headers),
        ("/api/v1/history", "get"): client.get("/api/v1/history", headers=headers),
        ("/api/v1/jobs", "get"): client.get("/api/v1/jobs", headers=headers),
    }  # fmt: skip
    for (route, method), response in calls.items():
        assert response.status_code in (200, 201), (route, response.text)
        operation = spec["paths"][route][method]
        content = operation["responses"][str(response.status_code)]["content"]["application/json"]
        assert undescribed(response.json(), content["schema"], spec) == [], route
    error = client.get("/api/v1/patents/US1", headers=headers)
    error_schema = spec["paths"]["/api/v1/patents/{number}"]["get"]["responses"]["404"]["content"]["application/json"]
    assert undescribed(error.json(), error_schema["schema"], spec) == []


def test_every_api_route_needs_a_token_except_health(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    open_routes = []
    for path, operations in spec["paths"].items():
        if not path.startswith("/api/v1/") or "{" in path:
            continue
        for method in operations:
            response = client.request(method.upper(), path)
            if response.status_code != 401:
                open_routes.append((method, path, response.status_code))
    assert open_routes == [("get", "/api/v1/health", 200)]

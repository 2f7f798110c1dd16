# Copyright 2026 billing_payments contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Every API response the tests receive, checked against the OpenAPI documents.

``check_response`` finds the operation of a request (method and path matched
against the documents' path templates) and asserts that the response is one
it declares: a declared status code, its required headers, a declared
content type and a body valid against the response's JSON Schema (Draft
2020-12, ``$ref`` resolved within the document). A request that matches no
operation must have been answered 404 or 405 in the dialect's generic error
shape. The documents are built in-process from the dialects' declarations,
so a test that passes proves the document tells the truth about that answer.
"""

import json
import re
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from ..dialects.spaceinvoices import openapi as spaceinvoices_openapi
from ..dialects.waldur import openapi as waldur_openapi

# Which document describes a path, and the schema of its generic errors
# (what a route that does not exist, or a verb it does not take, answers).
DIALECTS = {
    "waldur": {"prefix": "/api/", "error": "Detail"},
    "spaceinvoices": {"prefix": "/v1", "error": "Error"},
}
JSON_MEDIA = re.compile(r"^application/(?:[\w.+-]+\+)?json$")
_documents = {}


class OpenApiMismatch(AssertionError):
    """A response that its operation in the OpenAPI document does not allow."""


def documents(env):
    """{dialect: (document, registry)}, built once per test process."""
    if not _documents:
        for name, doc in (
            ("waldur", waldur_openapi.document(env)),
            ("spaceinvoices", spaceinvoices_openapi.document()),
        ):
            resource = DRAFT202012.create_resource(doc)
            _documents[name] = (doc, Registry().with_resource(_uri(name), resource))
    return _documents


def _uri(dialect):
    return f"urn:billing-payments:openapi:{dialect}"


def dialect_of(path):
    """The dialect whose document describes ``path``, or None."""
    for name, spec in DIALECTS.items():
        prefix = spec["prefix"]
        if path.startswith(prefix) or path == prefix.rstrip("/"):
            return name
    return None


def _template_regex(template):
    """A path template as a regex; Odoo's routing map is not strict about
    slashes, so a trailing slash is optional."""
    parts = re.split(r"(\{[^}/]+\})", template.removesuffix("/"))
    pattern = "".join(
        "[^/]+" if part.startswith("{") else re.escape(part) for part in parts
    )
    return re.compile(pattern + ("/?" if template.endswith("/") else ""))


def find_operation(doc, method, path):
    """(template, operation) of ``method path``; operation None when the path
    matches a template that lacks the method; (None, None) for no template.

    Several templates may match (``/invoices/growth/`` and
    ``/invoices/{uuid}/``): the one with the fewest parameters wins, as in a
    router that tries literal routes first.
    """
    matches = [
        template
        for template in doc["paths"]
        if _template_regex(template).fullmatch(path)
    ]
    if not matches:
        return None, None
    template = min(matches, key=lambda item: item.count("{"))
    operations = doc["paths"][template]
    operation = operations.get(method.lower())
    if operation is None and method.upper() == "HEAD":
        # HEAD is GET without the body (RFC 9110, 9.3.2): a document that
        # lists no HEAD holds it to its GET's statuses and headers.
        operation = operations.get("get")
    return template, operation


def _resolve(doc, item):
    """``item`` with a local ``$ref`` followed (and its JSON pointer)."""
    pointer = None
    while "$ref" in item:
        pointer = item["$ref"].removeprefix("#")
        item = doc
        for part in pointer.strip("/").split("/"):
            item = item[part.replace("~1", "/").replace("~0", "~")]
    return item, pointer


def _validate(registry, dialect, schema_pointer, instance, what):
    validator = Draft202012Validator(
        {"$ref": f"{_uri(dialect)}#{schema_pointer}"},
        registry=registry,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
    errors = sorted(validator.iter_errors(instance), key=lambda error: error.path)
    if errors:
        messages = "\n".join(
            f"  at {'/'.join(map(str, error.absolute_path)) or '(root)'}: "
            f"{error.message}"
            for error in errors[:10]
        )
        raise OpenApiMismatch(f"{what}: the body breaks its schema:\n{messages}")


def _pointer(*parts):
    return "".join(
        "/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts
    )


def check_response(env, method, url, status, headers, body):  # noqa: C901
    """Assert that the answer ``status``/``headers``/``body`` (bytes) to
    ``method url`` is one the OpenAPI documents declare.

    ``headers`` is a case-insensitive mapping. Raises OpenApiMismatch.
    """
    method = method.upper()
    path = urlsplit(url).path
    what = f"{method} {path} → {status}"
    dialect = dialect_of(path)
    if dialect is None:
        raise OpenApiMismatch(
            f"{what}: no API document describes this path (pass "
            "validate=False for a request that deliberately misses the APIs)"
        )
    doc, registry = documents(env)[dialect]
    template, operation = find_operation(doc, method, path)
    if operation is None:
        # No such route, or a verb it does not take: a generic error.
        if status not in (404, 405):
            raise OpenApiMismatch(
                f"{what}: the document has no operation "
                f"{method} {template or path}, yet the server answered it"
            )
        if method == "HEAD":  # no body to check
            if body:
                raise OpenApiMismatch(f"{what}: a HEAD response has a body")
            return
        _check_json(
            registry,
            dialect,
            _pointer("components", "schemas", DIALECTS[dialect]["error"]),
            headers,
            body,
            f"{what} (no operation)",
        )
        return
    where = f"{what} ({method} {template})"
    responses = operation["responses"]
    key = next(
        (k for k in (str(status), f"{str(status)[0]}XX", "default") if k in responses),
        None,
    )
    if key is None:
        raise OpenApiMismatch(
            f"{where}: status {status} is not declared (declared: "
            f"{', '.join(responses)})"
        )
    response, pointer = _resolve(doc, responses[key])
    pointer = pointer or _pointer("paths", template, method.lower(), "responses", key)
    for name, header in response.get("headers", {}).items():
        header, _pointer_unused = _resolve(doc, header)
        if name not in headers:
            if header.get("required"):
                raise OpenApiMismatch(f"{where}: the required header {name} is missing")
            continue
        errors = list(Draft202012Validator(header["schema"]).iter_errors(headers[name]))
        if errors:
            raise OpenApiMismatch(
                f"{where}: header {name}: {headers[name]!r}: {errors[0].message}"
            )
    content = response.get("content")
    if method == "HEAD":
        if body:
            raise OpenApiMismatch(f"{where}: a HEAD response has a body")
        return
    if not content:
        if body:
            raise OpenApiMismatch(
                f"{where}: the document declares no body, yet there is one: "
                f"{body[:200]!r}"
            )
        return
    mimetype = headers.get("Content-Type", "").split(";")[0].strip().lower()
    if mimetype not in content:
        raise OpenApiMismatch(
            f"{where}: content type {mimetype!r} is not declared ({', '.join(content)})"
        )
    if JSON_MEDIA.match(mimetype):
        _check_json(
            registry,
            dialect,
            f"{pointer}/content/{mimetype.replace('/', '~1')}/schema",
            headers,
            body,
            where,
        )


def _check_json(registry, dialect, schema_pointer, headers, body, what):
    mimetype = headers.get("Content-Type", "").split(";")[0].strip().lower()
    if not JSON_MEDIA.match(mimetype):
        raise OpenApiMismatch(f"{what}: not JSON but {mimetype!r}: {body[:200]!r}")
    try:
        instance = json.loads(body)
    except ValueError as error:
        raise OpenApiMismatch(f"{what}: the body is not JSON: {error}") from error
    _validate(registry, dialect, schema_pointer, instance, what)


def check_requests_response(env, response):
    """``check_response`` of a ``requests`` response."""
    request = response.request
    check_response(
        env,
        request.method,
        request.url,
        response.status_code,
        response.headers,
        response.content,
    )


def check_httpx_response(env, response):
    """``check_response`` of an ``httpx`` response (an event hook's)."""
    response.read()
    check_response(
        env,
        response.request.method,
        str(response.request.url),
        response.status_code,
        response.headers,
        response.content,
    )

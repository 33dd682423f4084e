"""What every operation shares: key authentication, the per-resource quota, JSON bodies,
errors in the API's shape, links, paging and filters."""

from __future__ import annotations

import functools
import json
import logging
import math
import re
import time
from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt

from localspeech.errors import ApiError, bad_request, invalid_body
from localspeech.models import Resource, ResourceKey, key_digest

logger = logging.getLogger(__name__)
API_PREFIX = "/speechtotext/v3.2"
KEY_HEADER = "Ocp-Apim-Subscription-Key"
MAX_TOP = 100


def authenticate(request: HttpRequest) -> Resource:
    key = request.headers.get(KEY_HEADER, "").strip()
    if not key:
        raise ApiError(401, "Unauthorized", f"Missing the {KEY_HEADER} header.")
    found = ResourceKey.objects.select_related("resource").filter(digest=key_digest(key)).first()
    if found is None:
        raise ApiError(
            401, "Unauthorized", "Access denied due to an invalid subscription key for this API."
        )
    return found.resource


def enforce_quota(resource: Resource) -> None:
    """A fixed window per resource (documented quota: 100 requests per 10 s)."""
    window = settings.LOCALSPEECH_WINDOW_SECONDS
    limit = settings.LOCALSPEECH_REQUESTS_PER_WINDOW
    now = time.time()
    slot = int(now // window)
    key = f"localspeech:quota:{resource.id}:{slot}"
    cache.add(key, 0, timeout=window * 2)
    try:
        used = cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, timeout=window * 2)
        used = 1
    if used > limit:
        retry = max(1, math.ceil((slot + 1) * window - now))
        raise ApiError(
            429,
            "TooManyRequests",
            f"The quota of {limit} requests per {window} s for this resource is used up; "
            f"retry after {retry} s.",
            headers={"Retry-After": str(retry)},
        )


def json_body(request: HttpRequest, required: bool = True) -> dict | list | None:
    raw = request.body
    if not raw.strip():
        if required:
            raise ApiError(400, "InvalidRequest", "The request body is empty.", "EmptyRequest")
        return None
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        hint = ""
        if exc.msg.startswith("Expecting property name") or exc.msg.startswith("Expecting value"):
            hint = " (a trailing comma before '}' or ']' is not allowed in JSON)"
        raise invalid_body(
            f"The request body is not valid JSON: {exc.msg} at line {exc.lineno}, "
            f"column {exc.colno}{hint}."
        ) from exc
    except UnicodeDecodeError as exc:
        raise invalid_body("The request body is not UTF-8 text.") from exc


def api(*methods: str, quota: bool = True) -> Callable:
    """Wraps an operation: method check, key, quota, errors as the API's Error body.

    The view gets (request, resource, **kwargs); `request.resource` is set too.
    """

    def decorate(view: Callable) -> Callable:
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request: HttpRequest, **kwargs) -> HttpResponse:
            try:
                if request.method not in methods:
                    raise ApiError(
                        405, "NotAllowed", f"{request.method} is not allowed here.", target="method"
                    )
                resource = authenticate(request)
                if quota:
                    enforce_quota(resource)
                request.resource = resource
                return view(request, resource, **kwargs)
            except ApiError as exc:
                return exc.response()
            except Exception:
                logger.exception("localspeech: %s %s failed", request.method, request.path)
                return ApiError(
                    500, "InternalServerError", "The service failed to handle the request."
                ).response()

        return wrapper

    return decorate


def dispatch(**handlers: Callable) -> Callable:
    """One URL, one handler per HTTP method, all wrapped by `api`."""
    wrapped = {method.upper(): handler for method, handler in handlers.items()}

    @api(*wrapped)
    def view(request: HttpRequest, resource: Resource, **kwargs) -> HttpResponse:
        return wrapped[request.method](request, resource, **kwargs)

    return view


# Links ----------------------------------------------------------------------------------------


def origin(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


def api_url(request: HttpRequest, path: str) -> str:
    return f"{origin(request)}{API_PREFIX}/{path.lstrip('/')}"


def reference(request: HttpRequest, path: str) -> dict:
    return {"self": api_url(request, path)}


_REF = re.compile(
    r"/speechtotext/v3\.2/(?P<kind>projects|datasets|models|evaluations|endpoints|transcriptions)"
    r"/(?P<base>base/)?(?P<id>[0-9a-fA-F-]{36})/?$"
)


def parse_reference(value: object, field: str, kinds: tuple[str, ...]) -> tuple[str, str, bool]:
    """(kind, id, is_base_model) from an EntityReference {"self": url}; 400 when malformed."""
    if value is None:
        raise bad_request(f"'{field}' is required.", target=field)
    if not isinstance(value, dict) or not isinstance(value.get("self"), str):
        raise bad_request(f"'{field}' must be an object with a 'self' URL.", target=field)
    match = _REF.search(value["self"])
    if not match or match.group("kind") not in kinds:
        raise bad_request(
            f"'{field}.self' is not a {' or '.join(kinds)} URL: {value['self']!r}.", target=field
        )
    return match.group("kind"), match.group("id").lower(), bool(match.group("base"))


# Paging and filters ---------------------------------------------------------------------------


def paging(request: HttpRequest) -> tuple[int, int]:
    def number(name: str, default: int) -> int:
        raw = request.GET.get(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError as exc:
            raise bad_request(
                f"'{name}' must be a whole number, not {raw!r}.", target=name
            ) from exc
        if value < 0:
            raise bad_request(f"'{name}' must not be negative.", target=name)
        return value

    return number("skip", 0), min(number("top", MAX_TOP), MAX_TOP) or MAX_TOP


_CLAUSE = re.compile(
    r"^\s*(?P<field>\w+)\s+(?P<op>eq|ne|gt|ge|lt|le)\s+(?P<value>'(?:[^']|'')*'|\S+)\s*$", re.I
)
FILTER_FIELDS = {
    "status": "status",
    "kind": "dataset_kind",
    "displayName": "display_name",
    "locale": "locale",
    "createdDateTime": "created_at",
    "lastActionDateTime": "last_action_at",
}
_LOOKUPS = {"eq": "", "gt": "__gt", "ge": "__gte", "lt": "__lt", "le": "__lte"}


def apply_filter(queryset: QuerySet, expression: str | None) -> QuerySet:
    """The documented filter subset: clauses joined by 'and', e.g.
    `status eq 'Succeeded' and lastActionDateTime gt 2024-01-01T00:00:00Z`."""
    if not expression:
        return queryset
    for clause in re.split(r"\s+and\s+", expression.strip(), flags=re.I):
        match = _CLAUSE.match(clause)
        if not match:
            raise ApiError(
                400,
                "InvalidArgument",
                f"Cannot read the filter clause {clause!r}: use 'field op value'.",
                "UnsupportedFilter",
                "filter",
            )
        field, op, value = match["field"], match["op"].lower(), match["value"]
        column = FILTER_FIELDS.get(field)
        if column is None:
            raise ApiError(
                400,
                "InvalidArgument",
                f"Filtering on {field!r} is not supported; use one of {', '.join(FILTER_FIELDS)}.",
                "UnsupportedFilter",
                "filter",
            )
        if value.startswith("'"):
            value = value[1:-1].replace("''", "'")
        if column.endswith("_at"):
            moment = parse_datetime(value)
            if moment is None:
                raise bad_request(f"{value!r} is not a date-time (ISO 8601).", "UnsupportedFilter")
            value = moment
        elif op not in ("eq", "ne"):
            raise bad_request(f"{field} supports only eq and ne.", "UnsupportedFilter", "filter")
        if op == "ne":
            queryset = queryset.exclude(**{column: value})
        else:
            queryset = queryset.filter(**{f"{column}{_LOOKUPS[op]}": value})
    return queryset


def page(
    request: HttpRequest, queryset, render: Callable[[object], dict], path: str
) -> JsonResponse:
    """A paginated list: `values`, and `@nextLink` when more follow."""
    skip, top = paging(request)
    if isinstance(queryset, QuerySet):
        queryset = apply_filter(queryset, request.GET.get("filter"))
    items = list(queryset[skip : skip + top + 1])
    body: dict = {"values": [render(item) for item in items[:top]]}
    if len(items) > top:
        query = {"skip": skip + top, "top": top}
        if request.GET.get("filter"):
            query["filter"] = request.GET["filter"]
        body["@nextLink"] = f"{api_url(request, path)}?{urlencode(query)}"
    return JsonResponse(body)


def created(body: dict, status: int = 201) -> JsonResponse:
    response = JsonResponse(body, status=status)
    if "self" in body:
        response["Location"] = body["self"]
    return response


def with_retry_after(response: JsonResponse, status: str | None) -> JsonResponse:
    """Non-terminal entities tell clients when to look again."""
    if status in ("NotStarted", "Running"):
        response["Retry-After"] = "5"
    return response


def require_object(data: object) -> dict:
    if not isinstance(data, dict):
        raise invalid_body("The request body must be a JSON object.")
    return data


def parse_iso(value: str) -> datetime | None:
    return parse_datetime(value)

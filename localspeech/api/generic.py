"""The operations every entity kind shares: list, create, get, update, delete, files."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

from localspeech.api.base import (
    created,
    json_body,
    origin,
    page,
    require_object,
    with_retry_after,
)
from localspeech.api.serializers import entity_json, file_json
from localspeech.errors import ApiError, not_found
from localspeech.models import Entity, Kind
from localspeech.services.entities import entities, get_entity, with_counts
from localspeech.storage import find_file, list_files


def render(request: HttpRequest) -> Callable[[Entity], dict]:
    def one(entity: Entity) -> dict:
        if entity.kind == Kind.PROJECT:
            with_counts(entity)
        return entity_json(request, entity)

    return one


def list_handler(kind: str) -> Callable:
    def handler(request: HttpRequest, resource) -> HttpResponse:
        return page(request, entities(resource, kind), render(request), kind)

    return handler


def project_list_handler(kind: str) -> Callable:
    def handler(request: HttpRequest, resource, id) -> HttpResponse:
        project = get_entity(resource, Kind.PROJECT, id)
        return page(
            request, entities(resource, kind, project), render(request), f"projects/{id}/{kind}"
        )

    return handler


def create_handler(create: Callable) -> Callable:
    def handler(request: HttpRequest, resource) -> HttpResponse:
        entity = create(resource, require_object(json_body(request)), origin(request))
        return created(render(request)(entity))

    return handler


def get_handler(kind: str) -> Callable:
    def handler(request: HttpRequest, resource, id) -> HttpResponse:
        entity = get_entity(resource, kind, id)
        return with_retry_after(JsonResponse(render(request)(entity)), entity.status)

    return handler


def update_handler(kind: str, update: Callable) -> Callable:
    def handler(request: HttpRequest, resource, id) -> HttpResponse:
        entity = get_entity(resource, kind, id)
        entity = update(entity, require_object(json_body(request)))
        return JsonResponse(render(request)(entity))

    return handler


def delete_handler(kind: str, delete: Callable) -> Callable:
    def handler(request: HttpRequest, resource, id) -> HttpResponse:
        delete(get_entity(resource, kind, id))
        return HttpResponse(status=204)

    return handler


def _sas(request: HttpRequest) -> int | None:
    raw = request.GET.get("sasValidityInSeconds")
    return int(raw) if raw and raw.isdigit() and int(raw) > 0 else None


def files_handler(kind: str) -> Callable:
    def handler(request: HttpRequest, resource, id) -> HttpResponse:
        entity = get_entity(resource, kind, id)
        stored = list_files(resource.id, entity.id)
        seconds = _sas(request)
        return page(
            request,
            stored,
            lambda f: file_json(request, f, f"{kind}/{id}/files/{f.id}", seconds),
            f"{kind}/{id}/files",
        )

    return handler


def file_handler(kind: str) -> Callable:
    def handler(request: HttpRequest, resource, id, file_id) -> HttpResponse:
        entity = get_entity(resource, kind, id)
        stored = find_file(resource.id, entity.id, str(file_id))
        if stored is None:
            raise not_found(f"File {file_id} of {kind[:-1]} {id}")
        return JsonResponse(
            file_json(request, stored, f"{kind}/{id}/files/{file_id}", _sas(request))
        )

    return handler


def missing_id_handler(kind: str) -> Callable:
    """PATCH or DELETE on a collection: the id is missing from the URL (the seed's connect-model
    example has this mistake). Says so, and also what is wrong with the body, if anything."""

    def handler(request: HttpRequest, resource) -> HttpResponse:
        problem = ""
        if request.body.strip():
            try:
                json_body(request)
            except ApiError as exc:
                problem = f" Also: {exc.message}"
        raise ApiError(
            400,
            "InvalidRequest",
            f"{request.method} needs the id in the URL: .../{kind}/{{id}}, not "
            f".../{kind}.{problem}",
            "InvalidParameterValue",
            "id",
        )

    return handler

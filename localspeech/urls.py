"""Routes of the Speech to text REST API v3.2 (all 75 operations of the definition), the
short-audio recognition path and signed content downloads."""

from __future__ import annotations

from django.urls import path

from localspeech.api import content, recognition
from localspeech.api import generic as g
from localspeech.api import views as v
from localspeech.api.base import dispatch
from localspeech.models import Kind
from localspeech.services import entities as svc

P, D, M, EV, EP, T, W = (
    Kind.PROJECT,
    Kind.DATASET,
    Kind.MODEL,
    Kind.EVALUATION,
    Kind.ENDPOINT,
    Kind.TRANSCRIPTION,
    Kind.WEBHOOK,
)


def _simple_delete(event: str):
    return lambda entity: svc.simple_delete(entity, event)


def crud(kind, create, update, delete):
    """The collection route and the item route of one entity kind."""
    return (
        dispatch(
            get=g.list_handler(kind),
            post=g.create_handler(create),
            patch=g.missing_id_handler(kind),
            delete=g.missing_id_handler(kind),
        ),
        dispatch(
            get=g.get_handler(kind),
            patch=g.update_handler(kind, update),
            delete=g.delete_handler(kind, delete),
        ),
    )


projects, project = crud(P, svc.project_create, svc.project_update, svc.project_delete)
datasets, dataset = crud(D, svc.dataset_create, svc.dataset_update, svc.dataset_delete)
models, model = crud(M, svc.model_create, svc.model_update, svc.model_delete)
evaluations, evaluation = crud(
    EV, svc.evaluation_create, svc.evaluation_update, _simple_delete("evaluationDeletion")
)
endpoints, endpoint = crud(
    EP, svc.endpoint_create, svc.endpoint_update, _simple_delete("endpointDeletion")
)
transcriptions, transcription = crud(
    T, svc.transcription_create, svc.transcription_update, _simple_delete("transcriptionDeletion")
)
webhooks, webhook = crud(W, svc.webhook_create, svc.webhook_update, _simple_delete("none"))

locales = dispatch(get=v.locales)

api_patterns = [
    # Projects
    path("projects/locales", locales),
    path("projects", projects),
    path("projects/<uuid:id>", project),
    *[
        path(f"projects/<uuid:id>/{kind}", dispatch(get=g.project_list_handler(kind)))
        for kind in (EV, D, EP, M, T)
    ],
    # Datasets
    path("datasets/locales", dispatch(get=v.dataset_locales)),
    path("datasets/upload", dispatch(post=v.dataset_upload)),
    path("datasets", datasets),
    path("datasets/<uuid:id>", dataset),
    path("datasets/<uuid:id>/blocks", dispatch(get=v.blocks_list, put=v.block_upload)),
    path("datasets/<uuid:id>/blocks:commit", dispatch(post=v.blocks_commit)),
    path("datasets/<uuid:id>/files", dispatch(get=g.files_handler(D))),
    path("datasets/<uuid:id>/files/<uuid:file_id>", dispatch(get=g.file_handler(D))),
    # Models
    path("models/locales", locales),
    path("models/base", dispatch(get=v.base_models)),
    path("models/base/<uuid:id>", dispatch(get=v.base_model)),
    path("models/base/<uuid:id>/manifest", dispatch(get=v.base_manifest)),
    path("models:authorizecopy", dispatch(post=v.authorize_copy)),
    path("models", models),
    path("models/<uuid:id>", model),
    path("models/<uuid:id>:copy", dispatch(post=v.model_copy)),
    path("models/<uuid:id>/manifest", dispatch(get=v.model_manifest)),
    path("models/<uuid:id>/files", dispatch(get=g.files_handler(M))),
    path("models/<uuid:id>/files/<uuid:file_id>", dispatch(get=g.file_handler(M))),
    path("operations/models/copy/<uuid:id>", dispatch(get=v.copy_operation)),
    # Evaluations
    path("evaluations/locales", locales),
    path("evaluations", evaluations),
    path("evaluations/<uuid:id>", evaluation),
    path("evaluations/<uuid:id>/files", dispatch(get=g.files_handler(EV))),
    path("evaluations/<uuid:id>/files/<uuid:file_id>", dispatch(get=g.file_handler(EV))),
    # Endpoints
    path("endpoints/locales", locales),
    path("endpoints", endpoints),
    path("endpoints/<uuid:id>", endpoint),
    path(
        "endpoints/<uuid:id>/files/logs",
        dispatch(get=v.endpoint_logs, delete=v.endpoint_logs),
    ),
    path(
        "endpoints/<uuid:id>/files/logs/<str:log_id>",
        dispatch(get=v.endpoint_log, delete=v.endpoint_log),
    ),
    path(
        "endpoints/base/<str:locale>/files/logs",
        dispatch(get=v.base_logs, delete=v.base_logs),
    ),
    path(
        "endpoints/base/<str:locale>/files/logs/<str:log_id>",
        dispatch(get=v.base_log, delete=v.base_log),
    ),
    # Transcriptions
    path("transcriptions/locales", locales),
    path("transcriptions", transcriptions),
    path("transcriptions/<uuid:id>", transcription),
    path("transcriptions/<uuid:id>/files", dispatch(get=g.files_handler(T))),
    path("transcriptions/<uuid:id>/files/<uuid:file_id>", dispatch(get=g.file_handler(T))),
    # Web hooks
    path("webhooks", webhooks),
    path("webhooks/<uuid:id>", webhook),
    path("webhooks/<uuid:id>:ping", dispatch(post=v.webhook_ping)),
    path("webhooks/<uuid:id>:test", dispatch(post=v.webhook_test)),
]

recognition_patterns = [
    path("<str:mode>/cognitiveservices/v1", recognition.recognize),
]

content_patterns = [
    path("content/<str:token>", content.content, name="localspeech_content"),
    path("base-model-files/<str:name>", content.base_model_file),
]

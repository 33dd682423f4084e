"""The bundled service's jobs on the `engine` queue: thin wrappers taking ids."""

from __future__ import annotations

from celery import shared_task

from localspeech.services import jobs, webhooks

# Jobs are idempotent by state guards, so a redelivered message is harmless; a crash mid-job
# retries a few times before the entity is left for the user to see.
ENGINE = {"acks_late": True, "max_retries": 2, "default_retry_delay": 5}


@shared_task(name="engine.dataset_import", **ENGINE)
def dataset_import(dataset_id: str) -> None:
    jobs.dataset_import(dataset_id)


@shared_task(name="engine.model_train", **ENGINE)
def model_train(model_id: str) -> None:
    jobs.model_train(model_id)


@shared_task(name="engine.evaluation_run", **ENGINE)
def evaluation_run(evaluation_id: str) -> None:
    jobs.evaluation_run(evaluation_id)


@shared_task(name="engine.transcription_run", **ENGINE)
def transcription_run(transcription_id: str) -> None:
    jobs.transcription_run(transcription_id)


@shared_task(name="engine.endpoint_deploy", **ENGINE)
def endpoint_deploy(endpoint_id: str) -> None:
    jobs.endpoint_deploy(endpoint_id)


@shared_task(name="engine.model_copy", **ENGINE)
def model_copy(operation_id: str) -> None:
    jobs.model_copy(operation_id)


@shared_task(name="engine.webhook_challenge", **ENGINE)
def webhook_challenge(hook_id: str) -> None:
    webhooks.challenge(hook_id)


@shared_task(name="engine.webhook_event", acks_late=True, ignore_result=True)
def webhook_event(resource_id: str, entity_id: str | None, event: str) -> None:
    webhooks.deliver(resource_id, entity_id, event)


@shared_task(name="engine.webhook_ping", acks_late=True)
def webhook_ping(hook_id: str) -> None:
    webhooks.ping_by_id(hook_id)


@shared_task(name="engine.webhook_test", acks_late=True)
def webhook_test(hook_id: str) -> None:
    webhooks.test_by_id(hook_id)

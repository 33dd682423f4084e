from __future__ import annotations

from celery import shared_task

from portal import sync
from portal.tasks import remote_create
from training import services
from training.models import CustomModel, Evaluation


# Retries and refusals as in portal.tasks.remote_create: a retry never trains twice.
@shared_task(name="sync.model_create_remote", bind=True, acks_late=True, max_retries=5)
def model_create_remote(self, model_id: int) -> None:
    remote_create(self, CustomModel, "models", model_id, services.model_body)


@shared_task(name="sync.evaluation_create_remote", bind=True, acks_late=True, max_retries=5)
def evaluation_create_remote(self, evaluation_id: int) -> None:
    remote_create(self, Evaluation, "evaluations", evaluation_id, services.evaluation_body)


@shared_task(name="sync.evaluation_details_fetch", acks_late=True)
def evaluation_details_fetch(evaluation_id: int) -> None:
    evaluation = Evaluation.objects.select_related("resource").filter(id=evaluation_id).first()
    if evaluation is not None and evaluation.details is None:
        sync.evaluation_details_fetch(evaluation)


@shared_task(name="training.auto_test", acks_late=True)
def auto_test(model_id: int) -> None:
    model = CustomModel.objects.select_related("project", "resource").filter(id=model_id).first()
    if model is not None:
        services.auto_test_after_training(model)


@shared_task(name="sync.model_files_fetch", acks_late=True)
def model_files_fetch(model_id: int) -> None:
    model = CustomModel.objects.select_related("resource").filter(id=model_id).first()
    if model is not None and model.files is None:
        sync.model_files_fetch(model)

"""Reacting to remote entities finishing: the automatic test after training, and fetching a
test's per-file results."""

from __future__ import annotations

from django.dispatch import receiver

from portal.signals import remote_finished


@receiver(remote_finished)
def on_remote_finished(sender, kind: str, row, **kwargs) -> None:
    from training import tasks

    if kind == "models" and row.status == "Succeeded":
        tasks.auto_test.delay(row.id)
        tasks.model_files_fetch.delay(row.id)
    elif kind == "evaluations" and row.status == "Succeeded":
        tasks.evaluation_details_fetch.delay(row.id)

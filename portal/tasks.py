"""Portal-wide periodic tasks."""

from __future__ import annotations

import socket

from celery import shared_task

from portal.services import heartbeat_record


@shared_task(name="portal.heartbeat", acks_late=True)
def heartbeat() -> None:
    heartbeat_record(hostname=socket.gethostname())

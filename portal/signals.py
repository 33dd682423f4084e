"""Signals other apps listen to, so the sync machinery needs no knowledge of them."""

from django.dispatch import Signal

# Sent when a mirrored entity reaches Succeeded or Failed: kind (the API's collection name), row.
remote_finished = Signal()

"""Manage the bundled speech service's resources and keys.

manage.py localspeech createkey --region westus [--name NAME]   prints only the new key
manage.py localspeech showkey KEY [--json]                       the resource of a key
manage.py localspeech addkey KEY                                 a second key (rotation)
"""

from __future__ import annotations

import json
import re

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from localspeech.services.keys import key_add, resource_create, resource_for_key

_REGION = re.compile(r"^[a-z0-9]{2,30}$")


class Command(BaseCommand):
    help = "Create and inspect keys of the bundled speech service."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("createkey", help="Create a resource and print its key.")
        create.add_argument("--region", required=True, help="e.g. westus, westeurope")
        create.add_argument("--name", help="resource name (default: local-REGION)")
        show = sub.add_parser("showkey", help="Show the resource a key belongs to.")
        show.add_argument("key")
        show.add_argument("--json", action="store_true")
        add = sub.add_parser("addkey", help="Add a second key to the key's resource.")
        add.add_argument("key")
        parser.add_argument("--base-url", default="http://127.0.0.1:8000")

    def handle(self, *args, **options) -> None:
        action = options["action"]
        if action == "createkey":
            region = options["region"].lower()
            if not _REGION.match(region):
                raise CommandError(
                    f"--region {options['region']!r}: use letters and digits, e.g. westus."
                )
            _, key = resource_create(name=options["name"] or f"local-{region}", region=region)
            self.stdout.write(key)
            return
        resource = resource_for_key(options["key"])
        if resource is None:
            raise CommandError("No resource has this key.")
        if action == "addkey":
            self.stdout.write(key_add(resource=resource))
            return
        base = options["base_url"].rstrip("/")
        info = {
            "id": str(resource.id),
            "resourceId": resource.resource_id,
            "name": resource.name,
            "region": resource.region,
            "managementBaseUrl": f"{base}/speechtotext/v3.2",
            "recognitionBaseUrl": f"{base}/speech/recognition",
            "keys": [f"••••{k.last4}" for k in resource.keys.order_by("created_at")],
            "requestsPer10Seconds": settings.LOCALSPEECH_REQUESTS_PER_WINDOW,
        }
        if options["json"]:
            self.stdout.write(json.dumps(info, indent=2, ensure_ascii=False))
        else:
            for name, value in info.items():
                self.stdout.write(f"{name}: {value}")

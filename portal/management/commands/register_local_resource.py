"""Registers the bundled speech service as a ready local Speech resource (idempotent).

The key comes from `manage.py localspeech createkey`, as a user would make it; the portal only
talks to the service over HTTP at --url.
"""

from __future__ import annotations

import json
from io import StringIO

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from portal.models import ResourceKind, SpeechResource, Team
from portal.services import resource_save


class Command(BaseCommand):
    help = "Register the bundled speech service as a Speech resource of a team."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000")
        parser.add_argument("--region", default="westus")
        parser.add_argument("--team", default="Demo team")
        parser.add_argument("--name", default=None)

    def handle(self, *args, **options) -> None:
        team = Team.objects.filter(name=options["team"]).first()
        if team is None:
            raise CommandError(f"No team is called {options['team']!r}.")
        url = options["url"].rstrip("/")
        region = options["region"]
        name = options["name"] or f"Local speech ({region})"
        existing = (
            SpeechResource.objects.filter(name=name).first()
            or SpeechResource.objects.filter(
                kind=ResourceKind.LOCAL, region=region, management_url=url
            ).first()
        )
        if existing:
            self.stdout.write(f"{existing.name} is already registered.")
            return
        out = StringIO()
        call_command("localspeech", "createkey", "--region", region, "--name", name, stdout=out)
        key = out.getvalue().strip()
        info = StringIO()
        call_command("localspeech", "showkey", key, "--json", stdout=info)
        resource = SpeechResource(
            arm_id=json.loads(info.getvalue())["resourceId"],
            name=name,
            kind=ResourceKind.LOCAL,
            region=region,
            management_url=url,
            recognition_url=url,
            default_team=team,
        )
        resource_save(resource=resource, key=key, teams=[team])
        self.stdout.write(f"Registered {name} at {url} for {team.name}.")

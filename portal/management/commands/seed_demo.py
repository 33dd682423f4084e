"""Starts the demo workspace on the bundled service (idempotent; returns at once: the worker
does the work and the dashboard shows it)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from portal.demo import demo_start
from portal.models import ResourceKind, SpeechResource, Team


class Command(BaseCommand):
    help = (
        "Seed the demo project, datasets, model, test and endpoint through the portal's own flows."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--team", default="Demo team")
        parser.add_argument("--region", default="westus")
        parser.add_argument(
            "--force", action="store_true", help="make it again after the user deleted it"
        )

    def handle(self, *args, **options) -> None:
        team = Team.objects.filter(name=options["team"]).first()
        resource = SpeechResource.objects.filter(
            kind=ResourceKind.LOCAL, region=options["region"]
        ).first()
        if team is None or resource is None:
            raise CommandError("Run demo_user and register_local_resource first.")
        seed = demo_start(team=team, resource=resource, force=options["force"])
        if seed is None:
            self.stdout.write("The demo was deleted; run with --force to make it again.")
        else:
            self.stdout.write(f"Demo for {team.name}: {seed.step}.")

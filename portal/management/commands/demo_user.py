"""Creates the development login demo/demo (staff, admin of the Demo team). Development only."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portal.models import Membership, Role, Team

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo"
DEMO_TEAM = "Demo team"


class Command(BaseCommand):
    help = "Create the demo login (username demo, password demo) for local development."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("The demo login is for development only; it needs DEBUG=true.")
        User = get_user_model()
        with transaction.atomic():
            user, created = User.objects.get_or_create(
                username=DEMO_USERNAME, defaults={"is_staff": True, "is_superuser": True}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            team, _ = Team.objects.get_or_create(name=DEMO_TEAM)
            Membership.objects.get_or_create(team=team, user=user, defaults={"role": Role.ADMIN})
        state = "created" if created else "already there"
        self.stdout.write(
            f"Demo login ({state}): username {DEMO_USERNAME!r}, password {DEMO_PASSWORD!r}"
        )

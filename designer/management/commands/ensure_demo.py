from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

USERNAME = "demo"
PASSWORD = "demo-password"
#: A second person, so that a newcomer can try the review (nobody approves their own draft).
REVIEWER = "reviewer"


class Command(BaseCommand):
    help = (
        "Create or repair the demo superuser (demo / demo-password) and a demo reviewer "
        "(reviewer / demo-password). Development only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", default="8000", help="port named in the login hint")

    def handle(self, *args, port: str, **options) -> None:
        # The password is published in the README: never create this account in production.
        if not settings.DEBUG:
            raise CommandError(
                "ensure_demo creates a superuser with a known password; it runs only with DEBUG=1."
            )
        user, created = get_user_model().objects.get_or_create(username=USERNAME)
        user.is_active = user.is_staff = user.is_superuser = True
        # Addresses at example.com: review notifications show on the console (no mail leaves).
        user.email = user.email or "demo@example.com"
        if created or not user.check_password(PASSWORD):
            user.set_password(PASSWORD)
        user.save()
        reviewer, _ = get_user_model().objects.get_or_create(username=REVIEWER)
        if not reviewer.check_password(PASSWORD):
            reviewer.set_password(PASSWORD)
        reviewer.email = reviewer.email or "reviewer@example.com"
        reviewer.save()
        self.stdout.write(f"{'Created' if created else 'Found'} demo user {USERNAME!r}.")
        self.stdout.write(f"Log in at http://127.0.0.1:{port}/ as {USERNAME} / {PASSWORD}")
        self.stdout.write(f"To review the demo's draft, log in (another browser) as {REVIEWER} / {PASSWORD}")

from django.core.management.base import BaseCommand, CommandError

from kohtaamo.accounts.actions import create_api_token
from kohtaamo.accounts.models import User


class Command(BaseCommand):
    help = "Create a personal API token for a user and print it once."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="What the token is for")

    def handle(self, *args, username, name, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user called {username!r}.")
        _token, plain = create_api_token(user, name=name)
        self.stderr.write("Store this token now; it is not shown again.")
        self.stdout.write(plain)

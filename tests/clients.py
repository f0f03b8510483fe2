"""The test client of the suite."""

from django.test import Client

from .factories import record_second_factor


class SignedInClient(Client):
    """A test client whose ``force_login`` stands for a completed sign-in.

    The real sign-in of an account with an authenticator app (every staff factory gives one, see
    tests.factories) records the second-factor step in the session; so does this. Tests of the
    second factor itself sign in through the login form or with ``client.login`` (password only).
    """

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        record_second_factor(self, user)

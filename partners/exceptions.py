"""Errors of the partner registry; their messages are shown to users as they are."""


class PartnersError(Exception):
    """Base error of the partners app, carrying a Polish message."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


class TercImportError(PartnersError):
    """The TERC file cannot be imported; nothing was written."""


class MembershipError(PartnersError):
    """A join request or a decision on it is not allowed in the current state."""


class NotAllowedError(PartnersError):
    """The actor may not do this on behalf of the organisation."""

"""Errors of the advisory app; their messages are shown to users as they are (Polish)."""

from django.utils.translation import gettext as _


class AdvisoryError(Exception):
    """Base class: `message` is a translated sentence ready to show."""

    default_message = ""

    def __init__(self, message: str | None = None):
        self.message = message or str(self.default_message)
        super().__init__(self.message)


class NotJstMember(AdvisoryError):
    def __init__(self, message: str | None = None):
        super().__init__(
            message
            or _(
                "Wniosek o doradztwo może złożyć tylko osoba, której członkostwo w jednostce samorządu "
                "terytorialnego (JST) zostało zatwierdzone."
            )
        )


class TransitionNotAllowed(AdvisoryError):
    pass


class ConcurrentChange(AdvisoryError):
    def __init__(self, message: str | None = None):
        super().__init__(
            message
            or _(
                "Ktoś inny zmienił tę sprawę w międzyczasie. Ta zmiana nie została zapisana – prosimy "
                "odświeżyć stronę, sprawdzić aktualny stan i spróbować ponownie."
            )
        )


class PermissionDenied(AdvisoryError):
    def __init__(self, message: str | None = None):
        super().__init__(message or _("Brak uprawnień do wykonania tej czynności w tej sprawie."))


class IncompleteRequest(AdvisoryError):
    pass

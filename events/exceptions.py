"""Errors of the events app; their messages are shown to users as they are."""

from django.utils.translation import gettext_lazy as _


class EventsError(Exception):
    """Base class: an operation on an event or registration was refused."""

    default_message = _("Operacja jest niemożliwa.")

    def __init__(self, message=None):
        self.message = message or self.default_message
        super().__init__(str(self.message))

    def __str__(self) -> str:
        return str(self.message)


class RegistrationClosed(EventsError):
    default_message = _("Zapisy na to wydarzenie są zamknięte.")


class AlreadyRegistered(EventsError):
    default_message = _("Ta osoba jest już zapisana na to wydarzenie.")


class NotAMember(EventsError):
    default_message = _("Zgłaszać osoby można tylko w imieniu organizacji, do której się należy.")


class ParticipantNotInOrganisation(EventsError):
    default_message = _("Wskazana osoba nie jest zatwierdzonym członkiem tej organizacji.")


class AnswersInvalid(EventsError):
    """Missing or invalid answers; ``errors`` maps a question id to its message."""

    default_message = _("Prosimy uzupełnić odpowiedzi na wymagane pytania.")

    def __init__(self, errors: dict[int, str], message=None):
        self.errors = errors
        super().__init__(message)


class CancellationNotAllowed(EventsError):
    default_message = _("Tego zgłoszenia nie można już anulować.")


class InvalidTransition(EventsError):
    default_message = _("Tej zmiany statusu nie można wykonać.")


class NoPlacesLeft(EventsError):
    default_message = _(
        "Brak wolnych miejsc: najpierw trzeba zwolnić miejsce albo zwiększyć limit."
    )


class CheckInNotAllowed(EventsError):
    default_message = _("Obecność zaznaczają tylko osoby z uprawnieniem do rejestracji obecności.")


class CertificateUnavailable(EventsError):
    default_message = _(
        "Zaświadczenie wystawiamy po zakończeniu wydarzenia osobom, które były na nim obecne."
    )


class NotAllowed(EventsError):
    """The actor lacks the permission the operation needs (docs/permissions.md)."""

    default_message = _("Nie mają Państwo uprawnień do tej czynności.")


class ParticipantNameMissing(EventsError):
    """The participant's account has no first or last name (needed on the attendance list and certificate)."""

    default_message = _(
        "Zgłoszenie wymaga imienia i nazwiska uczestnika: trafiają one na listę obecności i zaświadczenie. "
        "Prosimy uzupełnić je w ustawieniach konta uczestnika."
    )


class HealthDataConsentMissing(EventsError):
    default_message = _(
        "Odpowiedzi o zdrowiu (np. dieta, potrzeby związane z dostępnością) przekażemy organizatorowi tylko "
        "za wyraźną zgodą. Prosimy zaznaczyć zgodę albo usunąć te odpowiedzi."
    )


class InformationClauseChanged(EventsError):
    default_message = _(
        "Informacja o przetwarzaniu danych osobowych zmieniła się w trakcie wypełniania formularza. "
        "Prosimy zapoznać się z nową wersją i wysłać zgłoszenie ponownie."
    )


class MonitoringDetailsInvalid(EventsError):
    """Details the event's funding project requires are missing or wrong; ``errors`` per field."""

    default_message = _(
        "Projekt finansujący to wydarzenie wymaga danych uczestnika do sprawozdań. "
        "Prosimy je uzupełnić lub poprawić."
    )

    def __init__(self, errors: dict[str, str], message=None):
        self.errors = errors
        super().__init__(message)


class SessionChoiceInvalid(EventsError):
    """The workshops chosen do not fit the event's slots; ``slot_id`` names the slot at fault."""

    default_message = _("Prosimy wybrać jeden warsztat w każdym bloku.")

    def __init__(self, message=None, *, slot_id: int | None = None):
        self.slot_id = slot_id
        super().__init__(message)


class SessionFull(EventsError):
    """The chosen workshop has no free place left (while the event itself has)."""

    def __init__(self, session=None, message=None):
        self.session = session
        self.slot_id = getattr(session, "slot_id", None)
        if message is None and session is not None:
            message = _("Warsztat „%(title)s” jest już pełny — proszę wybrać inny.") % {
                "title": session.title
            }
        super().__init__(message or _("Ten warsztat jest już pełny — proszę wybrać inny."))


class CopyDateInPast(EventsError):
    default_message = _(
        "Nowy termin nie może być w przeszłości: prosimy wybrać dzisiejszą lub późniejszą datę."
    )


class NoRecipients(EventsError):
    default_message = _(
        "Nikt nie spełnia wybranego warunku: wiadomość nie ma odbiorców, więc jej nie wysłaliśmy."
    )


class RecipientsChanged(EventsError):
    """The number of recipients changed between the preview and sending."""

    default_message = _(
        "Liczba odbiorców zmieniła się od podglądu: prosimy sprawdzić podgląd jeszcze raz przed wysłaniem."
    )


class SpeakerInvalid(EventsError):
    default_message = _("Prosimy wskazać konto osoby albo wpisać jej imię i nazwisko.")


class PhotosRejected(EventsError):
    """One or more uploaded files were refused; ``errors`` lists a Polish message per file."""

    default_message = _("Nie zapisano żadnego zdjęcia: prosimy poprawić wskazane pliki.")

    def __init__(self, errors: list[str], message=None):
        self.errors = errors
        super().__init__(message)


class PhotoNotDescribed(EventsError):
    """Publishing a photo without alt text or author; ``photos`` are the ones missing them."""

    default_message = _(
        "Zdjęcie można opublikować dopiero z tekstem alternatywnym i autorem zdjęcia."
    )

    def __init__(self, photos, message=None):
        self.photos = list(photos)
        super().__init__(message)


class WalkInInvalid(EventsError):
    """Details of a walk-in are missing or wrong; ``errors`` maps a form field to its message."""

    default_message = _("Prosimy uzupełnić dane osoby spoza listy zgłoszeń.")

    def __init__(self, errors: dict[str, str], message=None):
        self.errors = errors
        super().__init__(message)

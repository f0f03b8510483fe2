"""Data for the fault tests, written with the portal's own code in a process of its own (the
fault tests' database is a throwaway one, not the test process's). Prints one JSON line.

    python -m tests.faults.seed member               # an event and a partner who can sign in
    python -m tests.faults.seed emails N PREFIX      # N e-mails through the outbox (published)
    python -m tests.faults.seed reminders N          # N confirmed registrations due a reminder
"""

import json
import sys

import django


def member() -> dict:
    from tests.events.factories import ConsentTextFactory, EventFactory, member

    ConsentTextFactory()
    event = EventFactory(title="Forum odporności")
    user, organisation = member()
    return {
        "email": user.email,
        "password": "haslo-testowe-123",
        "user": user.pk,
        "organisation": organisation.pk,
        "slug": event.slug,
    }


def emails(count: int, prefix: str) -> dict:
    from portal.services import email_enqueue

    ids = [
        email_enqueue(
            to=f"{prefix}{number}@faults.example.org",
            subject=f"Wiadomość próbna {number}",
            body_text="Treść wiadomości próbnej.",
            dedup_key=f"faults:{prefix}:{number}",
        ).pk
        for number in range(count)
    ]
    return {"ids": ids}


def reminders(count: int) -> dict:
    """An event starting tomorrow with ``count`` confirmed participants, none reminded yet."""
    from datetime import timedelta

    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from events.models import Registration
    from portal.models import User
    from tests.events.factories import ConsentTextFactory, EventFactory
    from tests.partners.factories import OrganisationFactory

    consent = ConsentTextFactory()
    event = EventFactory(
        title="Spotkanie z przypomnieniem",
        starts_at=timezone.now() + timedelta(days=1),
        registration_closes_at=None,
        capacity=count + 10,
    )
    organisation = OrganisationFactory()
    unusable = make_password(None)
    people = User.objects.bulk_create(
        User(
            email=f"uczestnik{number}@reminders.example.org",
            first_name="Uczestnik",
            last_name=f"Numer {number}",
            password=unusable,
        )
        for number in range(count)
    )
    now = timezone.now()
    Registration.objects.bulk_create(
        Registration(
            event=event,
            participant=person,
            organisation=organisation,
            registered_by=person,
            status=Registration.Status.CONFIRMED,
            consent_text=consent,
            consented_at=now,
        )
        for person in people
    )
    return {"event": event.pk, "participants": count}


def main(argv: list[str]) -> None:
    django.setup()
    command, args = argv[1], argv[2:]
    if command == "member":
        answer = member()
    elif command == "emails":
        answer = emails(int(args[0]), args[1])
    elif command == "reminders":
        answer = reminders(int(args[0]))
    else:
        raise SystemExit(f"unknown command {command}")
    print(json.dumps(answer))


if __name__ == "__main__":
    main(sys.argv)

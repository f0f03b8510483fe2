from celery import shared_task

from . import services


@shared_task(name="advisory.tasks.advisory_card_generate")
def advisory_card_generate(request_id: int) -> bool:
    """Render (or re-render) the advisory card PDF of a completed case."""
    return services.card_generate(request_id=request_id)


@shared_task(name="advisory.tasks.advisory_deadline_digest")
def advisory_deadline_digest() -> int:
    """Send the daily deadline digest to staff; safe to run twice on the same day."""
    return services.deadline_digest_send()


@shared_task(name="advisory.tasks.advisory_cards_missing")
def advisory_cards_missing() -> int:
    """Render the cards that a lost task or a broker outage left missing."""
    return services.cards_generate_missing()

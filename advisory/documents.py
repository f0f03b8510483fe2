"""The advisory card (karta doradztwa) as a PDF: context in, bytes out."""

from django.conf import settings
from django.utils import timezone

from portal.models import Region
from portal.pdf import render_pdf

from .models import AdvisoryRequest


def advisory_card_context(*, request: AdvisoryRequest) -> dict:
    consultations = list(request.consultations.select_related("expert"))
    total_minutes = sum(c.duration_minutes for c in consultations)
    hours, minutes = divmod(total_minutes, 60)
    region = Region.objects.filter(site_id=settings.SITE_ID).first()
    project = request.funding_project
    return {
        "case": request,
        "topics": list(request.topics.all()),
        "consultations": consultations,
        "total_hours": f"{hours}:{minutes:02d}",
        "region": region,
        "project": project,
        "cofinancing_notice": (project.cofinancing_notice if project else "")
        or (region.cofinancing_notice if region else ""),
        "generated_at": timezone.localtime(),
    }


def advisory_card_pdf(*, request: AdvisoryRequest) -> bytes:
    """Render the card; every user-typed text is escaped by the template engine."""
    return render_pdf("pdf/advisory_card.html", advisory_card_context(request=request))

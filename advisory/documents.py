"""The advisory card (karta doradztwa) as a PDF: context in, bytes out."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import Region
from portal.pdf import page_numbers_css, postal_address, region_images, render_pdf

from .models import AdvisoryRequest


def advisory_card_context(*, request: AdvisoryRequest) -> dict:
    consultations = list(request.consultations.select_related("expert"))
    total_minutes = sum(c.duration_minutes for c in consultations)
    hours, minutes = divmod(total_minutes, 60)
    region = Region.objects.filter(site_id=settings.SITE_ID).first()
    project = request.funding_project
    organisation = request.organisation
    centre = region.centre_short_name if region else "ROPS"
    return {
        "case": request,
        "topics": list(request.topics.all()),
        "consultations": consultations,
        "total_hours": f"{hours}:{minutes:02d}",
        "region": region,
        "region_address": ", ".join(
            line.strip() for line in (region.address if region else "").splitlines() if line.strip()
        ),
        "organisation_address": postal_address(
            organisation.street, organisation.postal_code, organisation.city
        ),
        "logos": region_images(region),
        "project": project,
        "cofinancing_notice": (project.cofinancing_notice if project else "")
        or (region.cofinancing_notice if region else ""),
        # Who confirms the advice: the expert (named), the JST and the ROPS (names written by hand).
        "signatures": [
            (_("Ekspert"), request.expert.full_name if request.expert_id else ""),
            (_("W imieniu wnioskodawcy (JST)"), ""),
            (_("W imieniu %(centre)s") % {"centre": centre}, ""),
        ],
        "page_numbers": page_numbers_css(),
        "generated_at": timezone.localtime(),
    }


def advisory_card_pdf(*, request: AdvisoryRequest) -> bytes:
    """Render the card; every user-typed text is escaped by the template engine."""
    context = advisory_card_context(request=request)
    return render_pdf("pdf/advisory_card.html", context, images=context["logos"])

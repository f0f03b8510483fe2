"""The action plan as a tagged PDF (WeasyPrint): context in, bytes out."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from portal.models import Region
from portal.pdf import page_numbers_css, region_images, render_pdf

from . import selectors


def plan_pdf_context(plan) -> dict:
    region = Region.objects.filter(site_id=settings.SITE_ID).first() or Region.objects.first()
    overview = selectors.plan_overview(plan)
    return {
        "plan": plan,
        "overview": overview,
        "region": region,
        "logos": region_images(region),
        "cofinancing_notice": region.cofinancing_notice if region else "",
        "page_numbers": page_numbers_css(),
        "today": timezone.localdate(),
        "generated_at": timezone.localtime(),
    }


def plan_pdf(plan) -> bytes:
    """Render the plan: title page, progress, late actions, priorities → measures → actions."""
    context = plan_pdf_context(plan)
    return render_pdf("pdf/cooperation_plan.html", context, images=context["logos"])

import json
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import antispam, search, selectors, services
from .client_ip import client_network
from .files import private_file_response
from .forms import AccountDeleteForm, ContactForm, ProfileForm, SearchForm
from .links import absolute_url
from .models import NewsTag
from .personal_data import personal_data_sections


def home(request):
    news = selectors.news_list_published(request=request)[:3]
    upcoming_events = []
    try:
        from events.selectors import event_list_upcoming_public
    except ImportError:
        event_list_upcoming_public = None
    if event_list_upcoming_public is not None:
        upcoming_events = event_list_upcoming_public()[:4]
    return render(request, "portal/home.html", {"news": news, "upcoming_events": upcoming_events})


def news_list(request):
    page = Paginator(selectors.news_list_published(request=request), 10).get_page(
        request.GET.get("strona")
    )
    return render(request, "portal/news_list.html", {"page_obj": page})


def news_detail(request, slug: str):
    item = selectors.news_get_published(request=request, slug=slug)
    return render(
        request,
        "portal/news_detail.html",
        {"item": item, "attachments": list(item.attachments.all())},
    )


def news_tag(request, slug: str):
    tag = get_object_or_404(NewsTag, slug=slug)
    page = Paginator(selectors.news_for_tag(request=request, tag=tag), 10).get_page(
        request.GET.get("strona")
    )
    return render(request, "portal/news_tag.html", {"tag": tag, "page_obj": page})


def news_image(request, slug: str):
    """The main image of a published news item (hidden with the item, never a raw media URL)."""
    item = selectors.news_get_for_files(request=request, slug=slug)
    return private_file_response(item.image, inline=True)


def news_attachment(request, slug: str, pk: int):
    item = selectors.news_get_for_files(request=request, slug=slug)
    attachment = get_object_or_404(item.attachments, pk=pk)
    return private_file_response(attachment.file, download_name=attachment.download_name)


def page_detail(request, slug: str):
    page = selectors.page_get(request=request, slug=slug)
    if page is None:
        raise Http404
    return render(request, "portal/page_detail.html", {"page": page})


def region_image(request, field: str):
    """Serve the region's public logos; every other upload stays private."""
    region = selectors.region_get_current(request=request)
    if region is None or field not in {"logo", "cofinancing_logo"}:
        raise Http404
    image = getattr(region, field)
    if not image:
        raise Http404
    return FileResponse(image.open("rb"))


@login_required
def my_data(request):
    """Show what the portal stores about the user, with export and account deletion (RODO)."""
    data = selectors.personal_data_export(user=request.user)
    return render(
        request,
        "portal/my_data.html",
        {
            "sections": personal_data_sections(data),
            "delete_form": AccountDeleteForm(user=request.user),
        },
    )


@login_required
def account_profile(request):
    """Let a person correct their own name, phone and position."""
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            services.user_profile_update(user=user, actor=user, **form.cleaned_data)
            messages.success(request, _("Zapisano dane osobowe."))
            return redirect("account_profile")
    else:
        form = ProfileForm(
            initial={
                "first_name": user.first_name,
                "last_name": user.last_name,
                "phone": user.phone,
                "position": user.position,
            }
        )
    return render(request, "portal/account_profile.html", {"form": form})


@login_required
def my_data_download(request):
    data = selectors.personal_data_export(user=request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="moje-dane.json"'
    return response


@login_required
@require_POST
def account_delete(request):
    form = AccountDeleteForm(request.POST, user=request.user)
    if not form.is_valid():
        data = selectors.personal_data_export(user=request.user)
        return render(
            request,
            "portal/my_data.html",
            {"sections": personal_data_sections(data), "delete_form": form},
            status=400,
        )
    services.user_anonymise(user=request.user, actor=request.user)
    logout(request)
    messages.success(request, _("Konto zostało usunięte, a dane osobowe zanonimizowane."))
    return redirect("home")


def robots_txt(request):
    """Crawlers may read the public site; accounts, staff pages and downloads are not for them."""
    lines = [
        "User-agent: *",
        *(f"Disallow: {path}" for path in ROBOTS_DISALLOWED),
        "",
        f"Sitemap: {absolute_url(reverse('sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


ROBOTS_DISALLOWED = (
    "/admin/",
    "/konto/",
    "/raporty/",
    "/doradztwo/wnioski/",
    "/doradztwo/sprawy/",
    "/wspolpraca/ankiety/",
    "/wydarzenia/moje-zgloszenia/",
    "/i18n/",
)


def contact(request):
    """The contact form: e-mails the ROPS through the outbox (a copy to a confirmed sender)."""
    region = selectors.region_get_current(request=request)
    recipient = region and (region.contact_form_email or region.email)
    intro = selectors.page_get(request=request, slug="kontakt")
    status = 200
    if request.method == "POST" and recipient:
        form = ContactForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            if antispam.looks_automated(trap_value=data["website"], started_token=data["started"]):
                # Bots are not told why: they get the same answer as people and nothing is sent.
                return redirect("contact_sent")
            if antispam.rate_limit_hit(
                scope="contact",
                key=client_network(request),
                limit=settings.CONTACT_FORM_HOURLY_LIMIT,
                window_seconds=3600,
            ):
                form.add_error(
                    None,
                    _(
                        "Z tego adresu wysłano już kilka wiadomości w ciągu ostatniej godziny. "
                        "Prosimy spróbować później albo zadzwonić do ośrodka."
                    ),
                )
                status = 429
            else:
                services.contact_message_send(
                    name=data["name"],
                    email=data["email"],
                    subject=data["subject"],
                    message=data["message"],
                    recipient=recipient,
                    actor=request.user,
                )
                if selectors.email_is_confirmed_for(user=request.user, email=data["email"]):
                    messages.info(
                        request,
                        _("Kopię wiadomości wysłaliśmy na adres %(email)s.")
                        % {"email": data["email"]},
                    )
                return redirect("contact_sent")
        else:
            status = 400
    else:
        initial = {"started": antispam.form_started_token()}
        if request.user.is_authenticated:
            initial.update(name=request.user.get_full_name(), email=request.user.email)
        form = ContactForm(initial=initial)
    return render(
        request,
        "portal/contact.html",
        {"form": form, "region": region, "intro": intro, "form_available": bool(recipient)},
        status=status,
    )


def contact_sent(request):
    return render(request, "portal/contact_sent.html")


SEARCH_PREVIEW = 5
SEARCH_PAGE_SIZE = 20


def search_results(request):
    """Site search: results grouped by kind, or one kind with pagination (?rodzaj=...)."""
    form = SearchForm(request.GET if "q" in request.GET else None, kinds=search.KINDS)
    context = {"form": form, "groups": [], "kind": None, "page_obj": None, "searched": False}
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
    elif form.is_bound:
        query = form.cleaned_data["q"]
        kind = search.KINDS_BY_SLUG.get(form.cleaned_data["rodzaj"])
        context["searched"] = True
        context["query"] = query
        if kind is not None:
            page = Paginator(search.matches(kind, query), SEARCH_PAGE_SIZE).get_page(
                request.GET.get("strona")
            )
            context.update(kind=kind, page_obj=page, hits=search.hits(kind, page.object_list))
            params = request.GET.copy()
            params.pop("strona", None)
            context["query_string"] = params.urlencode()
        else:
            for each in search.KINDS:
                found = search.matches(each, query)
                total = found.count()
                if total:
                    context["groups"].append(
                        {
                            "kind": each,
                            "total": total,
                            "hits": search.hits(each, found[:SEARCH_PREVIEW]),
                            "more_url": "?" + urlencode({"q": query, "rodzaj": each.slug}),
                        }
                    )
    return render(request, "portal/search.html", context, status=status)

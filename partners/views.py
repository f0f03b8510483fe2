"""Pages of the partner registry: public catalogue, joining, my organisations, profile editing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import fragments

from . import selectors, services
from .exceptions import PartnersError
from .filters import OrganisationCatalogueFilter
from .forms import (
    JoinRequestForm,
    MembershipDecisionForm,
    OrganisationProfileForm,
    OrganisationProposeForm,
    OwesPowiatForm,
    add_aria_to_errors,
)
from .models import Membership, Organisation

PAGE_SIZE = 20


def _post_data(request):
    """Bind forms on every POST, even an empty one (an empty QueryDict is falsy)."""
    return request.POST if request.method == "POST" else None


# How long a visitor's catalogue page is kept (it is replaced on every change of partner data).
CATALOGUE_KEPT_SECONDS = 600


def organisation_list(request):
    fragment = fragments.cached_for_visitors(
        request,
        namespaces=("partners",),
        parts=("catalogue", sorted(request.GET.lists())),
        build=lambda: _organisation_list_page(request),
    )
    return render(
        request,
        "partners/organisation_list.html",
        {"fragment": fragment, "page_obj": fragments.PagePosition(**fragment["position"])},
    )


def _organisation_list_page(request) -> tuple[dict, int]:
    filterset = OrganisationCatalogueFilter(
        request.GET or None, queryset=selectors.organisation_list_public()
    )
    add_aria_to_errors(filterset.form)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("strona"))
    query = request.GET.copy()
    query.pop("strona", None)
    context = {
        "filter": filterset,
        "page_obj": page,
        "query_string": query.urlencode(),
        "is_filtered": any(v for k, v in request.GET.items() if k != "strona"),
    }
    content = render_to_string("partners/_organisation_list_content.html", context, request=request)
    return {
        "content": content,
        "error_summary": fragments.error_summary(context),
        "position": fragments.PagePosition.of(page),
    }, CATALOGUE_KEPT_SECONDS


def owes_by_subregion(request):
    """OWES per powiat (choose a powiat) and per subregion."""
    form = add_aria_to_errors(OwesPowiatForm(request.GET if "powiat" in request.GET else None))
    powiat = form.cleaned_data["powiat"] if form.is_bound and form.is_valid() else None
    return render(
        request,
        "partners/owes_by_subregion.html",
        {
            "form": form,
            "powiat": powiat,
            "owes_in_powiat": list(selectors.owes_serving_powiat(powiat=powiat)) if powiat else [],
            "subregions": selectors.owes_list_by_subregion(),
        },
    )


def organisation_detail(request, pk: int):
    organisation = selectors.organisation_get_for_viewer(user=request.user, pk=pk)
    membership = None
    if request.user.is_authenticated:
        membership = Membership.objects.filter(user=request.user, organisation=organisation).first()
    return render(
        request,
        "partners/organisation_detail.html",
        {
            "organisation": organisation,
            "membership": membership,
            "can_edit_profile": selectors.can_edit_profile(
                user=request.user, organisation=organisation
            ),
            "can_decide": selectors.can_decide_memberships(
                user=request.user, organisation=organisation
            ),
            "contacts": organisation.contacts.filter(is_public=True),
            "statuses": organisation.statuses.all(),
            "served_powiats": organisation.served_powiat_list()
            if organisation.kind == Organisation.Kind.OWES
            else [],
            "cooperations": selectors.cooperation_list_public(organisation=organisation),
        },
    )


@login_required
def membership_request(request, pk: int):
    organisation = selectors.organisation_get_for_viewer(user=request.user, pk=pk)
    form = add_aria_to_errors(JoinRequestForm(_post_data(request)))
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_request(
                user=request.user,
                organisation=organisation,
                position=form.cleaned_data["position"],
                actor=request.user,
            )
        except PartnersError as error:
            messages.error(request, error.message)
            return redirect("partners:organisation_detail", pk=organisation.pk)
        messages.success(
            request,
            _(
                "Wysłano prośbę o dołączenie do organizacji %(name)s. Powiadomimy Cię e-mailem o decyzji."
            )
            % {"name": organisation.name},
        )
        return redirect("partners:my_organisations")
    return render(
        request, "partners/membership_request.html", {"organisation": organisation, "form": form}
    )


@login_required
def organisation_propose(request):
    form = add_aria_to_errors(OrganisationProposeForm(_post_data(request)))
    if request.method == "POST" and form.is_valid():
        data = {name: value for name, value in form.cleaned_data.items() if name != "position"}
        try:
            services.organisation_propose(
                user=request.user,
                data=data,
                position=form.cleaned_data["position"],
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        except PartnersError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Dziękujemy. Pracownik ROPS sprawdzi dane organizacji i zatwierdzi prośbę."),
            )
            return redirect("partners:my_organisations")
        add_aria_to_errors(form)
    return render(request, "partners/organisation_propose.html", {"form": form})


@login_required
def my_organisations(request):
    memberships = list(selectors.membership_list_for_user(user=request.user))
    for membership in memberships:
        membership.pending_count = (
            selectors.membership_list_pending_for_decider(
                user=request.user, organisation=membership.organisation
            ).count()
            if membership.status == Membership.Status.APPROVED
            and membership.role == Membership.Role.ADMIN
            else 0
        )
    return render(request, "partners/my_organisations.html", {"memberships": memberships})


@login_required
def organisation_profile_edit(request, pk: int):
    organisation = selectors.organisation_get_for_admin(user=request.user, pk=pk)
    form = OrganisationProfileForm(_post_data(request), instance=organisation)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.fields}
        organisation.refresh_from_db()
        try:
            services.organisation_update_public_profile(
                organisation=organisation, data=data, actor=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        except PartnersError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Zapisano profil organizacji."))
            return redirect("partners:organisation_detail", pk=organisation.pk)
    add_aria_to_errors(form)
    return render(
        request,
        "partners/organisation_profile_edit.html",
        {"organisation": organisation, "form": form},
    )


@login_required
def membership_requests(request, pk: int):
    organisation = selectors.organisation_get_for_decider(user=request.user, pk=pk)
    pending = selectors.membership_list_pending_for_decider(
        user=request.user, organisation=organisation
    )
    members = organisation.memberships.filter(status=Membership.Status.APPROVED).select_related(
        "user"
    )
    return render(
        request,
        "partners/membership_requests.html",
        {
            "organisation": organisation,
            "pending": pending,
            "members": members,
            "roles": Membership.Role.choices,
        },
    )


@login_required
@require_POST
def membership_decide(request, pk: int):
    membership = selectors.membership_get_pending_for_decider(user=request.user, pk=pk)
    form = MembershipDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nie rozpoznano decyzji. Spróbuj ponownie."))
    else:
        try:
            if form.cleaned_data["decision"] == "approve":
                services.membership_approve(
                    membership=membership,
                    actor=request.user,
                    role=form.cleaned_data["role"] or None,
                )
                messages.success(
                    request, _("Zatwierdzono: %(user)s.") % {"user": membership.user.email}
                )
            else:
                services.membership_reject(
                    membership=membership, actor=request.user, note=form.cleaned_data["note"]
                )
                messages.success(
                    request, _("Odrzucono: %(user)s.") % {"user": membership.user.email}
                )
        except PartnersError as error:
            messages.error(request, error.message)
    return redirect("partners:membership_requests", pk=membership.organisation_id)

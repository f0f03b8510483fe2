"""The page that e-mails a one-time code before an account adds its first second factor."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import mfa


class EnrolmentCodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Kod z wiadomości e-mail"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}
        ),
        error_messages={
            "required": gettext_lazy("Prosimy wpisać 6-cyfrowy kod z wiadomości."),
            "min_length": gettext_lazy("Kod ma 6 cyfr."),
            "max_length": gettext_lazy("Kod ma 6 cyfr."),
        },
    )


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


@login_required
def enrolment_code(request):
    """Send the code (POST "send"), then take it back (POST "code") and go on to the enrolment."""
    user = request.user
    next_url = _next_url(request)
    enrol_url = reverse("mfa_activate_totp")
    if next_url:
        enrol_url = f"{enrol_url}?{urlencode({'next': next_url})}"
    if mfa.user_has_second_factor(user) or mfa.enrolment_confirmed(request, user):
        return HttpResponseRedirect(enrol_url if not mfa.user_has_second_factor(user) else "/")
    form = EnrolmentCodeForm()
    if request.method == "POST" and "send" in request.POST:
        try:
            mfa.enrolment_code_send(user=user, actor=user)
        except mfa.EnrolmentCodeError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Wysłaliśmy kod na adres %(email)s. Jest ważny przez %(minutes)s minut.")
                % {"email": user.email, "minutes": mfa.ENROLMENT_CODE_SECONDS // 60},
            )
        query = f"?{urlencode({'next': next_url})}" if next_url else ""
        return redirect(f"{reverse(mfa.ENROLMENT_CODE_VIEW)}{query}")
    if request.method == "POST":
        form = EnrolmentCodeForm(request.POST)
        if form.is_valid():
            try:
                mfa.enrolment_code_confirm(
                    request=request, user=user, code=form.cleaned_data["code"]
                )
            except mfa.EnrolmentCodeError as error:
                form.add_error("code", error.message)
            else:
                return HttpResponseRedirect(enrol_url)
    return render(
        request,
        "mfa/enrolment_code.html",
        {"form": form, "next_url": next_url, "staff": mfa.is_staff_account(user)},
        status=400 if form.errors else 200,
    )

from importlib import import_module

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Serve Polish unless the visitor chose another language with the switcher.

    Django's LocaleMiddleware would follow the browser's Accept-Language header, so a visitor
    with an English browser would land on the English site; a Polish public body's portal
    speaks Polish first.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


def _contains_nul(items) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in items)


class RejectNulBytesMiddleware:
    """Answer 400 (in Polish) to a request with a NUL byte in its path, parameters or form fields.

    PostgreSQL cannot store or compare text containing NUL: any filter, search or form that
    passed such a value on would end in a DataError (500). No legitimate input contains one,
    so it is refused once, here, for every page including the admin. A session cookie with a
    NUL byte is dropped (the visitor is simply not signed in) instead of being looked up.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.COOKIES.get(settings.SESSION_COOKIE_NAME, ""):
            del request.COOKIES[settings.SESSION_COOKIE_NAME]
            request.session = import_module(settings.SESSION_ENGINE).SessionStore(None)
        if self._is_hostile(request):
            return render(
                request,
                "400.html",
                {
                    "reason": gettext(
                        "Zapytanie zawiera niedozwolony znak (bajt zerowy, NUL), którego nie można zapisać ani wyszukać."
                    )
                },
                status=400,
            )
        return self.get_response(request)

    @staticmethod
    def _is_hostile(request) -> bool:
        if "\x00" in request.path_info or _contains_nul(request.GET.lists()):
            return True
        if request.method in ("POST", "PUT", "PATCH"):
            try:
                post, files = request.POST, request.FILES
            except Exception:  # noqa: BLE001 - a malformed body stays Django's (400) business
                return False
            if _contains_nul(post.lists()):
                return True
            return any(
                "\x00" in key or any("\x00" in (upload.name or "") for upload in uploads)
                for key, uploads in files.lists()
            )
        return False


class StaffSecondFactorMiddleware:
    """Open every view to a staff session only after its second factor (see portal.mfa).

    It runs for each resolved view, site and admin alike, so a staff page added later is
    guarded without being listed; the few pages open before the second factor are named in
    portal.mfa.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from .mfa import staff_second_factor_redirect

        return staff_second_factor_redirect(request)

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


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

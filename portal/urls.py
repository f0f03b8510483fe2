from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.templatetags.static import static as static_url
from django.urls import include, path
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from . import feeds, mfa_views, views
from .sitemaps import SITEMAPS

admin.site.site_header = _("Portal ekonomii społecznej – panel ROPS")
admin.site.site_title = _("Panel ROPS")
admin.site.index_title = _("Zarządzanie portalem")
admin.site.index_template = "admin/portal_index.html"
# Staff sign in through allauth like everyone else (rate limits, second factor), never through
# Django's own admin login form.
admin.site.login = secure_admin_login(admin.site.login)


urlpatterns = [
    path("", views.home, name="home"),
    # Browsers ask for /favicon.ico whatever the page says; the file itself is a static file.
    path("favicon.ico", RedirectView.as_view(url=lazy(static_url, str)("favicon.ico"))),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("aktualnosci/rss.xml", feeds.NewsRssFeed(), name="news_feed_rss"),
    path("aktualnosci/atom.xml", feeds.NewsAtomFeed(), name="news_feed_atom"),
    path("wydarzenia/rss.xml", feeds.UpcomingEventsRssFeed(), name="events_feed_rss"),
    path("wydarzenia/atom.xml", feeds.UpcomingEventsAtomFeed(), name="events_feed_atom"),
    path("szukaj/", views.search_results, name="search"),
    path("kontakt/", views.contact, name="contact"),
    path("kontakt/wyslano/", views.contact_sent, name="contact_sent"),
    path("aktualnosci/", views.news_list, name="news_list"),
    path("aktualnosci/tag/<slug:slug>/", views.news_tag, name="news_tag"),
    path("aktualnosci/<slug:slug>/", views.news_detail, name="news_detail"),
    path("aktualnosci/<slug:slug>/zdjecie/", views.news_image, name="news_image"),
    path(
        "aktualnosci/<slug:slug>/zalaczniki/<int:pk>/",
        views.news_attachment,
        name="news_attachment",
    ),
    path("strony/<slug:slug>/", views.page_detail, name="page"),
    path("region/<str:field>/", views.region_image, name="region_image"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("konto/dane/", views.account_profile, name="account_profile"),
    path("konto/moje-dane/", views.my_data, name="my_data"),
    path("konto/moje-dane/pobierz/", views.my_data_download, name="my_data_download"),
    path("konto/usun/", views.account_delete, name="account_delete"),
    path(
        "konto/2fa/potwierdzenie-e-mail/",
        mfa_views.enrolment_code,
        name="mfa_enrolment_code",
    ),
    path("konto/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("wydarzenia/", include("events.urls")),
    path("partnerzy/", include("partners.urls")),
    path("doradztwo/", include("advisory.urls")),
    path("raporty/", include("reporting.urls")),
    path("wspolpraca/", include("cooperation.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.STATIC_URL, document_root=settings.STATIC_ROOT)

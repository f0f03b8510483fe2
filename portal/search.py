"""Site search across events, news, reports, pages and the partner catalogue.

On PostgreSQL: full-text search with the ``portal_unaccent`` configuration (the ``simple``
dictionary behind ``unaccent``, so "kozmin" finds "Koźmin"), every word matched as a prefix
("spółdziel" finds "spółdzielnia"), and trigram word similarity on titles and names for typos
("spółdzielna"). Polish has no stemmer in a stock PostgreSQL, so prefixes stand in for endings (stem_prefix).

Only what the public may see is searched: the same selectors as the public pages.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from html import unescape

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramWordSimilarity,
)
from django.contrib.sites.models import Site
from django.db.models import CharField, F, Func, Q, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf, Replace
from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from events.models import Event, Report
from partners.selectors import organisation_list_public

from . import selectors
from .models import Page

CONFIG = "portal_unaccent"
MAX_QUERY_LENGTH = 200
MAX_WORDS = 8
# word_similarity of the typed word and the closest word of a title; 0.5 tolerates one or two
# wrong letters in a word of eight ("spółdzielna", "kozmn") without matching unrelated words.
TYPO_SIMILARITY = 0.5


@dataclass(frozen=True)
class SearchKind:
    slug: str
    label: str
    queryset: Callable[[], QuerySet]
    # (field, weight); the first is the title, used for typos and as the heading of a result.
    fields: tuple[tuple[str, str], ...]
    snippet_field: str
    url: Callable[[object], str]
    # A short line that tells results of the same title apart (e.g. the dates of a series).
    meta: Callable[[object], str] = lambda obj: ""
    # The snippet field holds sanitised HTML (rich text) rather than plain text.
    snippet_is_html: bool = False


def _events() -> QuerySet:
    return Event.objects.filter(state__in=(Event.State.PUBLISHED, Event.State.FINISHED))


def _news() -> QuerySet:
    return selectors.news_published()


def _reports() -> QuerySet:
    return Report.objects.filter(
        is_published=True, event__state__in=(Event.State.PUBLISHED, Event.State.FINISHED)
    ).select_related("event")


def _pages() -> QuerySet:
    return Page.objects.filter(site=Site.objects.get_current())


KINDS: tuple[SearchKind, ...] = (
    SearchKind(
        "wydarzenia",
        _("Wydarzenia"),
        _events,
        (("title", "A"), ("summary", "B"), ("venue_city", "B"), ("description", "C")),
        "summary",
        lambda event: event.get_absolute_url(),
        lambda event: ", ".join(
            part
            for part in (date_format(localtime(event.starts_at), "j E Y"), event.venue_city)
            if part
        ),
    ),
    SearchKind(
        "aktualnosci",
        _("Aktualności"),
        _news,
        (("title", "A"), ("lead", "B"), ("body", "C")),
        "lead",
        lambda item: reverse("news_detail", kwargs={"slug": item.slug}),
        lambda item: date_format(localtime(item.published_at), "j E Y"),
    ),
    SearchKind(
        "relacje",
        _("Relacje z wydarzeń"),
        _reports,
        (("title", "A"), ("lead", "B"), ("body", "C")),
        "lead",
        lambda report: report.event.get_absolute_url(),
    ),
    SearchKind(
        "strony",
        _("Strony informacyjne"),
        _pages,
        (("title", "A"), ("body", "B")),
        "body",
        lambda page: reverse("page", kwargs={"slug": page.slug}),
        snippet_is_html=True,
    ),
    SearchKind(
        "partnerzy",
        _("Partnerzy"),
        organisation_list_public,
        (("name", "A"), ("short_name", "A"), ("city", "B"), ("description", "C")),
        "description",
        lambda organisation: reverse(
            "partners:organisation_detail", kwargs={"pk": organisation.pk}
        ),
    ),
)
KINDS_BY_SLUG = {kind.slug: kind for kind in KINDS}


@dataclass
class SearchHit:
    title: str
    url: str
    snippet: SafeString
    obj: object
    meta: str = ""


def words_of(query: str) -> list[str]:
    return re.findall(r"\w+", query.lower())[:MAX_WORDS]


def stem_prefix(word: str) -> str:
    """The part of a Polish word its inflected forms share, good enough for a prefix search.

    Without a Polish stemmer in PostgreSQL, "spółdzielnia" must still find "spółdzielni" and
    "spółdzielnię", and "koźmin" find "Koźminie": long words lose their last two letters, words
    of six or seven their last one, never below five letters.
    """
    if len(word) >= 8:
        return word[:-2]
    if len(word) >= 6:
        return word[:-1]
    return word


def _unaccent(expression):
    return Func(expression, function="unaccent", output_field=CharField())


def _as_html(expression):
    # PostgreSQL's ts_headline drops anything its parser takes for a tag, so plain text written
    # as "<b>" would vanish from the snippet: & and < become entities, which the parser keeps.
    return Replace(Replace(expression, Value("&"), Value("&amp;")), Value("<"), Value("&lt;"))


def _without_tags(expression):
    # Pages hold sanitised HTML (text escaped, so no bare "<"); tags are left out of the snippet.
    return Func(
        expression,
        Value("<[^>]+>"),
        Value(" "),
        Value("g"),
        function="regexp_replace",
        output_field=CharField(),
    )


def _highlight_markers(token: str) -> tuple[str, str]:
    # Letters and digits only, so escaping the snippet leaves them intact; random per search, so
    # no indexed text can contain them and turn its own words into highlights.
    return f"hlstart{token}x", f"hlstop{token}x"


def _postgres_matches(kind: SearchKind, words: list[str]) -> QuerySet:
    # Words come from \w+, so they carry no tsquery operators; each one is a prefix.
    tsquery = SearchQuery(
        " & ".join(f"{stem_prefix(word)}:*" for word in words), search_type="raw", config=CONFIG
    )
    vector = None
    for field, weight in kind.fields:
        part = SearchVector(field, weight=weight, config=CONFIG)
        vector = part if vector is None else vector + part
    title_field = kind.fields[0][0]
    typed = _unaccent(Value(" ".join(words)))
    token = secrets.token_hex(8)
    start_sel, stop_sel = _highlight_markers(token)
    snippet_field = F(kind.snippet_field)
    snippet_field = (
        _without_tags(snippet_field) if kind.snippet_is_html else _as_html(snippet_field)
    )
    snippet_source = Coalesce(NullIf(snippet_field, Value("")), _as_html(F(title_field)))
    return (
        kind.queryset()
        .annotate(
            search_document=vector,
            search_rank=SearchRank(vector, tsquery),
            search_similarity=TrigramWordSimilarity(typed, _unaccent(F(title_field))),
            search_highlight_token=Value(token, output_field=CharField()),
            search_snippet=SearchHeadline(
                snippet_source,
                tsquery,
                config=CONFIG,
                start_sel=start_sel,
                stop_sel=stop_sel,
                max_words=30,
                min_words=12,
            ),
        )
        .filter(Q(search_document=tsquery) | Q(search_similarity__gte=TYPO_SIMILARITY))
        .order_by("-search_rank", "-search_similarity", "-pk")
    )


def matches(kind: SearchKind, query: str) -> QuerySet:
    words = words_of(query)
    if not words:
        return kind.queryset().none()
    return _postgres_matches(kind, words)


def _highlight(text: str, token: str | None) -> SafeString:
    # The snippet is plain text from the database: escape it, then turn this search's own markers
    # into <mark>. Without a token (no headline) nothing is highlighted.
    escaped = str(escape(text))
    if token:
        start_sel, stop_sel = _highlight_markers(token)
        escaped = escaped.replace(start_sel, "<mark>").replace(stop_sel, "</mark>")
    return mark_safe(escaped)  # noqa: S308 - escaped text and this search's markers only


def hits(kind: SearchKind, objects) -> list[SearchHit]:
    title_field = kind.fields[0][0]
    result = []
    for obj in objects:
        snippet = getattr(obj, "search_snippet", None)
        if snippet is not None:
            # The headline is HTML without tags: back to the characters it shows.
            snippet = unescape(snippet)
        else:
            snippet = getattr(obj, kind.snippet_field, "") or ""
            if kind.snippet_is_html:
                snippet = unescape(strip_tags(snippet))
            snippet = snippet[:240]
        result.append(
            SearchHit(
                title=getattr(obj, title_field),
                url=kind.url(obj),
                snippet=_highlight(snippet, getattr(obj, "search_highlight_token", None)),
                obj=obj,
                meta=kind.meta(obj),
            )
        )
    return result

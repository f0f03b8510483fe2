"""Fields people read, in Polish and English (django-modeltranslation; English falls back to Polish)."""

from modeltranslation.translator import TranslationOptions, register

from .models import FundingProject, NewsItem, Page, Region


@register(Page)
class PageTranslation(TranslationOptions):
    fields = ("title", "body")


@register(NewsItem)
class NewsItemTranslation(TranslationOptions):
    fields = ("title", "lead", "body", "image_alt")


@register(Region)
class RegionTranslation(TranslationOptions):
    fields = ("portal_title", "centre_name", "cofinancing_notice", "cofinancing_logo_alt")


@register(FundingProject)
class FundingProjectTranslation(TranslationOptions):
    fields = ("cofinancing_notice",)

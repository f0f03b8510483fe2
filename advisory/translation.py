"""Fields people read, in Polish and English (django-modeltranslation; English falls back to Polish)."""

from modeltranslation.translator import TranslationOptions, register

from .models import AdvisoryTopic


@register(AdvisoryTopic)
class AdvisoryTopicTranslation(TranslationOptions):
    fields = ("name", "description")

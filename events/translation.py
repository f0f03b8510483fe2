"""Fields people read, in Polish and English (django-modeltranslation; English falls back to Polish)."""

from modeltranslation.translator import TranslationOptions, register

from .models import AgendaItem, ConsentText, Event, EventSeries, EventSession, Question, SessionSlot


@register(Event)
class EventTranslation(TranslationOptions):
    fields = ("title", "summary", "description")


@register(AgendaItem)
class AgendaItemTranslation(TranslationOptions):
    fields = ("title", "description")


@register(Question)
class QuestionTranslation(TranslationOptions):
    fields = ("label", "help_text", "choices")


@register(ConsentText)
class ConsentTextTranslation(TranslationOptions):
    fields = ("text",)


@register(SessionSlot)
class SessionSlotTranslation(TranslationOptions):
    fields = ("title",)


@register(EventSession)
class EventSessionTranslation(TranslationOptions):
    fields = ("title", "description")


@register(EventSeries)
class EventSeriesTranslation(TranslationOptions):
    fields = ("title", "description")

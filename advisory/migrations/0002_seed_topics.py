"""Seed the topic catalogue so that every installation starts with the standard offer."""

from django.db import migrations

TOPICS = [
    (
        "Miejsce ekonomii społecznej w dokumentach strategicznych",
        "Strategia rozwoju, strategia rozwiązywania problemów społecznych, programy pomocy społecznej, "
        "programy współpracy z organizacjami pozarządowymi, programy zatrudnienia, programy na rzecz osób "
        "z niepełnosprawnościami, profilaktyka uzależnień, kultura i sport.",
    ),
    (
        "Powiązanie dokumentów strategicznych z dokumentami operacyjnymi",
        "Jak zapisy strategii przełożyć na regulaminy, dokumentację konkursową i inne akty wykonawcze.",
    ),
    (
        "Programy dedykowane ekonomii społecznej",
        "Przygotowanie odrębnego programu gminy lub powiatu poświęconego rozwojowi ekonomii społecznej.",
    ),
    (
        "Korzyści z uwzględnienia podmiotów ekonomii społecznej w strategiach",
        "Argumenty społeczne i gospodarcze za wpisaniem PES do dokumentów samorządu.",
    ),
    (
        "Rola samorządu w rozwoju ekonomii społecznej",
        "Zadania i narzędzia gminy, miasta i powiatu we wspieraniu PES.",
    ),
    (
        "Lokalny plan rozwoju ekonomii społecznej",
        "Diagnoza, definicje, cele, działania, rezultaty, finansowanie i monitoring planu.",
    ),
    (
        "Obszary współpracy samorządu z podmiotami ekonomii społecznej",
        "Usługi społeczne, rynek pracy, rewitalizacja, zamówienia i inne pola współdziałania.",
    ),
    (
        "Zlecanie zadań publicznych podmiotom ekonomii społecznej",
        "Zasady zlecania, realizacja i rozliczanie zadań publicznych, w tym klauzule społeczne.",
    ),
    (
        "Rady działalności pożytku publicznego",
        "Powołanie, skład i praca gminnych i powiatowych rad działalności pożytku publicznego.",
    ),
]


def seed(apps, schema_editor):
    AdvisoryTopic = apps.get_model("advisory", "AdvisoryTopic")
    for order, (name, description) in enumerate(TOPICS, start=1):
        AdvisoryTopic.objects.get_or_create(
            name=name, defaults={"description": description, "order": order * 10}
        )
    AdvisorySettings = apps.get_model("advisory", "AdvisorySettings")
    AdvisorySettings.objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("advisory", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

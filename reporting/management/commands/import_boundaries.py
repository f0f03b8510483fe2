from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reporting.boundaries import BoundaryImportError, boundaries_import


class Command(BaseCommand):
    help = "Import powiat or gmina boundaries (GeoJSON in WGS 84, features keyed by TERYT code) for the coverage map."

    def add_arguments(self, parser):
        parser.add_argument(
            "path", help="GeoJSON file, e.g. powiaty.geojson exported from the PRG data set"
        )

    def handle(self, *args, **options):
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"Nie ma pliku {path}.")
        try:
            count = boundaries_import(content=path.read_bytes())
        except BoundaryImportError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Zaimportowano granice: {count}."))

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from partners.exceptions import TercImportError
from partners.services import territory_import_terc


class Command(BaseCommand):
    help = "Import the GUS TERC register (CSV: WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA); safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("path", help="TERC file (UTF-8 or Windows-1250)")

    def handle(self, *args, path, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"Nie znaleziono pliku: {file}")
        try:
            result = territory_import_terc(data=file.read_bytes(), actor=None)
        except TercImportError as error:
            raise CommandError(f"{error} Nic nie zostało zapisane.") from error
        self.stdout.write(self.style.SUCCESS(result.summary()))

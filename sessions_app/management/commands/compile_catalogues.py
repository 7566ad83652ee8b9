from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Compile the .po catalogues to .mo with polib (no GNU gettext needed)."

    def handle(self, *args, **options) -> None:
        try:
            import polib  # a dev dependency: without it the command says so, the others still run
        except ImportError:  # pragma: no cover - polib comes with the dev dependencies
            raise CommandError("polib is missing: pip install -e '.[dev]'") from None
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
                catalogue = polib.pofile(str(po_path))
                catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
                self.stdout.write(f"{po_path}: {catalogue.percent_translated()}% translated")

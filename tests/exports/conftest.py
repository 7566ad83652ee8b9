"""What the export tests share: a finished Dutch barcamp to report on."""

import io

import pytest
from django.core.files.base import ContentFile

from sessions_app import uploads
from sessions_app.models import Attachment, Event, Session
from tests.factories import (
    make_attachment,
    make_participant,
    make_placement,
    make_room,
    make_session,
    make_slot,
    make_theme,
)
from tests.sample_files import cover_picture_bytes, slide_deck_bytes

SYNTHESIS_GEZIN = """Wie gezinnen wil bereiken, gaat naar de plekken waar ze al komen: de
school, de kinderopvang, de sportclub, de wachtzaal van de huisarts. Een folder alleen brengt
niemand naar een lezing.

- **Samenwerken** met partners die het vertrouwen van ouders al hebben.
- **Vaders** vragen een uitnodiging van hun eigen, geen voetnoot bij die voor moeders.
- Laagdrempelig betekent: gratis, dichtbij, op een uur dat ouders kunnen.
"""

SYNTHESIS_ONLINE = """Ouders zoeken eerst online. De sessies waren het erover eens dat een
betrouwbaar antwoord op de eerste zoekvraag meer oplevert dan een mooie website die niemand
vindt. Een forum vraagt moderatie: reken op een paar uur per week."""

REPORT_LONG = """## Wat we bespraken

Ongeveer twintig deelnemers, uit de kinderopvang, het onderwijs en het welzijnswerk,
vergeleken hoe ze vaders bereiken. Iedereen herkende het beeld: op een ouderavond zitten vooral
moeders, en de vaders die komen, blijven aan de rand van de groep.

## Wat werkt

- Een activiteit waarin vaders iets **doen** met hun kind (koken, knutselen, voetballen) in
  plaats van te praten over opvoeden.
- Een uitnodiging die vaders rechtstreeks aanspreekt, met naam, via de school.
- Een vader als gastheer: iemand die de anderen kent.

| Initiatief | Wie | Bereik |
|---|---|---|
| Papa-ontbijt | basisschool De Linde | 35 vaders |
| Voetbal en vragen | sportclub en CKG | 18 vaders |
| Kookavond | buurtwerk | 12 vaders |

## Volgende stappen

1. Een korte gids met de voorbeelden, tegen het najaar.
2. Een tweede ontmoeting om te vergelijken wat we geprobeerd hebben.

Tot slot: vergeet de grootvaders niet; in veel gezinnen staan zij aan de schoolpoort.
"""

REPORT_SHORT = """Tien deelnemers. Conclusie: een Facebookgroep voor ouders werkt alleen met
iemand die er elke dag naar kijkt. Het voorbeeld van Gent (zie de slides) toont hoe."""


@pytest.fixture
def finished_report(event: Event) -> dict:
    """A finished Dutch barcamp as people report on it: a cover picture, three themes (two with
    a synthesis, one without), sessions with a long report, a short one, only a description or
    nothing, slide decks (one with its thumbnail stored, one without: rendered at build time)
    and a link. Returns the sessions by name."""
    event.name = "OOcamp 2012"
    event.slug = "oocamp-2012"
    event.venue = "Vooruit, Gent"
    event.language = Event.Language.DUTCH
    event.phase = Event.Phase.ARCHIVED
    event.introduction = (
        "Op OOcamp kwamen zestig opvoedingsondersteuners samen om te leren van elkaar. "
        "Dit verslag bundelt wat de sessies opleverden, per thema.\n\n"
        "Wie er niet bij was, vindt hier per sessie wat er gezegd werd en de slides."
    )
    event.conclusion = (
        "Drie lijnen kwamen telkens terug: dichtbij gezinnen werken, samen met partners, "
        "en ouders zelf aan het woord laten. Tot op de volgende OOcamp!"
    )
    event.cover.save("cover.png", ContentFile(cover_picture_bytes()), save=False)
    event.save()
    groot = make_room(event, name="Zaal Groot", order=1)
    klein = make_room(event, name="Balzaal", order=2)
    rooms = [groot, klein]
    slots = [make_slot(event, f"{10 + n}:00", f"{10 + n}:45") for n in range(5)]
    hanne = make_participant(event, name="Hanne Verstraete", organisation="EXPOO")
    jonas = make_participant(event, name="Jonas Peeters", organisation="CKG De Schommel")
    gezin = make_theme(event, name="Gezinnen bereiken", synthesis=SYNTHESIS_GEZIN)
    online = make_theme(event, name="Online ondersteuning", synthesis=SYNTHESIS_ONLINE)
    beleid = make_theme(event, name="Beleid en decreet")
    sessions = {}
    specs = [
        ("vaders", "Vaders bereiken: wat werkt?", REPORT_LONG, "", [gezin], [hanne]),
        ("facebook", "Een Facebookgroep voor ouders", REPORT_SHORT, "", [online], [jonas]),
        ("school", "Samenwerken met de school", "",
         "Hoe bouw je een brug tussen de school en het opvoedingswinkel? We vertrekken van "
         "twee voorbeelden uit Antwerpen en zoeken samen naar **wat je morgen kan doen**.",
         [gezin], [jonas]),
        ("decreet", "Het nieuwe decreet in tien minuten", "",
         "Een korte presentatie van wat verandert, met tijd voor vragen.", [beleid], [hanne]),
        ("forum", "Moderatie van een ouderforum", "", "", [online], []),
        ("spel", "Spelen als opvoedingsondersteuning", "",
         "Een demo van drie gezelschapsspellen die ouders en kinderen samen spelen.",
         [], [hanne, jonas]),
    ]  # fmt: skip
    for n, (key, title, text, description, themes, hosts) in enumerate(specs):
        session = make_session(event, hosts=hosts, title=title, report=text,
                               description=description, held=True,
                               status=Session.Status.SCHEDULED)  # fmt: skip
        make_placement(session, rooms[n % 2], slots[n // 2])
        session.themes.add(*themes)
        sessions[key] = session
    decks = {
        "vaders": ("Vaders bereiken", "#0b4f8a", True),
        "facebook": ("Facebookgroep Gent", "#2e7d32", False),
        "decreet": ("Het decreet", "#8e24aa", True),
    }
    for key, (title, colour, with_thumbnail) in decks.items():
        deck = slide_deck_bytes(title, colour)
        attachment = Attachment(session=sessions[key], kind=Attachment.Kind.SLIDES,
                                title=f"Slides: {title}", size=len(deck),
                                content_type=uploads.PDF.content_type)  # fmt: skip
        attachment.file.save("slides.pdf", ContentFile(deck), save=False)
        if with_thumbnail:
            png = uploads.render_pdf_thumbnail(io.BytesIO(deck))
            attachment.thumbnail.save("thumbnail.png", ContentFile(png), save=False)
        attachment.save()
    make_attachment(sessions["facebook"], title="De groep zelf", url="https://example.org/groep",
                    kind="link")  # fmt: skip
    return {"sessions": sessions, "themes": [gezin, online, beleid], "decks": decks}

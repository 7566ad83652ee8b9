"""Regenerate the committed demo event file ``demo/oocamp-2012.zip``.

The demo is OOcamp 2012, the "opvoedingsondersteunerscamp" that Expoo (the Flemish expertise
centre for parenting support) held in Brussels on 8 June 2012: about fifty discussions,
presentations and demos proposed by the participants themselves. The names, votes and grid are
invented but shaped like the real thing: 6 rooms, 9 session slots, about 150 participants,
50 sessions, 1,500 votes, a filled-in grid, and reports with slides for a handful of sessions.

The output follows ``oocamp-event/1`` (see the event format document): a ZIP with
``event.json`` at its root and the attachment files beside it. Everything is derived from
``random.Random(2012)`` and fixed timestamps, so running the script twice gives the same bytes
(WeasyPrint writes no dates or identifiers unless asked to).

Run from the repository root::

    .venv/bin/python demo/make_demo.py

It writes ``demo/oocamp-2012.zip``, checks the hard rules of the format and of the grid, and
prints a summary. A failed check raises ``SystemExit`` and leaves the previous file in place.
"""

from __future__ import annotations

import hashlib
import io
import json
import random
import re
import textwrap
import unicodedata
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

SEED = 2012
HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "oocamp-2012.zip"
TODAY_OUTPUT = HERE / "oocamp-vandaag.zip"
COVER = "cover.png"
FORMAT = "oocamp-event/1"
EXPORTED_AT = "2012-06-20T12:00:00Z"
DAY = "2012-06-08"
ZIP_DATE_TIME = (2012, 6, 8, 0, 0, 0)
MAX_PDF_BYTES = 60_000
MAX_ZIP_BYTES = 500_000
MAX_COVER_BYTES = 80_000

Json = dict[str, Any]


def md(text: str) -> str:
    """Dedent a triple-quoted Markdown text and unwrap its lines.

    Paragraphs become one line each; list items, headings and table rows keep a line of their
    own, and a wrapped list item or table row is joined back to it. Blank lines between blocks
    stay.
    """
    blocks = textwrap.dedent(text).strip().split("\n\n")
    result = []
    for block in blocks:
        lines: list[str] = []
        for raw in block.splitlines():
            line = raw.strip()
            if lines and not re.match(r"([-*]|\d+\.|#+) |\|", line):
                lines[-1] += " " + line
            else:
                lines.append(line)
        result.append("\n".join(lines))
    return "\n\n".join(result)


# --------------------------------------------------------------------------------------------
# Event, rooms, slots
# --------------------------------------------------------------------------------------------

EVENT_DESCRIPTION = md(
    """
    **OOcamp** is het *opvoedingsondersteunerscamp*: een dag waarop opvoedingsondersteuners
    uit Vlaanderen en Brussel samen 'op kamp' gaan. Met een nieuw decreet in het vooruitzicht
    gaan zij binnenkort aan de slag binnen een brede, preventieve gezinsondersteuning, met de
    Huizen van het Kind als nieuw ankerpunt. Reden genoeg voor Expoo, het Expertisecentrum
    Opvoedingsondersteuning van de Vlaamse overheid, om te horen wat er in het werkveld leeft:
    van consultatiebureau tot CLB, van opvoedingswinkel tot inloopteam.

    OOcamp is een **barcamp**: een conferentie zonder vooraf vastgelegd programma. Wie komt,
    brengt iets mee en doet mee. Je stelt een sessie van 45 minuten voor, alle deelnemers
    stemmen, en op basis van die stemmen vullen we het rooster in zes zalen. Een sessie kan
    drie vormen aannemen:

    - **gesprek**: je legt een vraag of stelling op tafel en zoekt samen naar antwoorden;
    - **presentatie**: je stelt een project, praktijk of onderzoek voor en gaat in gesprek;
    - **demo**: je toont een instrument, methodiek of website en laat anderen het proberen.

    En de wet van de twee voeten: leer je niets en draag je niets bij, loop dan gerust naar
    een andere sessie. Na afloop verzamelen we verslagen en presentaties. Expoo bundelt de
    rode draden tot een aantal **ankerpunten voor opvoedingsondersteuning**.
    """
)

EVENT_INTRODUCTION = md(
    """
    Op vrijdag 8 juni 2012 trokken zo'n honderdvijftig opvoedingsondersteuners met ons naar De
    Markten in Brussel. Ze kwamen uit consultatiebureaus en kinderopvang, opvoedingswinkels en
    CLB's, CAW's en OCMW's, inloopteams, hogescholen en verenigingen. Niemand kwam alleen om te
    luisteren: op een barcamp maken de deelnemers zelf het programma. Zo werden het een vijftigtal
    gesprekken, presentaties en demo's, verspreid over zes zalen.

    We kozen bewust voor die vorm. Er komt een nieuw decreet over preventieve gezinsondersteuning en
    de Huizen van het Kind krijgen vorm. Voor we als expertisecentrum mee richting geven, wilden we
    horen wat er in het werkveld zelf leeft, in de woorden van wie elke dag met ouders werkt.

    Dit verslag bundelt wat de dag opleverde: de verslagen en presentaties die sprekers en
    notulisten ons bezorgden, en per thema een synthese die wij schreven. Daaruit puurden we vijf
    **ankerpunten** voor de verdere uitbouw van opvoedingsondersteuning:

    1. **Verscheidenheid is een kracht.** Opvoedingsondersteuning is een waaier van initiatieven,
      doelen en organisaties. Goed beleid houdt die waaier open.
    2. **Voor elke ouder, met oog voor wie we missen.** Een algemeen aanbod blijft de basis, maar
      vaders, ouders van tieners en andere groepen vragen een extra inspanning. Welke groepen en
      hoe, daar blijven we over nadenken, zonder van opvoedingsondersteuning het antwoord op armoede
      te maken.
    3. **Breed en samen.** Ouders steunen gaat over meer dan de band met hun kind: het raakt aan
      werk, wonen, school en vrije tijd. Sectoren werken daarom best samen, met het lokale bestuur
      als regisseur van een aanbod dicht bij huis.
    4. **Kwaliteit en vernieuwing verdienen steun.** Het werkveld zoekt volop hoe het beter kan.
      Die gedrevenheid moet gevoed worden met gedeelde kennis en instrumenten.
    5. **Open Huizen van het Kind.** De Huizen bieden kansen om samen te werken, maar ze houden
      ook risico's in. Of ze echt open staan voor alle ouders en voor alle partners, zal het
      verschil maken.

    Dank aan iedereen die een sessie gaf, notities nam of slides deelde: zonder jullie viel er niets
    te bundelen.
    """
)

EVENT_CONCLUSION = md(
    """
    Wat neemt Expoo mee uit OOcamp? Vooral dat het werkveld het in grote lijnen eens is over wat
    opvoedingsondersteuning is en waar het naartoe moet, ook al ziet het aanbod er overal anders
    uit. Die verscheidenheid betekent ook dat er geen pasklare oplossing bestaat die overal werkt:
    wat in een centrumstad loopt, loopt niet vanzelf in een landelijke gemeente, en wat jonge ouders
    helpt, helpt niet vanzelf de ouders van een puber.

    Wat wél nodig is, is moeilijker dan één model: een gezinsbeleid dat de sectoren verbindt, dat
    opvoedingsondersteuning laat behouden wat ze de voorbije jaren heeft opgebouwd, en dat lokaal
    genoeg speelruimte laat om aan te sluiten bij wat ouders echt vragen.

    ### Hoe we verder gaan

    - We stellen de ankerpunten voor op het vijfde Vlaams Congres Opvoedingsondersteuning, op 13
      december 2012.
    - De ervaringen met lokaal overleg komen in de handleiding voor het lokaal overleg, de
      instrumenten die jullie deelden op ons kennisplatform.
    - De lerende netwerken die op OOcamp ontstonden, rond vaders en rond kwaliteit, krijgen een
      plek bij Expoo.
    - Vaders zijn een kandidaat-thema voor de Week van de Opvoeding 2013.

    Tot op het volgende kamp!
    """
)

EVENT: Json = {
    "slug": "oocamp-2012",
    "name": "OOcamp 2012",
    "date": DAY,
    "timezone": "Europe/Brussels",
    "language": "nl",
    "venue": "De Markten, Oude Graanmarkt 5, 1000 Brussel",
    "description": EVENT_DESCRIPTION,
    "votes_per_participant": None,
    "phase": "archived",
    "introduction": EVENT_INTRODUCTION,
    "conclusion": EVENT_CONCLUSION,
    "report_template": "",
    "report_published": True,
    "cover": COVER,
}

ROOMS: list[tuple[str, int]] = [
    ("Grote Zaal", 120),
    ("Bovenzaal", 60),
    ("Zaal Dansaert", 40),
    ("Zaal Graanmarkt", 30),
    ("Vergaderzaal Zenne", 20),
    ("Leeshoek", 12),
]

# (start, end, kind, label); a label only for plenary blocks and breaks.
SLOTS: list[tuple[str, str, str, str]] = [
    ("09:30", "10:00", "plenary", "Opening"),
    ("10:00", "10:45", "sessions", ""),
    ("10:50", "11:35", "sessions", ""),
    ("11:40", "12:25", "sessions", ""),
    ("12:25", "13:15", "break", "Lunch"),
    ("13:15", "14:00", "sessions", ""),
    ("14:05", "14:50", "sessions", ""),
    ("14:55", "15:40", "sessions", ""),
    ("15:40", "16:00", "break", "Koffiepauze"),
    ("16:00", "16:45", "sessions", ""),
    ("16:50", "17:35", "sessions", ""),
    ("17:40", "18:25", "sessions", ""),
    ("18:25", "18:45", "plenary", "Slot"),
]

# --------------------------------------------------------------------------------------------
# Themes (the "ankerpunten" of the article)
# --------------------------------------------------------------------------------------------

# code -> (name, weight as a favourite theme, synthesis)
THEMES: dict[str, tuple[str, float, str]] = {
    "DIV": (
        "Diversiteit van het aanbod",
        1.0,
        md(
            """
            Wie de sessies van deze dag naast elkaar legt, ziet hoe breed opvoedingsondersteuning in
            Vlaanderen en Brussel is: een spelotheek en een telefonische lijn, een vadergroep en
            praatplaten, een website voor ouders met een klein budget. Die initiatieven hebben niet
            allemaal hetzelfde doel. Sommige informeren of adviseren, andere brengen ouders samen,
            nog andere willen ouders sterker maken in wat ze al goed doen, ook als er niets te
            voorkomen valt.

            - Het decreet van 2007 blijft voor veel deelnemers het kader om hun werk te benoemen,
              met zijn functies van informatie tot vroegsignalering.
            - Sommige vernieuwende projecten passen niet in dat kader, bijvoorbeeld wie ouders
              laat nadenken over ouderschap of samen actie voert.
            - Taal en cultuur horen bij die verscheidenheid: meertalige ouders en grootouders zijn
              een bron, geen obstakel.
            - Het beleid laat die verscheidenheid best bestaan, in plaats van alles in één model
              te gieten.
            """
        ),
    ),
    "BER": (
        "Alle ouders bereiken",
        1.6,
        md(
            """
            Elke ouder kent momenten waarop ondersteuning welkom is, maar een algemeen
            aanbod bereikt niet iedereen. In de sessies kwam steeds terug dat het aanbod nog
            sterk **moedergericht** is en dat vaders en ouders van tieners een uitdaging
            blijven. Drempels zijn vaak onzichtbaar voor wie het aanbod organiseert.

            - Ga naar de plekken waar ouders al komen: schoolpoort, sportclub, wachtzaal.
            - Werk met brugfiguren en sleutelfiguren uit de gemeenschappen.
            - Vraag ouders zelf welke drempels ze ervaren.
            """
        ),
    ),
    "SAM": (
        "Samenwerking en netwerken",
        1.3,
        md(
            """
            Opvoeden gebeurt op veel plaatsen: thuis, op school, in de crèche, op straat,
            bij de voetbal. Opvoedingsondersteuning is daarom geen sector, maar iets wat veel
            sectoren samen doen: consultatiebureau, kinderopvang, CLB, CAW, OCMW,
            sociaal-cultureel werk. De deelnemers pleitten voor een **lokaal beleid** dat het
            aanbod op elkaar afstemt, dicht bij de ouders. Een lokaal overleg blijft levend
            als er een gedeeld project en een trekker is.
            """
        ),
    ),
    "VAD": (
        "Vaders",
        0.9,
        md(
            """
            Ondersteuning bieden aan vaders blijft anno 2012 een uitdaging. Vaders komen
            makkelijker voor een activiteit *met* hun kind dan voor een gesprek *over* hun kind,
            en een apart vaderaanbod werkt slecht als onthaal, uren en affiches moedergericht
            blijven. Verschillende deelnemers willen in een lerend netwerk verder werken.
            """
        ),
    ),
    "KWE": (
        "Kwetsbare gezinnen",
        1.4,
        md(
            """
            Over kwetsbare gezinnen werd op OOcamp veel en met veel zorg gesproken, vaak samen met
            ouders die zelf in armoede leven. Twee lijnen kwamen telkens terug. Vertrouwen komt vóór
            advies: ontmoeting, praktische steun en vaste gezichten openen de deur, een etiket of
            een screening sluit ze. En opvoedingsondersteuning kan veel, maar ze lost kinderarmoede
            niet op; wie dat van haar verwacht, legt de last bij de ouders.

            | Wat helpt | Wat schaadt |
            |---|---|
            | Kijken naar wat goed gaat | Alleen zien wat ontbreekt |
            | Uitleggen wat je noteert en waarom | Dossiers waar ouders niets van weten |
            | Praktische steun als eerste stap | Een aanbod met verborgen kosten |
            | Ervaringsdeskundigen in het team | Over ouders praten zonder ouders |

            Voor het beleid betekent dit: opvoedingsondersteuning als één stuk van een breder
            welzijnsbeleid, naast inkomen, wonen, onderwijs en gezondheid.
            """
        ),
    ),
    "PAR": (
        "Participatie van ouders",
        1.0,
        md(
            """
            Ouders zijn meer dan gebruikers van een aanbod. Dat klonk in veel sessies, van het
            oudercomité in de crèche tot de stuurgroep van een Huis van het Kind. In de praktijk
            blijft participatie meestal bij informeren en raadplegen. Wie verder wil gaan, botst op
            vergaderuren, vakjargon en de vraag wie intussen op de kinderen past.

            - Begin klein: laat ouders mee beslissen over uren, onthaal en onderwerpen.
            - Zoek ook de stille ouders op, via brugfiguren en op plekken waar ze al komen.
            - Ervaringsdeskundigen en vrijwilligers verdienen voorbereiding, begeleiding en
              waardering.
            - Een oudergroep die blijft lopen, is vaak een groep die de ouders zelf mee trekken.
            """
        ),
    ),
    "HVK": (
        "Huizen van het Kind",
        1.7,
        md(
            """
            De Huizen van het Kind worden gezien als een kans én als een bedreiging: een kans
            om verder samen te werken, een bedreiging voor wie vreest zich niet meer te
            herkennen in het gebundelde aanbod. De **openheid** van de huizen wordt cruciaal:
            kunnen álle ouders er terecht, en kan elke partner zijn eigen waarde houden? Een
            goed partnerschap tussen Kind en Gezin en de lokale partners vraagt tijd en
            co-creatie.
            """
        ),
    ),
    "KWA": (
        "Kwaliteit en innovatie",
        1.0,
        md(
            """
            Het werkveld wil goed werk leveren en blijft zoeken hoe het beter kan: dat toonden de
            volle zalen bij de sessies over kwaliteit, over evidence-based werken en over Triple P.
            De deelnemers stelden er vanuit verschillende hoeken dezelfde vragen. Wat is kwaliteit,
            en wie bepaalt dat? Moet alles bewezen zijn? Hoe laat je ouders mee oordelen?

            - Kwaliteit heeft meerdere kanten: bereik, aansluiting, relatie, effect, samenwerking
              en leren.
            - Onderzoek en praktijk hebben elkaar nodig; wat nog niet onderzocht is, werkt daarom
              niet minder.
            - Nieuwe middelen (apps, websites, filmpjes, advies aan de telefoon) vullen het aanbod
              aan, maar ze moeten ook onderhouden worden.
            - Het werkveld vraagt steun: plekken om instrumenten te delen, vorming, en een
              overheid die de gedrevenheid aanmoedigt.
            """
        ),
    ),
}
THEME_CODES = list(THEMES)

# --------------------------------------------------------------------------------------------
# Sessions
# --------------------------------------------------------------------------------------------

DISCUSSION, PRESENTATION, DEMO = "discussion", "presentation", "demo"


@dataclass(frozen=True)
class SessionSpec:
    title: str
    kind: str
    themes: tuple[str, ...]
    hint: str | None  # the first host's organisation contains this (case-insensitive)
    description: str
    hot: bool = False  # draws more votes
    withdrawn: bool = False
    report: str = ""  # "@AANWEZIG@" is replaced by the rough attendance
    slides: tuple[tuple[str, tuple[str, ...]], ...] = ()
    links: tuple[tuple[str, str, str], ...] = ()  # (kind, title, url)
    co_hosts: int | None = None  # fixed number of extra hosts, else random
    held: bool = True  # False: placed in the grid, but it did not take place


SESSIONS: list[SessionSpec] = [
    SessionSpec(
        "Vaders bereiken in de opvoedingswinkel",
        DISCUSSION,
        ("VAD", "BER"),
        "Opvoedingswinkel",
        md(
            """
            Onze opvoedingswinkel ziet vooral moeders over de vloer. Het afgelopen jaar
            probeerden we een vadercafé op zaterdagochtend, een **ravotavond** in de sporthal
            en tips via de voetbalclub. We delen wat werkte en wat niet, en zoeken samen hoe
            je vaders structureel mee neemt.
            """
        ),
        hot=True,
        report=md(
            """
            Ongeveer @AANWEZIG@ deelnemers, onder wie opvallend veel mannen die zelf in de
            sector werken.

            **Samenvatting.** De opvoedingswinkel vertelde over een jaar experimenteren met
            aanbod voor vaders. Het vadercafé trok weinig volk; de ravotavond met de kinderen
            liep binnen een week vol. De groep was het erover eens dat vaders makkelijker
            komen voor een activiteit *met* hun kind dan voor een gesprek *over* hun kind.

            ### Kernpunten

            - Vaders bereik je via plekken waar ze al komen: sportclub, werk, de schoolpoort
              's avonds.
            - Een vaderaanbod werkt niet als de rest van de werking moedergericht blijft:
              affiches, openingsuren, onthaal.
            - Mannelijke medewerkers helpen, maar zijn geen voorwaarde.
            - Voor vaders met een migratieachtergrond zijn sleutelfiguren uit de gemeenschap
              onmisbaar.

            ### Volgende stappen

            - De opvoedingswinkel deelt haar draaiboek voor de ravotavond via Expoo.
            - Drie deelnemers starten in het najaar een lerend netwerk rond vaders.
            - Voorstel aan Expoo: vaders als thema van de Week van de Opvoeding 2013.
            """
        ),
        slides=(
            (
                "Waarom vaders?",
                (
                    "In 2011 waren 9 op 10 bezoekers moeders",
                    "Vaders stellen andere vragen: spel, grenzen, werk en gezin",
                    "Kinderen hebben baat bij twee betrokken opvoeders",
                ),
            ),
            (
                "Wat we probeerden",
                (
                    "Vadercafé op zaterdagochtend: weinig volk",
                    "Ravotavond in de sporthal: volzet in een week",
                    "Korte tips in de nieuwsbrief van de voetbalclub",
                ),
            ),
            (
                "Vragen voor de groep",
                (
                    "Waar komen vaders in jouw gemeente al?",
                    "Hoe moedergericht is je eigen onthaal?",
                    "Wie wil mee in een lerend netwerk?",
                ),
            ),
        ),
    ),
    SessionSpec(
        "Huis van het Kind: één loket voor gezinnen?",
        DISCUSSION,
        ("HVK", "SAM"),
        "Huis van het Kind",
        md(
            """
            Het nieuwe decreet maakt van de Huizen van het Kind een ankerpunt van de
            preventieve gezinsondersteuning. Wordt het een open huis of een loket met een
            wachtrij? We leggen drie stellingen op tafel:

            - één gebouw of een netwerk van plekken?
            - wie trekt het lokaal overleg?
            - hoe blijft elke partner herkenbaar?
            """
        ),
        hot=True,
        co_hosts=1,
        report=md(
            """
            Zo'n @AANWEZIG@ deelnemers, met medewerkers van Kind en Gezin, OCMW's,
            opvoedingswinkels en CAW's.

            **Samenvatting.** De Huizen van het Kind worden een belangrijk ankerpunt in de
            nieuwe regelgeving. Sommige deelnemers zien vooral kansen om verder samen te
            werken, anderen vrezen dat hun aanbod onzichtbaar wordt in een groot geheel. Het
            gesprek draaide rond de vraag hoe een Huis van het Kind echt een *open* huis
            wordt.

            ### Kernpunten

            - Een Huis van het Kind is eerder een netwerk van plekken dan één gebouw; ouders
              moeten via elke deur binnen kunnen.
            - Het lokaal bestuur heeft een regierol, maar zonder co-creatie met alle partners
              lukt het niet.
            - Elke partner moet zijn eigen identiteit en doelstellingen kunnen houden.
            - Het risico bestaat dat het aanbod zich toespitst op jonge kinderen en
              preventieve gezondheidszorg.

            ### Volgende stappen

            - Het verslag gaat naar Kind en Gezin als input voor de uitvoeringsbesluiten.
            - Expoo verzamelt voorbeelden van lokale samenwerkingsverbanden.
            - Een vervolgsessie op het Vlaams Congres Opvoedingsondersteuning van 13
              december.
            """
        ),
        slides=(
            (
                "Wat zegt het nieuwe decreet?",
                (
                    "Preventieve gezinsondersteuning als breed kader",
                    "Huizen van het Kind als lokaal samenwerkingsverband",
                    "Kind en Gezin en lokale besturen als trekkers",
                ),
            ),
            (
                "Drie stellingen",
                (
                    "Eén gebouw of een netwerk van plekken?",
                    "Wie trekt het lokaal overleg?",
                    "Hoe blijft elke partner herkenbaar?",
                ),
            ),
            (
                "Wat maakt een huis 'open'?",
                (
                    "Toegankelijk voor álle ouders, ook van tieners",
                    "Geen verplichte intake aan de voordeur",
                    "Ouders denken mee over het aanbod",
                ),
            ),
        ),
    ),
    SessionSpec(
        "Demo: de app van Ouders Online",
        DEMO,
        ("BER", "KWA"),
        "Ouders Online",
        md(
            """
            Ouders Online werkt aan een app met korte opvoedingstips per leeftijd, een agenda
            van activiteiten in de buurt en een vragenknop. We tonen het prototype op tablet
            en smartphone en zoeken **testouders** en partners die hun aanbod willen laten
            opnemen.
            """
        ),
        links=(("link", "Prototype van de app", "https://example.org/ouders-online/prototype"),),
    ),
    SessionSpec(
        "Tieners en hun ouders: een vergeten doelgroep",
        DISCUSSION,
        ("DIV", "BER"),
        "JAC",
        md(
            """
            Het aanbod opvoedingsondersteuning richt zich vooral op jonge kinderen. Ouders van
            pubers vinden de weg minder goed, en wij vinden hen ook minder goed. Wat kunnen
            JAC's, CLB's en opvoedingswinkels samen doen voor gezinnen met tieners?
            """
        ),
        hot=True,
        report=md(
            """
            Zo'n @AANWEZIG@ deelnemers: JAC's, CLB's, opvoedingswinkels en een paar jeugdwerkers.

            **Samenvatting.** Iedereen herkende het: ons aanbod stopt ongeveer waar de lagere school
            stopt. Ouders van tieners zoeken wel hulp, maar later, alleen, en vaak pas als het al
            misloopt. Ze voelen zich minder welkom in een opvoedingswinkel met een speelhoek, en ze
            vinden dat je een puber niet meer 'opvoedt'. Jongeren willen op hun beurt niet dat hun
            ouders over hen gaan praten.

            ### Wat ouders van tieners vragen

            - Hoe ver laat ik mijn kind los: uitgaan, gsm, zakgeld?
            - Hoe praat ik met een kind dat niet wil praten?
            - Wat is nog normaal, en wanneer moet ik me zorgen maken?

            ### Wat werkt volgens de deelnemers

            - Thema-avonden via de school, gekoppeld aan een oudercontact: daar zíjn de ouders al.
            - Een anoniem kanaal (telefoon, mail, chat) voor de eerste vraag.
            - Samenwerken met het JAC: jongeren en ouders apart, en af en toe samen.

            **Afspraak.** Twee CLB's en een JAC werken een ouderavond over het puberbrein uit voor
            de eerste graad en delen hun draaiboek.
            """
        ),
    ),
    SessionSpec(
        "Vroegsignalering zonder stigma",
        DISCUSSION,
        ("KWE", "KWA"),
        "Kind en Gezin",
        md(
            """
            Vroegsignalering met het oog op doorverwijzing is een van de vijf functies uit het
            decreet. Hoe merk je zorgen op zonder dat ouders zich gecontroleerd voelen? Een
            gesprek tussen consultatiebureau, kinderopvang en CLB.
            """
        ),
        report=md(
            """
            Een kleine groep van @AANWEZIG@ mensen, vooral uit het consultatiebureau en de
            kinderopvang.

            We waren het snel eens: signalen opvangen hoort bij ons werk, maar een ouder mag zich
            nooit gescreend voelen. Wat helpt: *zeggen wat je ziet* in plaats van een etiket te
            plakken, de ouder eerst vragen hoe hij of zij het zelf ziet, en pas doorverwijzen als je
            samen weet waarom. Een kinderbegeleidster vatte het zo samen: "Ik wil een bondgenoot
            zijn, geen controleur."

            Geen verdere afspraken; het thema komt terug in het lerend netwerk rond kwetsbare
            gezinnen.
            """
        ),
    ),
    SessionSpec(
        "Een opvoedingsondersteuner in de wachtzaal van het OCMW",
        PRESENTATION,
        ("KWE", "BER"),
        "OCMW",
        md(
            """
            Sinds vorig jaar zit er elke dinsdagvoormiddag een opvoedingsondersteuner in de
            wachtzaal van ons OCMW. We vertellen hoe dat begon, welke vragen ouders stellen als
            ze toch moeten wachten, en wat het vroeg van de maatschappelijk werkers.
            """
        ),
    ),
    SessionSpec(
        "Laagdrempelig: wat betekent dat eigenlijk?",
        DISCUSSION,
        ("BER", "DIV"),
        "hogeschool",
        md(
            """
            Iedereen wil laagdrempelig werken, maar voor wie is de drempel laag? We verzamelen
            voorbeelden van **verborgen drempels** (uren, taal, formulieren, de deur zelf) en
            maken er samen een checklist van.
            """
        ),
        report=md(
            """
            Ongeveer @AANWEZIG@ deelnemers, in vier groepjes rond een flap.

            **Samenvatting.** We verzamelden voorbeelden van drempels die ouders ervaren. Naast
            de bekende drempels (kostprijs, taal, openingsuren) kwamen ook minder zichtbare
            naar boven: het gevoel beoordeeld te worden, een inschrijvingsformulier dat naar
            het inkomen vraagt, een gesloten deur met een bel. De oefening leverde een eerste
            versie van een checklist op.

            ### Kernpunten

            - Drempels zijn praktisch, psychologisch en cultureel, en ze verschillen per ouder.
            - Laagdrempelig is niet hetzelfde als gratis.
            - De eerste ontmoeting bepaalt vaak of een ouder terugkomt.
            - Vraag ouders zelf welke drempels ze ervaren, in plaats van ze te raden.

            ### Volgende stappen

            - De hogeschool werkt de checklist uit met studenten en test hem in vijf
              organisaties.
            - De checklist wordt gedeeld via het kennisplatform van Expoo.
            """
        ),
        slides=(
            (
                "Laag voor wie?",
                (
                    "Elke ouder ervaart andere drempels",
                    "Wie het aanbod maakt, ziet ze vaak niet",
                    "Laagdrempelig is niet hetzelfde als gratis",
                ),
            ),
            (
                "Verborgen drempels",
                (
                    "Openingsuren tijdens de werkdag",
                    "Formulieren die naar het inkomen vragen",
                    "Een gesloten deur met een bel",
                    "Het gevoel beoordeeld te worden",
                ),
            ),
            (
                "Naar een checklist",
                (
                    "Bereikbaarheid en uren",
                    "Onthaal en eerste contact",
                    "Taal en beeld",
                    "Kostprijs en vertrouwen",
                ),
            ),
        ),
    ),
    SessionSpec(
        "Ouders als ervaringsdeskundigen in de werking",
        DISCUSSION,
        ("PAR", "KWE"),
        "Welzijnsschakel",
        md(
            """
            In onze werking schuiven ouders mee aan tafel als ervaringsdeskundige: ze denken
            mee over activiteiten en geven vorming aan beroepskrachten. We vertellen hoe we dat
            begeleiden en vergoeden, en waar het soms wringt.
            """
        ),
    ),
    SessionSpec(
        "Meertalige ouders, één taal in de opvang?",
        DISCUSSION,
        ("DIV", "BER"),
        "Kinderopvang",
        md(
            """
            In de Brusselse kinderopvang spreken ouders tientallen talen. Wat doe je met een
            taalbeleid als je ook een vertrouwensband met ouders wilt? Een open gesprek over
            **tolken, thuistalen en het Nederlands** in de opvang.
            """
        ),
        hot=True,
        report=md(
            """
            Ongeveer @AANWEZIG@ deelnemers uit de kinderopvang, Brusselse opvoedingswinkels en het
            onderwijs. Het gesprek werd op momenten pittig, en dat was goed.

            **Samenvatting.** Veel voorzieningen hebben de regel dat er enkel Nederlands gesproken
            wordt. Begeleiders zitten daarmee in een spagaat: ze willen dat kinderen Nederlands
            leren, maar ze zien ook dat ouders afhaken als ze zich niet verstaanbaar kunnen maken.
            We zetten op een rij wat we zien gebeuren.

            | Moment | Wat we vaak doen | Wat beter werkt |
            |---|---|---|
            | Intakegesprek | Nederlands, met een kind als tolk | Een tolk of een collega die de
            taal spreekt; nooit het kind |
            | Brengen en halen | Alleen Nederlands | Een groet in de thuistaal, de rest in eenvoudig
            Nederlands |
            | Brief aan ouders | Een lange tekst | Pictogrammen, foto's en korte zinnen |
            | Ouderavond | Uitleg aan de hele groep | Kleine tafels met een sleutelfiguur per
            taalgroep |

            ### Kernpunten

            - De thuistaal van ouders is een bron, geen hindernis: een kind met een sterke
              thuistaal leert ook makkelijker Nederlands.
            - Een taalregel voor kinderen mag geen taalregel voor ouders worden.
            - Meertaligheid vraagt duidelijke afspraken in het team, anders beslist elke
              begeleider voor zich.

            ### Volgende stappen

            - Expoo brengt bestaande materialen over meertaligheid samen op het kennisplatform.
            - Twee Brusselse crèches nodigen de groep in het najaar uit voor een werkbezoek.
            """
        ),
    ),
    SessionSpec(
        "De spelotheek als ontmoetingsplek",
        PRESENTATION,
        ("DIV", "SAM"),
        "Spelotheek",
        md(
            """
            Een spelotheek is meer dan een uitleendienst voor speelgoed. Ouders blijven hangen,
            kinderen spelen samen en er komen vragen die ouders nergens anders zouden stellen.
            We tonen hoe onze spelotheek in Molenbeek uitgroeide tot een ontmoetingsplek.
            """
        ),
    ),
    SessionSpec(
        "Groeimee.be: wat zoeken ouders online?",
        PRESENTATION,
        ("BER", "KWA"),
        "Expoo",
        md(
            """
            Expoo analyseerde een jaar zoektermen en bezoekcijfers van groeimee.be. Welke
            vragen stellen ouders 's avonds laat aan een zoekmachine, en wat betekent dat voor
            ons aanbod? Met cijfers, een paar verrassingen en tijd voor discussie.
            """
        ),
        co_hosts=0,
        report=md(
            """
            Ongeveer @AANWEZIG@ aanwezigen.

            **Samenvatting.** Expoo stelde een analyse voor van de zoektermen en bezoekcijfers
            van groeimee.be over een volledig jaar. Slapen, zindelijkheid en driftbuien zijn
            de toppers; de meeste bezoeken vallen 's avonds na negen uur. Ouders van tieners
            zoeken minder vaak, maar lezen langer.

            ### Kernpunten

            - Ouders zoeken online vooral herkenning: *is dit normaal?*
            - Een kwart van de bezoekers komt via een smartphone, en dat aandeel groeit snel.
            - Korte, concrete teksten met een verwijzing naar lokaal aanbod werken het best.
            - Organisaties kunnen de cijfers gebruiken om hun eigen aanbod af te stemmen.

            ### Volgende stappen

            - Expoo stelt de jaarcijfers ter beschikking van de partners.
            - Er komt een verkenning van een mobiele versie van groeimee.be.
            - Lokale agenda's worden gekoppeld aan de themapagina's.
            """
        ),
        slides=(
            (
                "Een jaar groeimee.be",
                (
                    "Top 3 van de zoektermen: slapen, zindelijkheid, driftbuien",
                    "Piek in het bezoek tussen 21 en 23 uur",
                    "Ouders van tieners: minder bezoeken, langere leestijd",
                ),
            ),
            (
                "Wat leren we?",
                (
                    "Ouders zoeken herkenning: 'is dit normaal?'",
                    "Korte, concrete teksten werken",
                    "De smartphone wint snel terrein",
                ),
            ),
            (
                "En nu?",
                (
                    "Cijfers delen met de partners",
                    "Lokaal aanbod koppelen aan themapagina's",
                    "Een mobiele versie verkennen",
                ),
            ),
        ),
    ),
    SessionSpec(
        "Lokaal overleg opvoedingsondersteuning: hoe houd je het levend?",
        DISCUSSION,
        ("SAM", "HVK"),
        "Stad",
        md(
            """
            Veel gemeenten hebben een lokaal overleg opvoedingsondersteuning, maar na de
            opstart zakt de energie vaak weg. Wat houdt een overleg levendig: een gedeeld
            project, een trekker, een budget? Breng je eigen ervaring mee, goede én slechte.
            """
        ),
        report=md(
            """
            Ongeveer @AANWEZIG@ deelnemers: coördinatoren van lokale overleggen, een schepen,
            medewerkers van OCMW's en van Kind en Gezin.

            **Samenvatting.** Bijna elke gemeente heeft intussen een lokaal overleg
            opvoedingsondersteuning, maar na de opstart zakt het vaak in. Vier overleggen vertelden
            hoe zij het levend houden. De vorm verschilt sterk, maar overal draait het om een
            gedeeld project en iemand die trekt.

            | Gemeente | Trekker | Hoe vaak | Wat het levend houdt |
            |---|---|---|---|
            | Kleine landelijke gemeente | OCMW | 4 keer per jaar | Eén gezamenlijke activiteit in
            de Week van de Opvoeding |
            | Centrumstad | Stedelijke dienst | Maandelijks, in werkgroepen | Een gedeelde sociale
            kaart die iedereen bijhoudt |
            | Middelgrote gemeente | Opvoedingswinkel | 3 keer per jaar | Een anonieme casus aan het
            begin van elk overleg |
            | Samenwerking van gemeenten | Regionale coördinator | 2 keer per jaar plenair | Kleine
            lokale werkgroepen tussen de plenaire momenten |

            ### Wat de groep meenam

            1. Een overleg zonder project wordt een infomoment, en dat lees je liever in een mail.
            2. De trekker heeft tijd nodig: een paar uur per maand, erkend in zijn of haar
              opdracht.
            3. Nodig ook partners uit die geen 'opvoeding' in hun naam dragen: de bibliotheek, de
              sportdienst, de huisartsenkring.
            4. Ouders mee aan tafel: enkele gemeenten proberen het, niemand vindt het al
              vanzelfsprekend.

            ### En de Huizen van het Kind?

            Veel deelnemers zien het lokaal overleg als de kiem van een Huis van het Kind. Anderen
            vrezen dat het overleg opgaat in een grotere structuur waarin de kleine partners minder
            te zeggen hebben. We namen die vraag mee naar de sessies over het Huis van het Kind.

            ### Volgende stappen

            - Expoo vult de handleiding voor het lokaal overleg aan met deze vier voorbeelden.
            - De coördinatoren van de vier overleggen ontvangen graag collega's.
            """
        ),
        slides=(
            (
                "Vier lokale overleggen",
                (
                    "Een landelijke gemeente en een centrumstad",
                    "Een middelgrote gemeente en een regio",
                    "Elk met een eigen trekker",
                ),
            ),
            (
                "Wat houdt een overleg levend?",
                (
                    "Een gedeeld project, niet alleen informatie",
                    "Een trekker met tijd",
                    "Partners buiten de sector",
                    "Ouders aan tafel?",
                ),
            ),
            (
                "Vragen voor jullie",
                (
                    "Wie trekt het overleg bij jou?",
                    "Wat doen jullie samen, behalve vergaderen?",
                    "Wat verandert er met het Huis van het Kind?",
                ),
            ),
        ),
    ),
    SessionSpec(
        "De brede school als partner in opvoedingsondersteuning",
        DISCUSSION,
        ("SAM", "DIV"),
        "Brede School",
        md(
            """
            Een brede school verbindt school, vrije tijd, welzijn en buurt. Ouders komen er
            dagelijks, ook ouders die nooit een opvoedingswinkel binnenstappen. Hoe maak je
            van de schoolpoort een plek voor opvoedingsondersteuning zonder de school te
            overvragen?
            """
        ),
    ),
    SessionSpec(
        "Pedagogisch advies aan de telefoon: een jaar Opvoedingslijn",
        PRESENTATION,
        ("KWA", "BER"),
        "Opvoedingslijn",
        md(
            """
            Wat vragen ouders als ze anoniem kunnen bellen of mailen? We brengen een overzicht
            van een jaar gesprekken:

            - de meest gestelde vragen per leeftijd;
            - het aandeel vaders en grootouders;
            - hoe we doorverwijzen zonder de beller kwijt te raken.
            """
        ),
        report=md(
            """
            @AANWEZIG@ aanwezigen, onder wie verrassend veel mensen die zelf aan de telefoon zitten
            bij een andere hulplijn.

            **Samenvatting.** De Opvoedingslijn blikte terug op een jaar advies via telefoon en
            mail. Ouders bellen vooral 's avonds en over alledaagse zaken; de meeste gesprekken
            duren tien tot twintig minuten en eindigen zonder doorverwijzing. Het team ziet advies
            aan de telefoon als een volwaardige vorm van pedagogisch advies, niet als een wachtkamer
            voor 'echte' hulp.

            | Onderwerp van de vraag | Aandeel van de oproepen |
            |---|---:|
            | Gedrag en grenzen stellen | 31 % |
            | Slapen, eten en zindelijkheid | 22 % |
            | Scheiding en nieuw samengestelde gezinnen | 14 % |
            | School en huiswerk | 11 % |
            | Tieners | 9 % |
            | Andere | 13 % |

            ### Kernpunten

            - Anonimiteit verlaagt de drempel: een op de drie bellers zegt dat hij of zij nog
              nergens anders met de vraag terecht kon.
            - Een goed gesprek heeft een vaste opbouw: luisteren, de vraag verhelderen, samen
              mogelijkheden zoeken.
            - Vaders bellen vaker dan ze langskomen: ongeveer een vijfde van de oproepen.
            - Doorverwijzen lukt alleen met een actuele sociale kaart.

            ### Discussie

            Hoeveel vraag je aan een anonieme beller? De Opvoedingslijn noteert alleen de leeftijd
            van het kind en de gemeente, zodat ze naar lokaal aanbod kan doorverwijzen.
            """
        ),
        slides=(
            (
                "Een jaar aan de lijn",
                (
                    "Telefoon en mail, vijf avonden per week",
                    "Vooral alledaagse vragen",
                    "Gesprekken van tien tot twintig minuten",
                ),
            ),
            (
                "Wat vragen ouders?",
                (
                    "Gedrag en grenzen: bijna een derde",
                    "Slapen, eten en zindelijkheid",
                    "Scheiding en nieuwe gezinnen",
                ),
            ),
            (
                "Wat we leerden",
                (
                    "Anonimiteit verlaagt de drempel",
                    "Vaders bellen vaker dan ze langskomen",
                    "Geen goede doorverwijzing zonder sociale kaart",
                ),
            ),
        ),
    ),
    SessionSpec(
        "Kinderarmoede: kan opvoedingsondersteuning het oplossen?",
        DISCUSSION,
        ("KWE",),
        "CAW",
        md(
            """
            Opvoedingsondersteuning wordt soms naar voren geschoven als antwoord op
            kinderarmoede. Is dat een valkuil? We bespreken waar ons werk het verschil maakt en
            waar een **breder welzijnsbeleid** nodig is: inkomen, huisvesting, onderwijs.
            """
        ),
        hot=True,
        co_hosts=2,
        report=md(
            """
            Ongeveer @AANWEZIG@ deelnemers uit CAW's, OCMW's, inloopteams en verenigingen waar
            armen het woord nemen.

            **Samenvatting.** Opvoedingsondersteuning wordt in beleidsteksten vaak genoemd als
            hefboom tegen kinderarmoede. De deelnemers herkenden de waarde ervan: ouders
            versterken, netwerken uitbouwen, vroeg signaleren. Tegelijk waarschuwden ze voor
            een valkuil: wie opvoedingsondersteuning inzet om armoede op te lossen, legt de
            verantwoordelijkheid bij de ouders en verliest de structurele oorzaken uit het oog.

            ### Kernpunten

            - Opvoedingsondersteuning draagt bij aan het welbevinden van kinderen, maar lost
              armoede niet op.
            - Een geïntegreerd welzijnsbeleid is nodig: inkomen, huisvesting, onderwijs,
              gezondheid.
            - Ouders in armoede willen niet benaderd worden als 'probleemgezin'.
            - Praktische steun (luiers, vervoer, opvang) opent vaak de deur voor een gesprek
              over opvoeding.

            ### Volgende stappen

            - Een gezamenlijke tekst met aandachtspunten voor het lokaal sociaal beleid.
            - Inloopteams en twee OCMW's wisselen in het najaar ervaringen uit.
            """
        ),
        slides=(
            (
                "De vraag",
                (
                    "Kan opvoedingsondersteuning kinderarmoede oplossen?",
                    "Of is dat een valkuil?",
                ),
            ),
            (
                "Wat we wél kunnen",
                (
                    "Ouders versterken in hun rol als opvoeder",
                    "Ontmoeting en informele netwerken stimuleren",
                    "Vroeg signaleren en goed doorverwijzen",
                ),
            ),
            (
                "Wat ander beleid vraagt",
                (
                    "Een leefbaar inkomen en betaalbaar wonen",
                    "Betaalbare kinderopvang",
                    "Onderwijs zonder verborgen kosten",
                ),
            ),
        ),
    ),
    SessionSpec(
        "Evidence-based werken: moet alles bewezen zijn?",
        DISCUSSION,
        ("KWA",),
        "Universiteit",
        md(
            """
            Subsidiegevers vragen steeds vaker naar effecten. Maar hoe meet je het effect van
            een babbel aan de schoolpoort? Een gesprek tussen onderzoekers en praktijkwerkers
            over *evidence-based*, *practice-based* en gezond verstand.
            """
        ),
        report=md(
            """
            Ongeveer @AANWEZIG@ deelnemers, van onderzoekers tot vrijwilligers.

            **Samenvatting.** 'Evidence-based' klinkt als een kwaliteitslabel, maar wat betekent het
            voor een kleine opvoedingswinkel of een inloopteam? De groep zocht een middenweg tussen
            "alles moet bewezen zijn" en "wij weten wel wat werkt".

            ### Kernpunten

            - Bewezen programma's zijn waardevol, maar ze zijn duur en passen niet altijd bij de
              ouders die je wil bereiken.
            - Veel goed werk is *nog niet* onderzocht, en dat is iets anders dan *niet werkzaam*.
            - Ook een kleine organisatie kan evalueren: vooraf zeggen wat je wil bereiken,
              achteraf nagaan of het lukte, en ouders naar hun ervaring vragen.
            - Onderzoek en praktijk hebben elkaar nodig: de praktijk brengt de vragen, het
              onderzoek de methode.

            ### Volgende stappen

            - Een hogeschool en Expoo zoeken samen hoe een eenvoudige evaluatiewijzer voor kleine
              projecten eruit kan zien.
            """
        ),
    ),
    SessionSpec(
        "Triple P in Vlaanderen: de eerste ervaringen",
        PRESENTATION,
        ("KWA", "DIV"),
        "Kind en Gezin",
        md(
            """
            Een aantal regio's werkt sinds kort met Triple P, een gelaagd programma uit
            Australië. We vertellen over de opleiding, de eerste groepssessies en de vraag hoe
            een gestandaardiseerd programma samengaat met **lokaal maatwerk**.
            """
        ),
        hot=True,
        report=md(
            """
            Ongeveer @AANWEZIG@ deelnemers; de zaal was te klein en een deel van de groep stond.

            **Samenvatting.** Enkele regio's werken sinds kort met Triple P, een programma met vijf
            niveaus van ondersteuning, van algemene informatie tot intensieve begeleiding. De
            sprekers vertelden over de opleiding van de medewerkers, de eerste reacties van ouders
            en wat het van een regio vraagt om samen één programma te dragen.

            | Niveau | Wat | Wie het aanbiedt in de proefregio |
            |---|---|---|
            | 1 | Algemene informatie via media en affiches | De regio samen |
            | 2 | Korte adviesgesprekken en lezingen | Consultatiebureau, CLB, opvoedingswinkel |
            | 3 | Enkele gesprekken over een concreet probleem | Opvoedingswinkel, CAW |
            | 4 | Een cursus in groep of individueel | Opvoedingswinkel, CGG |
            | 5 | Intensieve begeleiding bij bijkomende problemen | Gespecialiseerde diensten |

            ### Wat de deelnemers bezighield

            - **Eén taal.** Als verschillende organisaties hetzelfde kader gebruiken, verloopt
              doorverwijzen vlotter.
            - **Kostprijs.** Opleidingen en licenties zijn duur: wie betaalt als de
              projectmiddelen stoppen?
            - **Eigenheid.** Sommigen vrezen dat een vast programma de eigen aanpak verdringt.
            - **Bereik.** Bereikt het programma ook de ouders die het moeilijkst te bereiken zijn?
              De eerste cijfers zijn nog te beperkt om dat te zeggen.

            ### Volgende stappen

            - De proefregio's delen hun evaluatie zodra die klaar is.
            - Het thema kwaliteit krijgt een vervolg op het congres in december.
            """
        ),
        slides=(
            (
                "Triple P in een notendop",
                (
                    "Een Australisch programma, in veel landen gebruikt",
                    "Vijf niveaus, van informatie tot begeleiding",
                    "Eén kader voor alle partners in een regio",
                ),
            ),
            (
                "De eerste ervaringen",
                (
                    "Medewerkers waarderen de concrete handvatten",
                    "Ouders herkennen zich in de tips",
                    "Doorverwijzen verloopt vlotter",
                ),
            ),
            (
                "Open vragen",
                (
                    "Wie betaalt na de projectperiode?",
                    "Bereiken we kwetsbare gezinnen?",
                    "Hoe combineren we het met onze eigen aanpak?",
                ),
            ),
        ),
    ),
    SessionSpec(
        "Inloopteams: ontmoeting als kern",
        DISCUSSION,
        ("KWE", "PAR"),
        "Inloopteam",
        md(
            """
            Inloopteams werken al jaren met kansarme gezinnen met jonge kinderen. De ontmoeting
            tussen ouders staat centraal, niet het programma. Wat kunnen andere organisaties
            daarvan leren, en hoe bewaken we die eigenheid in een Huis van het Kind?
            """
        ),
        report=md(
            """
            @AANWEZIG@ deelnemers, onder wie drie moeders die zelf naar een inloopteam komen.

            De moeders vertelden wat het inloopteam voor hen betekent: "Hier moet ik niets
            bewijzen." Niet de cursus of het advies maakt het verschil, maar het koffiemoment, de
            andere ouders en de vaste gezichten. Pas als er vertrouwen is, komen de vragen over
            opvoeding, werk of huisvesting.

            - Ontmoeting is geen opstapje naar 'echte' hulp; ontmoeting ís ondersteuning.
            - Vaste medewerkers en vaste momenten wegen zwaarder dan een uitgebreid programma.
            - De inloopteams vragen dat de nieuwe regelgeving dit werk erkent.
            """
        ),
    ),
    SessionSpec(
        "Demo: de opvoedingskoffer voor de kinderopvang",
        DEMO,
        ("DIV", "KWA"),
        "Kinderopvang",
        md(
            """
            We stelden een koffer samen met prentenboeken, praatkaarten en eenvoudige
            spelletjes waarmee begeleiders in de opvang een gesprek met ouders kunnen starten.
            Kom hem uitproberen: **alles mag uit de koffer**.
            """
        ),
    ),
    SessionSpec(
        "Vaders in de kraamtijd",
        DISCUSSION,
        ("VAD",),
        "Kraamzorg",
        md(
            """
            De eerste weken na de geboorte bepalen vaak hoe betrokken een vader blijft. De
            kraamverzorgende en het consultatiebureau zien vooral moeders. Hoe spreken we
            vaders rechtstreeks aan, en wat hebben ze zelf nodig?
            """
        ),
    ),
    SessionSpec(
        "Gescheiden ouders, gedeelde opvoeding",
        DISCUSSION,
        ("KWE", "VAD"),
        "CAW",
        md(
            """
            Bij een scheiding vallen ouders vaak tussen twee stoelen: juridische hulp aan de
            ene kant, opvoedingsvragen aan de andere. Hoe kunnen CAW, bemiddelaars en
            opvoedingswinkels samen ouders helpen hun ouderschap voort te zetten?
            """
        ),
        hot=True,
        report=md(
            """
            Ongeveer @AANWEZIG@ deelnemers uit CAW's, opvoedingswinkels, de bemiddeling en een
            centrum voor kinderzorg en gezinsondersteuning.

            **Samenvatting.** Steeds meer kinderen groeien op in twee huizen. De vragen van ouders
            verschuiven: niet alleen "hoe vertel ik het de kinderen?", maar ook "hoe voed ik samen
            op met iemand met wie ik niet meer samen ben?". Diensten werken vaak met één ouder,
            terwijl de vraag over beide ouders gaat.

            ### Kernpunten

            - Nodig waar het kan beide ouders uit; apart als de spanning te groot is.
            - Vaders verdwijnen na een scheiding snel uit het zicht van de diensten: brieven,
              rapporten en uitnodigingen gaan vaak alleen naar de moeder.
            - Nieuw samengestelde gezinnen hebben eigen vragen: de rol van de plusouder, broers en
              zussen die niet altijd onder één dak wonen.
            - Kinderen hebben een eigen plek nodig om hun verhaal te doen.

            ### Tips uit de groep

            1. Voorzie op je inschrijvingsformulier plaats voor twee adressen.
            2. Stuur uitnodigingen naar beide ouders, tenzij er een reden is om dat niet te doen.
            3. Verwijs naar bemiddeling voor de standpunten vastzitten.
            """
        ),
    ),
    SessionSpec(
        "Van oudercomité tot koffieochtend: participatie in de kinderopvang",
        DISCUSSION,
        ("PAR",),
        "Kinderopvang",
        md(
            """
            Het oudercomité in onze crèche vergaderde met drie ouders, altijd dezelfde. Sinds
            we elke vrijdag een koffieochtend houden, praten veel meer ouders mee. We zoeken
            samen naar vormen van participatie die passen bij drukke ouders:

            - korte bevragingen aan de deur;
            - ouders die een activiteit mee organiseren;
            - een prikbord met voorstellen.
            """
        ),
    ),
    SessionSpec(
        "Stille ouders: wie komt er nooit?",
        DISCUSSION,
        ("BER", "KWE"),
        "hogeschool",
        md(
            """
            Op onze activiteiten zien we altijd dezelfde ouders. Wie zijn de ouders die we
            nooit zien, en waarom? We vertrekken van een kleine bevraging bij niet-bereikte
            ouders in twee Gentse wijken.
            """
        ),
    ),
    SessionSpec(
        "Huizen van het Kind in Brussel: een ander verhaal",
        DISCUSSION,
        ("HVK", "DIV"),
        "Vlaamse Gemeenschapscommissie",
        md(
            """
            Brussel telt twee gemeenschappen, negentien gemeenten en een eigen institutioneel
            landschap. Hoe ziet een Huis van het Kind er hier uit, en hoe werk je samen met het
            Franstalige aanbod? Met inbreng van de VGC en Brusselse partners.
            """
        ),
        hot=True,
        report=md(
            """
            Ongeveer @AANWEZIG@ deelnemers, de helft uit Brussel.

            **Samenvatting.** In Brussel werken Nederlandstalige en Franstalige diensten naast
            elkaar, elk met hun eigen bevoegdheden en subsidies. Een Huis van het Kind dat alleen de
            Nederlandstalige partners samenbrengt, bereikt maar een deel van de Brusselse gezinnen.
            De deelnemers vroegen een eigen aanpak voor Brussel.

            ### Kernpunten

            - Veel Brusselse gezinnen kiezen een voorziening niet op taal, maar op afstand en
              beschikbaarheid.
            - Samenwerking met Franstalige partners zoals ONE loopt nu vooral informeel, via
              mensen die elkaar kennen.
            - De superdiversiteit vraagt meertalige medewerkers en brugfiguren.
            - In Brussel denk je een Huis van het Kind best per wijk, niet per gemeente.

            ### Volgende stappen

            - De Brusselse deelnemers bundelen hun vragen voor de Vlaamse Gemeenschapscommissie en
              Kind en Gezin.
            """
        ),
    ),
    SessionSpec(
        "Grootouders als opvoeders",
        DISCUSSION,
        ("DIV",),
        "Gezinsbond",
        md(
            """
            Grootouders vangen steeds vaker kleinkinderen op en voeden mee op. Toch richt
            bijna geen enkel aanbod zich tot hen. De Gezinsbond deelt ervaringen met
            **grootouderavonden** en we brainstormen over wat meer kan.
            """
        ),
    ),
    SessionSpec(
        "Demo: een website voor ouders met een klein budget",
        DEMO,
        ("KWA", "BER"),
        "Stad",
        md(
            """
            Met een gratis contentbeheersysteem en een paar namiddagen werk bouwden we een
            website waar ouders het hele aanbod in de gemeente vinden. We tonen stap voor stap
            hoe, inclusief de fouten die je beter niet herhaalt.
            """
        ),
        held=False,
    ),
    SessionSpec(
        "Netwerken met huisartsen en kinderartsen",
        DISCUSSION,
        ("SAM",),
        "Kind en Gezin",
        md(
            """
            De huisarts is voor veel ouders het eerste aanspreekpunt, ook voor opvoedingsvragen.
            Toch kennen huisartsen het lokale aanbod nauwelijks. Hoe bouw je een netwerk met
            artsen die weinig tijd hebben?
            """
        ),
    ),
    SessionSpec(
        "Brugfiguren aan het woord",
        PRESENTATION,
        ("BER", "DIV"),
        "Schoolopbouwwerk",
        md(
            """
            Brugfiguren in scholen en wijken vormen een schakel tussen gezinnen met een
            migratieachtergrond en diensten. Drie brugfiguren vertellen hoe ze vertrouwen
            opbouwen, wat ze doorgeven en wat ze liever niet doorgeven.
            """
        ),
        co_hosts=2,
    ),
    SessionSpec(
        "Wat is kwaliteit in opvoedingsondersteuning?",
        DISCUSSION,
        ("KWA",),
        "Steunpunt",
        md(
            """
            Welke criteria gebruik je om te zeggen dat je aanbod goed is: bereik,
            tevredenheid, effect, samenwerking? We vergelijken hoe verschillende organisaties
            kwaliteit beschrijven en zoeken een **gemeenschappelijke taal**.
            """
        ),
        report=md(
            """
            Ongeveer @AANWEZIG@ deelnemers.

            **Samenvatting.** We begonnen met een eenvoudige vraag: wanneer ben je tevreden over een
            activiteit? De antwoorden liepen sterk uiteen. Voor de ene telde de opkomst, voor de
            andere dat één ouder na afloop bleef hangen om een moeilijke vraag te stellen. We
            ordenden de antwoorden in zes dimensies.

            | Dimensie | De vraag die je jezelf stelt | Een aanwijzing |
            |---|---|---|
            | Bereik | Komen de ouders voor wie het bedoeld is? | Wie komt er, en wie niet?
            Vergelijk met de buurt. |
            | Aansluiting | Past het aanbod bij hun vragen? | Ouders brengen zelf onderwerpen aan. |
            | Relatie | Voelen ouders zich welkom en ernstig genomen? | Ouders komen terug en
            brengen anderen mee. |
            | Effect | Verandert er iets voor ouders of kinderen? | Ouders vertellen wat ze anders
            doen. |
            | Samenwerking | Weten we wat anderen doen? | Een doorverwijzing komt ook echt aan. |
            | Leren | Sturen we bij op wat we zien? | Een jaarlijkse evaluatie met het team én met
            ouders. |

            ### Kernpunten

            1. Kwaliteit is meer dan cijfers: het verhaal van ouders hoort bij de evaluatie.
            2. Ouders oordelen mee: vraag hun oordeel, niet alleen of ze tevreden waren.
            3. Kwaliteit vraagt tijd om in het team stil te staan bij het werk, en die tijd staat
              zelden in een subsidiedossier.
            4. Een gemeenschappelijk kader helpt, zolang het geen afvinklijst wordt.

            ### Wat we vragen

            - Een plek waar organisaties hun evaluatie-instrumenten kunnen delen.
            - Vorming over evalueren in de praktijk, ook voor kleine organisaties en
              vrijwilligers.
            - Subsidiegevers die mee nadenken over een redelijke verantwoording.

            ### Volgende stappen

            - Expoo legt de zes dimensies voor aan het werkveld en neemt ze mee in het werk rond
              kwaliteit.
            - Wie een instrument wil delen, stuurt het naar Expoo.
            """
        ),
    ),
    SessionSpec(
        "Het consultatiebureau als eerste deur",
        PRESENTATION,
        ("HVK", "BER"),
        "Kind en Gezin",
        md(
            """
            Bijna alle ouders van een baby komen op het consultatiebureau. Dat maakt het een
            unieke eerste deur naar ander aanbod. We tonen hoe een consultatiebureau in Leuven
            samenwerkt met de opvoedingswinkel en een inloopteam in hetzelfde gebouw.
            """
        ),
    ),
    SessionSpec(
        "Speelpleinwerking en ouders: kansen aan de rand van het terrein",
        DISCUSSION,
        ("DIV", "SAM"),
        "Speelpleinwerk",
        md(
            """
            Elke zomer brengen duizenden ouders hun kinderen naar het speelplein. Meestal
            blijft het bij een groet aan de ingang. Kan het speelplein een plek worden waar
            ouders elkaar ontmoeten, zonder dat het speelplein zijn eigenheid verliest?
            """
        ),
    ),
    SessionSpec(
        "Ouders van een kind met een beperking",
        DISCUSSION,
        ("KWE", "DIV"),
        "Thuisbegeleiding",
        md(
            """
            Ouders van een kind met een beperking krijgen veel zorg aangeboden, maar zelden
            gewone opvoedingsondersteuning. Wat hebben ze nodig van een opvoedingswinkel of
            oudergroep? Een gesprek met een thuisbegeleidingsdienst en ervaringsdeskundige
            ouders.
            """
        ),
    ),
    SessionSpec(
        "Demo: werken met praatplaten",
        DEMO,
        ("BER", "PAR"),
        "Opvoedingswinkel",
        md(
            """
            Praatplaten zijn grote tekeningen van alledaagse opvoedingsmomenten, zonder tekst.
            Ze werken over taalgrenzen heen. We tonen hoe je er een oudergroep mee begeleidt
            en je ervaart zelf een korte sessie.
            """
        ),
        report=md(
            """
            @AANWEZIG@ deelnemers. We probeerden drie praatplaten uit in kleine groepjes:
            slapengaan, eten, ruzie tussen broers en zussen. Wie geen Nederlands spreekt, vertelt
            toch mee; wie niet graag praat, wijst aan. Tip uit de groep: laat de ouder kiezen welke
            plaat op tafel komt.
            """
        ),
    ),
    SessionSpec(
        "Vaders achter de tralies",
        DISCUSSION,
        ("VAD", "KWE"),
        "CAW",
        md(
            """
            Kinderen van gedetineerde vaders zien hun vader soms maanden niet. We vertellen
            over **ouder-kindbezoeken** en vadergroepen in twee gevangenissen, en over wat er
            gebeurt na de vrijlating.
            """
        ),
        held=False,
    ),
    SessionSpec(
        "Online opvoedingsondersteuning: forum, chat of mail?",
        DISCUSSION,
        ("KWA", "BER"),
        "Opvoedingslijn",
        md(
            """
            Steeds meer ouders zoeken hulp online. Welke vorm past bij welke vraag, en hoe
            garandeer je kwaliteit en privacy als je chat met een anonieme ouder?
            """
        ),
        withdrawn=True,
    ),
    SessionSpec(
        "Van project naar structurele werking",
        DISCUSSION,
        ("KWA", "SAM"),
        "vzw",
        md(
            """
            Veel vernieuwende initiatieven draaien op projectsubsidies van drie jaar. Hoe maak
            je van een geslaagd project een vaste werking? We delen strategieën:

            1. inbedding bij een grotere partner;
            2. het lokaal bestuur overtuigen;
            3. vrijwilligers een dragende rol geven.
            """
        ),
    ),
    SessionSpec(
        "Het decreet opvoedingsondersteuning: vijf jaar later",
        PRESENTATION,
        ("DIV", "SAM"),
        "Expoo",
        md(
            """
            Het decreet van 2007 gaf opvoedingsondersteuning een kader met vijf functies. Wat
            heeft het opgeleverd, welke projecten passen er niet in, en wat verandert er met de
            nieuwe regelgeving rond **preventieve gezinsondersteuning**?
            """
        ),
        hot=True,
        co_hosts=0,
        report=md(
            """
            Ongeveer @AANWEZIG@ deelnemers.

            **Samenvatting.** Het decreet van 2007 blijft een goede referentie om te benoemen
            wat opvoedingsondersteuning is: de laagdrempelige, gelaagde ondersteuning van
            opvoedingsverantwoordelijken bij de opvoeding van kinderen. De vijf functies uit
            het decreet waren voor de meeste deelnemers herkenbaar. Tegelijk bestaan er
            vernieuwende projecten die moeilijk in het kader passen, zoals projecten die
            reflectie op ouderschap of maatschappelijke actie centraal zetten.

            ### Kernpunten

            - Opvoedingsondersteuning is geen sector, maar een functie die veel sectoren
              opnemen.
            - Het aanbod wordt niet alleen ingezet om problemen te voorkomen, maar ook om het
              ouderschap te verrijken.
            - Er is ruimte nodig voor projecten buiten het kader van de vijf functies.
            - De overgang naar preventieve gezinsondersteuning roept vragen op over
              financiering en identiteit.

            ### Volgende stappen

            - Expoo bundelt de bijdragen van OOcamp tot ankerpunten voor
              opvoedingsondersteuning.
            - De ankerpunten worden voorgesteld op het Vlaams Congres Opvoedingsondersteuning.
            """
        ),
        slides=(
            (
                "Het decreet van 2007",
                (
                    "Laagdrempelige, gelaagde ondersteuning",
                    "Van alle opvoedingsverantwoordelijken",
                    "Lokaal overleg en opvoedingswinkels",
                ),
            ),
            (
                "Vijf functies",
                (
                    "Informatie-uitwisseling",
                    "Praktisch-instrumentele steun",
                    "Pedagogisch advies",
                    "Sociale steun",
                    "Vroegsignalering en doorverwijzing",
                ),
            ),
            (
                "Wat komt eraan?",
                (
                    "Nieuwe regelgeving: preventieve gezinsondersteuning",
                    "Huizen van het Kind als lokaal ankerpunt",
                    "Blijft er plaats voor innovatie?",
                ),
            ),
        ),
    ),
    SessionSpec(
        "Oudergroepen die blijven lopen",
        DISCUSSION,
        ("PAR", "SAM"),
        "Opvoedingswinkel",
        md(
            """
            Een oudergroep opstarten lukt meestal wel; na vier bijeenkomsten blijven er vaak
            nog twee ouders over. Wat maakt dat ouders blijven komen? We wisselen ervaringen
            uit over thema's, begeleiding, kinderopvang tijdens de groep en het moment waarop
            ouders het zelf overnemen.
            """
        ),
    ),
    SessionSpec(
        "Opvoeden in armoede: luisteren naar ouders",
        DISCUSSION,
        ("KWE", "PAR"),
        "Welzijnsschakel",
        md(
            """
            Ouders die in armoede leven, voelen zich vaak beoordeeld als opvoeder. Samen met
            ouders uit een welzijnsschakel bespreken we wat respectvolle ondersteuning is, en
            wat niet. **Ouders voeren het woord**, hulpverleners luisteren.
            """
        ),
        hot=True,
        co_hosts=2,
        report=md(
            """
            Ongeveer @AANWEZIG@ deelnemers. Twee ervaringsdeskundigen in de armoede leidden het
            gesprek, samen met een medewerker van een vereniging waar armen het woord nemen.

            **Samenvatting.** De ervaringsdeskundigen vertelden hoe het voelt om als ouder in
            armoede ondersteund te worden: vaak goedbedoeld, soms betuttelend, zelden echt samen.
            Ouders in armoede doen enorm veel moeite voor hun kinderen, maar die inzet wordt niet
            altijd gezien. En er is angst: wie hulp vraagt, vreest dat de kinderen geplaatst worden.

            ### Wat ouders vragen

            - Kijk eerst naar wat goed gaat.
            - Leg uit waarom je iets vraagt of opschrijft.
            - Kom niet met een kant-en-klare oplossing; zoek samen.
            - Denk aan de kosten: een gratis activiteit met een busrit en een drankje is niet
              gratis.

            ### Wat de medewerkers meenamen

            - Vertrouwen bouw je in kleine stappen en met dezelfde mensen.
            - Een ervaringsdeskundige in het team verandert de blik van het hele team.
            - Opvoedingsondersteuning lost armoede niet op, maar ze kan voorkomen dat ouders zich
              nog eens tekortgedaan voelen.
            """
        ),
    ),
    SessionSpec(
        "Demo: de digitale sociale kaart voor opvoedingsvragen",
        DEMO,
        ("SAM", "HVK"),
        "Steunpunt",
        md(
            """
            We tonen een eerste versie van een doorzoekbare kaart met al het aanbod
            opvoedingsondersteuning in de provincie: wie doet wat, voor welke leeftijd, in
            welke taal. Hoe houden we zo'n kaart actueel? Feedback is meer dan welkom.
            """
        ),
    ),
    SessionSpec(
        "Pleegouders en opvoedingsondersteuning",
        DISCUSSION,
        ("DIV", "KWE"),
        "Pleegzorg",
        md(
            """
            Pleegouders voeden een kind op dat ook andere ouders heeft. Kunnen zij terecht in
            het gewone aanbod opvoedingsondersteuning, of hebben ze iets eigens nodig?
            """
        ),
        withdrawn=True,
    ),
    SessionSpec(
        "Tienermoeders en jonge ouders",
        DISCUSSION,
        ("KWE", "BER"),
        "CAW",
        md(
            """
            Jonge ouders combineren het ouderschap met school, werk zoeken en soms een eigen
            woonst. Ze vallen vaak uit de boot bij het klassieke aanbod. We vertellen over een
            groep voor tienermoeders en zoeken samen wat jonge vaders nodig hebben.
            """
        ),
    ),
    SessionSpec(
        "Vrijwilligers in de gezinsondersteuning",
        DISCUSSION,
        ("PAR", "SAM"),
        "Gezinsbond",
        md(
            """
            Vrijwilligers zijn vaak zelf ouder en staan dicht bij andere gezinnen. Hoe zet je
            ze in naast beroepskrachten, zonder ze te overvragen? Over rekrutering, vorming,
            grenzen en **waardering**.
            """
        ),
    ),
    SessionSpec(
        "Wat moet een student opvoedingsondersteuning kennen?",
        DISCUSSION,
        ("KWA",),
        "hogeschool",
        md(
            """
            Hogescholen leiden sociaal werkers en (ortho)pedagogen op die later in
            opvoedingsondersteuning terechtkomen. Welke competenties missen pas afgestudeerden
            volgens het werkveld? En wat kan het werkveld leren van stagiairs?
            """
        ),
        report=md(
            """
            Een kleine groep van @AANWEZIG@: lectoren van drie hogescholen, een paar stagementoren
            en twee laatstejaarsstudenten.

            Wat stagementoren missen bij pas afgestudeerden:

            - gespreksvaardigheden met ouders, vooral wanneer het moeilijk wordt;
            - kennis van de sociale kaart: wie doet wat?
            - ervaring met groepen ouders, niet alleen met kinderen;
            - inzicht in hoe armoede en migratie het opvoeden kleuren.

            De studenten vroegen vooral meer stageplaatsen buiten de klassieke voorzieningen. De
            lectoren nemen dit mee naar het overleg van hun opleidingen.
            """
        ),
    ),
    SessionSpec(
        "Vaderschap in verschillende culturen",
        DISCUSSION,
        ("VAD", "DIV"),
        "Samenlevingsopbouw",
        md(
            """
            Wat een goede vader is, verschilt van gezin tot gezin en van cultuur tot cultuur.
            In een wijkproject in Schaarbeek praten vaders van Marokkaanse, Turkse en
            Congolese afkomst over hun rol. We delen wat we van hen leerden.
            """
        ),
    ),
    SessionSpec(
        "Week van de Opvoeding: meer dan een affiche",
        PRESENTATION,
        ("BER", "SAM"),
        "Expoo",
        md(
            """
            In mei liep de Week van de Opvoeding. Drie gemeenten vertellen hoe ze de week
            gebruikten om nieuwe partners en ouders te bereiken, en Expoo licht het thema voor
            volgend jaar toe.
            """
        ),
        co_hosts=2,
    ),
    SessionSpec(
        "Hebben ouders een stem in het Huis van het Kind?",
        DISCUSSION,
        ("PAR", "HVK"),
        "Huis van het Kind",
        md(
            """
            Een Huis van het Kind wordt gebouwd door organisaties. Hoe zorgen we ervoor dat
            ouders mee bepalen wat er in het huis gebeurt? Van gebruikersraad tot
            ouderpanel: we verzamelen vormen en valkuilen.
            """
        ),
        hot=True,
        report=md(
            """
            Ongeveer @AANWEZIG@ deelnemers, onder wie een paar ouders uit het oudercomité van een
            kinderdagverblijf.

            **Samenvatting.** Als het Huis van het Kind er voor ouders is, moeten ouders er ook iets
            over te zeggen hebben. Maar hoe? We zetten vormen van participatie op een ladder, van
            informeren tot mee beslissen, en keken waar we vandaag staan.

            | Trede | Wat ouders doen | Een voorbeeld uit de groep |
            |---|---|---|
            | Informeren | Ouders horen wat er komt | Een folder of een infomoment |
            | Raadplegen | Ouders geven hun mening | Een bevraging in de wachtzaal |
            | Adviseren | Ouders adviseren over keuzes | Een ouderpanel dat twee keer per jaar
            samenkomt |
            | Mee beslissen | Ouders zitten mee aan tafel | Een ouder in de stuurgroep van het
            Huis |

            De meeste voorbeelden bleven op de eerste twee treden. Wie hoger wilde, botste op
            praktische zaken: vergaderingen overdag, vakjargon, geen opvang voor de kinderen.

            ### Kernpunten

            - Participatie begint bij kleine dingen: de openingsuren, het onthaal, de taal van de
              folders.
            - Niet alleen de mondige ouders: nodig via brugfiguren ook ouders uit die zelden hun
              stem laten horen.
            - Een ouder in een stuurgroep heeft voorbereiding, ondersteuning en een vergoeding
              nodig.

            ### Volgende stappen

            - De groep stelt voor dat elk Huis van het Kind minstens één vorm van advies door
              ouders inbouwt.
            """
        ),
    ),
    SessionSpec(
        "Babymassage als toegangspoort",
        PRESENTATION,
        ("DIV", "BER"),
        "Kind en Gezin",
        md(
            """
            Babymassage trekt ouders aan die anders nooit naar een oudergroep zouden komen.
            Tijdens en na de massage komen vragen over slapen, huilen en de relatie met de
            partner vanzelf. We vertellen hoe we van een cursus een ontmoetingsplek maakten.
            """
        ),
    ),
    SessionSpec(
        "Demo: filmpjes voor ouders die niet graag lezen",
        DEMO,
        ("BER", "KWE"),
        "Opvoedingswinkel",
        md(
            """
            Veel folders komen nooit aan bij ouders die moeilijk lezen. Wij maakten korte
            filmpjes zonder tekst over slapen, eten en grenzen stellen. We tonen er een paar en
            vertellen hoe we ze samen met ouders maakten.
            """
        ),
        links=(
            (
                "video",
                "Filmpje: grenzen stellen (zonder tekst)",
                "https://example.org/oocamp-2012/video/grenzen-stellen",
            ),
        ),
    ),
    SessionSpec(
        "CLB en opvoedingswinkel: samen rond huiswerk",
        PRESENTATION,
        ("SAM",),
        "CLB",
        md(
            """
            Huiswerk is een van de grootste bronnen van ruzie thuis. Een CLB en een
            opvoedingswinkel organiseerden samen ouderavonden over huiswerk in vijf lagere
            scholen. We tonen het draaiboek en de reacties van ouders en leerkrachten.
            """
        ),
    ),
    SessionSpec(
        "Sociale steun: netwerken rond alleenstaande ouders",
        DISCUSSION,
        ("KWE", "PAR"),
        "OCMW",
        md(
            """
            Alleenstaande ouders missen vaak een netwerk dat eens oppast of meedenkt. Hoe
            stimuleer je informele netwerken, en wat is de rol van de overheid daarbij?
            Met voorbeelden van buddy's, oppasnetwerken en een ouderontmoetingsplek.
            """
        ),
    ),
    SessionSpec(
        "Kinderen en schermen: wat zeggen we tegen ouders?",
        DISCUSSION,
        ("DIV", "KWA"),
        "Gezinsbond",
        md(
            """
            Ouders vragen steeds vaker hoeveel tv, computer en spelconsole goed is voor hun
            kind. Experts spreken elkaar tegen. Kunnen we als sector een **eenduidige
            boodschap** geven, of is dat niet nodig?
            """
        ),
        held=False,
    ),
]

# --------------------------------------------------------------------------------------------
# People
# --------------------------------------------------------------------------------------------

ORGANISERS: list[tuple[str, str]] = [
    ("Nele Travers", "nele@example.org"),
    ("Sofie De Wachter", "sofie@example.org"),
    ("Jonas Vermeersch", "jonas@example.org"),
]


def words(text: str) -> list[str]:
    """Split a space-separated list of first names."""
    return text.split()


def names(text: str) -> list[str]:
    """Split a comma-separated list of last names (they may hold spaces)."""
    return [name.strip() for name in text.split(",")]


# origin -> (female first names, male first names, last names, weight)
NAME_POOLS: dict[str, tuple[list[str], list[str], list[str], float]] = {
    "vlaams": (
        words(
            "An Annelies Bieke Caroline Charlotte Ellen Els Elke Evelien Eva Femke Fien Greet "
            "Griet Hanne Heidi Hilde Ilse Ine Inge Isabelle Joke Jolien Kaat Karen Katleen "
            "Katrien Kristien Leen Lien Lies Liesbeth Lieve Lotte Margot Marijke Marleen Mieke "
            "Nathalie Petra Saskia Sara Stefanie Tine Veerle Wendy Ann Hannelore Valerie "
            "Sien Ruth Barbara Dominique Nadine"
        ),
        words(
            "Bart Bert Dirk Dries Filip Frederik Geert Gert Hans Jan Jeroen Joris Koen Kris Luc "
            "Maarten Pieter Stijn Thomas Tom Wim Wouter Lieven Tim Nico Ruben"
        ),
        names(
            "Peeters, Janssens, Maes, Jacobs, Mertens, Willems, Claes, Goossens, Wouters, "
            "De Smet, Hermans, Aerts, Van den Broeck, Vermeulen, Pauwels, Verhoeven, "
            "De Clercq, Van Damme, Vandenberghe, Lambrechts, Michiels, Coppens, Segers, Cools, "
            "Verstraete, De Wilde, Van de Velde, Vervoort, Bogaerts, Van Hecke, Martens, "
            "Smets, Verbeke, Claeys, Stevens, Baert, De Backer, Vanhove, Geerts, Dewulf, "
            "Van Acker, Hendrickx, Moens, Wuyts, Dierckx, Verlinden, De Meyer, Van Loo, "
            "Lenaerts, Bracke, Van Roy, De Coninck, Timmermans, Devos, Callens, Van Laere, "
            "Vanderhaegen, D'hondt, Desmedt, Verschueren, Dubois, Lemmens, Van Gorp, Schepers, "
            "Huysmans, De Vos, Laureys, Van Steen, Vercammen, Goethals"
        ),
        0.78,
    ),
    "marokkaans": (
        words("Fatima Naima Samira Latifa Hafsa Amina Aïcha Nadia Malika Rahma Yasmina Dounia"),
        words("Mohamed Youssef Karim Rachid Ahmed Jamal Bilal Saïd Mourad"),
        names(
            "El Amrani, Benali, El Idrissi, Bouzid, Azzouzi, El Khattabi, Haddouchi, Boukhari, "
            "Ouardi, Chaouki, El Bakkali, Tahiri"
        ),
        0.09,
    ),
    "turks": (
        words("Zeynep Elif Ayşe Hatice Meryem Emine Büşra Gül"),
        words("Mustafa Hakan Emre Murat Osman Kemal"),
        words(
            "Yılmaz Kaya Demir Çelik Şahin Öztürk Aydın Arslan Koç Yıldız Doğan Kılıç Aslan "
            "Erdoğan Polat Korkmaz"
        ),
        0.06,
    ),
    "congolees": (
        words("Mireille Chantal Espérance Ngalula Grâce Clarisse"),
        words("Jean-Pierre Patrick Didier Serge"),
        words("Mbuyi Kabongo Lukusa Ilunga Tshibangu Mulumba Kasongo"),
        0.04,
    ),
    "pools": (
        words("Agnieszka Magdalena Katarzyna Joanna"),
        words("Tomasz Piotr"),
        words("Kowalczyk Nowak Wiśniewska Zielińska Mazur"),
        0.02,
    ),
    "west-afrikaans": (
        words("Aminata Fatoumata Mariama"),
        words("Ibrahima Mamadou Ousmane"),
        words("Diallo Ndiaye Bah Sow Camara"),
        0.01,
    ),
}

POLISH_MALE_SURNAME = {"Wiśniewska": "Wiśniewski", "Zielińska": "Zieliński"}

# organisation -> weight (every one of them is used at least once)
ORGANISATIONS: dict[str, int] = {
    "Kind en Gezin": 10,
    "Huis van het Kind Gent": 2,
    "Huis van het Kind Antwerpen": 2,
    "Huis van het Kind Leuven": 1,
    "Huis van het Kind Mechelen": 1,
    "Opvoedingswinkel Gent": 2,
    "Opvoedingswinkel Antwerpen": 2,
    "Opvoedingswinkel Brussel": 2,
    "Opvoedingswinkel Brugge": 1,
    "Opvoedingswinkel Leuven": 1,
    "Opvoedingswinkel Kortrijk": 1,
    "Opvoedingswinkel Aalst": 1,
    "Opvoedingswinkel Genk": 1,
    "CAW Brussel": 2,
    "CAW Artevelde": 1,
    "CAW De Mare": 1,
    "CAW Oost-Brabant": 1,
    "CAW Piramide": 1,
    "JAC Brussel": 1,
    "OCMW Gent": 1,
    "OCMW Antwerpen": 1,
    "OCMW Mechelen": 1,
    "OCMW Sint-Jans-Molenbeek": 1,
    "OCMW Schaarbeek": 1,
    "Vrij CLB Antwerpen": 1,
    "CLB GO! Brussel": 1,
    "Vrij CLB Leuven": 1,
    "Gezinsbond": 3,
    "Inloopteam De Kraal": 1,
    "Inloopteam 't Nestje": 1,
    "CKG De Schommel": 1,
    "CKG Het Anker": 1,
    "Kinderopvang Stad Gent": 2,
    "Kinderopvang VGC Brussel": 2,
    "Kraamzorg Wit-Gele Kruis": 1,
    "Samenlevingsopbouw Brussel": 1,
    "Samenlevingsopbouw Antwerpen stad": 1,
    "Schoolopbouwwerk Antwerpen": 1,
    "Brede School Molenbeek": 1,
    "Arteveldehogeschool": 2,
    "Hogeschool Gent": 1,
    "Karel de Grote-Hogeschool": 1,
    "Erasmushogeschool Brussel": 1,
    "Katholieke Hogeschool Leuven": 1,
    "Universiteit Gent": 1,
    "Vrije Universiteit Brussel": 1,
    "KU Leuven": 1,
    "Opvoedingslijn": 1,
    "vzw Ouders Online": 1,
    "Provinciaal Steunpunt Opvoedingsondersteuning Antwerpen": 1,
    "Provinciaal Steunpunt Opvoedingsondersteuning Limburg": 1,
    "Pleegzorg Vlaams-Brabant en Brussel": 1,
    "Vlaamse Gemeenschapscommissie": 1,
    "Jongerenwelzijn": 1,
    "Spelotheek De Speelvogel vzw": 1,
    "Welzijnsschakel De Brug vzw": 1,
    "Thuisbegeleiding Limburg vzw": 1,
    "Vlaamse Dienst Speelpleinwerk": 1,
    "Stad Mechelen, dienst Gezin": 1,
    "Stad Genk, afdeling Welzijn": 1,
    "Zelfstandig opvoedingscoach": 1,
}

N_PARTICIPANTS = 150

# --------------------------------------------------------------------------------------------
# Generation
# --------------------------------------------------------------------------------------------


def ascii_slug(text: str) -> str:
    """Lowercase ASCII for an e-mail address: accents dropped, spaces and apostrophes removed."""
    text = text.replace("ı", "i")
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = plain.encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9-]", "", plain)


@dataclass
class Person:
    key: str
    name: str
    email: str | None
    organisation: str
    role: str = "participant"
    favourites: tuple[str, ...] = ()
    hosting: list[str] = field(default_factory=list)


def make_people(rng: random.Random) -> list[Person]:
    people = [
        Person(f"p{i + 1}", name, email, "Expoo", "organiser")
        for i, (name, email) in enumerate(ORGANISERS)
    ]
    taken = {p.name for p in people}
    emails = {p.email for p in people}
    origins = list(NAME_POOLS)
    origin_weights = [NAME_POOLS[o][3] for o in origins]
    count = N_PARTICIPANTS - len(people)
    organisations = list(ORGANISATIONS)
    organisations += rng.choices(
        list(ORGANISATIONS), weights=list(ORGANISATIONS.values()), k=count - len(organisations)
    )
    rng.shuffle(organisations)
    used: Counter[str] = Counter(part for p in people for part in p.name.split(" ", 1))
    for organisation in organisations:
        while True:
            origin = rng.choices(origins, weights=origin_weights)[0]
            female, male, last_names, _ = NAME_POOLS[origin]
            is_female = rng.random() < 0.75
            first = rng.choice(female if is_female else male)
            last = rng.choice(last_names)
            if not is_female:
                last = POLISH_MALE_SURNAME.get(last, last)
            name = f"{first} {last}"
            if name not in taken and used[first] < 2 and used[last] < 2:
                break
        taken.add(name)
        used.update([first, last])
        roll = rng.random()
        if roll < 0.08:
            email = None
        else:
            if roll < 0.2:
                local = f"{ascii_slug(first)[0]}.{ascii_slug(last)}"
            else:
                local = f"{ascii_slug(first)}.{ascii_slug(last)}"
            domain = "example.be" if rng.random() < 0.6 else "example.org"
            email = f"{local}@{domain}"
            suffix = 2
            while email in emails:
                email = f"{local}{suffix}@{domain}"
                suffix += 1
            emails.add(email)
        people.append(Person(f"p{len(people) + 1}", name, email, organisation))
    theme_weights = [THEMES[code][1] for code in THEME_CODES]
    for person in people:
        first_theme = rng.choices(THEME_CODES, weights=theme_weights)[0]
        favourites = [first_theme]
        if rng.random() < 0.6:
            second = first_theme
            while second == first_theme:
                second = rng.choices(THEME_CODES, weights=theme_weights)[0]
            favourites.append(second)
        person.favourites = tuple(favourites)
    return people


def pick_hosts(rng: random.Random, people: list[Person]) -> list[list[Person]]:
    """1-3 hosts per session; nobody hosts more than 2; the first host fits the session's hint."""
    result: list[list[Person]] = []
    guests = [p for p in people if p.role != "organiser"]
    for index, spec in enumerate(SESSIONS):
        key = f"x{index + 1}"
        pool = people if spec.hint == "Expoo" else guests

        def free(candidates: list[Person], chosen: list[Person]) -> list[Person]:
            return [p for p in candidates if len(p.hosting) < 2 and p not in chosen]

        hosts: list[Person] = []
        matching = free(
            [p for p in pool if spec.hint and spec.hint.lower() in p.organisation.lower()], hosts
        )
        # Prefer people who host nothing yet, so that double hosts stay the exception.
        fresh = [p for p in matching if not p.hosting]
        hosts.append(rng.choice(fresh or matching or free(guests, hosts)))
        extra = spec.co_hosts
        if extra is None:
            extra = rng.choices([0, 1, 2], weights=[55, 35, 10])[0]
        for _ in range(extra):
            candidates = free(guests, hosts)
            fresh = [p for p in candidates if not p.hosting]
            if rng.random() < 0.85 and fresh:
                hosts.append(rng.choice(fresh))
            else:
                hosts.append(rng.choice(candidates))
        for host in hosts:
            host.hosting.append(key)
        result.append(hosts)
    return result


def make_unavailable(rng: random.Random, session_slots: list[str]) -> list[list[str]]:
    """Some hosts arrive late, leave early, or have a meeting in between."""
    result: list[list[str]] = [[] for _ in SESSIONS]
    candidates = [i for i, spec in enumerate(SESSIONS) if not spec.withdrawn]
    for index in rng.sample(candidates, 10):
        pattern = rng.choice(["late", "early", "middle"])
        if pattern == "late":
            chosen = session_slots[: rng.randint(1, 2)]
        elif pattern == "early":
            chosen = session_slots[-rng.randint(2, 3) :]
        else:
            chosen = [rng.choice(session_slots[2:7])]
        result[index] = chosen
    return result


def make_votes(
    rng: random.Random, people: list[Person], session_keys: list[str]
) -> list[tuple[str, str]]:
    """Every participant votes 3-20 times, 80 % of the time in their favourite themes."""
    live = [
        (key, spec) for key, spec in zip(session_keys, SESSIONS, strict=True) if not spec.withdrawn
    ]
    popularity = {
        key: rng.lognormvariate(0, 0.7) * (2.3 if spec.hot else 1.0) for key, spec in live
    }
    by_theme: dict[str, list[str]] = defaultdict(list)
    for key, spec in live:
        for code in spec.themes:
            by_theme[code].append(key)
    all_keys = [key for key, _ in live]
    votes: list[tuple[str, str]] = []
    for person in people:
        count = min(20, max(3, round(rng.gauss(10, 4))))
        favourite_pool = sorted({k for code in person.favourites for k in by_theme[code]})
        chosen: set[str] = set()
        while len(chosen) < count:
            pool = favourite_pool if rng.random() < 0.8 else all_keys
            pool = [k for k in pool if k not in chosen] or [k for k in all_keys if k not in chosen]
            chosen.add(rng.choices(pool, weights=[popularity[k] for k in pool])[0])
        votes.extend((person.key, key) for key in chosen)
    order = {key: i for i, key in enumerate(session_keys)}
    people_order = {p.key: i for i, p in enumerate(people)}
    votes.sort(key=lambda v: (people_order[v[0]], order[v[1]]))
    return votes


def place_sessions(
    session_keys: list[str],
    hosts: dict[str, list[str]],
    unavailable: dict[str, list[str]],
    votes: list[tuple[str, str]],
    rooms: list[str],
    session_slots: list[str],
    pinned_slots: list[str],
) -> list[Json]:
    """Greedy grid: most-voted first, biggest room with a free cell first, and within that room
    the slot where the session shares the fewest interested people with what is already there.
    The two most-voted sessions are pinned in the big room at the given slots."""
    voters: dict[str, set[str]] = defaultdict(set)
    for participant, session in votes:
        voters[session].add(participant)
    wants = {key: voters[key] | set(hosts[key]) for key in session_keys}
    order = sorted(session_keys, key=lambda k: (-len(voters[k]), session_keys.index(k)))
    cells: dict[tuple[str, str], str] = {}
    busy: dict[str, set[str]] = defaultdict(set)  # slot -> hosts in it
    placed: dict[str, tuple[str, str, bool]] = {}

    def allowed(key: str, slot: str) -> bool:
        return slot not in unavailable[key] and not busy[slot] & set(hosts[key])

    def put(key: str, room: str, slot: str, pinned: bool) -> None:
        cells[(room, slot)] = key
        busy[slot] |= set(hosts[key])
        placed[key] = (room, slot, pinned)

    for key, wanted_slot in zip(order[: len(pinned_slots)], pinned_slots, strict=True):
        start = session_slots.index(wanted_slot)
        for slot in session_slots[start:] + session_slots[:start]:
            if (rooms[0], slot) not in cells and allowed(key, slot):
                put(key, rooms[0], slot, True)
                break
    for key in order:
        if key in placed:
            continue
        for room in rooms:
            options = [s for s in session_slots if (room, s) not in cells and allowed(key, s)]
            if not options:
                continue

            def overlap(slot: str, key: str = key) -> int:
                return sum(
                    len(wants[key] & wants[other]) for (_, s), other in cells.items() if s == slot
                )

            put(key, room, min(options, key=lambda s: (overlap(s), session_slots.index(s))), False)
            break
        else:
            raise SystemExit(f"greedy placement found no cell for {key}")
    return [
        {"session": key, "room": placed[key][0], "slot": placed[key][1], "pinned": placed[key][2]}
        for key in session_keys
        if key in placed
    ]


# --------------------------------------------------------------------------------------------
# Slides
# --------------------------------------------------------------------------------------------

SLIDE_CSS = """
@page {
  size: 254mm 143mm;
  margin: 14mm 18mm 16mm;
  font-family: 'DejaVu Sans', sans-serif;
  @bottom-left { content: "OOcamp 2012 · %(footer)s"; font-size: 8pt; color: #6b7b83; }
  @bottom-right { content: counter(page); font-size: 8pt; color: #6b7b83; }
}
@page :first {
  background: #0b6e6e;
  @bottom-left { content: none; }
  @bottom-right { content: none; }
}
body { font-family: 'DejaVu Sans', sans-serif; color: #1f2a30; margin: 0; }
section + section { break-before: page; }
.title { color: #ffffff; padding-top: 20mm; }
.title h1 { font-size: 28pt; line-height: 1.2; margin: 0 0 8mm; }
.title .bar { width: 40mm; height: 2mm; background: #f2a541; margin-bottom: 8mm; }
.title p { font-size: 13pt; margin: 0 0 3mm; }
h2 { font-size: 22pt; color: #0b6e6e; margin: 0 0 9mm; padding-bottom: 3mm;
     border-bottom: 1.2mm solid #f2a541; }
ul { margin: 0; padding-left: 8mm; }
li { font-size: 17pt; margin: 0 0 5mm; }
"""


Slides = tuple[tuple[str, tuple[str, ...]], ...]


def slides_pdf(title: str, hosts: list[Person], slides: Slides) -> bytes:
    """A small landscape slide deck: a title slide and one slide per (heading, bullets)."""
    from weasyprint import HTML  # imported late: only needed here, and slow to import

    host_line = ", ".join(f"{h.name} ({h.organisation})" for h in hosts)
    css = SLIDE_CSS % {"footer": title.replace('"', "'")}
    parts = [
        "<!DOCTYPE html><html lang='nl'><head><meta charset='utf-8'>",
        f"<title>{escape(title)}</title>",
        f"<meta name='author' content='{escape(', '.join(h.name for h in hosts))}'>",
        f"<style>{css}</style></head><body>",
        "<section class='title'>",
        f"<h1>{escape(title)}</h1><div class='bar'></div>",
        f"<p>{escape(host_line)}</p>",
        "<p>OOcamp 2012 · 8 juni 2012 · Brussel</p>",
        "</section>",
    ]
    for heading, bullets in slides:
        items = "".join(f"<li>{escape(b)}</li>" for b in bullets)
        parts.append(f"<section><h2>{escape(heading)}</h2><ul>{items}</ul></section>")
    parts.append("</body></html>")
    return HTML(string="".join(parts)).write_pdf()


# --------------------------------------------------------------------------------------------
# Cover
# --------------------------------------------------------------------------------------------

TEAL, DEEP_TEAL, ORANGE, CREAM = "#0b6e6e", "#074f4f", "#f2a541", "#fdf6e3"
FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu")]


def font(name: str, size: int) -> Any:
    from PIL import ImageFont

    for folder in FONT_DIRS:
        if (folder / name).is_file():
            return ImageFont.truetype(str(folder / name), size)
    raise SystemExit(f"font {name} not found (Debian: apt-get install fonts-dejavu-core)")


def cover_png() -> bytes:
    """The event's picture for the report's cover: the name on the slides' teal, a tent and a
    sun ("op kamp"), drawn at twice the size and scaled down so the edges are smooth."""
    from PIL import Image, ImageDraw

    width, height, scale = 1200, 675, 2
    image = Image.new("RGB", (width * scale, height * scale), TEAL)
    draw = ImageDraw.Draw(image)

    def s(*values: float) -> list[float]:
        return [v * scale for v in values]

    draw.rectangle(s(0, 560, width, height), fill=DEEP_TEAL)  # the ground
    draw.ellipse(s(1000, 70, 1110, 180), fill=ORANGE)  # the sun
    draw.polygon(s(700, 560, 880, 250, 1060, 560), fill=CREAM)  # the tent
    draw.polygon(s(880, 250, 1060, 560, 1110, 560, 920, 235), fill="#e9dcc0")  # its side
    draw.polygon(s(835, 560, 880, 430, 925, 560), fill=DEEP_TEAL)  # its door
    draw.line(s(880, 250, 860, 205), fill=CREAM, width=5 * scale)  # the poles
    draw.line(s(880, 250, 905, 200), fill=CREAM, width=5 * scale)
    draw.text(s(80, 150), "OOcamp", font=font("DejaVuSans-Bold.ttf", 118 * scale), fill="white")
    draw.text(s(84, 290), "2012", font=font("DejaVuSans-Bold.ttf", 72 * scale), fill=ORANGE)
    draw.rectangle(s(84, 400, 244, 408), fill=ORANGE)
    small = font("DejaVuSans.ttf", 30 * scale)
    draw.text(s(84, 430), "opvoedingsondersteunerscamp", font=small, fill="white")
    draw.text(s(84, 475), "Brussel · 8 juni 2012", font=small, fill=CREAM)
    image = image.resize((width, height), Image.Resampling.LANCZOS)
    image = image.quantize(colors=64, method=Image.Quantize.MEDIANCUT)  # a third of the bytes
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------
# Assembly
# --------------------------------------------------------------------------------------------


def rough(n: float) -> int:
    """Round a head count to a multiple of five, as a note-taker would."""
    return max(5, 5 * round(n / 5))


def build() -> tuple[Json, dict[str, bytes]]:
    rng = random.Random(SEED)
    rooms = [
        {"key": f"r{i + 1}", "name": name, "capacity": capacity}
        for i, (name, capacity) in enumerate(ROOMS)
    ]
    slots: list[Json] = []
    for i, (start, end, kind, label) in enumerate(SLOTS):
        slot: Json = {
            "key": f"s{i + 1}",
            "start": f"{DAY}T{start}",
            "end": f"{DAY}T{end}",
            "kind": kind,
        }
        if label:
            slot["label"] = label
        slots.append(slot)
    session_slots = [s["key"] for s in slots if s["kind"] == "sessions"]
    lunch_index = next(i for i, s in enumerate(slots) if s.get("label") == "Lunch")
    after_lunch = next(s["key"] for s in slots[lunch_index:] if s["kind"] == "sessions")

    people = make_people(rng)
    session_keys = [f"x{i + 1}" for i in range(len(SESSIONS))]
    host_lists = pick_hosts(rng, people)
    unavailable_lists = make_unavailable(rng, session_slots)
    votes = make_votes(rng, people, session_keys)

    live_keys = [k for k, s in zip(session_keys, SESSIONS, strict=True) if not s.withdrawn]
    hosts = {k: [p.key for p in h] for k, h in zip(session_keys, host_lists, strict=True)}
    unavailable = dict(zip(session_keys, unavailable_lists, strict=True))
    placements = place_sessions(
        live_keys,
        hosts,
        unavailable,
        votes,
        [r["key"] for r in rooms],
        session_slots,
        [session_slots[0], after_lunch],
    )
    placement_of = {p["session"]: p for p in placements}
    capacity = {r["key"]: r["capacity"] for r in rooms}
    vote_count = Counter(session for _, session in votes)

    files: dict[str, bytes] = {COVER: cover_png()}
    sessions: list[Json] = []
    for key, spec, host_people in zip(session_keys, SESSIONS, host_lists, strict=True):
        report = spec.report
        if report:
            seats = capacity[placement_of[key]["room"]]
            attended = min(seats, rough(vote_count[key] * 0.9 + 4))
            report = report.replace("@AANWEZIG@", str(attended))
        attachments: list[Json] = []
        if spec.slides:
            path = f"attachments/{key}-1.pdf"
            title = f"Presentatie ({len(spec.slides) + 1} dia's)"
            files[path] = slides_pdf(spec.title, host_people, spec.slides)
            attachments.append({"kind": "slides", "title": title, "file": path, "url": None})
        for kind, title, url in spec.links:
            attachments.append({"kind": kind, "title": title, "file": None, "url": url})
        sessions.append(
            {
                "key": key,
                "title": spec.title,
                "kind": spec.kind,
                "description": spec.description,
                "hosts": [p.key for p in host_people],
                "themes": [f"t{THEME_CODES.index(code) + 1}" for code in spec.themes],
                "unavailable_slots": unavailable[key],
                "status": "withdrawn" if spec.withdrawn else "held",
                "held": None if spec.withdrawn else spec.held,
                "report": report,
                "attachments": attachments,
            }
        )

    document: Json = {
        "format": FORMAT,
        "exported_at": EXPORTED_AT,
        "event": EVENT,
        "rooms": rooms,
        "slots": slots,
        "participants": [
            {
                "key": p.key,
                "name": p.name,
                "email": p.email,
                "organisation": p.organisation,
                "role": p.role,
            }
            for p in people
        ],
        "themes": [
            {"key": f"t{i + 1}", "name": THEMES[code][0], "synthesis": THEMES[code][2]}
            for i, code in enumerate(THEME_CODES)
        ],
        "sessions": sessions,
        "votes": [{"participant": p, "session": s} for p, s in votes],
        "placements": placements,
    }
    return document, files


# --------------------------------------------------------------------------------------------
# The second demo event: a camp that is on today
# --------------------------------------------------------------------------------------------

TODAY_EVENT: Json = {
    "slug": "oocamp-vandaag",
    "name": "OOcamp vandaag",
    "date": DAY,  # `manage.py setup_demo` moves it, slots and all, to the day it runs
    "timezone": "Europe/Brussels",
    "language": "nl",
    "venue": "De Markten, Oude Graanmarkt 5, 1000 Brussel",
    "description": md(
        """
        **OOcamp vandaag** is de demo van een barcamp die vandaag plaatsvindt: hij valt altijd
        op de dag waarop de demo geladen werd. De voorstellen zijn binnen en de stemming loopt.
        Zo zie je wat er op de dag zelf gebeurt.

        - **Deelnemers** stemmen op de sessies die ze willen bijwonen.
        - **Organisatoren** starten 's ochtends de pitchronde, waarin elke indiener in een
          minuut zijn sessie voorstelt, laten daarna een rooster voorstellen op basis van de
          stemmen, schuiven sessies in de rooster-editor en publiceren het rooster.

        Hoe een afgelopen camp eruitziet, met verslagen, presentaties en het evenementverslag,
        zie je bij OOcamp 2012.
        """
    ),
    "votes_per_participant": None,
    "phase": "voting",
    "introduction": "",
    "conclusion": "",
    "report_template": "",
    "report_published": False,
    "cover": None,
}
TODAY_ROOMS = ROOMS[:4]
TODAY_SLOTS: list[tuple[str, str, str, str]] = [
    ("09:30", "10:15", "plenary", "Welkom en pitchronde"),
    ("10:15", "11:00", "sessions", ""),
    ("11:05", "11:50", "sessions", ""),
    ("11:55", "12:40", "sessions", ""),
    ("12:40", "13:30", "break", "Lunch"),
    ("13:30", "14:15", "sessions", ""),
    ("14:20", "15:05", "sessions", ""),
    ("15:10", "15:55", "sessions", ""),
    ("15:55", "16:15", "plenary", "Slot"),
]
# proposals taken over from 2012 (the questions are still asked), with their hosts
TODAY_SESSIONS = [
    "Vaders bereiken in de opvoedingswinkel",
    "Tieners en hun ouders: een vergeten doelgroep",
    "Vroegsignalering zonder stigma",
    "Laagdrempelig: wat betekent dat eigenlijk?",
    "Ouders als ervaringsdeskundigen in de werking",
    "Meertalige ouders, één taal in de opvang?",
    "De spelotheek als ontmoetingsplek",
    "Lokaal overleg opvoedingsondersteuning: hoe houd je het levend?",
    "Evidence-based werken: moet alles bewezen zijn?",
    "Inloopteams: ontmoeting als kern",
    "Gescheiden ouders, gedeelde opvoeding",
    "Van oudercomité tot koffieochtend: participatie in de kinderopvang",
    "Stille ouders: wie komt er nooit?",
    "Grootouders als opvoeders",
    "Brugfiguren aan het woord",
    "Wat is kwaliteit in opvoedingsondersteuning?",
    "Ouders van een kind met een beperking",
    "Opvoeden in armoede: luisteren naar ouders",
    "Tienermoeders en jonge ouders",
    "Vaderschap in verschillende culturen",
    "Hebben ouders een stem in het Huis van het Kind?",
    "Kinderen en schermen: wat zeggen we tegen ouders?",
]
TODAY_PARTICIPANTS = 60
MAX_TODAY_ZIP_BYTES = 60_000


def build_today(camp: Json) -> Json:
    """The live demo, made of the 2012 camp's people and proposals: the organisers and the
    hosts of the proposals taken over, and others up to TODAY_PARTICIPANTS, with their keys,
    names and e-mail addresses (so the organisers sign in to both events with one account);
    the same themes without a synthesis; fresh votes, no grid. Its own random numbers, so the
    2012 file does not change with it."""
    rng = random.Random(f"{SEED}-vandaag")
    by_title = {s["title"]: s for s in camp["sessions"]}
    chosen = [by_title[title] for title in TODAY_SESSIONS]
    wanted = {p["key"] for p in camp["participants"] if p["role"] == "organiser"}
    wanted |= {host for s in chosen for host in s["hosts"]}
    others = [p["key"] for p in camp["participants"] if p["key"] not in wanted]
    wanted |= set(rng.sample(others, TODAY_PARTICIPANTS - len(wanted)))
    people = [p for p in camp["participants"] if p["key"] in wanted]
    key_of = {p["key"]: f"p{i + 1}" for i, p in enumerate(people)}

    slots: list[Json] = []
    for i, (start, end, kind, label) in enumerate(TODAY_SLOTS):
        slot: Json = {"key": f"s{i + 1}", "start": f"{DAY}T{start}", "end": f"{DAY}T{end}"}
        slot["kind"] = kind
        if label:
            slot["label"] = label
        slots.append(slot)
    session_slots = [s["key"] for s in slots if s["kind"] == "sessions"]
    late = set(rng.sample(range(len(chosen)), 4))  # hosts who cannot come to every slot

    sessions: list[Json] = []
    for i, old in enumerate(chosen):
        sessions.append(
            {
                "key": f"y{i + 1}",
                "title": old["title"],
                "kind": old["kind"],
                "description": old["description"],
                "hosts": [key_of[h] for h in old["hosts"]],
                "themes": old["themes"],
                "unavailable_slots": [rng.choice(session_slots)] if i in late else [],
                "status": "proposed",
                "held": None,
                "report": "",
                "attachments": [a for a in old["attachments"] if a["file"] is None],
            }
        )
    popularity = Counter(v["session"] for v in camp["votes"])
    weights = [popularity[old["key"]] + 5 for old in chosen]
    votes: list[tuple[str, str]] = []
    for person in people:
        if person["role"] == "organiser":
            continue  # the demo's organiser votes herself, on an empty ballot
        picked: set[int] = set()
        for _ in range(rng.randint(2, 8)):
            picked.add(rng.choices(range(len(chosen)), weights=weights)[0])
        votes += [(key_of[person["key"]], f"y{i + 1}") for i in sorted(picked)]
    return {
        "format": FORMAT,
        "exported_at": EXPORTED_AT,
        "event": TODAY_EVENT,
        "rooms": [
            {"key": f"r{i + 1}", "name": name, "capacity": capacity}
            for i, (name, capacity) in enumerate(TODAY_ROOMS)
        ],
        "slots": slots,
        "participants": [{**p, "key": key_of[p["key"]]} for p in people],
        "themes": [{**t, "synthesis": ""} for t in camp["themes"]],
        "sessions": sessions,
        "votes": [{"participant": p, "session": s} for p, s in votes],
        "placements": [],
    }


def write_zip(document: Json, files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    payload = json.dumps(document, indent=2, ensure_ascii=False).encode() + b"\n"
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in [("event.json", payload), *files.items()]:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compresslevel=9)
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------
# Self-check
# --------------------------------------------------------------------------------------------


def check(archive_bytes: bytes) -> list[str]:
    """Re-read the ZIP and verify the format and grid rules; return a printable summary."""
    problems: list[str] = []

    def need(condition: bool, message: str) -> None:
        if not condition:
            problems.append(message)

    with zipfile.ZipFile(io.BytesIO(archive_bytes)) as archive:
        entries = archive.namelist()
        doc = json.loads(archive.read("event.json").decode("utf-8"))
        sizes = {info.filename: info.file_size for info in archive.infolist()}
        cover = archive.read(COVER) if COVER in entries else b""
        need(entries[0] == "event.json", "event.json is not the first entry")
        for name in entries:
            if name.endswith(".pdf"):
                need(archive.read(name).startswith(b"%PDF-"), f"{name}: not a PDF")
                need(sizes[name] < MAX_PDF_BYTES, f"{name}: {sizes[name]} bytes")

    need(doc["format"] == FORMAT, "format tag")
    for list_name in ("rooms", "slots", "participants", "themes", "sessions"):
        keys = [item["key"] for item in doc[list_name]]
        need(len(keys) == len(set(keys)), f"{list_name}: duplicate keys")
    rooms = {r["key"]: r for r in doc["rooms"]}
    slots = {s["key"]: s for s in doc["slots"]}
    people = {p["key"]: p for p in doc["participants"]}
    themes = {t["key"] for t in doc["themes"]}
    sessions = {s["key"]: s for s in doc["sessions"]}

    # Event and slots.
    need(doc["event"]["phase"] == "archived", "phase")
    ordered = sorted(doc["slots"], key=lambda s: s["start"])
    need([s["key"] for s in ordered] == list(slots), "slot keys not in time order")
    for slot in ordered:
        need(slot["start"] < slot["end"], f"{slot['key']}: starts after it ends")
        need(slot["start"].startswith(doc["event"]["date"]), f"{slot['key']}: other day")
    for before, after in zip(ordered, ordered[1:], strict=False):
        need(before["end"] <= after["start"], f"{before['key']} overlaps {after['key']}")
    session_slots = [k for k, s in slots.items() if s["kind"] == "sessions"]
    need(len(session_slots) == 9, "not 9 session slots")
    need(ordered[0]["label"] == "Opening" and ordered[-1]["label"] == "Slot", "opening/closing")
    need(len(rooms) == 6 and all(r["capacity"] >= 1 for r in rooms.values()), "rooms")

    # People.
    need(140 <= len(people) <= 160, "participant count")
    p1 = people["p1"]
    need(
        (p1["name"], p1["email"], p1["organisation"], p1["role"])
        == ("Nele Travers", "nele@example.org", "Expoo", "organiser"),
        "p1 is not Nele Travers",
    )
    emails = [p["email"] for p in people.values() if p["email"] is not None]
    need(len(emails) == len(set(emails)), "duplicate e-mail")
    need(all(e == e.lower() and e.isascii() for e in emails), "e-mail not lowercase ASCII")
    need(all(e.endswith(("@example.org", "@example.be")) for e in emails), "e-mail outside example")
    organisers = [p for p in people.values() if p["role"] == "organiser"]
    need(len(organisers) == 3, "not 3 organisers")

    # Themes and sessions.
    need(6 <= len(themes) <= 8, "theme count")
    need(48 <= len(sessions) <= 52, "session count")
    hosted = Counter(h for s in sessions.values() for h in s["hosts"])
    need(max(hosted.values()) <= 2, "someone hosts more than 2 sessions")
    withdrawn = {k for k, s in sessions.items() if s["status"] == "withdrawn"}
    need(1 <= len(withdrawn) <= 2, "withdrawn count")
    for key, s in sessions.items():
        need(1 <= len(s["hosts"]) <= 3, f"{key}: host count")
        need(len(set(s["hosts"])) == len(s["hosts"]), f"{key}: host twice")
        need(all(h in people for h in s["hosts"]), f"{key}: unknown host")
        need(1 <= len(s["themes"]) <= 2 and set(s["themes"]) <= themes, f"{key}: themes")
        need(set(s["unavailable_slots"]) <= set(session_slots), f"{key}: unavailable slots")
        need(s["kind"] in ("discussion", "presentation", "demo"), f"{key}: kind")
        for a in s["attachments"]:
            need((a["file"] is None) != (a["url"] is None), f"{key}: attachment file xor url")
            need(a["file"] is None or a["file"] in entries, f"{key}: missing {a['file']}")
    reports = [k for k, s in sessions.items() if s["report"]]
    live = len(sessions) - len(withdrawn)
    need(live / 3 <= len(reports) <= live / 2, "reports for a third to half of the sessions")
    not_held = {k for k, s in sessions.items() if s["held"] is False}
    need(2 <= len(not_held) <= 4, "not-held count")
    need(not any(sessions[k]["report"] for k in not_held), "a report of a session not held")
    for key, s in sessions.items():
        need(s["held"] is (None if key in withdrawn else s["held"] is not False), f"{key}: held")
    need(all(t["synthesis"] for t in doc["themes"]), "a theme without a synthesis")

    # The finished event's own texts and cover.
    event = doc["event"]
    need(bool(event["introduction"] and event["conclusion"]), "introduction or conclusion")
    need(event["report_published"] is True, "report not published")
    need(event["cover"] in entries, "cover missing")
    if event["cover"] in entries:
        need(cover.startswith(b"\x89PNG\r\n"), "cover not a PNG")
        need(sizes[event["cover"]] < MAX_COVER_BYTES, f"cover: {sizes[event['cover']]} bytes")

    # Votes.
    pairs = [(v["participant"], v["session"]) for v in doc["votes"]]
    need(len(pairs) == len(set(pairs)), "duplicate vote")
    need(1400 <= len(pairs) <= 1600, f"vote count {len(pairs)}")
    need(all(p in people and s in sessions for p, s in pairs), "vote with unknown key")
    need(not any(s in withdrawn for _, s in pairs), "vote on a withdrawn session")
    per_person = Counter(p for p, _ in pairs)
    need(all(3 <= per_person[p] <= 20 for p in people), "votes per participant outside 3-20")

    # Placements (the hard rules of the grid).
    placements = doc["placements"]
    placed = [p["session"] for p in placements]
    need(len(placed) == len(set(placed)), "session placed twice")
    cells = [(p["room"], p["slot"]) for p in placements]
    need(len(cells) == len(set(cells)), "two sessions in one cell")
    busy: set[tuple[str, str]] = set()
    for p in placements:
        s = sessions[p["session"]]
        need(p["room"] in rooms, f"{p['session']}: unknown room")
        need(slots[p["slot"]]["kind"] == "sessions", f"{p['session']}: not a sessions slot")
        need(p["slot"] not in s["unavailable_slots"], f"{p['session']}: unavailable slot")
        need(s["status"] == "held", f"{p['session']}: placed but not held")
        for host in s["hosts"]:
            need((host, p["slot"]) not in busy, f"{host} hosts twice in {p['slot']}")
            busy.add((host, p["slot"]))
    need(set(placed) == set(sessions) - withdrawn, "not every live session placed")
    need(sum(p["pinned"] for p in placements) == 2, "pinned count")

    if problems:
        raise SystemExit("self-check failed:\n- " + "\n- ".join(problems))

    # Lost attendance as in the scheduling rules, for information.
    votes_on = Counter(s for _, s in pairs)
    slot_of = {p["session"]: p["slot"] for p in placements}
    room_of = {p["session"]: p["room"] for p in placements}
    wants: dict[str, set[str]] = defaultdict(set)
    for p, s in pairs:
        wants[p].add(s)
    for key, s in sessions.items():
        for host in s["hosts"]:
            wants[host].add(key)
    clashes = 0
    for wanted in wants.values():
        per_slot = Counter(slot_of[s] for s in wanted if s in slot_of)
        clashes += sum(n - 1 for n in per_slot.values() if n > 1)
    overflow = sum(max(0, votes_on[s] - rooms[room_of[s]]["capacity"]) for s in placed)

    kinds = Counter(s["kind"] for s in sessions.values())
    top = votes_on.most_common(3)
    pdfs = sorted(n for n in entries if n.endswith(".pdf"))
    summary = [
        f"participants: {len(people)} ({len(organisers)} organisers, {len(emails)} with e-mail)",
        f"themes: {len(themes)} ({sum(bool(t['synthesis']) for t in doc['themes'])} synthesised)",
        "sessions: {} ({})".format(
            len(sessions), ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))
        ),
        f"withdrawn: {len(withdrawn)}; not held: {len(not_held)}; reports: {len(reports)}",
        f"votes: {len(pairs)} (per participant {min(per_person.values())}-"
        f"{max(per_person.values())}; per session {min(votes_on.values())}-"
        f"{max(votes_on.values())}; top {', '.join(f'{s}={n}' for s, n in top)})",
        f"placements: {len(placements)} of {len(rooms) * len(session_slots)} cells, "
        f"{sum(p['pinned'] for p in placements)} pinned; "
        f"sessions with unavailable slots: "
        f"{sum(bool(s['unavailable_slots']) for s in sessions.values())}",
        f"lost: {clashes + overflow} (unplaced 0, clashes {clashes}, overflow {overflow})",
        f"event.json: {sizes['event.json']:,} bytes; {COVER}: {sizes.get(COVER, 0):,} bytes",
        *(f"{n}: {sizes[n]:,} bytes" for n in pdfs),
        f"ZIP: {len(archive_bytes):,} bytes, sha256 {hashlib.sha256(archive_bytes).hexdigest()}",
    ]
    if len(archive_bytes) > MAX_ZIP_BYTES:
        raise SystemExit(f"ZIP too large: {len(archive_bytes)} bytes")
    return summary


def check_today(archive_bytes: bytes) -> list[str]:
    """The live demo's rules: voting, proposals and votes, no grid, the organisers of 2012."""
    problems: list[str] = []

    def need(condition: bool, message: str) -> None:
        if not condition:
            problems.append(message)

    with zipfile.ZipFile(io.BytesIO(archive_bytes)) as archive:
        need(archive.namelist() == ["event.json"], "entries beside event.json")
        doc = json.loads(archive.read("event.json").decode("utf-8"))
    need(doc["format"] == FORMAT and doc["event"]["phase"] == "voting", "format or phase")
    for list_name in ("rooms", "slots", "participants", "themes", "sessions"):
        keys = [item["key"] for item in doc[list_name]]
        need(len(keys) == len(set(keys)), f"{list_name}: duplicate keys")
    people = {p["key"]: p for p in doc["participants"]}
    sessions = {s["key"]: s for s in doc["sessions"]}
    need(len(people) == TODAY_PARTICIPANTS, "participant count")
    need(people["p1"]["email"] == ORGANISERS[0][1], "p1 is not the first organiser")
    need(sum(p["role"] == "organiser" for p in people.values()) == 3, "not 3 organisers")
    hosted = Counter(h for s in sessions.values() for h in s["hosts"])
    need(set(hosted) <= set(people) and max(hosted.values()) <= 2, "hosts")
    need(all(s["status"] == "proposed" for s in sessions.values()), "status")
    pairs = [(v["participant"], v["session"]) for v in doc["votes"]]
    need(len(pairs) == len(set(pairs)), "duplicate vote")
    need(all(p in people and s in sessions for p, s in pairs), "vote with unknown key")
    need(not doc["placements"], "a grid")
    if problems:
        raise SystemExit("self-check of the live demo failed:\n- " + "\n- ".join(problems))
    if len(archive_bytes) > MAX_TODAY_ZIP_BYTES:
        raise SystemExit(f"live demo ZIP too large: {len(archive_bytes)} bytes")
    votes_on = Counter(s for _, s in pairs)
    return [
        f"participants: {len(people)}; proposals: {len(sessions)}; votes: {len(pairs)} "
        f"(per proposal {min(votes_on.values())}-{max(votes_on.values())})",
        f"rooms: {len(doc['rooms'])}; session slots: "
        f"{sum(s['kind'] == 'sessions' for s in doc['slots'])}",
        f"ZIP: {len(archive_bytes):,} bytes, sha256 {hashlib.sha256(archive_bytes).hexdigest()}",
    ]


def main() -> None:
    document, files = build()
    archive_bytes = write_zip(document, files)
    summary = check(archive_bytes)
    today_bytes = write_zip(build_today(document), {})
    today_summary = check_today(today_bytes)
    OUTPUT.write_bytes(archive_bytes)
    TODAY_OUTPUT.write_bytes(today_bytes)
    for path, lines in ((OUTPUT, summary), (TODAY_OUTPUT, today_summary)):
        print(f"wrote {path}")
        for line in lines:
            print("  " + line)


if __name__ == "__main__":
    main()

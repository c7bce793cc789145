"""The default instrument set, written for this project in plain Dutch (B1).

Five questionnaires: the parent at the start (T0), at the end (T1) and three months
later (T2), the buddy at the end, and the school professional the parent may ask.
Each takes at most five minutes. The parent's three share one core of sixteen
statements, so that a change can be measured, on the outcomes the research names
(the parent's voice in decisions about the child, communication between school and
parent, the child's wellbeing, the parent's education-supportive behaviour,
inclusive education) plus stress, regie and gelijkwaardigheid in talks with school
(DOMAIN.md §5.4). None of these items is taken from a licensed instrument; a
validated scale such as the Family Empowerment Scale can be added by an
organisation that holds its licence (docs/EVALUATION.md).

The texts are in the translation catalogue like every other text; `definition()`
writes them into the stored definition in Dutch and English. Changing a text here
means raising `VERSION`: the stored versions people answered stay as they were.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy as _

VERSION = 1

AGREE = [
    _("Helemaal niet mee eens"),
    _("Niet mee eens"),
    _("Niet eens, niet oneens"),
    _("Mee eens"),
    _("Helemaal mee eens"),
]
OFTEN = [_("Nooit"), _("Zelden"), _("Soms"), _("Vaak"), _("Heel vaak")]

# The scales: code → (name, the minimum of answered items for a score).
SCALES = {
    "voice": (_("Stem in besluiten over het kind"), 1),
    "communication": (_("Communicatie tussen school en ouder"), 1),
    "wellbeing": (_("Welbevinden van het kind"), 1),
    "support": (_("Ondersteunend gedrag van de ouder"), 1),
    "inclusion": (_("Passende plek en steun op school"), 1),
    "stress": (_("Stress (hoger is meer stress)"), 1),
    "regie": (_("Regie"), 1),
    "equality": (_("Gelijkwaardigheid in gesprekken met school"), 1),
    "usefulness": (_("Nut van de buddy"), 2),
    "satisfaction": (_("Tevredenheid over de koppeling"), 1),
    "backing": (_("Steun van het steunpunt"), 1),
}

# The parent's core: (code, text, scale, anchors, reverse), in three pages.
CORE_PAGES = [
    (
        _("Uw kind en school"),
        [
            (
                "wellbeing_1",
                _("Mijn kind voelt zich goed op school."),
                "wellbeing",
                "agree",
                False,
            ),
            (
                "wellbeing_2",
                _("Mijn kind is de laatste tijd rustig en blij."),
                "wellbeing",
                "agree",
                False,
            ),
            (
                "inclusion_1",
                _("Mijn kind heeft een plek op school die bij hem of haar past."),
                "inclusion",
                "agree",
                False,
            ),
            (
                "inclusion_2",
                _("Mijn kind krijgt op school de hulp die het nodig heeft."),
                "inclusion",
                "agree",
                False,
            ),
            (
                "voice_1",
                _("Ik praat mee als school iets besluit over mijn kind."),
                "voice",
                "agree",
                False,
            ),
            (
                "voice_2",
                _("School luistert naar wat ik over mijn kind vertel."),
                "voice",
                "agree",
                False,
            ),
        ],
    ),
    (
        _("Contact met school"),
        [
            (
                "communication_1",
                _("Ik weet wie ik op school kan bellen of mailen over mijn kind."),
                "communication",
                "agree",
                False,
            ),
            (
                "communication_2",
                _("School en ik vertellen elkaar op tijd wat belangrijk is."),
                "communication",
                "agree",
                False,
            ),
            (
                "equality_1",
                _("In gesprekken met school voel ik me gelijkwaardig."),
                "equality",
                "agree",
                False,
            ),
            (
                "equality_2",
                _("Ik durf in gesprekken met school te zeggen wat ik vind."),
                "equality",
                "agree",
                False,
            ),
            (
                "regie_1",
                _("Ik weet wat de volgende stap is voor mijn kind."),
                "regie",
                "agree",
                False,
            ),
            (
                "regie_2",
                _("Ik heb het gevoel dat ik zelf iets kan doen aan de situatie."),
                "regie",
                "agree",
                False,
            ),
        ],
    ),
    (
        _("Hoe het met u gaat"),
        [
            (
                "support_1",
                _("Ik weet hoe ik mijn kind thuis kan helpen met school."),
                "support",
                "agree",
                False,
            ),
            (
                "support_2",
                _("Ik bereid gesprekken met school goed voor."),
                "support",
                "agree",
                False,
            ),
            (
                "stress_1",
                _("Ik maak me zorgen over school en mijn kind."),
                "stress",
                "often",
                False,
            ),
            (
                "stress_2",
                _("Ik voel me rustig als ik aan school denk."),
                "stress",
                "often",
                True,
            ),
        ],
    ),
]

ESCALATION = (
    "escalation",
    _("Dacht u in deze tijd aan een bezwaar, een klacht of aan uw kind thuishouden?"),
    [
        ("no", _("Nee, daar dacht ik niet aan")),
        ("avoided", _("Ja, maar het was niet meer nodig")),
        ("happened", _("Ja, en het is er toch van gekomen")),
        ("unknown", _("Dat weet ik niet")),
    ],
)
ESCALATION_KIND = (
    "escalation_kind",
    _("Waar dacht u aan? Kies wat past."),
    [
        ("objection", _("Bezwaar maken")),
        ("disputes", _("Naar de geschillencommissie of een klacht indienen")),
        ("home", _("Mijn kind thuishouden van school")),
        ("other", _("Iets anders")),
    ],
)


def _both(text: Any) -> dict[str, str]:
    """A text in Dutch and English, from the catalogue."""
    result = {}
    for language in ("nl", "en"):
        with translation.override(language):
            result[language] = str(text)
    return result


def _likert(
    code: str, text: Any, scale: str | None, anchors: str, reverse: bool = False
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "code": code,
        "kind": "likert",
        "anchors": anchors,
        "text": _both(text),
    }
    if scale:
        item["scale"] = scale
    if reverse:
        item["reverse"] = True
    return item


def _choice(spec: tuple[str, Any, list[tuple[str, Any]]], kind: str) -> dict[str, Any]:
    code, text, options = spec
    return {
        "code": code,
        "kind": kind,
        "text": _both(text),
        "options": [{"value": v, "text": _both(label)} for v, label in options],
    }


def _text(code: str, text: Any) -> dict[str, Any]:
    return {"code": code, "kind": "text", "text": _both(text)}


def _core_pages() -> list[dict[str, Any]]:
    return [
        {
            "title": _both(title),
            "items": [_likert(c, t, s, a, r) for c, t, s, a, r in items],
        }
        for title, items in CORE_PAGES
    ]


def _scales(codes: list[str]) -> list[dict[str, Any]]:
    return [
        {"code": code, "name": _both(SCALES[code][0]), "min_items": SCALES[code][1]}
        for code in codes
    ]


CORE_SCALES = [
    "voice",
    "communication",
    "wellbeing",
    "support",
    "inclusion",
    "stress",
    "regie",
    "equality",
]


def _base(title: Any, intro: Any, minutes: int) -> dict[str, Any]:
    return {
        "title": _both(title),
        "intro": _both(intro),
        "minutes": minutes,
        "anchors": {
            "agree": [_both(label) for label in AGREE],
            "often": [_both(label) for label in OFTEN],
        },
    }


def parent_start() -> dict[str, Any]:
    return {
        **_base(
            _("Vragenlijst bij de start"),
            _(
                "U krijgt nu een buddy. We willen weten hoe het nu gaat met uw kind, met "
                "school en met u. Over een tijdje vragen we het nog een keer. Zo zien we "
                "of de buddy helpt. Er zijn geen goede of foute antwoorden. U mag een "
                "vraag overslaan."
            ),
            3,
        ),
        "scales": _scales(CORE_SCALES),
        "pages": _core_pages(),
    }


def parent_end() -> dict[str, Any]:
    pages = _core_pages()
    pages.append(
        {
            "title": _both(_("Uw buddy")),
            "items": [
                _likert(
                    "usefulness_1",
                    _(
                        "Mijn buddy hielp mij om gesprekken met school voor te bereiden."
                    ),
                    "usefulness",
                    "agree",
                ),
                _likert(
                    "usefulness_2",
                    _("Door mijn buddy begrijp ik beter hoe passend onderwijs werkt."),
                    "usefulness",
                    "agree",
                ),
                _likert(
                    "usefulness_3",
                    _("Ik zou een buddy aanraden aan andere ouders."),
                    "usefulness",
                    "agree",
                ),
                {
                    "code": "satisfaction_1",
                    "kind": "scale10",
                    "scale": "satisfaction",
                    "text": _both(_("Welk cijfer geeft u de koppeling met uw buddy?")),
                    "low": _both(_("0 is heel slecht")),
                    "high": _both(_("10 is heel goed")),
                },
                _choice(ESCALATION, "single"),
                _choice(ESCALATION_KIND, "multiple"),
                _text("helped", _("Wat hielp u het meest?")),
                _text("better", _("Wat kan beter?")),
            ],
        }
    )
    return {
        **_base(
            _("Vragenlijst aan het einde"),
            _(
                "De begeleiding door uw buddy is afgelopen. We stellen dezelfde vragen "
                "als bij de start, en een paar vragen over uw buddy. Zo zien we wat de "
                "buddy heeft gedaan. U mag een vraag overslaan."
            ),
            5,
        ),
        "scales": _scales([*CORE_SCALES, "usefulness", "satisfaction"]),
        "pages": pages,
    }


def parent_later() -> dict[str, Any]:
    pages = _core_pages()
    pages[-1]["items"].append(_choice(ESCALATION, "single"))
    return {
        **_base(
            _("Vragenlijst drie maanden later"),
            _(
                "Drie maanden geleden stopte de begeleiding door uw buddy. Hoe gaat het "
                "nu? We stellen nog één keer dezelfde vragen. U mag een vraag overslaan."
            ),
            3,
        ),
        "scales": _scales(CORE_SCALES),
        "pages": pages,
    }


def buddy_end() -> dict[str, Any]:
    return {
        **_base(
            _("Vragenlijst voor de buddy"),
            _(
                "De koppeling is afgesloten. Hoe ging het volgens u? Uw antwoorden "
                "helpen het steunpunt om buddy's beter te steunen. U mag een vraag "
                "overslaan."
            ),
            2,
        ),
        "scales": _scales(["usefulness", "satisfaction", "backing"]),
        "pages": [
            {
                "title": _both(_("De koppeling")),
                "items": [
                    _likert(
                        "usefulness_1",
                        _("Ik heb de ouder goed kunnen helpen."),
                        "usefulness",
                        "agree",
                    ),
                    _likert(
                        "usefulness_2",
                        _("De ouder staat nu sterker in gesprekken met school."),
                        "usefulness",
                        "agree",
                    ),
                    {
                        "code": "satisfaction_1",
                        "kind": "scale10",
                        "scale": "satisfaction",
                        "text": _both(_("Welk cijfer geeft u deze koppeling?")),
                        "low": _both(_("0 is heel slecht")),
                        "high": _both(_("10 is heel goed")),
                    },
                    _likert(
                        "backing_1",
                        _("Ik kreeg genoeg steun van het steunpunt."),
                        "backing",
                        "agree",
                    ),
                    _likert(
                        "backing_2",
                        _("De training hielp mij bij deze koppeling."),
                        "backing",
                        "agree",
                    ),
                    _choice(ESCALATION, "single"),
                    _text("message", _("Wilt u het steunpunt nog iets vertellen?")),
                ],
            }
        ],
    }


def school() -> dict[str, Any]:
    return {
        **_base(
            _("Vragenlijst voor school"),
            _(
                "Een ouder van uw school had een buddy van het ouder- en "
                "jeugdsteunpunt. De ouder vroeg u deze vragen te beantwoorden. Wij "
                "vragen niet naar uw naam of naar het kind. Het kost twee minuten."
            ),
            2,
        ),
        "scales": _scales(["communication", "voice", "usefulness"]),
        "pages": [
            {
                "title": _both(_("Samenwerking met de ouder")),
                "items": [
                    _likert(
                        "communication_1",
                        _(
                            "School en ouder vertellen elkaar op tijd wat belangrijk is."
                        ),
                        "communication",
                        "agree",
                    ),
                    _likert(
                        "communication_2",
                        _("De gesprekken met de ouder gingen de laatste tijd goed."),
                        "communication",
                        "agree",
                    ),
                    _likert(
                        "voice_1",
                        _("De ouder praatte mee over de besluiten over het kind."),
                        "voice",
                        "agree",
                    ),
                    _likert(
                        "usefulness_1",
                        _("De buddy hielp om het gesprek goed te laten gaan."),
                        "usefulness",
                        "agree",
                    ),
                    _likert(
                        "usefulness_2",
                        _("Ik zou een buddy aanraden aan andere ouders."),
                        "usefulness",
                        "agree",
                    ),
                    _text("message", _("Wilt u nog iets kwijt?")),
                ],
            }
        ],
    }


# (key, audience, moment, builder): one questionnaire per audience and moment.
DEFAULTS = [
    ("parent-start", "parent", "t0", parent_start),
    ("parent-end", "parent", "t1", parent_end),
    ("parent-later", "parent", "t2", parent_later),
    ("buddy-end", "buddy", "t1", buddy_end),
    ("school", "school", "t1", school),
]

"""The forces PEEL inspects and the word helpers that compare what phrases talk about.

The forces' names (official, renamed, Welsh, the short forms pages use) and finding them
in prose; ``content_words`` and ``same_subject`` for comparing two wordings of one
subject. The reports' other phrases (grade words, pillars, headings, lead-ins) are in
``wordings``; ``PILLARS``, ``grade_code``, ``grade_line`` and ``inspectorate_signs`` are
re-exported here for the modules that import them from here.
"""
from __future__ import annotations

import re

from .wordings import PILLARS, grade_code, grade_line, inspectorate_signs  # re-exported

#: The forces PEEL inspects: the 43 territorial forces of England and Wales and, in PEEL
#: 2023-25, British Transport Police. (short name, full name as the inspectorate writes it.)
FORCES = (
    ("Avon and Somerset", "Avon and Somerset Constabulary"),
    ("Bedfordshire", "Bedfordshire Police"),
    ("Cambridgeshire", "Cambridgeshire Constabulary"),
    ("Cheshire", "Cheshire Constabulary"),
    ("City of London", "City of London Police"),
    ("Cleveland", "Cleveland Police"),
    ("Cumbria", "Cumbria Constabulary"),
    ("Derbyshire", "Derbyshire Constabulary"),
    ("Devon and Cornwall", "Devon and Cornwall Police"),
    ("Dorset", "Dorset Police"),
    ("Durham", "Durham Constabulary"),
    ("Dyfed-Powys", "Dyfed-Powys Police"),
    ("Essex", "Essex Police"),
    ("Gloucestershire", "Gloucestershire Constabulary"),
    ("Greater Manchester", "Greater Manchester Police"),
    ("Gwent", "Gwent Police"),
    ("Hampshire", "Hampshire Constabulary"),
    ("Hertfordshire", "Hertfordshire Constabulary"),
    ("Humberside", "Humberside Police"),
    ("Kent", "Kent Police"),
    ("Lancashire", "Lancashire Constabulary"),
    ("Leicestershire", "Leicestershire Police"),
    ("Lincolnshire", "Lincolnshire Police"),
    ("Merseyside", "Merseyside Police"),
    ("Metropolitan", "Metropolitan Police Service"),
    ("Norfolk", "Norfolk Constabulary"),
    ("North Wales", "North Wales Police"),
    ("North Yorkshire", "North Yorkshire Police"),
    ("Northamptonshire", "Northamptonshire Police"),
    ("Northumbria", "Northumbria Police"),
    ("Nottinghamshire", "Nottinghamshire Police"),
    ("South Wales", "South Wales Police"),
    ("South Yorkshire", "South Yorkshire Police"),
    ("Staffordshire", "Staffordshire Police"),
    ("Suffolk", "Suffolk Constabulary"),
    ("Surrey", "Surrey Police"),
    ("Sussex", "Sussex Police"),
    ("Thames Valley", "Thames Valley Police"),
    ("Warwickshire", "Warwickshire Police"),
    ("West Mercia", "West Mercia Police"),
    ("West Midlands", "West Midlands Police"),
    ("West Yorkshire", "West Yorkshire Police"),
    ("Wiltshire", "Wiltshire Police"),
    ("British Transport", "British Transport Police"),
)

#: Other names the pages use for a force, mapped to its short name: official names of
#: 2014-2025 besides "<short> Police" / "<short> Constabulary" / "<short> Police Service"
#: (renames: Hampshire Constabulary became Hampshire and Isle of Wight Constabulary in
#: 2022; Avon and Somerset Constabulary calls itself Avon and Somerset Police), the Welsh
#: forces' Welsh names, and the short forms the reports use ("the MPS", "GMP", "BTP").
FORCE_ALIASES = {
    "Hampshire and Isle of Wight": "Hampshire",
    "Metropolitan Police": "Metropolitan",
    "MPS": "Metropolitan",
    "Devon & Cornwall": "Devon and Cornwall",
    "Dyfed Powys": "Dyfed-Powys",
}
#: Whole names that are a force's without "Police" or "Constabulary" after them.
FORCE_NAMES = {
    "Metropolitan Police Service": "Metropolitan",
    "Metropolitan Police": "Metropolitan",
    "the Met": "Metropolitan",
    "MPS": "Metropolitan",
    "GMP": "Greater Manchester",
    "BTP": "British Transport",
    "Heddlu Dyfed-Powys": "Dyfed-Powys",
    "Heddlu Dyfed Powys": "Dyfed-Powys",
    "Heddlu Gwent": "Gwent",
    "Heddlu De Cymru": "South Wales",
    "Heddlu Gogledd Cymru": "North Wales",
}
#: Police services HMICFRS's PEEL programme does not inspect: a page about one of them is
#: not a PEEL report of a force (Northern Ireland's and Scotland's police are inspected by
#: others, or outside PEEL).
NOT_PEEL_FORCES = re.compile(r"\bPolice\s+Service\s+of\s+Northern\s+Ireland\b|\bPSNI\b|\bPolice\s+Scotland\b")

# A force named in prose: "Essex Police", "Hampshire and Isle of Wight Constabulary", "the MPS",
# "Heddlu Dyfed-Powys".
_FORCE_MENTION = re.compile(
    r"\b(?:(?P<name>" + "|".join(re.escape(name) for name in sorted(
        [short for short, _ in FORCES] + [a for a in FORCE_ALIASES if a != "MPS"], key=len, reverse=True))
    + r")\s+(?:Constabulary|Police\s+Service|Police)(?!\s+(?:and\s+Crime\s+Commissioner|Federation|Scotland))"
    + r"|(?P<other>" + "|".join(re.escape(name).replace(r"\ ", r"\s+") for name in sorted(
        [n for n in FORCE_NAMES if n[0].isupper() and not n.startswith("Metropolitan")], key=len, reverse=True))
    + r")|(?P<met>\bthe\s+Met)(?!\s+Office))\b"
)


def force_mentions(text: str) -> list[tuple[int, str, str]]:
    """The forces ``text`` names, in reading order: (offset, short name, the name as written).

    "Essex Police" -> "Essex"; "Heddlu Dyfed-Powys", "the MPS", "GMP" name their forces too.
    """
    out = []
    for match in _FORCE_MENTION.finditer(text):
        if match["name"]:
            short = FORCE_ALIASES.get(match["name"], match["name"])
        else:
            written = " ".join((match["other"] or "the Met").split())
            short = FORCE_NAMES[written]
        out.append((match.start(), short, match.group()))
    return out


def forces_named(text: str) -> set[str]:
    """Short names of the forces ``text`` names ("Essex Police" -> "Essex")."""
    return {short for _, short, _ in force_mentions(text)}


def force_by_short(short: str) -> tuple[str, str] | None:
    """The (short, full) force names for a short name, alias or other name ("GMP"), case-insensitive."""
    key = " ".join(short.split())
    key = FORCE_ALIASES.get(key) or FORCE_NAMES.get(key) or key
    for force in FORCES:
        if force[0].lower() == key.lower():
            return force
    return None


def slug(text: str) -> str:
    """A lower-case id fragment: letters and digits joined by single hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


_STOPWORDS = frozenset(
    "a an the and or of in on at to for with its it is are be by as how well does do force constabulary "
    "police service that this which what whether from their there".split()
)


def content_words(text: str) -> set[str]:
    """Content words, crudely stemmed, for comparing what two phrases talk about."""
    out = set()
    for word in re.findall(r"[a-z0-9-]+", text.lower().replace("’", "'").replace("'s", "")):  # "the force's"
        if word in _STOPWORDS:
            continue
        for suffix in ("ing", "es", "s"):
            if word.endswith(suffix) and len(word) > len(suffix) + 3:
                word = word[: -len(suffix)]
                if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "ls":
                    word = word[:-1]  # planning -> plan
                break
        out.add(word)
    return out


def same_subject(a: str, b: str) -> bool:
    """True when one phrase's content words are all in the other's."""
    wa, wb = content_words(a), content_words(b)
    return bool(wa and wb) and (wa <= wb or wb <= wa)

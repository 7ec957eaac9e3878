"""Aspects a question asks about, and the values that answer them.

"What is Lior's job?" is answered by "she works as a midwife"; "what diet does he follow?"
by "keto since March"; "how much does she weigh?" by "down to 71.4 kg". The question names
the ASPECT (job, diet, weight), the memory names only the VALUE, so no word is shared and
the answerer would abstain or quote another line on the topic. This module is a small
lexicon of world knowledge — the aspects people commonly ask a memory about and the shapes
of their values: occupation nouns and "works as a …", diets, drinks, numbers with a unit of
weight, height or age, hours of the day ("7am-3pm"), demonyms, language names, pets and
breeds, car makes, phone models, materials, colours, instruments, sports, fields of study,
religions, allergens, a blood pressure reading. The word lists were written from general
knowledge (common occupations, the usual diets, the drinks on a café menu, …), not from any
dataset's wording.

:func:`answered_aspects` tells which of a question's topic stems a text answers by value
(:func:`mirix_py._chat.cues.stem_share` counts them as said); :func:`aspect_value` picks the
value out of a text ("midwife", "keto", "71.4 kg") for the answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from mirix_py._text import STOPWORDS, UPPER, stem


def _alternation(phrases: str) -> str:
    """A regex alternation of the whitespace-separated ``phrases`` ("_" joins words),
    longest first so "flat white" wins over "white"."""
    items = sorted({p.replace("_", r"[\s-]") for p in phrases.split()}, key=len, reverse=True)
    return "|".join(items)


def _words(phrases: str) -> re.Pattern[str]:
    """A case-insensitive pattern matching any of ``phrases`` as whole words."""
    return re.compile(rf"\b(?:{_alternation(phrases)})s?\b", re.I)


@dataclass(frozen=True)
class Aspect:
    """One aspect: the question words that name it and the patterns of its values, the
    preferred first (the value is the whole match, or the ``value`` group when the pattern
    has one)."""

    name: str
    triggers: frozenset[str]
    values: tuple[re.Pattern[str], ...]
    numeric: bool = False
    """A measure: its value is a number with a unit ("how much does she weigh?")."""


_OCCUPATIONS = """nurse midwife doctor physician surgeon dentist pharmacist paramedic vet
veterinarian therapist physiotherapist psychologist psychiatrist optician teacher lecturer
professor tutor librarian engineer developer programmer designer architect accountant
lawyer solicitor barrister attorney paralegal judge consultant analyst economist banker
scientist researcher chemist biologist physicist journalist writer author editor
translator interpreter photographer illustrator artist musician actor actress dancer chef
cook baker barista waiter waitress bartender cashier clerk secretary receptionist
electrician plumber carpenter mechanic welder builder pilot driver firefighter
police_officer soldier farmer gardener nanny caregiver social_worker data_scientist
software_engineer web_developer project_manager product_manager manager entrepreneur
salesperson realtor estate_agent hairdresser beautician cleaner courier postman
surveyor geologist pharmacologist radiographer sonographer dietitian nutritionist
counsellor counselor coach trainer personal_trainer technician administrator"""
_DIETS = """vegetarian vegan pescatarian pescetarian flexitarian keto ketogenic paleo
carnivore halal kosher gluten-free dairy-free lactose-free sugar-free low-carb low-fat
low-sodium plant-based raw_food intermittent_fasting mediterranean atkins whole30"""
_DRINKS = """coffee tea espresso double_espresso latte oat_latte cappuccino flat_white americano
macchiato mocha cortado cold_brew iced_coffee matcha chai green_tea black_tea herbal_tea
peppermint_tea rooibos hot_chocolate cocoa juice orange_juice smoothie water
sparkling_water soda cola lemonade iced_tea kombucha milk beer lager ale cider wine
red_wine white_wine rosé prosecco champagne whisky whiskey gin vodka rum tequila sake"""
_DEMONYMS = """american british english scottish irish welsh canadian australian
new_zealander german french italian spanish portuguese dutch belgian swiss austrian
swedish norwegian danish finnish icelandic polish czech slovak hungarian romanian
bulgarian greek turkish russian ukrainian serbian croatian chinese japanese korean
vietnamese thai indian pakistani bangladeshi sri_lankan nepali filipino indonesian
malaysian singaporean nigerian ghanaian kenyan ethiopian egyptian moroccan algerian
tunisian south_african brazilian argentinian argentine mexican colombian chilean
peruvian venezuelan cuban israeli iranian iraqi lebanese syrian saudi emirati"""
_LANGUAGES = """english spanish french german italian portuguese dutch mandarin cantonese
chinese japanese korean arabic hindi urdu bengali punjabi tamil russian polish turkish
swahili greek hebrew swedish norwegian danish finnish icelandic vietnamese thai tagalog
indonesian malay persian farsi yoruba igbo hausa amharic czech hungarian romanian
ukrainian catalan basque welsh gaelic latin esperanto sign_language"""
_PETS = """dog puppy cat kitten rabbit bunny hamster guinea_pig gerbil ferret parrot
budgie cockatiel canary goldfish fish turtle tortoise snake lizard gecko iguana
bearded_dragon horse pony chicken labrador golden_retriever retriever poodle beagle
dachshund corgi husky terrier spaniel bulldog german_shepherd collie border_collie
chihuahua pug greyhound whippet shih_tzu maine_coon siamese ragdoll tabby sphynx"""
_DOG_BREEDS = """labrador golden_retriever retriever poodle beagle dachshund corgi husky terrier
spaniel bulldog german_shepherd collie border_collie chihuahua pug greyhound whippet
shih_tzu"""
_CAT_BREEDS = "maine_coon siamese ragdoll tabby sphynx"
_KINDS = (("dog", _words(_DOG_BREEDS)), ("cat", _words(_CAT_BREEDS)))
_KIND_STEMS = frozenset(stem(kind) for kind, _ in _KINDS)


def kinds_named(text: str) -> set[str]:
    """The stems of the kinds of animal ``text`` names by breed ("adopted a greyhound" →
    ``dog``): a question about "my dog" is answered by a text that never says "dog"."""
    return {stem(kind) for kind, breeds in _KINDS if breeds.search(text)}


_CAR_MAKES = """toyota honda ford chevrolet chevy tesla bmw audi mercedes volkswagen vw
volvo nissan mazda subaru hyundai kia skoda renault peugeot citroen citroën fiat jeep
porsche lexus seat opel vauxhall dodge jaguar land_rover range_rover mitsubishi suzuki
polestar rivian byd dacia alfa_romeo"""
_MATERIALS = """quartz granite marble soapstone limestone slate terrazzo concrete stone
brick wood hardwood oak walnut pine maple cherry bamboo butcher_block cork steel
stainless_steel cast_iron iron aluminium aluminum copper brass bronze glass ceramic
porcelain tile laminate vinyl linoleum plastic leather suede cotton linen wool silk
cashmere polyester nylon denim velvet rattan wicker"""
_COLOURS = """red blue green yellow orange purple pink black white grey gray brown beige
navy teal turquoise cream ivory gold silver burgundy maroon olive lilac lavender mint
sage charcoal tan coral magenta cyan indigo violet khaki mustard terracotta emerald"""
_INSTRUMENTS = """piano guitar electric_guitar bass_guitar violin viola cello double_bass
drums flute clarinet saxophone trumpet trombone tuba harp ukulele banjo mandolin
accordion harmonica oboe bassoon keyboard synthesizer organ"""
_SPORTS = """football soccer basketball tennis table_tennis volleyball badminton cricket
rugby golf swimming running cycling climbing bouldering hiking yoga pilates boxing
karate judo taekwondo skiing snowboarding surfing rowing hockey baseball squash fencing
netball handball triathlon marathon crossfit weightlifting"""
_FIELDS = """medicine law biology chemistry physics mathematics maths math statistics
computer_science economics history geography philosophy psychology sociology
anthropology engineering architecture nursing business accounting finance marketing
literature linguistics art music theology politics political_science education
journalism design pharmacy dentistry geology astronomy"""
_RELIGIONS = """christian catholic protestant orthodox muslim jewish hindu buddhist sikh
atheist agnostic mormon quaker"""
_VEGETABLES = """tomato potato carrot onion garlic lettuce spinach kale cabbage broccoli
cauliflower cucumber courgette zucchini aubergine eggplant pepper chilli chili pea bean
green_bean broad_bean runner_bean leek celery radish beetroot beet turnip parsnip squash
pumpkin sweetcorn corn asparagus artichoke rocket arugula chard fennel okra"""
_FRUITS = """apple pear banana orange lemon lime grape strawberry raspberry blueberry
blackberry cherry plum peach apricot mango pineapple melon watermelon kiwi fig
pomegranate papaya grapefruit coconut avocado rhubarb gooseberry"""
_FOODS = f"""{_VEGETABLES} {_FRUITS} cheese bread pasta rice noodles pizza burger chocolate
cake biscuit cookie ice_cream crisps chips fries sushi ramen curry soup salad steak
chicken beef pork lamb bacon sausage ham fish salmon tuna prawn shrimp egg tofu tempeh
yoghurt yogurt butter porridge oatmeal cereal toast pancake waffle dumpling taco burrito
falafel hummus kebab sandwich nuts peanut_butter honey jam popcorn olives mushroom"""
_ALLERGENS = """peanut tree_nut nut shellfish gluten dairy lactose egg soy wheat sesame
penicillin pollen dust mould mold latex"""

_DRINK_KINDS = "juice|tea|milk|smoothie|soda|water|beer|wine|lemonade|latte|coffee|cider"
"""Drinks named with a word for their kind before them: "grapefruit juice", "mint tea"."""
_NOT_A_KIND = (
    rf"(?:{'|'.join(sorted(STOPWORDS))}|\d\w*|\w+(?:s|ed|ing)|quit|drink|drank|want|like|love"
    rf"|prefer|hate|cup|glass|mug|pint|bottle|can|pot|more|less|much|some|no)\b"
)
"""Words before a drink that do not name its kind (a verb, a count, a container)."""
_OCCUPATION = _alternation(_OCCUPATIONS)
OCCUPATION_NOUNS: str = _OCCUPATION
"""A regex alternation of common occupation nouns ("nurse", "data scientist")."""
_NUMBER = r"\d+(?:[.,]\d+)?"
_PLACE = rf"{UPPER}[\w'’-]+(?:\s+{UPPER}[\w'’-]+)*"
_CHANGE = (
    r"(?:\b(?P<change>los[et]|losing|gain(?:ed|ing|s)?|shed|drop(?:ped)?|put\s+on)"
    r"\s+(?:(?:another|about|around|over|nearly|almost)\s+)?)?"
)
"""A change before a measure ("lost 4 kg"): the match is kept out, it is no weight."""
_NOT_A_RATE = r"(?!\s*(?:per\b|/)|\s+(?:a|an|each|every)\s+(?:day|week|month|year)\b)"
"""Not followed by "per week", "/month", "a week": "lose 0.5 kg a week" is a rate."""

_NOT_A_MODIFIER = r"(?!(?:the|a|an|my|his|her|our|their|your|this|that|is|was)\b)"
"""A word before an occupation that is part of it ("ICU nurse"), not a determiner."""

ASPECTS: tuple[Aspect, ...] = (
    Aspect(
        "occupation",
        frozenset(stem(w) for w in "job occupation profession career position post".split()),
        (
            re.compile(
                rf"\b(?:an?|as)\s+(?P<value>(?:(?!an?\b)[a-z-]+\s+)?(?:{_OCCUPATION}))\b", re.I
            ),
            re.compile(  # a post heading a body: "I am Head of the Physics Department"
                r"\b(?P<value>(?:[Hh]ead|[Cc]hair|[Dd]ean|[Cc]aptain|[Pp]resident)\s+of\s+"
                rf"(?:the\s+)?{UPPER}[\w-]*(?:\s+(?:{UPPER}[\w-]*|of|and|&))*)"
            ),
            re.compile(  # a profile written as a list: "Ana, 34, ICU nurse at St Mary's"
                rf"(?:^|[,:•]\s+|\s-\s+)(?P<value>(?:{_NOT_A_MODIFIER}[\w-]+\s+)?(?:{_OCCUPATION}))"
                r"\s+(?:at|in|for|with)\b",
                re.I,
            ),
            re.compile(
                r"\b(?:works?|working|worked|employed|job|hired|started)\s+as\s+(?:an?\s+)?"
                r"(?P<value>[A-Za-z-]+(?:\s+(?!at\b|in\b|for\b|with\b|and\b|since\b)"
                r"[A-Za-z-]+){0,2})",
                re.I,
            ),
        ),
    ),
    Aspect("diet", frozenset({stem("diet")}), (_words(_DIETS),)),
    Aspect(
        "drink",
        frozenset(stem(w) for w in "drink drinks beverage".split()),
        (
            re.compile(
                rf"\b(?:(?!{_NOT_A_KIND})[a-z]+\s+)?(?:{_DRINK_KINDS})\b|{_words(_DRINKS).pattern}",
                re.I,
            ),
        ),
    ),
    Aspect(
        "weight",
        frozenset(stem(w) for w in "weigh weight".split()),
        (
            re.compile(
                rf"{_CHANGE}\b(?P<value>{_NUMBER}\s*(?:kg|kgs|kilos?|kilograms?|lbs?|pounds|stone))"
                rf"\b{_NOT_A_RATE}",
                re.I,
            ),
        ),
        numeric=True,
    ),
    Aspect(
        "height",
        frozenset(stem(w) for w in "height tall".split()),
        (
            re.compile(
                rf"\b{_NUMBER}\s*(?:cm|centimet(?:er|re)s?|m|met(?:er|re)s?)\b(?!\s*(?:away|long))"
                r"|\b\d\s*(?:'|ft|feet|foot)\s*\d{1,2}\b(?:\s*(?:\"|in|inches))?",
                re.I,
            ),
        ),
        numeric=True,
    ),
    Aspect(
        "age",
        frozenset(stem(w) for w in "age old".split()),
        (
            re.compile(
                r"\b\d{1,3}\s*(?:years?|yrs?)[\s-]old\b|\b(?:turn(?:s|ed|ing)?|aged)\s+\d{1,3}\b"
                r"|\b\d{1,3}-year-old\b",
                re.I,
            ),
        ),
        numeric=True,
    ),
    Aspect(
        "nationality",
        frozenset(stem(w) for w in "nationality citizenship".split()),
        (_words(_DEMONYMS),),
    ),
    Aspect("language", frozenset({stem("language")}), (_words(_LANGUAGES),)),
    Aspect("pet", frozenset(stem(w) for w in "pet pets".split()), (_words(_PETS),)),
    Aspect(
        "car",
        frozenset(stem(w) for w in "car vehicle".split()),
        (re.compile(rf"\b(?i:{_alternation(_CAR_MAKES)})\b(?:\s+(?:[A-Z0-9][\w-]*)){{0,2}}"),),
    ),
    Aspect(
        "phone",
        frozenset({stem("phone")}),
        (
            re.compile(
                r"\b(?:iphone|pixel|galaxy|oneplus|xiaomi|motorola|nokia|huawei|fairphone)"
                r"(?:\s+(?:\d+\w*|pro|max|mini|plus|ultra|[a-z]\d+\w*)){0,3}",
                re.I,
            ),
        ),
    ),
    Aspect(
        "material", frozenset(stem(w) for w in "material materials".split()), (_words(_MATERIALS),)
    ),
    Aspect("colour", frozenset(stem(w) for w in "colour color".split()), (_words(_COLOURS),)),
    Aspect("instrument", frozenset({stem("instrument")}), (_words(_INSTRUMENTS),)),
    Aspect(
        "food",
        frozenset(stem(w) for w in "food foods dish meal snack".split()),
        (_words(_FOODS),),
    ),
    Aspect("vegetable", frozenset({stem("vegetable"), stem("veg")}), (_words(_VEGETABLES),)),
    Aspect("fruit", frozenset({stem("fruit")}), (_words(_FRUITS),)),
    Aspect(
        "model",
        frozenset(
            stem(w)
            for w in """model device gadget monitor laptop computer tablet camera watch
            headphones earbuds printer router console""".split()
        ),
        (  # a brand and a model code of letters and digits: "Omron M3", "Sony WH-1000XM5"
            re.compile(
                r"\b[A-Z][A-Za-z]+(?:\s+[A-Z][A-Za-z]*)?\s+"
                r"(?=[\w-]*[A-Za-z])(?=[\w-]*\d)[A-Z0-9][\w-]*\b(?:\s+[A-Z][a-z]+\b(?!\s+[A-Z]))?"
            ),
        ),
    ),
    Aspect("sport", frozenset({stem("sport")}), (_words(_SPORTS),)),
    Aspect(  # the place someone is from, strongest cue first; "back from Paris" is no origin
        "hometown",
        frozenset({stem("hometown")}),
        tuple(
            re.compile(rf"(?i:{cue})\s+(?P<value>{_PLACE})")
            for cue in (
                r"\bhome\s?town\b(?:\s+(?:is|was|of))?",
                r"\b(?:grew\s+up|born(?:\s+and\s+raised)?|raised)\s+in",
                r"\b(?:originally|am|'m|’m|is|are|come|comes)\s+from",
                r"\bhome\s+(?:to|in)",
            )
        ),
    ),
    Aspect(
        "field",
        frozenset(stem(w) for w in "subject major degree".split()),
        (_words(_FIELDS),),
    ),
    Aspect("religion", frozenset(stem(w) for w in "religion faith".split()), (_words(_RELIGIONS),)),
    Aspect(
        "allergy", frozenset(stem(w) for w in "allergy allergic".split()), (_words(_ALLERGENS),)
    ),
    Aspect(
        "hours",
        frozenset({stem("hours")}),
        (
            re.compile(
                r"\b\d{1,2}(?::\d{2})?\s*(?:am|pm)?\s*(?:-|–|—|to|until|till)\s*"
                r"\d{1,2}(?::\d{2})?\s*(?:am|pm)\b"
                r"|\b\d{1,2}:\d{2}\s*(?:-|–|—|to|until|till)\s*\d{1,2}:\d{2}\b",
                re.I,
            ),
        ),
    ),
    Aspect(
        "blood pressure",
        frozenset({stem("pressure")}),
        (re.compile(r"\b\d{2,3}\s*(?:/|over)\s*\d{2,3}\b", re.I),),
        numeric=True,
    ),
)
"""The aspects, each with its question words (stemmed) and value patterns."""


@cache
def _trigger_index() -> dict[str, tuple[Aspect, ...]]:
    """Each trigger stem mapped to the aspects it names."""
    index: dict[str, list[Aspect]] = {}
    for aspect in ASPECTS:
        for trigger in aspect.triggers:
            index.setdefault(trigger, []).append(aspect)
    return {k: tuple(v) for k, v in index.items()}


def asked_aspects(topic: Iterable[str]) -> tuple[Aspect, ...]:
    """The aspects named by the stems of a question's topic."""
    index = _trigger_index()
    found: dict[str, Aspect] = {}
    for s in topic:
        for aspect in index.get(s, ()):
            found[aspect.name] = aspect
    return tuple(found.values())


def _values_in(aspect: Aspect, text: str) -> list[str]:
    """The values of ``aspect`` written in ``text``, in order, from its first pattern that
    matches."""
    for pattern in aspect.values:
        found = [
            value
            for match in pattern.finditer(text)
            if not match.groupdict().get("change")
            and (value := (match.groupdict().get("value") or match.group(0)).strip(" ,.;:"))
        ]
        if found:
            return list(dict.fromkeys(found))
    return []


def _value_in(aspect: Aspect, text: str) -> str | None:
    """The longest value of ``aspect`` written in ``text`` (the most specific one:
    "flat white" rather than "coffee") matched by its first pattern that matches."""
    return max(_values_in(aspect, text), key=len, default=None)


def answered_aspects(topic: Iterable[str], text: str) -> set[str]:
    """The stems of ``topic`` naming an aspect whose value ``text`` gives ("job" for a
    text saying "works as a midwife"), or a kind of animal it names by breed ("dog" for
    "adopted a greyhound", :func:`kinds_named`)."""
    topic_set = set(topic)
    kinds = kinds_named(text) & topic_set if topic_set & _KIND_STEMS else set()
    aspects = asked_aspects(topic_set)
    if not aspects:
        return kinds
    return kinds | {
        s for aspect in aspects if _value_in(aspect, text) for s in aspect.triggers & topic_set
    }


_REASON_OR_MANNER = re.compile(r"\s*(?:why\b|how\b(?!\s+(?:much|many|old|tall|heavy|big)\b))", re.I)
""""Why did she pick those colours?", "how did he choose the car?": a reason or a manner is
asked, not the aspect's value."""
_TOKEN = re.compile(r"[\w'’-]+|[^\w\s]")


_FOR_A_LIVING = re.compile(r"\bdo(?:es)?\b[^?]*\bdo\s+for\s+(?:a\s+living|work)\b", re.I)
"""'What does she do for a living / for work?' asks an occupation without naming it."""


def question_aspects(question: str) -> tuple[Aspect, ...]:
    """The aspects ``question`` asks for: a trigger word heading its phrase — followed by a
    stop word, punctuation or the end ("what is her job?", "which material did …?", "how
    much does he weigh now?") — not one modifying the next noun ("which blood pressure
    *monitor* …?", "what is her phone *number*?" ask for other things), nor one in a
    rate ("how many grams per kg of body *weight* …?")."""
    if _REASON_OR_MANNER.match(question):
        return ()
    tokens = _TOKEN.findall(question.lower())
    index = _trigger_index()
    found: dict[str, Aspect] = {}
    if _FOR_A_LIVING.search(question):  # "what does Odile do for a living?": her occupation
        found.update((a.name, a) for a in index.get(stem("job"), ()))
    for i, token in enumerate(tokens):
        aspects = index.get(stem(token), ())
        after = tokens[i + 1] if i + 1 < len(tokens) else ""
        if "per" in tokens[max(0, i - 4) : i]:
            continue  # "grams per kg of body weight": a rate's unit, not what is asked
        if aspects and (not after[:1].isalnum() or after in STOPWORDS):
            found.update((a.name, a) for a in aspects)
    return tuple(found.values())


def aspect_value(
    aspects: Iterable[Aspect], text: str, *, numeric: bool = False, question: str = ""
) -> str | None:
    """The value ``text`` gives for one of ``aspects`` ("midwife" for a question about a
    job), or None; with ``numeric`` only a measure's value (a weight, a height, an age).
    A value ``question`` states itself is not the answer ("what does she drink now
    instead of coffee?" ← "no coffee, only tea now": tea)."""
    for aspect in aspects:
        if numeric and not aspect.numeric:
            continue
        values = [v for v in _values_in(aspect, text) if not _stated_in(v, question)]
        if values:
            return max(values, key=len)
    return None


def _stated_in(value: str, question: str) -> bool:
    return (
        bool(question)
        and re.search(rf"(?<!\w){re.escape(value)}(?!\w)", question, re.I) is not None
    )

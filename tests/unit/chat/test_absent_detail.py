"""Abstaining when the asked detail is not in memory, and answering when it is (invented
text): owned nouns, shouted words, bare "work", acronyms, identifiers, places and plurals."""

from __future__ import annotations

from mirix_py._chat.abstain import identifier_missing, possessed_stem
from mirix_py._chat.bridge import bridge_hits, bridge_plan
from mirix_py._chat.cues import read_question
from mirix_py._chat.said_of import AskedDetail, asked_detail, detail_unsaid
from mirix_py._chat.thing_named import thing_unnamed
from tests.unit.chat.test_bridge import FakeFacts, fact

PEOPLE = {"ola", "tove", "bea", "ines"}


def test_a_lower_case_word_after_an_unowned_noun_is_no_name() -> None:
    question = "What is the name of Ola's station manager?"
    assert detail_unsaid(question, ["Keep it in a password manager app."], PEOPLE)
    assert detail_unsaid(question, ["Let the manager handle the rota."], PEOPLE)
    assert not detail_unsaid(question, ["my manager pavel signed the rota"], PEOPLE)
    assert not detail_unsaid(question, ["Ola's manager, Tamsin Reed, signed it"], PEOPLE)


def test_a_short_all_capitals_word_is_a_noun_not_a_name() -> None:
    question = "What is the name of Bea's GP?"
    assert asked_detail(question) == AskedDetail("name", frozenset(), "gp")
    assert detail_unsaid(question, ["Ask her GP for a letter about the fall."], PEOPLE)
    assert not detail_unsaid(question, ["Her GP, Dr Osei, wrote the letter."], PEOPLE)


def test_a_shouted_word_beside_a_relation_names_nobody() -> None:
    question = "What is the name of Bea's mum?"
    assert detail_unsaid(question, ["Mum LOVED the scarf, she wore it all week."], PEOPLE)
    assert not detail_unsaid(question, ["my mum Rosa is visiting in May"], PEOPLE)


def test_working_hours_say_no_job() -> None:
    question = "What is Tove's job?"
    assert detail_unsaid(question, ["Tove is worried about the dog when we both work"], PEOPLE)
    assert detail_unsaid(question, ["I work 8 to 4, Tove works 9–17"], PEOPLE)
    assert not detail_unsaid(question, ["Tove works nights at the depot"], PEOPLE)
    assert not detail_unsaid(question, ["Tove works as a welder"], PEOPLE)


def test_an_identifier_needs_its_kind_said() -> None:
    question = "What is the registration number of Ola's van?"
    assert identifier_missing(question, ["got the van!! paid 9,800 for it"])
    assert not identifier_missing(question, ["the van's registration is KX55 ORB"])
    assert not identifier_missing("What is the door code of Ola's flat?", ["door code is 4411"])
    assert not identifier_missing("How much was Ola's van?", ["paid 9,800"])  # other shapes


def test_a_place_after_the_thing_does_not_name_it() -> None:
    question = "What is the name of the bakery Ines is opening in Tarn?"
    texts = ["Ines wants to open a bakery in Tarn", "we loved a bakery in Lyon"]
    assert thing_unnamed(question, texts)
    assert not thing_unnamed(question, ["I also run a small bakery in town, Pain Doré."])


def test_the_plural_of_the_thing_is_things_in_general() -> None:
    question = "What is the name of the bakery Ines is opening in Tarn?"
    texts = ["Ines wants to open a bakery in Tarn", "I sell flour to bakeries, mostly Miel & Co"]
    assert thing_unnamed(question, texts)
    assert not thing_unnamed(question, [*texts, "the bakery will be called Levain"])


def test_an_employer_is_not_bridged_from_a_spouse() -> None:
    facts = FakeFacts(
        [
            fact("Rhys", "is Mona's spouse"),
            fact("Mona", "works at a print shop"),
            fact("Mona", "lives in Tartu"),
        ]
    )
    work = bridge_plan(read_question("Where does Rhys work?"))
    assert work is not None
    assert bridge_hits(work, [], lookup=facts.lookup, mentions=facts.mentions) == []
    assert facts.lookups == []  # no read made for a link that could not answer
    place = bridge_plan(read_question("Where does Rhys live?"))
    assert place is not None
    extra = bridge_hits(place, [], lookup=facts.lookup, mentions=facts.mentions)
    assert {h.record["summary"] for h in extra} == {"is Mona's spouse", "lives in Tartu"}


def test_the_assistants_possessive_frames_the_question() -> None:
    assert possessed_stem("In the assistant's packing notes, how much is a ferry ticket?") is None
    assert possessed_stem("In the assistant's notes, what is Ola's budget?") == "budget"
    assert possessed_stem("What is Ola's budget?") == "budget"


def test_a_price_per_unit_is_a_price() -> None:
    question = "How much does diesel cost at the marina?"
    assert not detail_unsaid(question, ["diesel is 1.89 a litre at the marina now"], PEOPLE)
    assert detail_unsaid(question, ["diesel at the marina ran out again"], PEOPLE)

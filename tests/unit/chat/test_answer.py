"""The offline extractive answer and date resolution."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mirix_py._chat.answer import answer_offline
from mirix_py._chat.compose import build_context
from mirix_py._chat.cues import read_question
from mirix_py._chat.draft import NOT_MENTIONED
from mirix_py._chat.models import MASKED_SECRET
from mirix_py._chat.when_answer import resolve_date
from mirix_py._memory import KnowledgeVaultMemory
from tests.unit.chat.helpers import episode, hit

ANCHOR = datetime(2023, 5, 8, 13, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I went to the group yesterday [7 May 2023].", "7 May 2023"),
        ("It happened on 7 May 2023 at noon", "7 May 2023"),
        ("Back in May 2021 we moved", "May 2021"),
        ("We married in 2019", "2019"),
        ("I went to a support group yesterday", "7 May 2023"),
        ("I painted it last year", "2022"),
        ("Nothing about time here", None),
    ],
)
def test_resolve_date(text: str, expected: str | None) -> None:
    assert resolve_date(text, ANCHOR) == expected


def _pack(*hits):  # type: ignore[no-untyped-def]
    return build_context([], list(hits), budget_tokens=1000)


def test_extracts_the_supporting_sentence() -> None:
    cues = read_question("What breed is Ann's dog?")
    pack = _pack(
        hit(
            episode("Morning! I adopted a dog. The dog is a beagle breed, very cute.", day=3),
            2.0,
            vector=0.7,
        ),
        hit(episode("I like tea", sequence=1), 1.0, vector=0.2),
    )
    draft = answer_offline(cues, pack, min_evidence=0.35)
    assert "beagle" in draft.text and draft.refs == (1,) and not draft.abstained


def test_when_questions_answer_with_the_date() -> None:
    cues = read_question("When did Ann go to the support group?")
    record = episode("I went to a support group yesterday, it was powerful.")
    record = record.model_copy(update={"occurred_at": ANCHOR})
    draft = answer_offline(cues, _pack(hit(record, vector=0.6)), min_evidence=0.35)
    assert draft.text == "7 May 2023"


def test_when_questions_take_the_date_stated_next_to_the_event() -> None:
    cues = read_question("When is Grace's exam?")
    record = episode(
        "I booked my exam at last! It is on 26 February at the test centre. So nervous.",
        actor="Grace",
    ).model_copy(update={"occurred_at": datetime(2025, 12, 13, tzinfo=UTC)})
    draft = answer_offline(cues, _pack(hit(record, vector=0.6)), min_evidence=0.2)
    assert draft.text == "26 February 2026"  # the event's date, not the day it was booked


def test_when_questions_give_the_start_of_a_range_of_days() -> None:
    cues = read_question("When does the sales conference in Chicago start?")
    record = episode(
        "I'm going to a sales conference in Chicago from the 22nd to the 25th of next month."
    ).model_copy(update={"occurred_at": datetime(2026, 6, 27, tzinfo=UTC)})
    draft = answer_offline(cues, _pack(hit(record, vector=0.6)), min_evidence=0.2)
    assert draft.text == "22 July 2026"
    cues = read_question("When is the sales conference in Chicago?")
    draft = answer_offline(cues, _pack(hit(record, vector=0.6)), min_evidence=0.2)
    assert draft.text == "22 to 25 July 2026"


def test_when_questions_fall_back_to_the_memory_date() -> None:
    cues = read_question("When did Ann go to the support group?")
    record = episode("The support group was powerful.").model_copy(update={"occurred_at": ANCHOR})
    draft = answer_offline(cues, _pack(hit(record, vector=0.6)), min_evidence=0.35)
    assert draft.text == "8 May 2023"


def test_weak_evidence_abstains() -> None:
    cues = read_question("What is Ann's favourite movie?")
    draft = answer_offline(
        cues, _pack(hit(episode("I adopted a beagle"), vector=0.3)), min_evidence=0.35
    )
    assert draft.text == NOT_MENTIONED and draft.abstained and draft.refs == ()


def test_no_memories_abstains() -> None:
    draft = answer_offline(read_question("Who?"), _pack(), min_evidence=0.0)
    assert draft.abstained


def test_hidden_secrets_are_not_answered() -> None:
    cues = read_question("What is my bank password?")
    vault = KnowledgeVaultMemory(user_id="u", caption="bank password", secret_value=MASKED_SECRET)
    draft = answer_offline(cues, _pack(hit(vault, vector=0.8)), min_evidence=0.35)
    assert MASKED_SECRET not in draft.text and "hidden" in draft.text
    shown = KnowledgeVaultMemory(user_id="u", caption="bank password", secret_value="s3cr3t")
    draft = answer_offline(cues, _pack(hit(shown, vector=0.8)), min_evidence=0.35)
    assert draft.text == "bank password: s3cr3t"


def _fact(name: str, summary: str, day: int = 1, **extra: object):  # type: ignore[no-untyped-def]
    from mirix_py._memory import SemanticMemory

    return SemanticMemory(
        user_id="u",
        name=name,
        summary=summary,
        occurred_at=datetime(2024, 5, day, 12, tzinfo=UTC),
        **extra,  # type: ignore[arg-type]
    )


def test_name_questions_answer_with_the_name() -> None:
    cues = read_question("What is the name of Lena's parrot?")
    pack = _pack(
        hit(episode("Guess what, I adopted a parrot! She is called Mango.", actor="Lena"), 2.0),
        hit(episode("Parrots need a lot of attention", sequence=1), 1.0, vector=0.3),
    )
    assert answer_offline(cues, pack, min_evidence=0.2).text == "Mango"


def test_where_questions_answer_with_the_place_and_prefer_the_current_one() -> None:
    pack = _pack(
        hit(_fact("Omar", "used to live in Leipzig", day=9), 1.5, vector=0.6),
        hit(_fact("Omar", "lives in Valencia", day=9), 1.4, vector=0.6),
        hit(episode("I live in Leipzig, near the zoo.", actor="Omar", day=1), 1.3, vector=0.6),
    )
    now = answer_offline(read_question("Which city does Omar live in now?"), pack, min_evidence=0.2)
    assert now.text == "Valencia"
    before = answer_offline(read_question("Where did Omar live before?"), pack, min_evidence=0.2)
    assert before.text == "Leipzig"


def test_quantities_and_durations() -> None:
    pack = _pack(hit(episode("We stayed in Kraków for three weeks, it was lovely."), 2.0))
    got = answer_offline(read_question("How long did Ann stay in Kraków?"), pack, min_evidence=0.2)
    assert got.text == "three weeks"
    pack = _pack(hit(_fact("Ann", "has 3 nephews"), 2.0, vector=0.6))
    got = answer_offline(read_question("How many nephews does Ann have?"), pack, min_evidence=0.2)
    assert got.text.startswith("3 nephews")


def test_steps_questions_list_the_steps() -> None:
    from mirix_py._memory import ProceduralMemory

    proc = ProceduralMemory(
        user_id="u",
        description="How to rotate the backup disk",
        steps=["unmount the old disk", "plug in the new disk", "run the sync script"],
    )
    cues = read_question("What are the steps to rotate the backup disk?")
    draft = answer_offline(cues, _pack(hit(proc, 2.0, vector=0.7)), min_evidence=0.2)
    assert draft.text.endswith(
        "1) unmount the old disk 2) plug in the new disk 3) run the sync script"
    )


def test_hidden_secret_answers_say_how_to_reveal() -> None:
    record = KnowledgeVaultMemory(
        user_id="u", caption="Ann's locker combination", secret_value=MASKED_SECRET
    )
    cues = read_question("What is my locker combination?")
    draft = answer_offline(cues, _pack(hit(record, 2.0, vector=0.7)), min_evidence=0.2)
    assert "--reveal" in draft.text and "reveal_secrets" in draft.text


def test_a_cancelled_plan_is_reported_as_cancelled() -> None:
    pack = _pack(
        hit(episode("We booked a trip to Oslo from 3 June [3 June 2024].", day=1), 1.5),
        hit(_fact("Ann", "cancelled the trip to Oslo", day=20), 1.2, vector=0.6),
    )
    draft = answer_offline(read_question("When is the trip to Oslo?"), pack, min_evidence=0.2)
    assert draft.text == "Ann cancelled the trip to Oslo (20 May 2024)."


def test_role_questions_name_the_current_holder_or_the_earlier_one() -> None:
    old = _fact("Ines", "manager is Gareth Lowe", day=2, valid_to=datetime(2024, 5, 9, tzinfo=UTC))
    pack = _pack(
        hit(old, 1.6, vector=0.6),
        hit(_fact("Ines", "manager is Helen Achterberg", day=9), 1.2, vector=0.6),
        hit(episode("My boss moved to another team, Helen took over.", actor="Ines"), 1.5),
    )
    now = answer_offline(read_question("Who is Ines's boss now?"), pack, min_evidence=0.2)
    assert now.text == "Helen Achterberg"
    before = answer_offline(read_question("Who was Ines's manager before?"), pack, min_evidence=0.2)
    assert before.text == "Gareth Lowe"
    named = answer_offline(
        read_question("What is the name of the fiancée of Ines?"),
        _pack(hit(_fact("Ines", "partner is Mei Ling"), 1.0, vector=0.5)),
        min_evidence=0.2,
    )
    assert named.text == "Mei Ling"


def test_who_does_questions_take_the_name_before_the_verb() -> None:
    pack = _pack(
        hit(episode("Surgery is on Friday. Karen's friend Joe will drive me home.", actor="Hal"))
    )
    got = answer_offline(read_question("Who will drive Hal home?"), pack, min_evidence=0.2)
    assert got.text == "Joe"


def test_ordinal_questions_answer_with_that_item_of_a_list() -> None:
    pack = _pack(
        hit(
            episode(
                "Here's the runbook: 1) check the volume with df -h 2) look for runaway logs "
                "3) page the DBA if it keeps growing",
                actor="Ravi",
            ),
            vector=0.6,
        )
    )
    got = answer_offline(
        read_question("What is the second step of the runbook?"), pack, min_evidence=0.2
    )
    assert got.text == "look for runaway logs"


def test_a_question_repeating_the_words_is_not_the_answer() -> None:
    asked = episode(
        "the kids loved it. what did you suggest for wednesday dinner in that plan?",
        actor="Oliver",
        sequence=5,
        day=9,
    )
    plan = episode(
        "Here is a week of dinners: - **Monday:** chicken risotto with peas. "
        "- **Wednesday:** turkey meatballs in tomato sauce. - **Friday:** fish tacos.",
        actor="Assistant",
        sequence=1,
    )
    pack = _pack(hit(asked, 2.0, vector=0.7), hit(plan, 1.5, vector=0.5))
    got = answer_offline(
        read_question("What did the assistant suggest for Wednesday dinner?"),
        pack,
        min_evidence=0.2,
    )
    assert "turkey meatballs" in got.text and "?" not in got.text


def test_a_secret_question_takes_the_vault_entry_with_the_asked_label() -> None:
    cues = read_question("What is the nursery pickup password?")
    code = KnowledgeVaultMemory(
        user_id="u",
        caption="Oliver's door code (from: the nursery side door code is [stored in vault])",
        secret_value="2580#",
    )
    word = KnowledgeVaultMemory(
        user_id="u",
        caption="Oliver's password (from: give the password to the staff at pickup)",
        secret_value="marmalade",
    )
    pack = _pack(hit(code, 2.0, vector=0.7), hit(word, 1.0, vector=0.4))
    assert answer_offline(cues, pack, min_evidence=0.2).text.endswith("marmalade")


def test_a_question_rewording_a_vault_label_is_answered_from_the_vault() -> None:
    # no credential word in the question: "the number of … card" names a "card number"
    card = KnowledgeVaultMemory(
        user_id="u",
        caption="Priya's card number (from: keep my new travel card for the trip: "
        "[stored in vault: card number], valid to 03/28.)",
        entry_type="card_number",
        secret_value="5555 4444 3333 1111",
    )
    event = episode(
        "Keep my new travel card for the trip: [stored in vault: card number], valid to 03/28.",
        actor="Priya",
    )
    pack = _pack(hit(event, 2.0, vector=0.7), hit(card, 1.0, vector=0.6))
    cues = read_question("What is the number of Priya's new travel card?")
    assert answer_offline(cues, pack, min_evidence=0.2).text.endswith("5555 4444 3333 1111")
    key = KnowledgeVaultMemory(
        user_id="u",
        caption="Priya's key (from: the staging key is [stored in vault: key] in config.toml)",
        secret_value="stg_9fQ2mX7vLp0Rk3",
    )
    step = episode("Move the key out of config.toml into an environment variable.", actor="Bot")
    pack = _pack(hit(step, 2.0, vector=0.7), hit(key, 1.0, vector=0.6))
    cues = read_question("What is the staging key of Priya's app?")
    assert answer_offline(cues, pack, min_evidence=0.2).text.endswith("stg_9fQ2mX7vLp0Rk3")
    cues = read_question("Where did the bot tell Priya to move the staging key?")
    assert "vault" not in answer_offline(cues, pack, min_evidence=0.2).text


def test_a_vault_caption_is_not_an_answer_to_another_question() -> None:
    card = KnowledgeVaultMemory(
        user_id="u",
        caption="Priya's card number (from: keep my new travel card for the trip: "
        "[stored in vault: card number], valid to 03/28.)",
        entry_type="card_number",
        secret_value="5555 4444 3333 1111",
    )
    advice = episode(
        "For the trip, pack blister plasters and change socks at the halfway hut.", actor="Bot"
    )
    pack = _pack(hit(card, 2.0, vector=0.8), hit(advice, 1.0, vector=0.4))
    cues = read_question("What did the bot tell Priya to pack for the trip with her new card?")
    got = answer_offline(cues, pack, min_evidence=0.2).text
    assert "blister" in got and "card number" not in got


def test_district_and_from_when_questions() -> None:
    pack = _pack(
        hit(_fact("Lena", "used to live in Neukölln", valid_to=datetime(2024, 5, 9, tzinfo=UTC))),
        hit(_fact("Lena", "lives in Pankow", day=9)),
    )
    got = answer_offline(
        read_question("Which district of Berlin does Lena live in now?"), pack, min_evidence=0.2
    )
    assert got.text == "Pankow"
    assert read_question("From when does the rotation use 3-day shifts?").is_when


def test_habitual_when_questions_answer_with_the_habit() -> None:
    record = episode(
        "My fiancé Daniel is helping me with flashcards. He quizzes me every Sunday.",
        actor="Grace",
    )
    pack = _pack(hit(record, vector=0.6))
    got = answer_offline(read_question("When does Daniel quiz Grace?"), pack, min_evidence=0.2)
    assert got.text == "every Sunday"
    starts = episode("The course starts on 4 May, every Sunday after that.", actor="Grace")
    got = answer_offline(
        read_question("When does the course start?"),
        _pack(hit(starts.model_copy(update={"occurred_at": ANCHOR}), vector=0.6)),
        min_evidence=0.2,
    )
    assert got.text == "4 May 2023"  # an event's start is a date, not a habit


def test_a_before_question_without_an_earlier_role_fact_is_not_the_role_fact() -> None:
    from mirix_py._chat.typed_answers import role_holder

    pack = _pack(hit(_fact("Ines", "manager is Helen Achterberg", day=9), 1.2, vector=0.6))
    numbered = sorted(pack.refs.items())
    cues = read_question("Who was Ines's manager before?")
    assert role_holder(cues, numbered, past=True) is None
    assert role_holder(cues, numbered, past=False) is not None


def test_assistant_questions_prefer_what_the_assistant_said() -> None:
    told = episode(
        "The boiler in my flat has been broken for three weeks, the landlord ignores me.",
        actor="Sofia",
    )
    advice = episode(
        "For a broken boiler, put your request to the landlord in writing, with the date.",
        actor="Assistant",
        sequence=1,
    )
    pack = _pack(hit(told, 2.0, vector=0.6), hit(advice, 1.6, vector=0.5))
    got = answer_offline(
        read_question("What did the assistant suggest Sofia do about the broken boiler?"),
        pack,
        min_evidence=0.2,
    )
    assert "in writing" in got.text


def test_which_date_questions_are_when_questions_but_not_day_of_the_month() -> None:
    assert read_question("On which date did Tomasz run the half marathon?").is_when
    assert not read_question("On which day of the month are reminders sent?").is_when


def test_a_person_question_is_not_answered_with_an_employer_or_a_city() -> None:
    pack = _pack(
        hit(_fact("Lena", "works at Kiezkauf"), 2.0, vector=0.7),
        hit(episode("My team lead is Jonas Weber, he is kind.", actor="Lena"), 1.0),
    )
    got = answer_offline(
        read_question("Who was Lena's team lead at the company she worked for before?"),
        pack,
        min_evidence=0.2,
    )
    assert "Kiezkauf" not in got.text


def test_a_value_after_a_comma_stays_with_its_clause() -> None:
    said = "The drills paid off: new personal best on the 400 m today [4 May 2024], 6:42!"
    pack = _pack(
        hit(episode(said), 2.0),
        hit(episode("The pool is closed on Mondays.", sequence=1), 1.0),
    )
    question = read_question("What is my current personal best on the 400 m?")
    draft = answer_offline(question, pack, min_evidence=0.1)
    assert draft.text.endswith("6:42!")


def test_what_the_assistant_recommended_is_the_reply_to_the_request() -> None:
    request = "I'm in Porto for a weekend soon. Where can I hear good jazz at night?"
    reply = "Try Hot Five near the river: small stage, late sets. Book ahead on Fridays."
    pack = _pack(
        hit(episode(request, actor="user", session="s1", sequence=0), 2.0, vector=0.6),
        hit(episode(reply, actor="assistant", session="s1", sequence=1), 1.5, vector=0.3),
        hit(episode("Porto is lovely in May.", actor="user", session="s2"), 1.0, vector=0.2),
    )
    question = read_question("In our chat about Porto, which club did you recommend for jazz?")
    draft = answer_offline(question, pack, min_evidence=0.1)
    assert draft.text.startswith("Try Hot Five")


def test_the_people_a_role_fact_names_are_who_is_asked_not_what() -> None:
    pack = _pack(
        hit(_fact("Anna", "partner is Luis Ortega"), 2.0, vector=0.7),
        hit(episode("Luis Ortega and I met in Porto", actor="Anna", sequence=1), 1.5),
        hit(episode("for the anniversary we fly to Lisbon, just us two", actor="Anna"), 1.0),
    )
    got = answer_offline(
        read_question("Where are Anna and Luis Ortega going for their anniversary?"),
        pack,
        min_evidence=0.2,
    )
    assert got.text == "Lisbon"


def test_a_value_said_to_replace_another_ranks_as_the_current_one() -> None:
    from mirix_py._chat.current_value import change_bonus

    said = hit(episode("scrap Rome, we go to Vienna instead", actor="Anna"), 1.0)
    plain = hit(episode("we go to Rome for two weeks", actor="Anna"), 1.0)
    now = change_bonus(said, "we go to Vienna instead", past=False, newest=[])
    assert now > change_bonus(plain, "we go to Rome for two weeks", past=False, newest=[])
    assert change_bonus(said, "we go to Vienna instead", past=True, newest=[]) == 0.0


def test_going_to_before_a_verb_is_the_future_not_a_trip() -> None:
    from mirix_py._chat.evidence import topic_stems

    hits = [hit(episode("we moved the party to the boathouse", actor="Ann"))]
    future = topic_stems(read_question("Where is Ann's party going to be held?"), hits)
    trip = topic_stems(read_question("Where is Ann going to the party?"), hits)
    assert "go" not in future and "parti" in future and "go" in trip


def test_a_number_said_right_after_a_sentence_belongs_to_it() -> None:
    cues = read_question("What was the result of Ann's 400 m swim race?")
    record = episode("I swam the 400 m race on Saturday! 7 minutes 12 seconds. Slow start though.")
    draft = answer_offline(cues, _pack(hit(record, vector=0.6)), min_evidence=0.2)
    assert "7 minutes 12 seconds" in draft.text


def test_in_which_place_questions_take_the_place_after_in() -> None:
    cues = read_question("In which town is the festival Ann plays at?")
    record = episode("We got a slot at Brightfest! the festival is in Harrogate this June.")
    draft = answer_offline(cues, _pack(hit(record, vector=0.6)), min_evidence=0.2)
    assert draft.text == "Harrogate"


def test_who_said_it_is_not_what_a_question_about_the_assistant_asks() -> None:
    cues = read_question("Which wrench did the assistant suggest?")
    reply = episode("Get a torque wrench for the wheel nuts.", actor="Assistant")
    draft = answer_offline(cues, _pack(hit(reply, vector=0.0)), min_evidence=0.35)
    assert not draft.abstained and "torque wrench" in draft.text


def test_a_fact_worded_like_the_question_answers_it_from_low_in_the_ranking() -> None:
    cues = read_question("What is Ann's job title now?")
    chatter = [
        hit(episode(f"Busy day {k}, the job keeps me running.", sequence=k), 2.0, vector=0.6)
        for k in range(8)
    ]
    title = hit(_fact("Ann", "job title is Head chef"), 0.5, vector=0.3)
    draft = answer_offline(cues, _pack(*chatter, title), min_evidence=0.2)
    assert "Head chef" in draft.text


def test_a_name_given_as_a_name_answers_a_name_question() -> None:
    cues = read_question("What is the name of Ann's sourdough starter?")
    pack = _pack(
        hit(
            episode("Costs for a sourdough loaf: flour, water, starter feed, about EUR 2 total."),
            2.0,
            vector=0.7,
        ),
        hit(episode("my starter is old, her name is Bubbles Mae lol", sequence=1), vector=0.5),
    )
    assert answer_offline(cues, pack, min_evidence=0.2).text == "Bubbles Mae"


def test_a_list_in_brackets_stays_in_one_clause() -> None:
    cues = read_question("Which languages does Ann translate?")
    record = episode(
        "Hei. I am Ann Berg, freelance translator (Dutch, Polish, Czech), living in Bergen. "
        "I mostly translate legal contracts for oil rigs."
    )
    draft = answer_offline(cues, _pack(hit(record, vector=0.6)), min_evidence=0.2)
    assert "Dutch, Polish, Czech" in draft.text


def test_a_habit_said_in_passing_answers_a_habit_question() -> None:
    cues = read_question("When does Ann like to go swimming?")
    pack = _pack(
        hit(episode("the swimming gala was fun, we all like to go again"), 2.0, vector=0.7),
        hit(episode("I want to go to the swimming club party", sequence=1), 2.0, vector=0.7),
        hit(episode("swimming lessons for the kids start soon", sequence=2), 2.0, vector=0.7),
        hit(episode("Let's go swimming at the lake sometime", sequence=3), 2.0, vector=0.6),
        hit(episode("I can't do early swims. Weekends only, please.", sequence=4), vector=0.4),
    )
    assert answer_offline(cues, pack, min_evidence=0.2).text.lower() == "weekends"


def test_when_should_questions_keep_a_time_relative_to_the_event() -> None:
    cues = read_question("When should the seating plan be sent to the caterer?")
    record = episode(
        "Send the seating plan to the caterer ten days before the party.", actor="Assistant"
    )
    draft = answer_offline(cues, _pack(hit(record, vector=0.6)), min_evidence=0.2)
    assert draft.text == "ten days before the party"


def test_a_place_question_prefers_a_memory_that_names_a_place() -> None:
    cues = read_question("Where did the assistant suggest a picnic for Ann's anniversary?")
    pack = _pack(
        hit(episode("Happy anniversary to you both, Ann!", actor="Assistant"), 2.0, vector=0.8),
        hit(
            episode(
                "Picnic: the rose garden at Vondelpark is lovely in June.",
                actor="Assistant",
                sequence=1,
            ),
            2.0,
            vector=0.7,
        ),
    )
    assert answer_offline(cues, pack, min_evidence=0.2).text == "Vondelpark"


def test_a_request_is_answered_by_the_reply_after_it() -> None:
    cues = read_question("What should Ann bake on Fridays in the baking plan?")
    request = episode("Now the baking plan please. I can bake Friday and Sunday.", sequence=3)
    reply = episode(
        "Here is what fits two days: 1) **Friday — rye loaf:** mix at 8, oven at 14. "
        "2) **Sunday — focaccia:** mix the night before.",
        actor="Assistant",
        sequence=4,
    )
    pack = _pack(hit(request, 2.0, vector=0.8), hit(reply, 1.0, vector=0.4))
    assert "rye loaf" in answer_offline(cues, pack, min_evidence=0.2).text


def test_a_reply_ranked_below_the_ones_considered_is_still_scored() -> None:
    cues = read_question("What should Ann bake on Fridays in the baking plan?")
    request = episode("Now the plan please.", sequence=3)
    reply = episode("Sure: 1) **Friday:** bake a rye loaf at 8.", actor="Assistant", sequence=4)
    fillers = [
        hit(
            episode(f"the baking plan for Friday {k} went fine", session="s2", sequence=k),
            3.0,
            vector=0.8,
        )
        for k in range(5)
    ]
    pack = _pack(*fillers, hit(request, 2.0, vector=0.8), hit(reply, 0.5, vector=0.4))
    draft = answer_offline(cues, pack, min_evidence=0.2)
    assert not draft.abstained


def test_a_rule_set_with_please_is_no_request() -> None:
    from mirix_py._chat.replies import is_request

    assert is_request("Now the baking plan please.") and is_request("can you make me a list?")
    assert not is_request("please never suggest early swims, weekends only")
    assert not is_request("I baked rye today")


def test_a_question_for_a_sentence_takes_the_quoted_one() -> None:
    cues = read_question("What example sentence did the assistant suggest for teaching grammar?")
    reply = episode(
        "Teaching grammar works best with short drills and lots of grammar games. "
        'A nice example is "The cat that the dog chased ran away" and ask who ran.',
        actor="Assistant",
    )
    draft = answer_offline(cues, _pack(hit(reply, vector=0.6)), min_evidence=0.2)
    assert "The cat that the dog chased ran away" in draft.text


def test_same_date_sends_a_when_question_to_the_memory_that_states_it() -> None:
    cues = read_question("When is Ann's recital?")
    pack = _pack(
        hit(episode("we moved the recital to the big hall, same date.", day=9), 3.0, vector=0.8),
        hit(episode("the recital hall has a great piano", sequence=1, day=9), 2.5, vector=0.7),
        hit(episode("recital nerves already, ugh", sequence=2, day=9), 2.4, vector=0.7),
        hit(episode("I love the recital pieces", sequence=3, day=9), 2.3, vector=0.7),
        hit(
            episode("booked the church for the recital on 14 June 2024. 80 guests", day=2),
            1.0,
            vector=0.3,
        ),
    )
    assert answer_offline(cues, pack, min_evidence=0.2).text == "14 June 2024"


def test_how_often_questions_take_the_span_that_says_a_frequency() -> None:
    reply = (
        "Keep the starter jar in a cool dark spot near the pantry. Feed the starter once a week."
    )
    cues = read_question("How often should I feed the starter jar?")
    pack = _pack(hit(episode(reply, actor="assistant"), vector=0.6))
    assert "once a week" in answer_offline(cues, pack, min_evidence=0.2).text


def test_a_count_asked_now_is_none_after_the_asker_stopped() -> None:
    hits = [
        hit(episode("I smoke three cigarettes a day at the moment.", actor="user", day=2), 2.0),
        hit(episode("Down to one cigarette a day now.", actor="user", day=9), 1.0),
        hit(episode("Good news: I gave up cigarettes completely!", actor="user", day=20), 0.5),
    ]
    cues = read_question("How many cigarettes a day do I smoke now?")
    answer = answer_offline(cues, _pack(*hits), min_evidence=0.2).text
    assert answer.startswith("none")
    hits.append(hit(episode("I moved to the coast.", actor="user", day=12), 0.5))
    before = read_question("How many cigarettes a day did I smoke before I moved to the coast?")
    assert not answer_offline(before, _pack(*hits), min_evidence=0.2).text.startswith("none")


def test_who_is_the_role_now_is_not_answered_by_a_word_before_an_article() -> None:
    pack = _pack(
        hit(episode("During the week the kitchen is quiet.", sequence=1), 1.0, vector=0.5),
        hit(episode("Now the head gardener is Wilhelmina, she started Monday."), 1.0, vector=0.5),
    )
    got = answer_offline(read_question("Who is the head gardener now?"), pack, min_evidence=0.2)
    assert "Wilhelmina" in got.text
    assert got.text != "During"


def test_a_named_assistant_reckoning_with_a_value_does_not_tell_a_newer_one() -> None:
    said = episode("The club raised the yearly fee to €300 from €250, sigh.", actor="Ilse", day=9)
    reply = episode(
        "That is a €50 rise; if you row 4 times a week the yearly fee still pays off.",
        actor="Coach",
        day=10,
    )
    pack = _pack(hit(said, 1.0, vector=0.6), hit(reply, 1.0, vector=0.6))
    cues = read_question("How much is Ilse's yearly club fee now?")
    assert answer_offline(cues, pack, min_evidence=0.2).text.startswith("€300")


def test_a_name_given_in_another_sentence_of_the_memory_answers_a_name_question() -> None:
    pack = _pack(
        hit(
            episode(
                "We shut the bakery for two weeks over the holidays. "
                "The new flour supplier is Molen Venhuizen.",
                actor="Pieter",
                day=8,
            ),
            1.2,
            vector=0.7,
        ),
        hit(
            episode(
                "Hello! I am Pieter, I run a small bakery in Ghent, in the old harbour quarter "
                "close to the station, the name is Brood Atelier.",
                actor="Pieter",
                day=2,
                sequence=3,
            ),
            1.0,
            vector=0.7,
        ),
    )
    got = answer_offline(
        read_question("What is the name of Pieter's bakery?"), pack, min_evidence=0.2
    )
    assert got.text == "Brood Atelier"


def test_a_length_of_time_is_found_in_a_memory_ranked_below_the_first_six() -> None:
    chatter = [
        hit(episode(f"The brushes are a mess again, day {n}.", sequence=n), 2.0, vector=0.6)
        for n in range(1, 8)
    ]
    step = episode("3. Soak the brushes in warm vinegar for one hour at most.", sequence=9)
    pack = _pack(*chatter, hit(step, 1.5, vector=0.6))
    cues = read_question("How long should Ann soak the brushes in vinegar?")
    assert answer_offline(cues, pack, min_evidence=0.2).text == "one hour"

"""Per-person profiles read from first-person statements (invented text, no I/O)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mirix_py._memory import semantic
from mirix_py._memory.extract_common import Turn
from mirix_py._memory.profiles import (
    ACTIVITIES,
    HEADINGS,
    LIVED,
    MAX_ITEMS,
    PLACES,
    VISITED,
    activity_items,
    carried_place_kinds,
    combine,
    place_items,
    place_kinds,
    profile_id,
)
from mirix_py._memory.semantic import SemanticMemory, profile_records
from mirix_py._store.keys import record_keys
from tests.turns import make_turn

AT = datetime(2024, 3, 2, 18, 30, tzinfo=UTC)


def turn(tid: str, days: int = 0) -> Turn:
    return make_turn("", "Priya", AT + timedelta(days=days), tid=tid)


def test_activity_items_are_gerunds_after_a_verb_of_doing_and_named_classes() -> None:
    assert activity_items("is off to go swimming with the kids") == ["swimming"]
    assert activity_items("(with others) went camping by the lake") == ["camping"]
    assert activity_items("has been busy painting") == ["painting"]
    assert activity_items("loves hiking and going fishing") == ["hiking", "fishing"]
    assert activity_items("just signed up for a pottery class") == ["pottery class"]
    # a gerund that names no activity, and a class with no subject word
    assert activity_items("has been thinking about it and going through a lot") == []
    assert activity_items("loved the new class") == []


def test_place_items_need_a_verb_of_travel_or_living() -> None:
    assert place_items("took a solo trip to Portugal last year") == ["Portugal"]
    assert place_items("lived in New Zealand for two years") == ["New Zealand"]
    # no travel: a capitalised word after "to" is not a place
    assert place_items("gave a talk to Rotary members") == []
    # months and the people talking are not places
    assert place_items("went hiking in May", frozenset({"Tomas"})) == []
    assert place_items("went to Tomas's for dinner", frozenset({"Tomas"})) == []


def test_a_place_takes_the_kind_of_the_verb_that_put_it_there() -> None:
    lived, visited = LIVED, VISITED
    assert place_kinds("spent a week of holidays in Sintra") == [("Sintra", visited)]
    assert place_kinds("we flew to Osaka and stayed in Kobe") == [
        ("Osaka", visited),
        ("Kobe", visited),
    ]
    assert place_kinds("has been living in Aarhus since the spring") == [("Aarhus", lived)]
    assert place_kinds("moved from Cork to Galway with the twins") == [
        ("Cork", lived),
        ("Galway", lived),
    ]
    assert place_kinds("is based in Utrecht these days") == [("Utrecht", lived)]
    # both kinds in one clause: each place takes the nearest verb before it
    assert place_kinds("grew up in Fresno but went on a road trip to Moab") == [
        ("Fresno", lived),
        ("Moab", visited),
    ]
    assert place_kinds("went back to live in Tromso after the tour") == [("Tromso", lived)]
    # no verb before it: the first one after it
    assert place_kinds("a flat in Bergen, where I grew up") == [("Bergen", lived)]
    # "home" and "based" count only as "home in" / "based in": coming home from a trip
    # names no place lived
    assert place_kinds("came home from Vienna") == []
    assert place_items("made a home in Tucson after a trip to Peru") == ["Tucson", "Peru"]


def test_a_verbless_clause_takes_the_verb_said_just_before_it_in_the_message() -> None:
    said = "Big change for us! We moved. Our new flat: from Hove to Lewes, by the river."
    clause = "Tariq's new flat: from Hove to Lewes, by the river"
    assert place_kinds(clause) == []
    assert carried_place_kinds(clause, said) == [("Hove", LIVED), ("Lewes", LIVED)]
    trip = "Back from a week of holidays. Mostly in Ravello, with a day in Amalfi."
    assert carried_place_kinds("Mostly in Ravello, with a day in Amalfi", trip) == [
        ("Ravello", VISITED),
        ("Amalfi", VISITED),
    ]
    # the verb must be in the place's sentence or the one just before it
    far = "We moved in May. It rained a lot. My cousin in Derby sent boxes."
    assert carried_place_kinds("Noor's cousin in Derby sent boxes", far) == []
    # another place named between the verb and the clause's: the verb is that place's
    power = "I live in Ely, near Soham. Our power comes from Volt Energy at a fixed rate."
    assert carried_place_kinds("Ana's power comes from Volt Energy", power) == []
    # a clause with a verb of its own is read by place_kinds alone
    assert carried_place_kinds("flew to Lima", "We moved. Then I flew to Lima.") == []
    turn_said = make_turn(said, "Tariq", AT, tid="t5")
    (lived,) = profile_records([("Tariq", clause, turn_said)], user_id="u")
    assert lived.summary == "places lived: Hove, Lewes" and lived.source_ids == ["t5"]


def test_a_holiday_and_a_move_land_in_two_profiles_with_their_own_sources() -> None:
    said = [
        ("Priya", "is back from a holiday in Crete", turn("t1")),
        ("Priya", "moved to Dundee for the new job", turn("t2", days=3)),
        ("Priya", "visited Dundee's museum on a trip to Perth", turn("t3", days=4)),
    ]
    records = {r.aspect: r for r in profile_records(said, user_id="u")}
    assert set(records) == {LIVED, VISITED}
    assert records[LIVED].summary == "places lived: Dundee"
    assert records[LIVED].source_ids == ["t2"]
    assert records[VISITED].summary == "places visited or traveled to: Crete, Perth"
    assert records[VISITED].source_ids == ["t1", "t3"]
    assert record_keys(records[LIVED])["entity"] == "priya|profile:lived"
    assert profile_id("u", "Priya", LIVED) != profile_id("u", "Priya", VISITED)


def test_a_stored_profile_of_the_older_mixed_aspect_still_loads_but_takes_no_new_items() -> None:
    old = SemanticMemory(
        user_id="u",
        name="Priya",
        summary=HEADINGS[PLACES] + "Crete",
        source="Crete=t1",
        aspect=PLACES,
        source_ids=["t1"],
    )
    assert old.summary == "places visited or lived: Crete"
    (new,) = profile_records([("Priya", "took a trip to Crete", turn("t9"))], user_id="u")
    assert new.aspect == VISITED and new.id != old.id
    assert combine(old, new) is None  # a different aspect: the old record stays as it was


def test_a_batch_gives_one_profile_per_person_and_aspect_citing_its_items_turns() -> None:
    said = [
        ("Priya", "went swimming at dawn", turn("t1")),
        ("Priya", "took a trip to Lisbon", turn("t2")),
        ("Priya", "has been swimming a lot and went climbing", turn("t3")),
    ]
    records = {r.aspect: r for r in profile_records(said, user_id="u")}
    act, places = records[ACTIVITIES], records[VISITED]
    assert isinstance(act, SemanticMemory) and isinstance(places, SemanticMemory)
    assert act.summary == "activities and hobbies: swimming, climbing"
    assert act.source_ids == ["t1", "t3"]
    assert places.summary == "places visited or traveled to: Lisbon" and places.source_ids == ["t2"]
    assert act.id == profile_id("u", "Priya", ACTIVITIES) != places.id
    assert record_keys(act)["entity"] == "priya|profile:activities"


def test_combine_folds_a_new_batch_into_the_stored_profile() -> None:
    (old,) = profile_records([("Priya", "went swimming", turn("t1"))], user_id="u")
    (new,) = profile_records(
        [("Priya", "went rowing and went swimming", turn("t9", days=30))], user_id="u"
    )
    merged = combine(old, new)
    assert isinstance(merged, SemanticMemory)
    # an item said again moves last (most recent) and keeps every turn it came from
    assert merged.summary == "activities and hobbies: rowing, swimming"
    assert merged.source_ids == ["t9", "t1"]
    assert merged.id == old.id and merged.created_at == old.created_at
    assert merged.when == new.when


def test_a_full_profile_drops_its_oldest_items_and_their_sources() -> None:
    said = [("Priya", f"went {w}ing", turn(f"t{i}")) for i, w in enumerate(_words(MAX_ITEMS))]
    (old,) = profile_records(said, user_id="u")
    (new,) = profile_records([("Priya", "went kayaking", turn("tk", days=1))], user_id="u")
    merged = combine(old, new)
    assert isinstance(merged, SemanticMemory)
    items = merged.summary.split(": ", 1)[1].split(", ")
    assert len(items) == MAX_ITEMS and items[-1] == "kayaking"
    assert "t0" not in merged.source_ids and "tk" in merged.source_ids


def test_a_fact_is_not_combined() -> None:
    fact = SemanticMemory(user_id="u", name="Priya", summary="lives in Porto")
    newer = SemanticMemory(user_id="u", name="Priya", summary="lives in Braga")
    assert combine(fact, newer) is None


def test_profiles_are_never_deduplicated_or_slotted() -> None:
    (profile,) = profile_records([("Priya", "went rowing", turn("t1"))], user_id="u")
    assert semantic.dedupe_key(profile) is None and semantic.slot_key(profile) is None


def _words(n: int) -> list[str]:
    letters = "bcdfghjklmnpqrstvwxz"
    return [f"{letters[i % 20]}{letters[i // 20]}ash" for i in range(n)]


def _lived(text: str, speaker: str, tid: str, days: int = 0) -> list[SemanticMemory]:
    said = make_turn(text, speaker, AT + timedelta(days=days), tid=tid)
    return [
        r
        for r in semantic.extract_offline([said], user_id="u")
        if isinstance(r, SemanticMemory) and r.aspect == LIVED
    ]


def test_a_move_said_with_we_or_the_household_is_the_speakers_own_move() -> None:
    # short turns give no statement: the move's facts alone feed the lived profile
    for text in (
        "We moved from Tromsø to Bergen last month!",
        "My partner and I moved from Tromsø to Bergen.",
        "The whole family relocated from Tromsø to Bergen.",
    ):
        (lived,) = _lived(text, "Priya", "t2")
        assert lived.name == "Priya" and lived.summary == "places lived: Tromsø, Bergen", text
        assert lived.source_ids == ["t2"]
    (unnamed,) = _lived("We moved to Bergen!", "user", "t3")
    assert unnamed.name == "User" and unnamed.summary == "places lived: Bergen"


def test_a_move_makes_the_new_place_the_latest_of_the_stored_profile() -> None:
    (old,) = _lived("I live in Tromsø and teach chemistry.", "Priya", "t1")
    assert old.summary == "places lived: Tromsø"
    (new,) = _lived("We moved from Tromsø to Bergen last weekend!", "Priya", "t2", days=20)
    merged = combine(old, new)
    assert isinstance(merged, SemanticMemory)
    assert merged.summary == "places lived: Tromsø, Bergen"
    assert merged.source_ids == ["t1", "t2"]


def test_a_place_left_said_alone_is_not_added_as_the_latest() -> None:
    assert _lived("I used to live in Tromsø.", "Priya", "t4") == []
    assert _lived("Theo moved to Bergen.", "Priya", "t5") == []  # someone else's move


def test_the_same_turn_added_again_does_not_move_its_item() -> None:
    (first,) = _lived("I live in Tromsø and teach chemistry.", "Priya", "t1")
    (moved,) = _lived("We moved from Tromsø to Bergen last weekend!", "Priya", "t2", days=20)
    stored = combine(first, moved)
    assert isinstance(stored, SemanticMemory)
    (again,) = _lived("I live in Tromsø and teach chemistry.", "Priya", "t1")
    merged = combine(stored, again)
    assert isinstance(merged, SemanticMemory)
    assert merged.summary == "places lived: Tromsø, Bergen"  # Bergen stays the latest

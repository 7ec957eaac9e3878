"""Answering offline from the composed context: the extractive answerer.

Offline, the answer is the best supporting sentence of the best memories (the
clause that covers the most of the question's content words, weighted by the
memory's retrieval score); for "when" questions it is the absolute date — a date
written in the memory (``[7 May 2023]``, ``7 May 2023``, ``May 2023``), a
relative expression resolved against the memory's own date, or else the
memory's date. "How many days ago …?", "how many weeks between X and Y?", "which did
I do first, X or Y?" and "what was I doing when …?" are computed from the dated events
(:mod:`mirix_py._chat.reckon`); asked for a value "now", the latest-told of the close
answers wins — and a later statement marked as the current value ("the fee is 40 now", "my
new coach is Ilona", "she picked Leeds") wins over an earlier one worded more like the
question — and "… before I X?" is answered from what was said before X's day. Only
memories about the people a question names (and the people
around them) answer it (:mod:`mirix_py._chat.scope`). For "what did you recommend
for …?" a user's request is not the answer: the assistant's reply right after it
is, credited with what the request says. When no memory supports the question well enough
(``chat.min_evidence_score``) the answer is :data:`NOT_MENTIONED` instead of a
guess. Knowledge-vault values appear only when they were allowed into the
context (low sensitivity, or the owner's explicit reveal flag).

A fact left out because it restates a long turn still speaks for that turn before the
answer abstains: the turn's own similarity is diluted by everything else it says. A
question for one value (a name, a place, a number, a length of time) may be answered
from deeper in the context than an open one.

The pieces live in their own modules: the evidence a memory gives
(:mod:`.evidence`), its best span (:mod:`.best_span`), typed answers such as a
name or a role's holder (:mod:`.typed_answers`), dates (:mod:`.when_answer`),
current against earlier values (:mod:`.current_value`), lists and steps
(:mod:`.list_answers`), requests and replies (:mod:`.replies`), vault values
(:mod:`.vault_answer`), questions ending in a preposition (:mod:`.stranded`), questions
naming an aspect answered by its value ("what is her job?" ← "works as a midwife",
:mod:`.aspects`), organisations (:mod:`.organisations`), a relative picked by stated ages
(:mod:`.by_age`), typed attributes never stated (:mod:`.attributes`), a detail never said of
the asked subject (a name, a job, a position, a price: :mod:`.said_of`), the name of a
thing never named ("the café where she works?" ← "works at a café": :mod:`.thing_named`),
a person named by a relative clause or a timed role, answered of the name it resolves to
("how old is the grandchild who …?", "what does her current flatmate do?",
:mod:`.relative_hop`); the LLM
answer is :mod:`.answer_llm`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from mirix_py._chat.abstain import (
    JUDGED_KINDS,
    count_missing,
    identifier_missing,
    measured_missing,
    missing_subject,
    possessed_missing,
    possessed_stem,
    rate_missing,
    subject_stems,
)
from mirix_py._chat.anniversary import wedding_year
from mirix_py._chat.answer_text import body_text, hit_text, strip_annotations
from mirix_py._chat.aspects import Aspect, aspect_value, question_aspects
from mirix_py._chat.attributes import attribute_missing
from mirix_py._chat.best_span import best_span
from mirix_py._chat.bridge import bridge_answer
from mirix_py._chat.built_year import built_year
from mirix_py._chat.by_age import by_age_answer
from mirix_py._chat.choice import chosen_option
from mirix_py._chat.code_answer import code_call, defined_name
from mirix_py._chat.compose import ContextPack
from mirix_py._chat.cues import (
    QuestionCues,
    asks_for_several,
    content_stems,
    has_time_expression,
    read_question,
    sentences,
    stem_share,
    words,
)
from mirix_py._chat.current_value import (
    asks_present,
    beyond_replaced,
    cancelled_plan,
    change_bonus,
    current_clause,
    later_told,
    marked_current,
    marked_part,
    replaced_stems,
)
from mirix_py._chat.delay import delay_answer
from mirix_py._chat.difference import difference
from mirix_py._chat.draft import NOT_MENTIONED, Draft
from mirix_py._chat.evidence import evidence_score, stated_score, stating_facts, topic_stems
from mirix_py._chat.items import ordinal_asked
from mirix_py._chat.labelled import labelled_value
from mirix_py._chat.later_value import later_amount
from mirix_py._chat.left_place import asks_home, current_place
from mirix_py._chat.list_answers import nth_item, steps_answer, unit_answer
from mirix_py._chat.models import Hit
from mirix_py._chat.organisations import organisation_answer
from mirix_py._chat.origin import origin_first
from mirix_py._chat.person import asks_about_user, in_users_words
from mirix_py._chat.reckon import event_cutoff, latest_close, reckon, stopped_since
from mirix_py._chat.relative_hop import (
    holder_name,
    names_people,
    relative_hop,
    role_question,
    with_holder,
)
from mirix_py._chat.replies import ASSISTANT_Q, by_assistant, is_request, request_replies
from mirix_py._chat.said import named_adviser, replacing
from mirix_py._chat.said_of import detail_unsaid
from mirix_py._chat.scope import in_scope
from mirix_py._chat.series import asks_reading, latest_reading
from mirix_py._chat.shared import shared_answer
from mirix_py._chat.spans import (
    anchored,
    answer_kind,
    asks_past,
    place_cue,
    said_with,
    typed_span,
)
from mirix_py._chat.stranded import stranded_answer
from mirix_py._chat.studies import study_answer
from mirix_py._chat.thing_named import thing_unnamed
from mirix_py._chat.typed_answers import (
    doer_answer,
    holder_bonus,
    named_explicitly,
    role_holder,
    typed_answer,
)
from mirix_py._chat.unit_items import unit_asked
from mirix_py._chat.unnamed import relative_unnamed
from mirix_py._chat.vault_answer import (
    WHAT_IS,
    asks_handling,
    asks_other_thing,
    label_bonus,
    names_label,
    vault_answer,
)
from mirix_py._chat.verb_object import object_sentence, says_object, verb_asked
from mirix_py._chat.when_answer import when_answer
from mirix_py._memory import MemoryType

_CONSIDER = 6
_TYPED_MARGIN = 0.3  # how much weaker a memory holding the asked kind of value may be
_DEFINED_DEPTH = 3  # how deep a defined name is looked for among the best-scored memories
_LABELLED_BONUS = 0.3  # a value in the list item labelled with what is asked
_ANCHORED_BONUS = 0.25  # a value said right next to a word of what is asked
_VERB_OBJECT = 0.3  # the asked verb said with its object
_CONSIDER_TYPED = 24  # a one-value question (a name, a place) may be answered by a short fact
_ONE_VALUE = frozenset({"name", "who", "where", "quantity", "duration"})
"""Kinds of question answered by one value: a name, a place, a number, a length of time. The
value may sit in a memory ranked below the ones that merely share the question's words (a
step of a long procedure: "soak them for one hour at most")."""


def answer_offline(
    cues: QuestionCues, pack: ContextPack, *, min_evidence: float, now: datetime | None = None
) -> Draft:
    """The extractive answer (see the module docstring); ``now`` is when the question is
    asked (for "how many days ago …?")."""
    kind = answer_kind(cues.text)
    aspects = () if kind in ("name", "who", "where", "duration") else question_aspects(cues.text)
    consider = _CONSIDER_TYPED if kind in _ONE_VALUE or aspects else _CONSIDER
    scoped = in_scope(cues.names, without_restated(sorted(pack.refs.items())))
    numbered = scoped[:consider]
    if not numbered:
        return Draft(NOT_MENTIONED, (), True)
    hop = relative_hop(cues.text, cues.names, [h for _, h in scoped])
    if hop is not None:  # "how old is the grandchild who …?" → "how old is Ottilie?"
        inner = answer_offline(
            read_question(hop.question), pack, min_evidence=min_evidence, now=now
        )
        if not inner.abstained:
            hop_refs = tuple(dict.fromkeys((*inner.refs, scoped[hop.index][0])))
            return Draft(inner.text, hop_refs, False)
    role = role_question(cues.text)
    if role is not None and names_people(role.noun, [hit_text(h) for _, h in scoped]):
        # "what does Ines's current flatmate do?" → "what does Odile do?"
        held = answer_offline(
            read_question(role.holder_question), pack, min_evidence=min_evidence, now=now
        )
        name = None if held.abstained else holder_name(held.text, role, cues.names)
        if name is not None:
            rewritten = with_holder(cues.text, role, name)
            inner = answer_offline(
                read_question(rewritten), pack, min_evidence=min_evidence, now=now
            )
            if not inner.abstained:
                return Draft(inner.text, tuple(dict.fromkeys((*inner.refs, *held.refs))), False)
    bridge = bridge_answer(cues, [h for _, h in scoped])  # "where does Juniper live now?"
    if bridge is not None:
        return Draft(bridge[0], (scoped[bridge[1]][0],), False)
    shared = shared_answer(cues, [h for _, h in scoped])  # "what do X and Y share?"
    if shared is not None:
        return Draft(shared[0], tuple(scoped[i][0] for i in shared[1]), False)
    aged = by_age_answer(cues.text, cues.names, numbered) if kind in ("name", "who") else None
    if aged is not None:  # "her older grandchild" ← "Elsa who is 7 and Nils who is 4": the
        return aged  # relation and the ages are the evidence, though "older" is never said
    if _unsaid(cues, [h for _, h in scoped]):  # "what does her flatmate Joe do?" ← "Joe moved
        return Draft(NOT_MENTIONED, (), True)  # in": no job is said of Joe
    built = built_year(cues.text, scoped)
    if built is not None:  # "what year was her cabin built?" ← "our cabin, a 1938 log house"
        return built
    studied = study_answer(cues.text, scoped)
    if studied is not None:  # "what is she studying?" ← "starting an MA art history"
        return studied
    topic = topic_stems(cues, [h for _, h in numbered])
    chosen = chosen_option(cues.text, topic, scoped, {n.lower() for n in cues.names})
    if chosen is not None:  # "which song did they decide on?" ← "la vie en rose!! decided"
        return chosen
    numbered = [*numbered, *stating_facts(topic, scoped[consider:])]
    numbered += replacing(cues.text, scoped[consider:])  # "… instead of X?" ← "Y instead of X"
    if not asks_past(cues.text) and not cues.is_when:  # a value updated later, in fewer words
        numbered += later_told(topic, numbered, scoped[consider:], set(cues.names))
    verb = verb_asked(cues.text) if kind is None else None
    if verb is not None:  # "which game does he speedrun?" ← deep in a long first message
        numbered += [(r, h) for r, h in scoped[consider:] if says_object(verb, body_text(h))]
    evidence = {ref: evidence_score(topic, hit) for ref, hit in numbered}
    if max(evidence.values()) < min_evidence:
        told = _restated_support(cues, pack, topic, scoped, min_evidence)
        if not told:
            return Draft(NOT_MENTIONED, (), True)
        numbered = told  # only these support the question well enough to answer it
        evidence.update({ref: min_evidence for ref, _ in told})
    reckoned = reckon(cues, dict(scoped), now)
    if reckoned is not None:  # "how many days ago …?", "which did I do first, X or Y?"
        return Draft(reckoned.text, reckoned.refs, False)
    married = wedding_year(cues.text, dict(scoped))
    if married is not None:  # "what year did they marry?" ← "our 30th anniversary is in May"
        return married
    delay = delay_answer(cues.text, topic, dict(scoped))
    if delay is not None:  # "how many days later than first scheduled …?": new minus old
        return delay
    computed = difference(cues, dict(scoped), topic, now)
    if computed is not None:  # "how many fewer guests than first planned?": 180 - 150
        return Draft(computed.text, computed.refs, False)
    top_score = max(h.score.score for _, h in numbered) or 1.0
    vault = [
        (r, h) for r, h in sorted(pack.refs.items()) if h.memory_type is MemoryType.KNOWLEDGE_VAULT
    ]  # a secret asked for may rank below the events that mention it
    labelled = (
        [(r, h) for r, h in vault if names_label(cues, h)] if WHAT_IS.match(cues.text) else []
    )
    if cues.asks_secret and vault and not asks_handling(cues.text):
        scores = {r: evidence_score(topic, h) + label_bonus(topic, h, cues.text) for r, h in vault}
        ref, hit = max(vault, key=lambda p: scores[p[0]])
        if scores[ref] >= 0.5 * max(evidence.values()) and not asks_other_thing(cues.text, hit):
            return Draft(vault_answer(hit), (ref,), False)
    elif labelled:  # "what is the number of her new credit card?": the entry's label, reworded
        scores = {r: evidence_score(topic, h) for r, h in labelled}
        ref, hit = max(labelled, key=lambda p: scores[p[0]])
        if scores[ref] >= 0.5 * max(evidence.values()):
            return Draft(vault_answer(hit), (ref,), False)
    past = asks_past(cues.text)
    cue = place_cue(cues.text) if kind == "where" else None
    unnamed = topic - set(content_stems(" ".join(cues.names)))  # a value told beside a name
    # ("my chef Rafael worked in Caxias") is not told of what is asked about him
    timed = has_time_expression(cues.text)  # "… live in from April?": the time picks the value
    # "which city is he from?" asks where someone comes from: no later value replaces it
    present = not past and asks_present(cues.text) and cue != "from"
    recent = cues.asks_recent and not past
    cutoff = event_cutoff(cues, dict(scoped))
    earlier = (
        [(r, h) for r, h in scoped if h.when is not None and h.when.date() < cutoff]
        if cutoff
        else []
    )
    if earlier:  # "how many cups was I drinking before I switched?": the value held until then
        numbered, past, recent = earlier, False, True
    holder = role_holder(cues, numbered, past=past) if kind in ("name", "who") else None
    if holder is not None:  # a role fact answers even when worded otherwise ("fiancée")
        return holder
    own = _users_own(cues, scoped)
    if kind in JUDGED_KINDS and _subject_missing(cues, [h for _, h in own]):
        return Draft(NOT_MENTIONED, (), True)
    scoped_texts = [hit_text(h) for _, h in scoped]
    if kind is None and possessed_missing(cues.text, scoped_texts):
        return Draft(NOT_MENTIONED, (), True)
    if identifier_missing(cues.text, scoped_texts):  # "the registration number of his van?"
        return Draft(NOT_MENTIONED, (), True)
    people = _people([h for _, h in scoped])
    if attribute_missing(cues.text, scoped_texts, people):
        return Draft(NOT_MENTIONED, (), True)  # "what breed is her cat?" ← "has a cat"
    if relative_unnamed(cues.text, scoped_texts, people):
        return Draft(NOT_MENTIONED, (), True)  # "her brother's name?" ← "my brother came"
    if thing_unnamed(cues.text, scoped_texts):
        return Draft(NOT_MENTIONED, (), True)  # "the café's name?" ← "works at a café"
    own_texts = [hit_text(h) for _, h in own]
    if kind == "quantity" and rate_missing(cues.text, own_texts):
        return Draft(NOT_MENTIONED, (), True)
    if kind == "quantity" and measured_missing(cues.text, own_texts):
        return Draft(NOT_MENTIONED, (), True)
    if kind == "quantity" and count_missing(cues.text, scoped_texts, _speakers(scoped)):
        return Draft(NOT_MENTIONED, (), True)  # "episodes 1–4" labels, it does not count
    unit = unit_asked(cues.text)  # "on day two", "in the third week"
    labelled_part = unit_answer(unit, numbered, evidence) if unit is not None else None
    if labelled_part is not None:
        return labelled_part
    ordinal = ordinal_asked(cues.text)
    if ordinal is not None:
        item = nth_item(ordinal, numbered, evidence, scoped)
        if item is not None:
            return item
    if kind == "steps":
        procedures = [(r, h) for r, h in numbered if h.memory_type is MemoryType.PROCEDURAL]
        if procedures:
            ref, hit = max(procedures, key=lambda p: evidence[p[0]])
            if evidence[ref] >= 0.5 * max(evidence.values()):
                return Draft(steps_answer(hit), (ref,), False)
    if kind in ("name", "who"):
        doer = doer_answer(cues.text, numbered)
        if doer is not None:
            return doer
    organisation = (
        organisation_answer(cues.text, scoped[:_CONSIDER_TYPED], past=past)
        if kind in ("where", None)
        else None
    )
    if organisation is not None:  # "which company does he drive for?": a firm, not a place
        return organisation
    stranded = stranded_answer(cues.text, numbered) if kind is None else None
    if stranded is not None:  # "what did she tell him to multiply it by?"
        return stranded
    cancelled = None if past else cancelled_plan(topic, numbered)
    if cancelled is not None:
        return cancelled
    newest = sorted({h.when for _, h in numbered if h.when is not None})
    asked_about = {n.lower() for n in cues.names}
    holder_of = None if kind in ("name", "who") else role_holder(cues, numbered, past=past)
    target = holder_of.text.lower() if holder_of is not None else None
    speakers = {str(h.record.get("actor", "")).lower() for _, h in scoped}
    adviser = named_adviser(cues.text, speakers, asked_about)  # "did Sage suggest …?"
    asks_assistant = ASSISTANT_Q.search(cues.text) is not None or adviser is not None
    asked_speakers = asked_about & (speakers - {adviser})  # "Lisbon" in a question is no speaker
    if adviser is not None and not asked_speakers:  # "did Kai suggest …?": the others asked
        asked_speakers = speakers - {adviser, ""}
    replies = request_replies(numbered, scoped, asked_speakers)
    if not asks_assistant:  # only a request ("the training plan please") is answered by a reply
        replies = {q: r for q, r in replies.items() if is_request(body_text(pack.refs[q]))}
    answered = {reply: request for request, reply in replies.items()}
    candidates = [*numbered, *((r, pack.refs[r]) for r in answered if r not in dict(numbered))]
    spoken = [(r, h) for r, h in candidates if h.memory_type is not MemoryType.KNOWLEDGE_VAULT]
    candidates = spoken or candidates  # a vault line answers only as a vault value (above);
    # its caption is a redacted copy of a sentence said elsewhere, no answer in itself
    for ref, hit in candidates:  # a reply brought in by its request is scored like the rest
        evidence.setdefault(ref, evidence_score(topic, hit))
    newest = sorted({h.when for _, h in candidates if h.when is not None})
    scored: list[tuple[float, int, str]] = []
    typed: dict[int, str] = {}
    users_own = {r for r, _ in own} if len(own) < len(scoped) else set()
    named: set[int] = set()
    several = asks_for_several(cues.text)  # "which pets …?" may want names: the sentences
    replaced = replaced_stems(cues.text)  # "what does she drink now instead of cola?"
    spans = {
        ref: best_span(cues, topic, beyond_replaced(replaced, body_text(hit)))
        for ref, hit in candidates
    }
    measures = {  # "how much does he weigh?" is answered by a weight where one is told
        ref: value
        for ref, (span, _) in spans.items()
        if kind == "quantity" and (value := aspect_value(aspects, span, numeric=True))
    }
    for ref, hit in candidates:
        span, span_score = spans[ref]
        weight = span_score + 0.3 * hit.score.score / top_score + 0.7 * stated_score(topic, hit)
        weight += change_bonus(hit, span, past=past, newest=newest)
        if asks_assistant and by_assistant(hit, asked_speakers):
            weight += 0.2
        if ref in users_own:  # "what do I refuse to do?": the user's words, not advice
            weight += 0.2
        said = object_sentence(verb, span, body_text(hit)) if verb is not None else None
        if said is not None and said != span:  # weighed by the sentence that says the object
            weight += best_span(cues, topic, said)[1] - span_score
            span = said
        if said is not None:  # "which game does he speedrun?" ← "i speedrun …"
            weight += _VERB_OBJECT
        if ref in replies:  # a request the assistant answered: the reply is the answer
            weight -= 0.3
        if ref in answered:  # the reply answers what its request asked about
            weight += 0.5 * stem_share(topic, body_text(pack.refs[answered[ref]]))
        if target is not None:
            weight += holder_bonus(hit, target)
        if kind in ("name", "who", "where", "quantity", "duration"):
            found = typed_answer(kind, hit, span, cues.text, past=past)
            if measures:  # not a rate ("0.5 kg a week") or another number
                found = measures.get(ref)
            listed = labelled_value(kind, cues.text, body_text(hit)) if kind == "quantity" else None
            if listed:  # "- RAM: 32 GB …" answers "how much RAM …?"
                found = listed
                weight += _LABELLED_BONUS
            if found:
                typed[ref] = found
                weight += 0.15 + (0.1 if hit.memory_type is MemoryType.SEMANTIC else 0.0)
                body = strip_annotations(body_text(hit))
                if not timed and anchored(found, body, unnamed, counted=kind == "quantity"):
                    weight += _ANCHORED_BONUS  # "booked!! hall fee 900 EUR paid"
                if cue is not None and said_with(cue, found, body_text(hit)):
                    weight += _ANCHORED_BONUS  # "which town is she from?" ← "from Tartu"
                if kind == "name" and _named_in(found, topic, span, body_text(hit)):
                    named.add(ref)
                current = hit.record.get("valid_to") is None
                if str(hit.record.get("name", "")).lower() in asked_about and current != past:
                    weight += 0.2  # a fact about the person asked about, in the asked form
        elif (
            aspects
            and not several
            and (asks_assistant or not by_assistant(hit, set()))  # advice names jobs in general
            and (value := _aspect_value(aspects, span, hit, cues))
        ):
            typed[ref] = value  # "what is her job?" ← "works as a midwife": the value
            weight += 0.15
        scored.append((weight, ref, span))
    scored.sort(key=lambda t: (-t[0], t[1]))
    if named:  # a name given as a name ("her name is Dona Chica") next to what is asked
        scored.sort(key=lambda t: t[1] not in named)
    elif typed and scored[0][1] not in typed and not cues.is_when:
        close = [t for t in scored if t[1] in typed and t[0] >= scored[0][0] - _TYPED_MARGIN]
        if close:  # "where …?" is answered by a place, not by a sentence without one
            scored.remove(close[0])
            scored.insert(0, close[0])
    if cue == "from" and typed:  # "which city is he from?" ← "he's from Valparaíso"
        scored = origin_first(cues.text, cues.names, scored, typed, pack.refs)
    latest = (
        latest_close(topic, scored, pack.refs, typed, asks_assistant, asked_speakers)
        if recent
        else None
    )
    if latest is not None and not cues.is_when:  # "how many … now?": the last value told
        scored.remove(latest)
        scored.insert(0, latest)
    marked = (
        marked_current(
            topic,
            scored,
            pack.refs,
            set(typed) if kind in ("quantity", "duration") else None,
            asked_now=cues.asks_recent,
            speakers=asked_speakers,
        )
        if present and not cues.is_when and not asks_assistant
        else None
    )
    if marked is not None:  # "what does the pass cost now?": "it's 62 now" over "costs 55"
        scored = [marked, *(t for t in scored if t[1] != marked[1])]
        if (
            marked[1] in typed
            and aspects
            and (
                value := aspect_value(
                    aspects,
                    current_clause(marked[2]),
                    numeric=kind == "quantity",
                    question=cues.text,
                )
            )
        ):  # "I was vegan, so vegetarian now": the value the statement marks current
            typed[marked[1]] = value
        elif (
            marked[1] in typed
            and kind == "quantity"
            and not measures
            and (value := typed_span(kind, marked_part(marked[2]), cues.text, past=past))
        ):  # "added 4 seats, so 16 now": the number the statement marks current
            typed[marked[1]] = value
    moved = (
        current_place(scored, typed, pack.refs, asked_speakers)
        if kind == "where" and present and not asks_assistant and asks_home(cues.text)
        else None
    )
    if moved is not None:  # "I live in Leeds" told first, "used to live in Leeds" later
        scored = [moved, *(t for t in scored if t[1] != moved[1])]
    later = (
        later_amount(
            cues.text,
            topic,
            (scored[0][1], typed[scored[0][1]], scored[0][2]),
            pack.refs,
            [r for _, r, _ in scored],
            asked_speakers,
        )
        if kind == "quantity" and present and not asks_assistant and scored[0][1] in typed
        else None
    )
    if later is not None:  # "3,200 €" marked, then "raised it again, 3,400 € from June"
        typed[later[0]] = later[1]
        scored = sorted(scored, key=lambda t: t[1] != later[0])
    weight, ref, span = scored[0]
    hit = pack.refs[ref]
    for _, code_ref, _ in scored[:_DEFINED_DEPTH]:  # "the name of the function in your script"
        defined = defined_name(cues.text, body_text(pack.refs[code_ref]))
        if defined is not None:
            return Draft(defined, (code_ref,), False)
    if ref in answered:  # the question's words are in the request: keep the reply's sentence
        span = next((p for p in sentences(body_text(hit)) if span in p), span)
    told = earlier or scoped  # asked "before I X?": only what was said before X counts
    stopped = stopped_since(topic, hit, told) if recent and kind == "quantity" else None
    if stopped is not None:  # "how many cups a day now?" after "I've quit coffee"
        return Draft(f"none ({stopped[1]})", (stopped[0],), False)
    if ref in typed and not cues.is_when:
        reading = (
            latest_reading(typed[ref], hit, span, scoped, topic)
            if (present or recent) and not asks_assistant and asks_reading(cues.text)
            else None
        )
        if reading is not None:  # "214 today" after "currently 232 lbs": the last reading
            return Draft(reading[1], (reading[0], ref), False)
        return Draft(typed[ref], (ref,), False)
    if cues.is_when:
        when = when_answer(cues, topic, scored, pack.refs, ref)
        if when is not None:
            return when
    call = code_call(cues.text, span) if kind is None else None
    if call is not None:  # "which method did you use …?": the name in the code, not the code
        return Draft(call, (ref,), False)
    refs = [ref]
    text = strip_annotations(span)
    best_cover = stem_share(topic, span)
    joined = kind not in ("name", "who", "where") and marked is None  # no superseded value
    for _, other_ref, other_span in scored[1:] if joined else []:
        other = pack.refs[other_ref]
        cover = stem_share(topic, other_span)
        if (
            other.session != hit.session
            and cover > 0
            and cover >= 0.5 * best_cover
            and evidence[other_ref] >= 0.8 * evidence[ref]
            and other_span.lower() not in text.lower()
            and not other_span.rstrip().endswith("?")
        ):
            refs.append(other_ref)
            text = f"{text.rstrip('.')}; {strip_annotations(other_span)}"
            break
    return Draft(text, tuple(refs), False)


def without_restated(numbered: Sequence[tuple[int, Hit]]) -> list[tuple[int, Hit]]:
    """``numbered`` without the derived records (a first-person statement, a profile:
    any fact with an ``aspect``) whose every source turn is shown too.

    Such a record repeats a clause of a turn in the context; the turn says it with
    its neighbours, its speaker and its time, and a later turn that changed it ("I
    sold the boat" after "I'm selling my boat") is weighed against it there. As a
    candidate of its own the clause would compete with the turn it came from."""
    shown = {
        source
        for _, hit in numbered
        if hit.memory_type is MemoryType.EPISODIC
        for source in hit.source_ids
    }
    return [
        (ref, hit)
        for ref, hit in numbered
        if not (
            hit.memory_type is MemoryType.SEMANTIC
            and hit.record.get("aspect")
            and hit.source_ids
            and set(hit.source_ids) <= shown
        )
    ]


def _restated_support(
    cues: QuestionCues,
    pack: ContextPack,
    topic: frozenset[str],
    scoped: Sequence[tuple[int, Hit]],
    min_evidence: float,
) -> list[tuple[int, Hit]]:
    """The turns in ``scoped`` whose fact, left out as restating them
    (:func:`without_restated`), supports the question well enough. The fact is the turn's
    statement on its own, so it speaks for the turn, whose own similarity a long message
    around the statement dilutes ("I'm 71, I taught chemistry for 38 years, and now my
    doctor says …")."""
    kept = dict(scoped)
    by_source = {
        source: ref
        for ref, hit in scoped
        if hit.memory_type is MemoryType.EPISODIC
        for source in hit.source_ids
    }
    told: dict[int, Hit] = {}
    for ref, hit in in_scope(cues.names, sorted(pack.refs.items())):
        if ref in kept or evidence_score(topic, hit) < min_evidence:
            continue
        for source in hit.source_ids:
            if source in by_source:
                told[by_source[source]] = kept[by_source[source]]
    return sorted(told.items())


def _named_in(name: str, topic: frozenset[str], span: str, body: str) -> bool:
    """True when ``name`` is given as a name (:func:`.typed_answers.named_explicitly`) in the
    best span, or in the sentence of ``body`` that says it, next to what the question asks
    about: "I run a small bakery in Ghent, the name is Brood & Zo" names the bakery even
    when the best span is its first clause."""
    for part in (span, *sentences(body)):
        if named_explicitly(name, part) and stem_share(topic, part):
            return True
    return False


def _users_own(cues: QuestionCues, scoped: Sequence[tuple[int, Hit]]) -> list[tuple[int, Hit]]:
    """For a question about the unnamed user, the memories in their own words or about
    them (:func:`.person.in_users_words`): only these can say what the user's thing is;
    the assistant's advice in between mentions dogs, rents and payments in general.
    When no memory in context is the unnamed user's, the asker is a named speaker and
    all of ``scoped`` is kept."""
    if not asks_about_user(cues.text):
        return list(scoped)
    own = [
        (ref, hit)
        for ref, hit in scoped
        if in_users_words(
            str(hit.record.get("actor") or ""),
            str(hit.record.get("name") or "") if hit.memory_type is MemoryType.SEMANTIC else "",
            hit_text(hit),
        )
    ]
    return own or list(scoped)  # none: the asker goes by a name here, not as "user"


def _people(hits: Sequence[Hit]) -> set[str]:
    """The lower-cased words of the speakers' and entities' names among ``hits``."""
    people = {
        str(h.record.get("actor") or h.record.get("name") or "").lower()
        for h in hits
        if h.memory_type in (MemoryType.EPISODIC, MemoryType.SEMANTIC)
    }
    return {w for p in people for w in words(p)}


def _speakers(scoped: Sequence[tuple[int, Hit]]) -> set[str]:
    """The names of who speaks in ``scoped``'s episodes."""
    return {
        str(h.record.get("actor") or "") for _, h in scoped if h.memory_type is MemoryType.EPISODIC
    } - {""}


def _unsaid(cues: QuestionCues, hits: Sequence[Hit]) -> bool:
    """No memory in context says the asked detail of the asked subject (:mod:`.said_of`)."""
    speakers = {
        str(h.record.get("actor") or "") for h in hits if h.memory_type is MemoryType.EPISODIC
    }
    return detail_unsaid(cues.text, [hit_text(h) for h in hits], _people(hits), speakers)


def _subject_missing(cues: QuestionCues, hits: Sequence[Hit]) -> bool:
    """No memory in context mentions what a value question is about (:mod:`.abstain`)."""
    people = _people(hits)
    subject = subject_stems(cues, people)
    texts = [hit_text(h) for h in hits]
    return missing_subject(subject, texts, possessed_stem(cues.text))


def _aspect_value(aspects: Sequence[Aspect], span: str, hit: Hit, cues: QuestionCues) -> str | None:
    """The asked aspect's value in the best span, else in a sentence of the hit that names
    the person asked about ("ok, got it. Odile walks him before her shift, she's a nurse"):
    the span leans to the question's words, the value may sit in the sentence with the
    name."""
    value = aspect_value(aspects, span, question=cues.text)
    if value is not None or not cues.names:
        return value
    named = [s for s in sentences(body_text(hit)) if any(n in s for n in cues.names)]
    return aspect_value(aspects, " ".join(named), question=cues.text) if named else None

"""Composing the answer: the compact context within a token budget, then the answer.

The context shows the core blocks (always), then the retrieved memories grouped per type
inside ``<memories>`` … ``</memories>``. Each memory gets a number (``[3]``) that
answers cite. Events are grouped by session: the date (month spelled out,
:func:`mirix_py._dates.full_date`) is printed once per session and the speaker once per
run of turns; facts are grouped by entity. Memory text is data: angle brackets are
neutralised and newlines flattened so a stored text cannot close the block or fake a
heading. Given the question, an event's phatic sentences (greetings, thanks, cheering)
are left out and wholly phatic turns, or turns left with only off-subject questions, go
last (:mod:`mirix_py._chat.budget`; a light verb the question shares, "see" with "See
you later!", does not make such a sentence topical: :mod:`mirix_py._chat.light_verbs`);
memories about someone else than the people the question names go after the rest
(:mod:`mirix_py._chat.scope`). A long event other than
the best-ranked memory (the likeliest answer, shown whole) is first shown as an excerpt:
the sentences that say the question's words (or the words of the next turn, when that
turn ranks among the best: what it picked from the text, :mod:`mirix_py._chat.follow_ups`)
and those around them up to twenty content words, with ``…`` where others were left out
(:mod:`mirix_py._chat.excerpt`), so that the budget holds more distinct memories. An
excerpt none of whose sentences says most of the question's words is placed at a
fraction of its score (a long memory ranks by its whole text — its meaning, its session
— not by the few sentences shown); once every memory that fits is in, the
budget left shows the best excerpted ones whole again. The answer step reads what is shown: the hits
in :attr:`ContextPack.refs` carry an excerpt's sentences, not the whole text. When not
every memory fits, a core line that a chosen fact repeats (every content word of the
line in the fact) is shown once, as the fact, and the room is refilled. Given the
question, once the best-ranked memories fill half the budget, the events in plain
retrieval order take every other place (:func:`with_floor`), so the context does not
hold less of the conversation's best-matching turns than raw-turn retrieval would; a
vault record goes with the turn its value was redacted from. For a question that asks
for several things (not what two people share), a fact that a turn shown whole already
says is left out and its room refilled (:mod:`mirix_py._chat.repeats`). Otherwise, given
the question, a fact that a shown turn says (read from it, on its day, every word of it
in the turn's shown text or its speaker's name) is folded into the turn: it has no line
of its own, its number is shown on the turn's line (``Ann: [3, 7] …``), it costs only
that number of the budget, and it stays in :attr:`ContextPack.refs` for the answer step
(:mod:`mirix_py._chat.folds`).

Measured and dropped (2026-12-02; LOCOMO dev conversations 0–2, 385 questions,
``python -m evals.coverage_gaps`` on a copy of the base ingest, before: pooled coverage
0.8657, multi-hop 0.7813, temporal 0.9030, open-domain 0.3562, single-hop 0.9337):
*novelty* ordering — once the memories that fit a quarter of the budget are placed, a
memory whose content words (the question's, the people's names and glue left out) are
mostly said by the memories placed before it goes after those that add something.
Share ≥ 0.6, list questions only: 0.8656 (multi-hop 0.7805); every question: 0.8660
(multi-hop 0.7816); share ≥ 0.4: 0.8609 (single-hop 0.9248); from the first memory,
share ≥ 0.5: 0.8627 (multi-hop 0.7707, open-domain 0.3324). Turns that talk about the
same subject share few words, and the ranking is informative down to where the budget
cuts it (``evals.coverage_gaps``: gold tokens said first per 1,000 characters fall from
0.21 at ranks 21–30 to 0.13 at 31–40 and 0.08 at 41–50 on multi-hop): what a rule moves
up is seldom worth more than what it moves out. Nor does any kind of shown memory fall
clearly below the tail: shown turns with at most three content words of their own and
none of the question's hold 0.075 of multi-hop's shown characters at 0.17 gold tokens
said first per 1,000 characters (open-domain 0.116 at 0.11), about what ranks 31–40
hold (0.13, 0.11); facts sharing no word with the question 0.23 (0.25).

The budget is ``ceil(chars / 4)`` tokens for the whole context. Memories are
added best first; one that does not fit is skipped, so the lowest-scoring are
the ones dropped. Core blocks are always included, even past the budget (each
block at least by its label; only lines repeated by a shown fact are left out).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from itertools import zip_longest

from mirix_py._chat.budget import Focus
from mirix_py._chat.cues import QuestionCues, stem, words
from mirix_py._chat.excerpt import Excerpter
from mirix_py._chat.folds import folds, says_fact
from mirix_py._chat.follow_ups import taken_up
from mirix_py._chat.light_verbs import topical
from mirix_py._chat.models import Hit, RetrievedMemory, estimate_tokens
from mirix_py._chat.repeats import leaves_out_repeats, says
from mirix_py._chat.scope import in_scope
from mirix_py._dates import full_date
from mirix_py._memory import CoreMemory, MemoryType
from mirix_py._memory.registry import specs
from mirix_py._text import statement_stems

OPEN, CLOSE = "<memories>", "</memories>"
WEAK_EXCERPT_SCALE = 0.5
"""A weak excerpt (no part says most of the question's topic) is placed at this share
of its score: below the memories shown whole that rank near it, above those retrieval
scaled down to fill what is left (:data:`mirix_py._chat.sources.STATEMENT_SCALE`).

Measured and reverted (round s20, branch ``s20-kuev``, commit 68b8476 holds the code): a
weak excerpt among the five best-ranked memories kept its whole score (the turn holding
another hop or the older value, a long user message naming the topic once). On the dev
sets it lifted blind 4 multi-hop evidence recall 0.958 -> 1.000 and blind 5 multi-hop
0.930 -> 0.956, knowledge-update 0.928 -> 0.939, with blind 1, blind 3, the own set and
LOCOMO conversations 0-2 unchanged; on the held-out blind set 6 (fresh ingests, the
round's final code with and without it) it cost single-hop correct 0.778 -> 0.611 and
preference coverage and evidence recall 0.964 -> 0.893 (pooled correct 0.503 -> 0.490,
evidence recall 0.983 -> 0.979), for temporal coverage 0.870 -> 0.917 and
knowledge-update evidence 0.962 -> 0.974: weak excerpts ranked that high crowd out whole
memories on questions whose answer is one clause."""


def sections() -> list[tuple[MemoryType, str]]:
    """(type, title) of the context's sections in order: every registered type shown
    in context (core is shown apart, in ``<core_memory>``)."""
    ordered = sorted((s for s in specs() if s.in_context), key=lambda s: s.section_order)
    return [(s.memory_type, s.section or s.title) for s in ordered]


def clean(text: str) -> str:
    """Memory text made safe to show as data: one line, no angle brackets."""
    return " ".join(str(text).split()).replace("<", "‹").replace(">", "›")


def _day(hit: Hit) -> str:
    when = hit.when
    return full_date(when) if when else "undated"


def _line(hit: Hit, day: str, focus: Focus | None = None, body: str | None = None) -> str:
    """The memory's rendering without its group header (speaker/entity/date); with a
    ``focus``, an event's phatic sentences are left out (:mod:`mirix_py._chat.budget`);
    ``body`` replaces an event's text (an excerpt of it, :mod:`mirix_py._chat.excerpt`)."""
    mtype, rec = hit.memory_type, hit.record
    if mtype is MemoryType.EPISODIC:
        summary = str(rec.get("summary", ""))
        body = clean(body or (focus.condense(summary) if focus else "") or summary)
        return f"{body} — {clean(rec['details'])}" if rec.get("details") else body
    if mtype is MemoryType.SEMANTIC:
        body = clean(rec.get("summary", ""))
        if rec.get("details"):
            body += f" ({clean(rec['details'])})"
        return f"{body} ({day})"
    record = hit.to_record()
    if mtype is MemoryType.KNOWLEDGE_VAULT:
        return clean(record.render(reveal=True))  # type: ignore[call-arg]
    return clean(record.render())


@dataclass(frozen=True)
class _View:
    """What rendering needs from a hit, computed once. An excerpted event carries its
    whole ``full`` line beside the excerpt ``line`` shown, and the excerpt's ``body``
    (its kept sentences, what the answer step reads)."""

    hit: Hit
    day: str
    order: tuple[str, int, str]
    group: str
    who: str
    line: str
    phatic: bool = False
    full: str = ""
    body: str | None = None
    weak: bool = False
    """An excerpt none of whose parts says most of the question's topic."""

    @classmethod
    def of(
        cls,
        hit: Hit,
        focus: Focus | None = None,
        excerpter: Excerpter | None = None,
        taken_up: frozenset[str] = frozenset(),
    ) -> _View:
        day = _day(hit)
        when = hit.when
        order = (when.isoformat() if when else "", hit.position or 0, hit.memory_id)
        if hit.memory_type is MemoryType.EPISODIC:
            group, who = f"session {hit.session or day}", clean(hit.record.get("actor", ""))
        elif hit.memory_type is MemoryType.SEMANTIC:
            who = clean(hit.record.get("name", ""))
            group = f"entity {who.lower()}"
        else:
            group, who = hit.memory_type.value, ""
        if hit.memory_type is not MemoryType.EPISODIC:
            full = _line(hit, day)
            return cls(hit, day, order, group, who, full, False, full)
        summary = str(hit.record.get("summary", ""))
        condensed = focus.condense(summary) if focus is not None else ""
        phatic = focus is not None and (not condensed.strip() or focus.only_asks(summary))
        full = _line(hit, day, body=condensed)
        view = cls(hit, day, order, group, who, full, phatic, full)
        if excerpter is not None:
            speaker = str(hit.record.get("actor", ""))
            cut = excerpter.excerpt(condensed or summary, taken_up, speaker)
            if cut is not None:
                line = _line(hit, day, body=cut.shown)
                view = replace(view, line=line, body=cut.body, weak=not cut.strong)
        return view

    def whole(self) -> _View:
        """This view showing its memory whole."""
        return replace(self, line=self.full, body=None, weak=False)

    def shown_hit(self) -> Hit:
        """The hit as the context shows it: an excerpted event keeps only the excerpt's
        sentences, so the answer step reads what the context shows."""
        if self.body is None:
            return self.hit
        return self.hit.model_copy(update={"record": {**self.hit.record, "summary": self.body}})


def render_core(blocks: Sequence[CoreMemory], shown_apart: frozenset[str] = frozenset()) -> str:
    """The always-present core memory section (empty string when there is none).

    Lines in ``shown_apart`` (core lines the context already shows as a numbered fact,
    :func:`_repeated_core_lines`) are left out; a block left without lines still shows
    its label, so the section never disappears.
    """
    if not blocks:
        return ""
    lines = ["<core_memory>"]
    lines.extend(clean(block.render(shown_apart)) for block in blocks)
    lines.append("</core_memory>")
    return "\n".join(lines)


def render_memories(chosen: Sequence[tuple[int, Hit]]) -> str:
    """The ``<memories>`` block for numbered hits (see the module docstring)."""
    return _render([(ref, _View.of(hit)) for ref, hit in chosen])


def _render(chosen: Sequence[tuple[int, _View]], fold: bool = False) -> str:
    """The ``<memories>`` block; with ``fold``, a fact a shown turn says is shown as the
    turn, its number on the turn's line (:mod:`mirix_py._chat.folds`)."""
    if not chosen:
        return f"{OPEN}\n(no relevant memories)\n{CLOSE}"
    folded = folds(chosen) if fold else {}
    numbers: dict[int, list[int]] = {}
    for fact, turn in folded.items():
        numbers.setdefault(turn, [turn]).append(fact)
    for shared in numbers.values():
        shared.sort()
    lines = [OPEN]
    for mtype, title in sections():
        members = [(ref, v) for ref, v in chosen if v.hit.memory_type is mtype]
        members = [(ref, v) for ref, v in members if ref not in folded]
        if not members:
            continue
        lines.append(f"{title}:")
        if mtype is MemoryType.EPISODIC:
            lines.extend(_render_events(members, numbers))
        elif mtype is MemoryType.SEMANTIC:
            members.sort(key=lambda p: (p[1].who.lower(), p[0]))
            last = None
            for ref, view in members:
                if view.who.lower() != last:
                    lines.append(f"{view.who}: [{ref}] {view.line}")
                    last = view.who.lower()
                else:
                    lines.append(f"  [{ref}] {view.line}")
        else:
            lines.extend(f"[{ref}] {v.line}" for ref, v in sorted(members, key=lambda p: p[0]))
    lines.append(CLOSE)
    return "\n".join(lines)


def _render_events(
    members: Sequence[tuple[int, _View]], numbers: dict[int, list[int]]
) -> list[str]:
    sessions: dict[str, list[tuple[int, _View]]] = {}
    for ref, view in members:
        sessions.setdefault(view.group, []).append((ref, view))
    ordered = sorted(sessions.values(), key=lambda items: min(v.order for _, v in items))
    lines: list[str] = []
    for items in ordered:
        items.sort(key=lambda p: p[1].order)
        header_day = items[0][1].day
        lines.append(f"{header_day}:")
        speaker = None
        for ref, view in items:
            prefix = f"({view.day}) " if view.day != header_day else ""
            label = ", ".join(str(n) for n in numbers.get(ref, [ref]))
            if view.who != speaker:
                lines.append(f"{view.who}: {prefix}[{label}] {view.line}")
                speaker = view.who
            else:
                lines.append(f"  {prefix}[{label}] {view.line}")
    return lines


def _names(hits: Sequence[Hit]) -> frozenset[str]:
    """The lower-cased names of the speakers among ``hits`` (events' actors)."""
    return frozenset(
        word
        for h in hits
        if h.memory_type is MemoryType.EPISODIC
        for word in words(str(h.record.get("actor") or ""))
    )


def _about_others(question: QuestionCues, ranked: Sequence[Hit]) -> set[str]:
    """The ids of the memories about someone else than the people the question names
    (:mod:`mirix_py._chat.scope`)."""
    kept = {h.memory_id for _, h in in_scope(question.names, list(enumerate(ranked)))}
    return {h.memory_id for h in ranked} - kept


@dataclass(frozen=True)
class ContextPack:
    """The rendered context and which memories made it in (numbered 1..n)."""

    text: str
    tokens: int
    refs: dict[int, Hit]
    ranked: list[RetrievedMemory]


def _upper_cost(view: _View, ref: int, seen: set[str]) -> int:
    """An upper bound on the characters adding a memory costs (its line, plus a section
    title and group header if new, plus a speaker prefix it may force on a neighbour)."""
    cost = len(f"[{ref}] {view.line}") + 3
    if view.hit.memory_type.value not in seen:
        cost += 16
    if view.hit.memory_type is MemoryType.EPISODIC:
        cost += 2 * (len(view.who) + 2) + 16  # own prefix, a split neighbour run, "(date) "
        if view.group not in seen:
            cost += len(view.day) + 2
    elif view.hit.memory_type is MemoryType.SEMANTIC:
        cost += 2 * (len(view.who) + 2)
    return cost


def _fit(
    candidates: Sequence[_View],
    render: Callable[[Sequence[tuple[int, _View]]], str],
    budget_tokens: int,
    exact_trials: int,
    drop_repeats: bool = False,
    fold: bool = False,
) -> list[tuple[int, _View]]:
    """The candidates that fit ``budget_tokens``, numbered: added in order while a
    cheap upper bound of the cost fits, then a few of the rest tried against the
    exact rendering. With ``drop_repeats``, a fact that a chosen turn shown whole says
    is left out, and one chosen before that turn is taken out again
    (:mod:`mirix_py._chat.repeats`). With ``fold``, a fact a chosen turn says costs
    only its number on the turn's line, and so does a chosen fact once a turn that
    says it is chosen (:mod:`mirix_py._chat.folds`)."""
    limit = budget_tokens * 4
    chosen: list[tuple[int, _View]] = []
    seen: set[str] = set()
    used = len(render(chosen)) + 8
    skipped: list[_View] = []
    costs: dict[str, int] = {}
    for view in candidates:
        if drop_repeats and _said_by_chosen(view, chosen):
            continue
        cost = _upper_cost(view, len(chosen) + 1, seen)
        kind = view.hit.memory_type
        if fold and kind is MemoryType.SEMANTIC and any(says_fact(v, view) for _, v in chosen):
            cost = FOLD_COST
        repeated = _repeated_facts(view, chosen) if drop_repeats else []
        freed = sum(costs[v.hit.memory_id] for _, v in repeated)
        folding = _folding(view, chosen, costs, repeated) if fold else []  # a turn's facts
        if used + cost - freed - sum(costs[f] - FOLD_COST for f in folding) <= limit:
            if repeated:  # the turn says these facts: their room goes to other memories
                gone = {v.hit.memory_id for _, v in repeated}
                chosen = list(enumerate(_kept(chosen, gone), 1))
                used -= freed
            for fact in folding:  # shown as this turn from now on: their room is freed
                used -= costs[fact] - FOLD_COST
                costs[fact] = FOLD_COST
            chosen.append((len(chosen) + 1, view))
            seen.update((view.hit.memory_type.value, view.group))
            costs[view.hit.memory_id] = cost
            used += cost
        else:
            skipped.append(view)
    while chosen and estimate_tokens(render(chosen)) > budget_tokens:  # a guard only
        chosen.pop()
    for view in skipped[:exact_trials]:
        if drop_repeats and _said_by_chosen(view, chosen):
            continue
        trial = [*chosen, (len(chosen) + 1, view)]
        if estimate_tokens(render(trial)) <= budget_tokens:
            chosen = trial
    return chosen


FOLD_COST = 5
"""An upper bound on the characters a folded fact costs: its number on a turn's line."""


def _folding(
    view: _View,
    chosen: Sequence[tuple[int, _View]],
    costs: dict[str, int],
    repeated: Sequence[tuple[int, _View]],
) -> list[str]:
    """The ids of the chosen facts, not folded yet nor left out, that the turn ``view``
    says (:mod:`mirix_py._chat.folds`)."""
    if view.hit.memory_type is not MemoryType.EPISODIC:
        return []
    gone = {v.hit.memory_id for _, v in repeated}
    return [
        v.hit.memory_id
        for _, v in chosen
        if v.hit.memory_type is MemoryType.SEMANTIC
        and v.hit.memory_id not in gone
        and costs[v.hit.memory_id] > FOLD_COST
        and says_fact(view, v)
    ]


def _said_by_chosen(view: _View, chosen: Sequence[tuple[int, _View]]) -> bool:
    """Whether a chosen turn, shown whole, says the fact ``view`` shows."""
    return any(v.body is None and says(v.hit, view.hit) for _, v in chosen)


def _repeated_facts(view: _View, chosen: Sequence[tuple[int, _View]]) -> list[tuple[int, _View]]:
    """The chosen facts that the turn ``view`` says, when it is shown whole."""
    if view.body is not None or view.hit.memory_type is not MemoryType.EPISODIC:
        return []
    return [(k, v) for k, v in chosen if says(view.hit, v.hit)]


def _kept(chosen: Sequence[tuple[int, _View]], gone: set[str]) -> list[_View]:
    return [v for _, v in chosen if v.hit.memory_id not in gone]


def _expand(
    chosen: Sequence[tuple[int, _View]],
    render: Callable[[Sequence[tuple[int, _View]]], str],
    budget_tokens: int,
) -> list[tuple[int, _View]]:
    """``chosen`` with its excerpted memories shown whole, best first, while the
    rendering stays within ``budget_tokens``: the budget left once every chosen memory
    is in goes to the rest of the best ones."""
    out = list(chosen)
    for k, (ref, view) in enumerate(out):
        if view.body is None:
            continue
        trial = [*out[:k], (ref, view.whole()), *out[k + 1 :]]
        if estimate_tokens(render(trial)) <= budget_tokens:
            out = trial
    return out


def _repeated_core_lines(
    core: Sequence[CoreMemory], chosen: Sequence[tuple[int, _View]]
) -> frozenset[str]:
    """The core lines whose every content word is in one chosen fact (its subject
    included): the fact says the same, with its date and number, so the line is
    shown once, as the fact."""
    facts = [
        statement_stems(
            f"{v.who} {v.hit.record.get('summary', '')} {v.hit.record.get('details') or ''}"
        )
        for _, v in chosen
        if v.hit.memory_type is MemoryType.SEMANTIC
    ]
    repeated = set()
    for block in core:
        for line in block.lines():
            need = statement_stems(line)
            if need and any(need <= fact for fact in facts):
                repeated.add(line)
    return frozenset(repeated)


def _vault_lift(views: Sequence[_View]) -> dict[str, float]:
    """The score a vault record is placed at: that of the best event citing its source
    turn when higher than its own. The turn is shown with its value redacted, so the
    record holding the value goes with it rather than after every other memory."""
    best: dict[str, float] = {}
    for view in views:
        if view.hit.memory_type is MemoryType.EPISODIC:
            for source in view.hit.source_ids:
                best[source] = max(best.get(source, 0.0), view.hit.score.score)
    lifted: dict[str, float] = {}
    for view in views:
        if view.hit.memory_type is not MemoryType.KNOWLEDGE_VAULT:
            continue
        turn = max((best.get(s, 0.0) for s in view.hit.source_ids), default=0.0)
        if turn > view.hit.score.score:
            lifted[view.hit.memory_id] = turn
    return lifted


HEAD_SHARE = 0.5
"""The share of the budget the question's own ranking fills before plain retrieval's
turns take every other place (:func:`with_floor`)."""


def _fitting(views: Sequence[_View], room: float) -> int:
    """How many of ``views``, in order, a cheap bound of their cost fits in ``room``
    characters."""
    count, seen = 0, set[str]()
    for view in views:
        room -= _upper_cost(view, count + 1, seen)
        if room < 0:
            break
        seen.update((view.hit.memory_type.value, view.group))
        count += 1
    return count


def with_floor(candidates: Sequence[_View], budget_tokens: int) -> list[_View]:
    """``candidates`` with plain retrieval's turns taking every other place once the
    best-ranked candidates fill :data:`HEAD_SHARE` of the budget.

    Plain retrieval orders the events by the store's dense + full-text fusion
    (:attr:`ScoreBreakdown.fused`), before the session prior, neighbour smoothing, cues
    and derived records; its turns here are those it would show whole within the
    budget. The head keeps what the question's ranking is surest of; past it, those
    turns the ranking placed lower go every other place, so the context does not show
    less of the conversation than raw-turn retrieval alone would."""
    limit = budget_tokens * 4
    head = _fitting(candidates, HEAD_SHARE * limit)
    events = [
        v for v in candidates if v.hit.memory_type is MemoryType.EPISODIC and v.hit.score.fused > 0
    ]
    events.sort(key=lambda v: (-v.hit.score.fused, v.hit.memory_id))
    plain = events[: _fitting([v.whole() for v in events], limit)]
    merged = list(candidates[:head])
    seen = {v.hit.memory_id for v in merged}
    for pair in zip_longest(candidates[head:], plain):
        for view in pair:
            if view is not None and view.hit.memory_id not in seen:
                seen.add(view.hit.memory_id)
                merged.append(view)
    return merged


def _numbered(
    chosen: Sequence[tuple[int, _View]], order: dict[str, int]
) -> list[tuple[int, _View]]:
    """``chosen`` numbered again in ``order`` (the score order, before the floor's
    interleaving): the numbers rank the memories for the answer step, and the same
    numbers shown in another order render to the same length."""
    views = sorted((v for _, v in chosen), key=lambda v: order[v.hit.memory_id])
    return list(enumerate(views, 1))


def build_context(
    core: Sequence[CoreMemory],
    hits: Sequence[Hit],
    *,
    budget_tokens: int,
    exact_trials: int = 8,
    question: QuestionCues | None = None,
) -> ContextPack:
    """Fit the best hits into ``budget_tokens`` (see the module docstring).

    Hits are added best first while a cheap upper bound of the cost fits; then a
    few of the remaining hits are tried against the exact rendering. With the
    ``question``, events are condensed and wholly phatic turns go last
    (:mod:`mirix_py._chat.budget`), and memories about someone else than the people
    the question names go after the rest (:mod:`mirix_py._chat.scope`); without it
    every memory is shown whole, in score order.
    """
    core_text = render_core(core)
    ranked = sorted(hits, key=lambda h: (-h.score.score, h.memory_id))
    names = _names(ranked)
    focus = (
        None if question is None else Focus(names, topical(question.stems, names, question.names))
    )
    excerpter = None if question is None else Excerpter.of(question, names)
    follow = taken_up(ranked, frozenset(stem(n) for n in names))  # what a next turn picked
    views = [_View.of(h, focus, excerpter, follow.get(h.memory_id, frozenset())) for h in ranked]
    if views and not views[0].weak:  # the best memory is shown whole: most likely the answer
        views[0] = views[0].whole()
    others = set() if question is None else _about_others(question, ranked)
    # score order within each part, a weak excerpt at a fraction of its score (a long
    # memory ranks by its whole text, not by the few sentences shown; a fraction, not
    # last, since retrieval itself scales down memories that should only fill the rest);
    # someone else's memories, then glue, fill what is left
    lifted = _vault_lift(views)
    candidates = sorted(
        views,
        key=lambda v: (
            v.hit.memory_id in others,
            v.phatic,
            -lifted.get(v.hit.memory_id, v.hit.score.score)
            * (WEAK_EXCERPT_SCALE if v.weak else 1.0),
            v.hit.memory_id,
        ),
    )
    ranked_order = {v.hit.memory_id: i for i, v in enumerate(candidates)}
    if question is not None:
        candidates = with_floor(candidates, budget_tokens)

    fold = question is not None  # a fact a shown turn says is shown as the turn

    def render(chosen: Sequence[tuple[int, _View]], core_text: str = core_text) -> str:
        block = _render(chosen, fold=fold)
        return f"{core_text}\n{block}" if core_text else block

    drop = question is not None and leaves_out_repeats(question)  # a set's items need room
    chosen = _numbered(
        _fit(candidates, render, budget_tokens, exact_trials, drop_repeats=drop, fold=fold),
        ranked_order,
    )
    if question is not None and len(chosen) < len(candidates):
        # the core lines the chosen facts repeat are shown once; their room is refilled
        repeated = _repeated_core_lines(core, chosen)
        if repeated:
            short_core = render_core(core, repeated)
            refit = _numbered(
                _fit(
                    candidates,
                    partial(render, core_text=short_core),
                    budget_tokens,
                    exact_trials,
                    drop_repeats=drop,
                    fold=fold,
                ),
                ranked_order,
            )
            if repeated <= _repeated_core_lines(core, refit):
                chosen, core_text = refit, short_core
    chosen = _expand(chosen, partial(render, core_text=core_text), budget_tokens)
    text = render(chosen, core_text)
    refs = {ref: view.shown_hit() for ref, view in chosen}
    ref_of = {view.hit.memory_id: ref for ref, view in chosen}
    shown = {view.hit.memory_id: view for _, view in chosen}
    retrieved: list[RetrievedMemory] = []
    seen_groups: set[str] = set()
    for rank, view in enumerate(views, 1):
        view = shown.get(view.hit.memory_id, view.whole())
        hit, line = view.hit, view.line
        if hit.memory_type in (MemoryType.EPISODIC, MemoryType.SEMANTIC):
            line = f"{view.who}: {line}"
        if hit.memory_type is MemoryType.EPISODIC and view.group not in seen_groups:
            line = f"{view.day}:\n{line}"
        seen_groups.add(view.group)
        retrieved.append(
            RetrievedMemory(
                rank=rank,
                memory_id=hit.memory_id,
                memory_type=hit.memory_type,
                text=line,
                source_ids=hit.source_ids,
                score=hit.score,
                stage=hit.stage,
                in_context=hit.memory_id in ref_of,
                ref=ref_of.get(hit.memory_id),
            )
        )
    return ContextPack(text=text, tokens=estimate_tokens(text), refs=refs, ranked=retrieved)

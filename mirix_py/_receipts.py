"""What a write returns: per memory type, what happened to which record, and why.

A failed step is reported as a :class:`ManagerFailure` with a stable ``code``
and a short safe ``error`` message, never the exception's own text (a provider
error can carry request data); the details go to the log at debug level with
secrets scrubbed (:meth:`ManagerFailure.of`).
"""

from __future__ import annotations

from typing import Literal

import structlog
from pydantic import BaseModel, ConfigDict, Field, computed_field

from mirix_py._log_scrub import scrub_detail
from mirix_py._memory.base import MemoryType
from mirix_py.errors import describe_failure

log = structlog.get_logger(__name__)

Action = Literal["inserted", "updated", "superseded", "merged", "skipped", "deleted"]


class RecordAction(BaseModel):
    """One thing a manager did to one record."""

    model_config = ConfigDict(frozen=True)

    memory_type: MemoryType
    action: Action
    memory_id: str | None = None
    reason: str = ""


class ManagerFailure(BaseModel):
    """A step that failed, and what was done about it.

    ``code`` is stable (``model_error``, ``storage_error``, ``extraction_error``,
    ``vault_error``, ``timeout``, ``validation_error``, ``internal_error`` …);
    ``error`` is a short message safe to show and to store.
    """

    model_config = ConfigDict(frozen=True)

    step: str
    code: str = "internal_error"
    error: str
    fallback: str = ""

    @classmethod
    def of(
        cls,
        step: str,
        exc: BaseException,
        *,
        fallback: str = "",
        default_code: str = "internal_error",
        **context: object,
    ) -> ManagerFailure:
        """The failure of ``step`` caused by ``exc``: code and safe message only.

        The exception's details are logged at debug level (``memory.step_failed``),
        scrubbed of secrets; ``context`` (user id, run id …) is added to that event.
        """
        safe = describe_failure(exc, default_code=default_code)
        log.debug(
            "memory.step_failed",
            step=step,
            code=safe.code,
            error_type=type(exc).__name__,
            detail=scrub_detail(str(exc)),
            **context,
        )
        return cls(step=step, code=safe.code, error=safe.message, fallback=fallback)


class WriteReceipt(BaseModel):
    """The result of one ``add``: actions per record, failures, routing and cost."""

    model_config = ConfigDict(frozen=True)

    user_id: str
    run_id: str
    source_ids: list[str] = Field(default_factory=list)
    routed: list[MemoryType] = Field(default_factory=list)
    actions: list[RecordAction] = Field(default_factory=list)
    failures: list[ManagerFailure] = Field(default_factory=list)
    llm_calls: int = 0
    llm_tokens: int = 0
    ms: float = 0.0

    @property
    def ok(self) -> bool:
        """True when no step failed."""
        return not self.failures

    @computed_field  # type: ignore[prop-decorator]
    @property
    def status(self) -> Literal["ok", "partial", "failed"]:
        """``ok``; ``partial`` when a step failed but records were kept (``kept``
        says which types and how many); ``failed`` when nothing was written."""
        if not self.failures:
            return "ok"
        return "partial" if self.ids() else "failed"

    @computed_field  # type: ignore[prop-decorator]
    @property
    def kept(self) -> dict[str, int]:
        """Records written per memory type (inserted, updated, superseded or merged)."""
        return self.counts_stored()

    def counts_stored(self) -> dict[str, int]:
        """``{memory_type: records written}``; types with nothing written are absent."""
        out: dict[str, int] = {}
        for a in self.actions:
            if a.memory_id and a.action in ("inserted", "updated", "superseded", "merged"):
                out[a.memory_type.value] = out.get(a.memory_type.value, 0) + 1
        return out

    def ids(self, memory_type: MemoryType | str | None = None) -> list[str]:
        """Ids written (inserted/updated/superseded/merged), optionally of one type."""
        wanted = MemoryType(memory_type) if memory_type else None
        return [
            a.memory_id
            for a in self.actions
            if a.memory_id
            and a.action in ("inserted", "updated", "superseded", "merged")
            and (wanted is None or a.memory_type == wanted)
        ]

    def counts(self) -> dict[str, dict[str, int]]:
        """``{memory_type: {action: n}}``."""
        out: dict[str, dict[str, int]] = {}
        for a in self.actions:
            bucket = out.setdefault(a.memory_type.value, {})
            bucket[a.action] = bucket.get(a.action, 0) + 1
        return out

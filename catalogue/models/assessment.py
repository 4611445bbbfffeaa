"""Readiness self-assessments a member saved to their account. Private: only their author ever sees them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.models.base import Base, utcnow


class Assessment(Base):
    """One completed questionnaire: the answers as given and the scores as shown when it was saved."""

    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    questionnaire_version: Mapped[str] = mapped_column(String(20))
    answers: Mapped[dict[str, int]] = mapped_column(JSON)  # {question id: 0..4}
    scores: Mapped[dict[str, Any]] = mapped_column(JSON)  # ``scoring.Scores.to_json()``
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)

    def __repr__(self) -> str:
        return f"<Assessment {self.id} of user {self.user_id}>"

"""Anonymous feedback: three answers and an optional comment per feedback code.

A card code comes from the desk (`encounters.actions.issue_feedback_code`, printed as a QR code
or typed); only its keyed hash is stored on the encounter, and we look it up the same way. A
chat's feedback uses a code derived from the chat, so the person needs to type nothing. Either
way the answer is linked to the encounter, never to a person, and the unique hash allows one
answer per code (also when two are sent at the same moment).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from kohtaamo.channel.models import ChatSession, FeedbackResponse
from kohtaamo.core import crypto

CODE_PURPOSE = "feedback-code"  # the purpose the desk hashes its feedback codes with
CODE_LENGTH = 6
MAX_COMMENT = 1000


class AlreadyAnswered(Exception):
    pass


def normalise_code(text: str) -> str:
    """'acd 347', 'ACD-347' → 'ACD347'; anything else → ''."""
    from kohtaamo.encounters.actions import FEEDBACK_ALPHABET

    cleaned = "".join(ch for ch in (text or "").upper()[:40] if ch not in " -_.")
    if len(cleaned) != CODE_LENGTH or any(ch not in FEEDBACK_ALPHABET for ch in cleaned):
        return ""
    return cleaned


def card_code_hash(code: str) -> str:
    return crypto.keyed_hash(code, purpose=CODE_PURPOSE)


def chat_code_hash(session: ChatSession) -> str:
    return crypto.keyed_hash(f"chat:{session.code}", purpose=CODE_PURPOSE)


def encounter_for_code(code: str):
    from kohtaamo.encounters.models import Encounter

    if not code:
        return None
    return Encounter.objects.filter(feedback_code_hash=card_code_hash(code)).first()


def is_answered(code_hash: str) -> bool:
    return FeedbackResponse.objects.filter(code_hash=code_hash).exists()


def submit_feedback(
    *,
    code_hash: str,
    encounter,
    source: str,
    heard: int | None = None,
    helped: int | None = None,
    again: int | None = None,
    comment: str = "",
) -> FeedbackResponse:
    valid = set(FeedbackResponse.Answer.values)
    answers = {
        name: value if value in valid else None
        for name, value in (("heard", heard), ("helped", helped), ("again", again))
    }
    try:
        with transaction.atomic():
            return FeedbackResponse.objects.create(
                code_hash=code_hash,
                encounter=encounter,
                source=source,
                comment=(comment or "").strip()[:MAX_COMMENT],
                **answers,
            )
    except IntegrityError:
        raise AlreadyAnswered from None

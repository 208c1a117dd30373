"""Uploads from the upload page: templates to fill in, a file checked or loaded as the signed-in user, and undo.

A user works within their communes (staff) or every commune (admins): each operation looks the scope up itself.
"""

from __future__ import annotations

from etl import load, schema, templates
from etl.load import ACCEPTED, REFUSED, UNCHANGED, FileOutcome, message
from settings import Settings
from warehouse import accounts
from warehouse.database import Warehouse
from warehouse.write.uploads import UndoRefused

# What pages may use of an outcome: its statuses, the outcome itself, the refusal of an undo, problems in words.
__all__ = ["ACCEPTED", "KINDS", "REFUSED", "UNCHANGED", "FileOutcome", "UndoRefused", "import_file", "message",
           "template_files", "undo_upload"]

KINDS = schema.KINDS


def template_files(db: Warehouse, kind: str, commune: str, commune_name: str, period: str | None) -> dict[str, bytes]:
    """The template of `kind` for the commune (and month), pre-filled, as .xlsx and .csv bytes by format."""
    frame = templates.template_frame(db, kind, commune, period)
    title = templates.template_title(kind, commune_name, period)
    return {file_format: templates.template_bytes(frame, title, file_format) for file_format in ("xlsx", "csv")}


def import_file(
    db: Warehouse, data: bytes, file_name: str, user: str, settings: Settings,
    *, dry_run: bool, allow_lower: bool = False,
) -> FileOutcome:
    """The file checked (and, unless `dry_run`, loaded) as `user`, within that user's communes; a large file is
    parsed in a process of its own, so that other users' pages stay quick."""
    return load.import_file(data, file_name, db, uploaded_by=user, dry_run=dry_run,
                            allowed_communes=accounts.user_communes(db, user),
                            deadline_day=settings.report_deadline_day, limits=settings.upload_limits,
                            read_elsewhere=True, allow_lower=allow_lower)


def undo_upload(db: Warehouse, upload_id: int, user: str, language: str) -> str:
    """Undo an upload touching only `user`'s communes; the sentence to show. Raises UndoRefused, worded."""
    return load.undo(db, upload_id, user, language, allowed_communes=accounts.user_communes(db, user))

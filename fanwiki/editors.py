"""How public pages name who made a revision: a person's full name, never a login name."""

MAINTENANCE = "maintenance"
IMPORT = "import"
IMPORT_REASON_PREFIX = "Imported from "


def editor_name(user):
    """An editor's full name, or "an editor" when they gave none; saves by code have no user."""
    if user is None:
        return MAINTENANCE
    return user.get_full_name() or "an editor"


def revision_author(record):
    """Who made a historical record, for readers: an editor, a fixture import, or maintenance code."""
    if record.history_user_id is None and (record.history_change_reason or "").startswith(
        IMPORT_REASON_PREFIX
    ):
        return IMPORT
    return editor_name(record.history_user)

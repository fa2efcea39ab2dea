"""Errors the services raise with a message meant for the reviewer."""


class CuratorError(Exception):
    """Base for errors whose message can be shown to a reviewer as it is."""


class ValidationError(CuratorError):
    """Input that cannot be saved; the message names the field and what to do.

    `problems` holds every (field key, message) found at once, so a form can mark each field."""

    def __init__(self, message: str = "", problems: tuple[tuple[str, str], ...] = ()):
        self.problems = tuple(problems)
        super().__init__(message or "\n".join(text for _, text in self.problems))


class NotFoundError(CuratorError):
    """The row asked for no longer exists (deleted elsewhere, or by undo)."""


def user_message(exc: BaseException) -> str:
    """Words for the reviewer, walking chained errors to the real cause.

    peewee 4 reports a full disk inside atomic() as "cannot rollback - no transaction is active";
    the real error is in __context__.
    """
    seen, chain = set(), []
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        chain.append(exc)
        exc = exc.__cause__ or exc.__context__
    for e in chain:
        if isinstance(e, CuratorError):
            return str(e)
    text = " | ".join(str(e) for e in chain).lower()
    if "database or disk is full" in text or "no space left" in text:
        return "The disk is full, so nothing was saved. Free some space and try again; your input is kept."
    if "disk i/o error" in text or "file too large" in text:
        return (
            "Curator could not write to the disk (it may be full, removed or failing), so nothing was saved. "
            "Free some space or check the drive and try again; your input is kept."
        )
    if "readonly" in text or "read-only" in text:
        return "The database is read-only, so nothing was saved. Check the file's permissions."
    if "database is locked" in text:
        return "Another program kept the database busy for too long. Try again in a moment; your input is kept."
    root = chain[-1] if chain else None
    return f"{type(root).__name__}: {root}" if root else "Unknown error"


class StaleClaimError(CuratorError):
    """Another client changed or deleted a claim since this reviewer loaded it: her edit is refused,
    never written over theirs. `current` is the claim as stored now (None if deleted)."""

    def __init__(self, message: str, current=None):
        super().__init__(message)
        self.current = current


class PasswordNeeded(CuratorError):
    """An encrypted PDF: ask the reviewer for its password and read it again with it.

    `file_name` names the file; `wrong` says a password was given and did not open it. The password
    itself is never kept here, logged or stored."""

    def __init__(self, file_name: str, wrong: bool = False):
        self.file_name = file_name
        self.wrong = wrong
        if wrong:
            message = f"{file_name}: that password does not open it; check the password and try again"
        else:
            message = f"{file_name}: is protected by a password; give the password to import it"
        super().__init__(message)

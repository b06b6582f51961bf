"""Domain exceptions: an action the rules refuse, with a message key for the UI catalogue."""


class DomainError(Exception):
    """A refused action. `key` names a catalogue message; `params` fill it in."""

    def __init__(self, key: str, **params):
        super().__init__(key)
        self.key = key
        self.params = params


class ValidationError(DomainError):
    """Input that breaks a rule (phone, room number, area, length...)."""

    def __init__(self, key: str, field: str = "", **params):
        super().__init__(key, field=field, **params)
        self.field = field


class ConflictError(DomainError):
    """Someone else saved the same record first (optimistic lock)."""

    def __init__(self, key: str = "err.conflict", **params):
        super().__init__(key, **params)


class NotFound(DomainError):
    pass


class PermissionDenied(DomainError):
    pass

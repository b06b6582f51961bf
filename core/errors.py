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


class ValidationErrors(ValidationError):
    """Several wrong fields at once, so a form names them all in one submit."""

    def __init__(self, errors: list[ValidationError]):
        first = errors[0]
        params = dict(first.params)
        super().__init__(first.key, **params)
        self.errors = list(errors)

    @classmethod
    def collect(cls, *checks):
        """Run each zero-argument check; raise every ValidationError together; return the values."""
        values, errors = [], []
        for check in checks:
            try:
                values.append(check())
            except ValidationErrors as e:
                errors.extend(e.errors)
                values.append(None)
            except ValidationError as e:
                errors.append(e)
                values.append(None)
        if errors:
            raise cls(errors)
        return values


def checked_text(value, field: str, max_len: int, required: bool = True) -> str:
    """Free text as typed, trimmed: refused when required and blank, or longer than `max_len`.
    Kept as typed (no NFKC): full-width Chinese punctuation must stay full-width."""
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise ValidationError("err.required", field=field)
    if len(text) > max_len:
        raise ValidationError("err.too_long", field=field, max=max_len)
    return text

class CooperationError(Exception):
    """A refused change, with a Polish message and the form field it belongs to (or None)."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

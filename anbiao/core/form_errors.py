"""A service's ``ValidationError`` shown on the form that sent the data.

Services validate (``full_clean()``) and raise ``ValidationError`` with Chinese messages; a view
catches it and calls :func:`add_service_errors` so that each message stands where the user
looks for it: next to its field when the form has that field, else at the top of the form.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


def add_service_errors(form: Any, exc: ValidationError, *, rest: str | None = None) -> None:
    """Put the messages of ``exc`` on ``form``: a message about a field the form has goes on
    that field; every other message (another field's, ``__all__``, an error without fields)
    goes to ``rest`` (a field name), or is a non-field error when ``rest`` is None."""
    if hasattr(exc, "error_dict"):
        for name, messages in exc.message_dict.items():
            key = name if name in form.fields else rest
            for message in messages:
                form.add_error(key, message)
    else:
        for message in exc.messages:
            form.add_error(rest, message)

"""Serving private uploads: only through views that have already checked who is asking."""

import mimetypes
import os

from django.http import FileResponse, Http404


def private_file_response(field_file, *, download_name: str | None = None, inline: bool = False) -> FileResponse:
    """Stream a stored file; call only after the view has authorised the user."""
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    name = download_name or os.path.basename(field_file.name)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(handle, as_attachment=not inline, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response

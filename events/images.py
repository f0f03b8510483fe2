"""Photos of reports: scaled down to a web size before they are stored."""

import os
from io import BytesIO

from django.core.files.base import ContentFile
from PIL import Image, ImageOps

WEB_MAX_SIDE = 1600


def photo_web_version(upload, *, max_side: int = WEB_MAX_SIDE):
    """Return the upload scaled to at most ``max_side`` pixels (EXIF rotation applied), or as it is.

    Re-encoding also drops EXIF metadata such as GPS positions from the published photo.
    """
    upload.seek(0)
    with Image.open(upload) as image:
        image_format = image.format
        needs_resize = max(image.size) > max_side
        has_exif = bool(image.getexif())
        if not needs_resize and not has_exif:
            upload.seek(0)
            return upload
        image = ImageOps.exif_transpose(image)
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
        buffer = BytesIO()
        if image_format == "JPEG":
            image.convert("RGB").save(buffer, "JPEG", quality=85, optimize=True, progressive=True)
        else:
            image.save(buffer, "PNG", optimize=True)
    upload.seek(0)
    return ContentFile(buffer.getvalue(), name=os.path.basename(upload.name))

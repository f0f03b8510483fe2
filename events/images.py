"""Photos of reports: scaled down to a web size and stripped of metadata before they are stored."""

from portal.uploads import image_reencode

WEB_MAX_SIDE = 1600


def photo_web_version(upload, *, max_side: int = WEB_MAX_SIDE):
    """Return the upload re-encoded at most ``max_side`` pixels wide or high, with no metadata.

    Every photo is re-encoded, however small: EXIF and XMP (GPS positions), comments and bytes
    appended after the image never reach the published file.
    """
    return image_reencode(upload, max_side=max_side)


THUMBNAIL_MAX_SIDE = 480


def photo_thumbnail(web_version, *, max_side: int = THUMBNAIL_MAX_SIDE):
    """Return the small gallery version of an already re-encoded photo (same format)."""
    thumbnail = image_reencode(web_version, max_side=max_side)
    thumbnail.name = f"min-{web_version.name}"
    return thumbnail

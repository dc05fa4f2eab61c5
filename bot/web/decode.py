"""Pure decoding of a fetched body: status lines, media types, file sniffing, charsets, compression.

Nothing here touches the network, so every rule is testable on bytes alone.
"""

from __future__ import annotations

import codecs
import re
import zlib
from http import HTTPStatus

from bot import errors

READABLE_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
# Types that say nothing about the content: the body is sniffed instead.
UNTYPED = frozenset({"application/octet-stream", "binary/octet-stream", "application/unknown"})
_CHARSET_SNIFF_BYTES = 4096
_META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([a-z0-9_.:-]+)", re.IGNORECASE)
_SAFE_TYPE = re.compile(r"[a-z0-9.+-]{1,40}/[a-z0-9.+-]{1,60}")
# Labels browsers read as windows-1252 (WHATWG Encoding), which is a superset of them.
_WINDOWS_1252_LABELS = frozenset({"ascii", "us-ascii", "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1"})
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_MAGIC_NUMBERS = (
    (b"%PDF-", "a PDF"),
    (b"\x89PNG", "an image"),
    (b"\xff\xd8\xff", "an image"),
    (b"GIF8", "an image"),
    (b"PK\x03\x04", "a compressed file"),
    (b"\x1f\x8b", "a compressed file"),
    (b"ID3", "an audio file"),
    (b"OggS", "an audio or video file"),
    (b"\x1aE\xdf\xa3", "a video"),
)


def status_message(code: int) -> str:
    """One line for a person about an HTTP error status."""
    try:
        phrase = HTTPStatus(code).phrase.lower()
    except ValueError:
        phrase = "an error"
    message = f"The site answered {code} ({phrase})."
    if code in (401, 402, 403):
        return f"{message} The article may be behind a paywall, or the site may block bots."
    if code == 429:
        return f"{message} It is limiting requests; try again later."
    if code >= 500:
        return f"{message} The site has a problem; try again later."
    return message


def split_content_type(header: str | None) -> tuple[str, str | None]:
    """Media type (lowercase, may be empty) and charset parameter of a Content-Type header."""
    media_type, *params = (header or "").split(";")
    charset = None
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip(" \"'"):
            charset = value.strip(" \"'")
    return media_type.strip().lower(), charset


def what_it_is(media_type: str) -> str:
    """A reader's name for a media type that is not a page."""
    major, _, minor = media_type.partition("/")
    if media_type == "application/pdf":
        return "a PDF"
    if major == "image":
        return "an image"
    if major == "video":
        return "a video"
    if major == "audio":
        return "an audio file"
    if "json" in minor:
        return "JSON data"
    if "xml" in minor:
        return "an XML feed or data file"
    if "msword" in minor or "officedocument" in minor or "opendocument" in minor:
        return "an office document"
    if minor in ("zip", "gzip", "x-tar", "x-7z-compressed", "vnd.rar", "octet-stream"):
        return "a file download"
    # Echo the type only when it is a plain token: servers can put anything in headers.
    return f"a file of type {media_type}" if _SAFE_TYPE.fullmatch(media_type) else "a file"


def not_html(what: str) -> errors.NotHtml:
    return errors.NotHtml(f"That link is {what}, not a web page, so I can't read it.")


def refuse_known_files(data: bytes) -> None:
    """`errors.NotHtml` naming the file when the body starts like a PDF, image, video or archive,
    whatever the server called it."""
    head = data[:512]
    for magic, what in _MAGIC_NUMBERS:
        if head.startswith(magic):
            raise not_html(what)
    if head[4:8] == b"ftyp":
        raise not_html("a video")


def sniff_media_type(data: bytes) -> str:
    """The media type of a body sent without one: html or plain text, else `errors.NotHtml`."""
    head = data[:512]
    refuse_known_files(head)
    if b"\x00" in head:
        raise not_html("a file")
    start = head.lstrip(codecs.BOM_UTF8 + b" \t\r\n").lower()
    return "text/html" if start.startswith(b"<") or b"<html" in head.lower() else "text/plain"


def _codec_for(label: str | None) -> str | None:
    """Python's codec name for a charset label, or None if unknown."""
    if not label:
        return None
    label = label.strip().lower()
    if label in _WINDOWS_1252_LABELS:
        return "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def choose_charset(data: bytes, header_charset: str | None) -> str:
    """How to decode a page: byte-order mark, header, `<meta>` in the first bytes, then UTF-8 or
    windows-1252, whichever fits."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec
    meta = _META_CHARSET.search(data[:_CHARSET_SNIFF_BYTES])
    meta_label = meta.group(1).decode("ascii") if meta else None
    declared = _codec_for(header_charset) or _codec_for(meta_label)
    if declared:
        return declared
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def decode_body(data: bytes, header_charset: str | None) -> str:
    """Page bytes as text, with the charset `choose_charset` picks; bad bytes become U+FFFD."""
    return data.decode(choose_charset(data, header_charset), errors="replace")


def decompressor(content_encoding: str | None) -> zlib._Decompress | None:
    """A decoder for the body's Content-Encoding (we only ask for gzip and deflate)."""
    codings = [c.strip().lower() for c in (content_encoding or "").split(",")]
    codings = [c for c in codings if c and c != "identity"]
    if not codings:
        return None
    if codings == ["gzip"] or codings == ["x-gzip"]:
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if codings == ["deflate"]:
        return zlib.decompressobj()
    raise errors.FetchFailed("The site sent the page in a compression I can't read.")

"""What a file is, from its bytes: the name and the type a client declares are not trusted
(a `.png` that is HTML would be HTML to whoever opens it). Files of no accepted kind are
refused."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

TEXT_SAMPLE = 64 * 1024


@dataclass(frozen=True)
class Kind:
    content_type: str
    label: str


PNG = Kind("image/png", "PNG 图片")
JPEG = Kind("image/jpeg", "JPEG 图片")
GIF = Kind("image/gif", "GIF 图片")
WEBP = Kind("image/webp", "WebP 图片")
BMP = Kind("image/bmp", "BMP 图片")
PDF = Kind("application/pdf", "PDF")
DOCX = Kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word 文档")
XLSX = Kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel 表格")
PPTX = Kind("application/vnd.openxmlformats-officedocument.presentationml.presentation", "PowerPoint")
OLE = Kind("application/x-ole-storage", "Office 97–2003 文件")
ZIP = Kind("application/zip", "ZIP 压缩包")
GZIP = Kind("application/gzip", "GZIP 压缩包")
SEVEN_Z = Kind("application/x-7z-compressed", "7z 压缩包")
RAR = Kind("application/vnd.rar", "RAR 压缩包")
TEXT_UTF8 = Kind("text/plain; charset=utf-8", "文本")
TEXT_GB18030 = Kind("text/plain; charset=gb18030", "文本")

_MAGIC = ((b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG), (b"GIF87a", GIF), (b"GIF89a", GIF),
          (b"%PDF-", PDF), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", OLE), (b"\x1f\x8b", GZIP),
          (b"7z\xbc\xaf\x27\x1c", SEVEN_Z), (b"Rar!\x1a\x07", RAR), (b"BM", BMP))
_OFFICE = (("word/", DOCX), ("xl/", XLSX), ("ppt/", PPTX))


def kind_of(data: bytes) -> Kind | None:
    """The kind, or None when it is none we accept (executables, unknown binaries)."""
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return WEBP
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(data)
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    return _text_kind(data)


def _zip_kind(data: bytes) -> Kind:
    # Only the central directory is read (names), nothing is inflated.
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except zipfile.BadZipFile:
        return ZIP
    if "[Content_Types].xml" in names:
        for prefix, kind in _OFFICE:
            if any(n.startswith(prefix) for n in names):
                return kind
    return ZIP


def _text_kind(data: bytes) -> Kind | None:
    """Logs and plain text: no NUL, and it reads as UTF-8 or GB18030 (Chinese Windows)."""
    sample = data[:TEXT_SAMPLE]
    if b"\x00" in sample:
        return None
    for kind, codec in ((TEXT_UTF8, "utf-8"), (TEXT_GB18030, "gb18030")):
        try:
            sample.decode(codec)
        except UnicodeDecodeError as cut:
            # the sample may end inside a character: that is not an error
            if cut.start < len(sample) - 4:
                continue
        return kind
    return None

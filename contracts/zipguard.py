"""Checks a DOCX's zip container before any part of it is parsed.

A DOCX of 1 MB can unpack to gigabytes (a zip bomb), hold a million members, or carry an XML part with a
DTD (entity expansion). python-docx unpacks and parses every part on open, so these are refused here,
from the zip's own records and while streaming each member once, in bounded memory: member count from
the end-of-central-directory record, declared sizes, then the actual bytes, ratio and XML prologues."""

from __future__ import annotations

import logging
import struct
import zipfile
import zlib
from io import BytesIO

from contracts.errors import CorruptFileError, EncryptedFileError, TooComplexError, TooLargeError
from contracts.limits import MIB, IngestLimits, mib

log = logging.getLogger(__name__)

_EOCD = b"PK\x05\x06"
_EOCD_SIZE = 22
_CHUNK = 1 * MIB
# a member may compress this well before the ratio is judged: small XML parts of repeated markup do
_RATIO_FLOOR = 1 * MIB
_DTD_MARKERS = tuple(marker.encode(enc) for marker in ("<!DOCTYPE", "<!ENTITY")
                     for enc in ("utf-8", "utf-16-le", "utf-16-be"))
_SUPPORTED_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)


def declared_member_count(data: bytes) -> int | None:
    """Entries in the central directory, from the end record alone (None when there is none). Read before
    `zipfile.ZipFile`, which would build an object per entry of a million-entry archive."""
    at = data.rfind(_EOCD, max(0, len(data) - 65536 - _EOCD_SIZE))
    if at < 0 or at + _EOCD_SIZE > len(data):
        return None
    entries: int = struct.unpack_from("<H", data, at + 10)[0]
    return entries


def check_member_count(data: bytes, name: str, limits: IngestLimits) -> None:
    count = declared_member_count(data)
    if count is not None and count > limits.max_zip_members:  # 0xFFFF (zip64) lands here too
        raise TooComplexError(name, f"the DOCX holds {count} parts; the limit is {limits.max_zip_members}")


def _is_xml(member: str) -> bool:
    return member.endswith((".xml", ".rels"))


def check_docx_archive(data: bytes, name: str, limits: IngestLimits) -> None:
    """Raise an IngestError unless every member unpacks cleanly within the limits."""
    check_member_count(data, name, limits)
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError, struct.error) as exc:
        log.info("%s: the zip reader failed: %s: %s", name, type(exc).__name__, str(exc)[:200])
        raise CorruptFileError(name, "the DOCX is damaged and cannot be read (bad zip archive)") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.max_zip_members:
            raise TooComplexError(name, f"the DOCX holds {len(infos)} parts; the limit is {limits.max_zip_members}")
        declared = sum(info.file_size for info in infos)
        if declared > limits.max_unpacked_bytes:
            raise TooLargeError(name, f"the DOCX unpacks to {mib(declared)}; the limit is {mib(limits.max_unpacked_bytes)}")
        for info in infos:
            if info.flag_bits & 0x1:
                raise EncryptedFileError(name, "the DOCX is password-protected; save it without a password")
            if info.compress_type not in _SUPPORTED_METHODS:
                raise CorruptFileError(name, f"the DOCX uses an unsupported compression method ({info.compress_type})")
        totals = {"all": 0, "xml": 0}
        for info in infos:
            _stream_member(archive, info, name, limits, totals)


def _stream_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, limits: IngestLimits,
                   totals: dict[str, int]) -> None:
    xml = _is_xml(info.filename)
    size = 0
    tail = b""
    try:
        with archive.open(info) as member:
            while chunk := member.read(_CHUNK):
                size += len(chunk)
                totals["all"] += len(chunk)
                if totals["all"] > limits.max_unpacked_bytes:
                    raise TooLargeError(name, f"the DOCX unpacks to more than {mib(limits.max_unpacked_bytes)}, "
                                              "the limit")
                if size > _RATIO_FLOOR and size > limits.max_zip_ratio * max(info.compress_size, 1):
                    raise TooComplexError(name, f"the DOCX member {info.filename[:80]} is compressed more than "
                                                f"{limits.max_zip_ratio:.0f} to 1 (a zip bomb)")
                if xml:
                    totals["xml"] += len(chunk)
                    if totals["xml"] > limits.max_xml_bytes:
                        raise TooLargeError(name, f"the DOCX holds more than {mib(limits.max_xml_bytes)} of XML, "
                                                  "the limit")
                    window = tail + chunk
                    if any(marker in window for marker in _DTD_MARKERS):
                        raise TooComplexError(name, f"the DOCX part {info.filename[:80]} declares a DTD or entities, "
                                                    "which Word never writes")
                    tail = chunk[-32:]
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RuntimeError, NotImplementedError) as exc:
        log.info("%s: unpacking %s failed: %s: %s", name, info.filename[:80], type(exc).__name__, str(exc)[:200])
        raise CorruptFileError(name, f"the DOCX is damaged and cannot be read (its part {info.filename[:80]} does "
                                     "not unpack)") from None

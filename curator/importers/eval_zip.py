"""Members of an Inspect `.eval` zip, read with a cap on their unpacked size.

Current Inspect writes members compressed with zstd (zip method 93), which Python 3.11's zipfile cannot unpack:
those are read raw from the archive and unpacked with the `zstandard` package. Every member is capped, so a small
file that unpacks to gigabytes (a zip bomb) is refused instead of filling the memory.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path

from curator.importers.bad_file import BadFileError, shown

ZSTD = 93
MAX_MEMBER_BYTES = 256 << 20
LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
LOCAL_SIGNATURE = b"PK\x03\x04"
CHUNK = 1 << 20


def open_archive(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as error:
        raise BadFileError(path, f"a damaged zip file ({error})") from None


def read_member(path: Path, archive: zipfile.ZipFile, name: str, limit: int | None = None) -> bytes:
    """The unpacked bytes of member `name`; a BadFileError when it is damaged, encrypted or over the cap."""
    limit = MAX_MEMBER_BYTES if limit is None else limit
    info = archive.getinfo(name)
    if info.flag_bits & 0x1:
        raise BadFileError(path, f"{shown(name)} inside the log is encrypted")
    if info.file_size > limit:
        raise _too_big(path, name, limit)
    try:
        data = _zstd_member(path, info, limit) if info.compress_type == ZSTD else _zipfile_member(archive, info, limit)
    except NotImplementedError:
        raise BadFileError(
            path,
            f"{shown(name)} inside the log is packed with zip method {info.compress_type}, which Curator cannot read",
        ) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as error:
        raise BadFileError(path, f"{shown(name)} inside the log is damaged ({error})") from None
    if len(data) > limit:
        raise _too_big(path, name, limit)
    if len(data) > info.file_size:
        raise BadFileError(
            path, f"{shown(name)} inside the log unpacks to more than the {_size(info.file_size)} it states"
        )
    if len(data) != info.file_size or zlib.crc32(data) != info.CRC:
        raise BadFileError(path, f"{shown(name)} inside the log is damaged (its size or checksum does not match)")
    return data


def _too_big(path: Path, name: str, limit: int) -> BadFileError:
    return BadFileError(path, f"{shown(name)} inside the log unpacks to more than the {_size(limit)} a member may hold")


def _size(count: int) -> str:
    return f"{count >> 20:,} MB" if count >= 1 << 20 else f"{count:,} bytes"


def _zipfile_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    with archive.open(info) as member:
        return member.read(limit + 1)


def _zstd_member(path: Path, info: zipfile.ZipInfo, limit: int) -> bytes:
    """Unpack a zstd member from its raw bytes, reading at most `limit + 1` unpacked bytes."""
    import zstandard  # only logs written by a recent Inspect need it

    with path.open("rb") as f:
        f.seek(info.header_offset)
        header = f.read(LOCAL_HEADER.size)
        if len(header) != LOCAL_HEADER.size or header[:4] != LOCAL_SIGNATURE:
            raise zipfile.BadZipFile("bad local file header")
        fields = LOCAL_HEADER.unpack(header)
        f.seek(fields[-2] + fields[-1], 1)  # past the name and the extra field
        packed = f.read(info.compress_size)
    if len(packed) != info.compress_size:
        raise EOFError("the member is cut short")
    reader = zstandard.ZstdDecompressor().stream_reader(packed, read_across_frames=True)
    chunks, total, most = [], 0, min(limit, info.file_size)  # past its stated size it is damaged: stop there
    try:
        while total <= most and (chunk := reader.read(CHUNK)):
            chunks.append(chunk)
            total += len(chunk)
    except zstandard.ZstdError as error:
        raise ValueError(f"zstd: {error}") from None
    return b"".join(chunks)

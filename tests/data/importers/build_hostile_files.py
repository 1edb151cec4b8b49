"""Rebuild the zip-shaped fixtures: the zstd `.eval` (from a real Inspect log) and the hostile `.eval` files.

    python tests/data/importers/build_hostile_files.py

Python 3.11's zipfile cannot write zstd members (method 93), lying sizes or flags, so members are laid out by hand.
The output is deterministic (fixed timestamps, zstd level 3), so rerunning it leaves git clean.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import zstandard

HERE = Path(__file__).resolve().parent
BAD = HERE.parent / "bad"
REAL_EVAL = HERE.parent / "logs" / "inspect" / "2025-02-11T15-18-04-05-00_popularity_mj7khqpMM4GBCfVQozKgzB.eval"
DOS_TIME, DOS_DATE = 0, (2025 - 1980) << 9 | 2 << 5 | 11
DEFLATE, ZSTD = 8, 93


@dataclass
class Member:
    name: str
    data: bytes  # the unpacked bytes
    method: int = ZSTD
    packed: bytes | None = None  # the stored bytes; packed from `data` by `method` when None
    stated_size: int | None = None  # the unpacked size the headers claim; len(data) when None
    crc: int | None = None
    flags: int = 0


def pack(member: Member) -> bytes:
    if member.packed is not None:
        return member.packed
    if member.method == ZSTD:
        return zstandard.ZstdCompressor(level=3).compress(member.data)
    if member.method == DEFLATE:
        squeeze = zlib.compressobj(9, zlib.DEFLATED, -15)
        return squeeze.compress(member.data) + squeeze.flush()
    return member.data


def write_zip(path: Path, members: list[Member]) -> None:
    body, directory = bytearray(), bytearray()
    for m in members:
        packed, name = pack(m), m.name.encode()
        crc = zlib.crc32(m.data) if m.crc is None else m.crc
        size = len(m.data) if m.stated_size is None else m.stated_size
        fields = (20, m.flags, m.method, DOS_TIME, DOS_DATE, crc, len(packed), size, len(name))
        offset = len(body)
        body += struct.pack("<4sHHHHHLLLHH", b"PK\x03\x04", *fields, 0) + name + packed
        directory += struct.pack("<4sHHHHHHLLLHHHHHLL", b"PK\x01\x02", 20, *fields, 0, 0, 0, 0, 0, offset) + name
    end = struct.pack("<4sHHHHLLH", b"PK\x05\x06", 0, 0, len(members), len(members), len(directory), len(body), 0)
    path.write_bytes(bytes(body + directory + end))


def real_members() -> list[Member]:
    with zipfile.ZipFile(REAL_EVAL) as archive:
        return [Member(info.filename, archive.read(info)) for info in archive.infolist()]


SAMPLE = b'{"id": 1, "epoch": 1, "input": "What is 2+2?", "target": "4", "output": {"completion": "4"}}'
HEADER = b'{"version": 2, "status": "success", "eval": {"task": "hostile", "model": "none/none"}}'


def hostile() -> dict[str, list[Member]]:
    bomb = b" " * (300 << 20)  # 300 MB of spaces: zstd packs them into a few kilobytes
    return {
        "eval_zstd_bomb.eval": [
            Member("header.json", HEADER),
            Member("samples/1_epoch_1.json", bomb, stated_size=len(SAMPLE)),
        ],
        "eval_stated_bomb.eval": [
            Member("header.json", HEADER),
            Member("samples/1_epoch_1.json", SAMPLE, method=DEFLATE, stated_size=3 << 30),
        ],
        "eval_zstd_damaged.eval": [
            Member("header.json", HEADER),
            Member("samples/1_epoch_1.json", SAMPLE, packed=b"\x28\xb5\x2f\xfd" + b"\x00garbage" * 8),
        ],
        "eval_unknown_method.eval": [Member("header.json", HEADER, method=99, packed=HEADER)],
        "eval_encrypted.eval": [Member("header.json", HEADER, method=0, flags=0x1)],
        "eval_bad_crc.eval": [Member("header.json", HEADER), Member("samples/1_epoch_1.json", SAMPLE, crc=1234)],
        "eval_header_list.eval": [Member("header.json", b"[1, 2, 3]"), Member("samples/1_epoch_1.json", SAMPLE)],
        "eval_header_eval_text.eval": [
            Member("header.json", b'{"status": "success", "eval": "not an object"}'),
            Member("samples/1_epoch_1.json", SAMPLE),
        ],
        "eval_sample_invalid_json.eval": [
            Member("header.json", HEADER),
            Member("samples/1_epoch_1.json", b'{"id": 1, "input": '),
        ],
        "eval_sample_deep.eval": [
            Member("header.json", HEADER),
            Member("samples/1_epoch_1.json", SAMPLE[:-1] + b', "metadata": ' + b"[" * 5000 + b"]" * 5000 + b"}"),
        ],
        "eval_choices_texts.eval": [
            Member("header.json", HEADER),
            Member("samples/1_epoch_1.json", SAMPLE.replace(b'{"completion": "4"}', b'{"choices": ["4", "5"]}')),
        ],
        "eval_sample_not_utf8.eval": [
            Member("header.json", HEADER),
            Member("samples/1_epoch_1.json", SAMPLE.replace(b"What", b"Wh\xe9t")),
        ],
    }


def main() -> None:
    write_zip(HERE / "inspect_zstd.eval", real_members())
    for name, members in hostile().items():
        write_zip(BAD / name, members)
    cut = (HERE / "inspect_zstd.eval").read_bytes()
    (BAD / "eval_cut_short.eval").write_bytes(cut[: len(cut) // 2])


if __name__ == "__main__":
    main()

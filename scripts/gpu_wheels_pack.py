"""Pack wheels for a machine that cannot download, in fewer bytes than the wheels themselves; unpack them there.

`pack WHEELS_DIR OUT.tar.xz`: every wheel rewritten as a stored (uncompressed) zip with the same members, all in
one xz tar: LZMA over the raw shared libraries is about a third smaller than the wheels' own deflate.
`unpack IN.tar.xz DIR`: the stored wheels again, which pip installs as they are (`--no-index --find-links DIR`).
Python's own tarfile and lzma do both: the GPU machine needs no xz tool.
"""

from __future__ import annotations

import io
import sys
import tarfile
import zipfile
from pathlib import Path


def stored(wheel: Path) -> bytes:
    """The wheel as a zip with the same members, uncompressed."""
    out = io.BytesIO()
    with zipfile.ZipFile(wheel) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            info.compress_type = zipfile.ZIP_STORED
            target.writestr(info, data)
    return out.getvalue()


def pack(wheels: Path, archive: Path) -> int:
    with tarfile.open(archive, "w:xz", preset=9) as tar:
        for wheel in sorted(wheels.glob("*.whl")):
            data = stored(wheel)
            info = tarfile.TarInfo(wheel.name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return archive.stat().st_size


def unpack(archive: Path, folder: Path) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive, "r:xz") as tar:
        members = [m for m in tar.getmembers() if m.isfile() and m.name.endswith(".whl") and "/" not in m.name]
        tar.extractall(folder, members=members, filter="data")
    return [m.name for m in members]


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[0] not in ("pack", "unpack"):
        print("usage: gpu_wheels_pack.py pack WHEELS_DIR OUT.tar.xz | unpack IN.tar.xz DIR", file=sys.stderr)
        return 2
    if argv[0] == "pack":
        print(pack(Path(argv[1]), Path(argv[2])))
    else:
        print("\n".join(unpack(Path(argv[1]), Path(argv[2]))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

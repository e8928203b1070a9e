"""How far a .xls (BIFF8 in an OLE compound file) reaches, read from its cell records before anything unpacks it.

calamine reads every sheet of a .xls when it opens the file, each as a dense grid from A1 to its
last cell: a 5.6 KB .xls with one cell at IV65536 on three sheets takes 1.5 GB. So the Workbook
stream is located in the compound file (its FAT and directory, or the mini stream for a small
one) and its records are walked, 4-byte headers only, noting each worksheet's last row and
column. Anything that does not parse is left to calamine, whose error is then reported.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

END_OF_CHAIN = 0xFFFFFFFE
# Cell records whose data begins with row (u16), column (u16); MULRK/MULBLANK end with their last column.
CELLS = {0x0203, 0x00FD, 0x027E, 0x0201, 0x0205, 0x0204, 0x0006, 0x00D6}
MULTI = {0x00BD, 0x00BE}
BOF, EOF = 0x0809, 0x000A


@dataclass
class Extent:
    """A worksheet's last row and column (0-based; -1 when it has no cell)."""

    rows: int = -1
    cols: int = -1

    @property
    def cells(self) -> int:
        return (self.rows + 1) * (self.cols + 1)


class NotCompound(Exception):
    """The bytes are not a compound file this walker follows (calamine then decides)."""


def _chain(fat: list[int], start: int, limit: int) -> list[int]:
    out, n = [], start
    while n < len(fat) and n != END_OF_CHAIN and len(out) <= limit:
        out.append(n)
        n = fat[n]
    return out


def workbook_stream(data: bytes) -> bytes:
    """The 'Workbook' (or 'Book') stream of a compound file."""
    if len(data) < 512:
        raise NotCompound("too short")
    shift, mshift = struct.unpack_from("<HH", data, 0x1E)
    ss, mss = 1 << shift, 1 << mshift
    n_fat, first_dir, _, cutoff, first_mini, n_mini, first_difat, n_difat = struct.unpack_from("<IIIIIIII", data, 0x2C)
    if ss not in (512, 4096) or n_fat > len(data) // ss + 1:
        raise NotCompound("bad sector size")
    n_sectors = max(0, len(data) // ss - 1)

    def sector(n: int) -> bytes:
        return data[(n + 1) * ss : (n + 2) * ss]

    difat = [x for x in struct.unpack_from("<109I", data, 0x4C) if x < n_sectors]
    n = first_difat
    for _ in range(min(n_difat, n_sectors)):
        if n >= n_sectors:
            break
        entries = struct.unpack(f"<{ss // 4}I", sector(n))
        difat += [x for x in entries[:-1] if x < n_sectors]
        n = entries[-1]
    fat: list[int] = []
    for s in difat[:n_fat]:
        fat += struct.unpack(f"<{ss // 4}I", sector(s))
    directory = b"".join(sector(s) for s in _chain(fat, first_dir, n_sectors))
    entries = [directory[i : i + 128] for i in range(0, len(directory) - 127, 128)]
    if not entries:
        raise NotCompound("no directory")
    root_start, root_size = struct.unpack_from("<IQ", entries[0], 116)
    for e in entries:
        name_len = struct.unpack_from("<H", e, 64)[0]
        name = e[: max(0, name_len - 2)].decode("utf-16-le", "replace")
        if e[66] == 2 and name in ("Workbook", "Book"):
            start, size = struct.unpack_from("<IQ", e, 116)
            size &= 0xFFFFFFFF
            if size >= cutoff:
                return b"".join(sector(s) for s in _chain(fat, start, n_sectors))[:size]
            mini_fat: list[int] = []
            for s in _chain(fat, first_mini, n_mini):
                mini_fat += struct.unpack(f"<{ss // 4}I", sector(s))
            mini = b"".join(sector(s) for s in _chain(fat, root_start, n_sectors))[:root_size]
            return b"".join(mini[m * mss : (m + 1) * mss] for m in _chain(mini_fat, start, len(mini) // mss))[:size]
    raise NotCompound("no Workbook stream")


def extents(stream: bytes) -> list[Extent]:
    """Each worksheet's extent, in the stream's order (BOF of type 0x10 opens a worksheet)."""
    out: list[Extent] = []
    cur: Extent | None = None
    i, n = 0, len(stream)
    while i + 4 <= n:
        rtype, size = struct.unpack_from("<HH", stream, i)
        body = i + 4
        if rtype == BOF and size >= 4:
            kind = struct.unpack_from("<H", stream, body + 2)[0]
            cur = Extent() if kind == 0x0010 else None
            if cur is not None:
                out.append(cur)
        elif rtype == EOF:
            cur = None
        elif cur is not None and size >= 4 and (rtype in CELLS or rtype in MULTI):
            row, col = struct.unpack_from("<HH", stream, body)
            if rtype in MULTI and size >= 6:
                col = max(col, struct.unpack_from("<H", stream, body + size - 2)[0])
            cur.rows, cur.cols = max(cur.rows, row), max(cur.cols, col)
        i = body + size
    return out

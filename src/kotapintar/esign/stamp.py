"""Visible signature stamp: pyHanko's QR stamp layout with the QR matrix drawn from segno.

pyHanko's own QR stamp needs the `qrcode` package; the platform already ships segno, so the
QR code is produced by segno and painted as vector rectangles in a form XObject.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import segno
from pyhanko.pdf_utils.writer import init_xobject_dictionary
from pyhanko.stamp import QRStampStyle
from pyhanko.stamp.qr import QRStamp

BORDER = 2  # quiet-zone modules around the code


def qr_commands(url: str) -> tuple[bytes, int]:
    """PDF drawing commands for the QR code of ``url`` (1 unit per module) and its size in units."""
    qr = segno.make(url, error="m", micro=False)
    matrix = [list(row) for row in qr.matrix]
    n = len(matrix)
    size = n + 2 * BORDER
    parts = [b"0 0 0 rg", b"1 0 0 -1 %d %d cm" % (BORDER, BORDER + n)]
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                parts.append(b"%d %d 1 1 re" % (c, r))
    parts.append(b"f")
    return b"\n".join(parts), size


class SegnoQRStamp(QRStamp):
    def _qr_xobject(self) -> tuple[Any, int]:
        commands, size = qr_commands(self.url)
        xobj = init_xobject_dictionary(commands, size, size)
        xobj.compress()  # type: ignore[no-untyped-call]  # pyHanko leaves it unannotated
        writer = self.writer
        assert writer is not None
        return writer.add_object(xobj), size


@dataclass(frozen=True)
class SegnoQRStampStyle(QRStampStyle):
    def create_stamp(self, writer: Any, box: Any, text_params: dict[str, Any]) -> SegnoQRStamp:
        url = text_params.pop("url")
        return SegnoQRStamp(writer, style=self, url=url, text_params=text_params, box=box)

"""Rendering matplotlib figures reproducibly (same input, same bytes).

SVG output carries no creation date (``metadata={'Date': None}``), a fixed
hash salt for its element ids (``svg.hashsalt``) and text as text
(``svg.fonttype='none'``, small files). PNG output carries no software stamp.
The Agg canvas is used explicitly; no global backend is set.
"""

from __future__ import annotations

import base64
import io
from typing import Any

import matplotlib as mpl
from matplotlib.backends.backend_agg import FigureCanvasAgg

RC: dict[Any, Any] = {"svg.hashsalt": "remit-report", "svg.fonttype": "none", "font.family": "DejaVu Sans"}


def svg(figure: Any) -> str:
    """The figure as SVG text, reproducibly."""
    with mpl.rc_context(RC):
        FigureCanvasAgg(figure)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def png(figure: Any, dpi: int = 150) -> bytes:
    with mpl.rc_context(RC):
        FigureCanvasAgg(figure)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def data_uri(svg_text: str) -> str:
    """An ``<img src=...>`` value embedding the SVG (base64), for a self-contained HTML page."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg_text.encode("utf-8")).decode("ascii")

"""Claim colours: one hue per claim type, told apart with the common colour-vision deficiencies,
on the light and on the dark theme.

The hues are Okabe & Ito's palette (designed to stay distinct for protanopia, deuteranopia and
tritanopia). The reader fills a claim with a *tint* of its hue — light on the light theme, deep on
the dark one, so the text over it keeps its contrast — and draws the claim's underline and margin
mark in the full hue. A claim with no type yet is not grey (a grey is what Background looked like):
it is hatched, which no colour vision confuses with a fill. The colour arithmetic is plain Python so
tests can check the distances (CIE ΔE after simulating each deficiency, and text contrast).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

# Okabe-Ito, in the order of the codebook's claim types; types added later reuse the cycle.
HUES = ["#E69F00", "#56B4E9", "#009E73", "#CC79A7", "#D55E00", "#0072B2", "#F0E442", "#8C6D31"]
UNTYPED_HUE = "#6B6B6B"
LIGHT_BASE, DARK_BASE = "#FFFFFF", "#17181A"
LIGHT_TEXT, DARK_TEXT = "#1A1A1A", "#ECEDEE"
LIGHT_TINT, DARK_TINT = 0.5, 0.55  # how much of the hue goes into the fill


def _rgb(hex_colour: str) -> tuple[float, float, float]:
    h = hex_colour.lstrip("#")
    return tuple(int(h[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def _hex(rgb) -> str:
    return "#" + "".join(f"{round(min(max(c, 0), 1) * 255):02X}" for c in rgb)


def mix(hue: str, base: str, amount: float) -> str:
    return _hex(tuple(b + (h - b) * amount for h, b in zip(_rgb(hue), _rgb(base))))


def tint(index: int, dark: bool) -> str:
    """The fill of a claim of the index-th type (-1: no type) on the light or dark theme."""
    hue = HUES[index % len(HUES)] if index >= 0 else UNTYPED_HUE
    return mix(hue, DARK_BASE if dark else LIGHT_BASE, DARK_TINT if dark else LIGHT_TINT * (0.6 if index < 0 else 1))


def hue(index: int) -> str:
    return HUES[index % len(HUES)] if index >= 0 else UNTYPED_HUE


def fill_brush(index: int, dark: bool) -> QBrush:
    if index < 0:  # hatch lines light enough to see on the dark theme, soft enough to read through
        return QBrush(QColor("#6E6E6E" if dark else "#C9C9C9"), Qt.BrushStyle.BDiagPattern)
    return QBrush(QColor(tint(index, dark)))


def text_colour(dark: bool) -> str:
    return DARK_TEXT if dark else LIGHT_TEXT


# -- measuring ----------------------------------------------------------------------------------
def _linear(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _gamma(c: float) -> float:
    c = min(max(c, 0.0), 1.0)
    return c * 12.92 if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055


# Machado, Oliveira & Fernandes (2009), severity 1.0, on linear RGB.
DEFICIENCIES = {
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216), (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413), (-0.011820, 0.042940, 0.968881)),
    "tritanopia": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602), (0.004733, 0.691367, 0.303900)),
}


def simulate(hex_colour: str, deficiency: str | None) -> str:
    if deficiency is None:
        return hex_colour
    lin = [_linear(c) for c in _rgb(hex_colour)]
    m = DEFICIENCIES[deficiency]
    return _hex(tuple(_gamma(sum(m[r][k] * lin[k] for k in range(3))) for r in range(3)))


def lab(hex_colour: str) -> tuple[float, float, float]:
    r, g, b = (_linear(c) for c in _rgb(hex_colour))
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def delta_e(a: str, b: str) -> float:
    """CIE76 colour difference: about 2.3 is just noticeable; over 10 is plainly different."""
    return sum((p - q) ** 2 for p, q in zip(lab(a), lab(b))) ** 0.5


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio between two colours (4.5 is the minimum for body text)."""

    def luminance(colour: str) -> float:
        r, g, b_ = (_linear(c) for c in _rgb(colour))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b_

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)

"""Claim colours stay apart for the common colour-vision deficiencies, on both themes."""

import itertools

import pytest
from PySide6.QtCore import Qt

from curator.ui import claim_colours as colours

TYPES = 6  # the codebook's claim types
VISIONS = [None, "protanopia", "deuteranopia", "tritanopia"]


@pytest.mark.parametrize("dark", [False, True])
@pytest.mark.parametrize("vision", VISIONS)
def test_every_pair_of_claim_type_fills_is_plainly_different(dark, vision):
    fills = [colours.simulate(colours.tint(i, dark), vision) for i in range(TYPES)]
    closest = min(colours.delta_e(a, b) for a, b in itertools.combinations(fills, 2))
    assert closest >= 6.5, (vision, dark, closest)  # ΔE 2.3 is just noticeable


@pytest.mark.parametrize("dark", [False, True])
def test_text_over_every_fill_stays_readable(dark):
    for index in [*range(TYPES), -1]:
        assert colours.contrast(colours.text_colour(dark), colours.tint(index, dark)) >= 4.5


def test_a_claim_without_a_type_is_hatched_not_another_grey():
    untyped = colours.fill_brush(-1, dark=False)
    background = colours.fill_brush(5, dark=False)
    assert untyped.style() == Qt.BrushStyle.BDiagPattern and background.style() == Qt.BrushStyle.SolidPattern
    assert colours.delta_e(colours.tint(-1, False), colours.tint(5, False)) > 10


def test_dark_fills_do_not_glare():
    for index in range(TYPES):
        light_l, dark_l = colours.lab(colours.tint(index, False))[0], colours.lab(colours.tint(index, True))[0]
        assert dark_l < 50 < light_l  # deep fills on the dark theme, light ones on the light theme


def test_the_simulation_matches_a_known_value():
    # pure red with protanopia: linear (0.1523, 0.1145, 0) by Machado et al. (2009), sRGB-encoded by hand
    # 1.055 * 0.1523 ** (1 / 2.4) - 0.055 = 0.4266 -> 109 = 6D; 0.1145 -> 0.3727 -> 95 = 5F
    assert colours.simulate("#FF0000", "protanopia") == "#6D5F00"
    assert colours.simulate("#808080", "deuteranopia") == "#808080"  # greys stay grey

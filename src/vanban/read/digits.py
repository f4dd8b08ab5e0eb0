"""Handwritten digits (chữ số viết tay): the number and day a văn thư writes in at registration.

Tesseract is trained on print and reads a clerk's ``03`` as ``08`` or ``63``. This reader cuts
the ink of a zone into glyphs (connected strokes; a hat written apart joined to its body; a run
of touching digits parted at the thinnest columns) and classifies each with a small network
whose weights ship in ``data/read/digits.npz``. The network sees a glyph twice: as pixels, and
as histograms of its strokes' directions (HOG), which a pen's width and a hand's wobble change
far less. The weights were trained by ``scripts/train_digits.py`` on digits drawn from print and
handwriting fonts (Debian's) under random slant, rotation, stroke width and elastic warping,
with the strokes a Vietnamese hand adds (a crossed 7, a 1 with a long lead-in), plus the UCI
handwritten digits that scikit-learn bundles — no page of any corpus. Its reading is one vote
in a zone, weighing more than one of Tesseract's (``read.toml`` ``hand_weight``); a value it
alone gives is proposed for review, never confidently.
"""

from __future__ import annotations

import itertools
from functools import cache
from importlib import resources

import numpy as np
from PIL import Image
from scipy import ndimage

from ..rules import table

__all__ = ["features", "glyph", "read_digits"]


def _cfg() -> dict:
    return table("read")["scan"]["handwriting"]


def glyph(ink: np.ndarray, size: int) -> np.ndarray:
    """One glyph's ink (bool array) as a ``size``×``size`` image in [0, 1]: its height fills the
    square, a narrow glyph is widened to at least ``narrow`` of its height (pens and slants vary
    more than the shapes), centred. Training and reading use this same normalisation."""
    ys, xs = np.nonzero(ink)
    if len(ys) == 0:
        return np.zeros((size, size), np.float32)
    sub = ink[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1].astype(np.uint8) * 255
    h, w = sub.shape
    f = (size - 2) / max(h, w)
    tw = min(size - 2, max(round(w * f), round(_cfg()["narrow"] * h * f)))
    im = Image.fromarray(sub).resize((max(1, tw), max(1, round(h * f))), Image.Resampling.BILINEAR)
    out = Image.new("L", (size, size), 0)
    out.paste(im, ((size - im.width) // 2, (size - im.height) // 2))
    return np.asarray(out, dtype=np.float32) / 255.0


def _strokes(g: np.ndarray) -> np.ndarray:
    """Histograms of stroke direction (HOG): per ``cell``×``cell`` square of the glyph, the
    gradient's magnitude by its (unsigned) angle in ``bins`` bins, each square's histogram of unit
    length."""
    cfg = _cfg()
    cell, bins = cfg["hog_cell"], cfg["hog_bins"]
    gy, gx = np.gradient(g)
    magnitude = np.hypot(gx, gy)
    angle = (np.arctan2(gy, gx) % np.pi) / np.pi * bins
    low = np.floor(angle).astype(int) % bins
    share = angle - np.floor(angle)
    votes = np.zeros((*g.shape, bins), np.float32)
    iy, ix = np.indices(g.shape)
    votes[iy, ix, low] += magnitude * (1 - share)
    votes[iy, ix, (low + 1) % bins] += magnitude * share
    n = g.shape[0] // cell
    h = votes[: n * cell, : n * cell].reshape(n, cell, n, cell, bins).sum(axis=(1, 3))
    return (h / (np.linalg.norm(h, axis=2, keepdims=True) + 1e-3)).reshape(-1)


def features(ink: np.ndarray) -> np.ndarray:
    """What the network sees of one glyph's ink: its pixels at ``size`` and its strokes'
    directions at ``hog_size``. Training and reading use this same function."""
    cfg = _cfg()
    return np.concatenate([glyph(ink, cfg["size"]).reshape(-1), _strokes(glyph(ink, cfg["hog_size"]))])


@cache
def _weights() -> dict[str, np.ndarray]:
    with resources.files("vanban.data").joinpath("read", "digits.npz").open("rb") as fh:
        data = np.load(fh)
        return {k: data[k] for k in data.files}


def _glyphs(crop: Image.Image) -> list[np.ndarray]:
    """The ink of a zone cut into glyphs, left to right: long flat rules and specks dropped,
    pieces of one glyph joined (a broken stroke, the hat a hand writes apart from a 5's body),
    what is still less than ``min_height`` of the zone tall or far shorter than the tallest
    glyph dropped (the dots of a leader line, a dash, a comma, a colon), touching glyphs parted."""
    cfg = _cfg()
    ink = np.asarray(crop.convert("L"), dtype=np.uint8) < cfg["ink_below"]
    labels, _ = ndimage.label(ink, structure=np.ones((3, 3)))
    height = ink.shape[0]
    boxes: list[tuple[int, int, int, int, list[int]]] = []
    for i, sl in enumerate(ndimage.find_objects(labels), 1):
        h, w = sl[0].stop - sl[0].start, sl[1].stop - sl[1].start
        if w > h * cfg["max_flatness"] and w > height * cfg["rule_width"]:
            continue
        if int((labels[sl] == i).sum()) < cfg["min_pixels"]:
            continue
        boxes.append((sl[1].start, sl[0].start, sl[1].stop, sl[0].stop, [i]))
    boxes.sort(key=lambda b: b[0])
    joined: list[tuple[int, int, int, int, list[int]]] = []
    for b in boxes:
        if joined:
            o = joined[-1]
            across = min(o[2], b[2]) - max(o[0], b[0]) > 0.5 * min(b[2] - b[0], o[2] - o[0])
            apart = max(o[1], b[1]) - min(o[3], b[3])  # the vertical gap between them (< 0: overlap)
            tall = max(o[3] - o[1], b[3] - b[1]) >= height * cfg["min_height"]  # a glyph and its piece
            if across and tall and apart < height * cfg["join_gap"]:
                joined[-1] = (min(o[0], b[0]), min(o[1], b[1]), max(o[2], b[2]), max(o[3], b[3]), o[4] + b[4])
                continue
        joined.append(b)
    joined = [b for b in joined if b[3] - b[1] >= height * cfg["min_height"]]
    tallest = max((b[3] - b[1] for b in joined), default=0)
    joined = [b for b in joined if b[3] - b[1] >= tallest * cfg["min_of_tallest"]]
    if joined and _printed_slash(joined[-1], tallest):
        joined.pop()
    out = []
    for x0, y0, x1, y1, ids in joined:
        out += _parted(np.isin(labels[y0:y1, x0:x1], ids))
    return out


def _printed_slash(box: tuple[int, int, int, int, list[int]], tallest: int) -> bool:
    """Whether the last glyph of a number's zone is the printed slash after it (``3339/``): as
    narrow as a 1 but, in print, shorter than the pen's digits."""
    cfg = _cfg()
    w, h = box[2] - box[0], box[3] - box[1]
    return w < cfg["slash_aspect"] * h and h < cfg["slash_height"] * tallest


def _cut(part: np.ndarray, k: int) -> list[np.ndarray]:
    """``part`` cut into ``k`` glyphs at its thinnest columns near the even cuts."""
    w = part.shape[1]
    cols = part.sum(axis=0)
    reach = max(1, w // (3 * k))
    cuts = [0]
    for j in range(1, k):
        c = round(w * j / k)
        lo, hi = max(cuts[-1] + 1, c - reach), min(w - 1, c + reach)
        cuts.append(lo + int(np.argmin(cols[lo:hi])) if hi > lo else c)
    cuts.append(w)
    return [part[:, a:z] for a, z in itertools.pairwise(cuts) if z > a]


def _parted(part: np.ndarray) -> list[np.ndarray]:
    """A run of ink as the digits it holds: one glyph, or touching digits (``99``, ``631``) cut
    into as many as a hand's digits make of it at their usual width for their height
    (``digit_aspect``); where a narrower hand (``narrow_aspect``) makes more of it, the cut the
    network reads better (a crossed 7 is wide; a hand's ``33`` may be as narrow)."""
    cfg = _cfg()
    h, w = part.shape
    counts = sorted({max(1, round(w / (cfg[a] * h))) for a in ("digit_aspect", "narrow_aspect")})
    options = [_cut(part, k) for k in counts]
    if len(options) == 1:
        return options[0]
    return max(options, key=lambda pieces: float(np.log(_probabilities(pieces).max(axis=1)).mean()))


def _probabilities(glyphs: list[np.ndarray]) -> np.ndarray:
    """The network's probability of each digit for each glyph (one row per glyph)."""
    w = _weights()
    x = np.stack([features(g) for g in glyphs])
    z = np.maximum(x @ w["w1"] + w["b1"], 0.0) @ w["w2"] + w["b2"]
    p = np.exp(z - z.max(axis=1, keepdims=True))
    return p / p.sum(axis=1, keepdims=True)


def read_digits(crop: Image.Image) -> str:
    """The digits handwritten in ``crop``, or ``""`` when a glyph is not a digit the network is
    sure of (below ``min_probability``) or there is none."""
    glyphs = _glyphs(crop)
    if not glyphs or len(glyphs) > _cfg()["max_digits"]:
        return ""
    p = _probabilities(glyphs)
    if float(p.max(axis=1).min()) < _cfg()["min_probability"]:
        return ""
    return "".join(str(int(d)) for d in p.argmax(axis=1))

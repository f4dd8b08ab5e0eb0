"""Handwritten digits (chữ số viết tay): the number and day a văn thư writes in at registration.

Tesseract is trained on print and reads a clerk's ``03`` as ``08`` or ``63``. This reader cuts
the ink of a zone into glyphs (connected strokes; a run of touching digits is parted at the
thinnest columns) and classifies each with a small network whose weights ship in
``data/read/digits.npz``. The weights were trained by ``scripts/train_digits.py`` on digits
drawn from print and handwriting fonts (Debian's) under random slant, rotation, stroke width
and elastic warping, with the strokes a Vietnamese hand adds (a crossed 7, a 1 with a long
lead-in), plus the UCI handwritten digits that scikit-learn bundles — no page of any corpus.
Its reading is one more vote beside Tesseract's, never a value on its own.
"""

from __future__ import annotations

import itertools
from functools import cache
from importlib import resources

import numpy as np
from PIL import Image
from scipy import ndimage

from ..rules import table

__all__ = ["glyph", "read_digits"]


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


@cache
def _weights() -> dict[str, np.ndarray]:
    with resources.files("vanban.data").joinpath("read", "digits.npz").open("rb") as fh:
        data = np.load(fh)
        return {k: data[k] for k in data.files}


def _glyphs(crop: Image.Image) -> list[np.ndarray]:
    """The ink of a zone cut into glyphs, left to right: strokes at least ``min_height`` of the
    zone tall (specks and dots of the leader line dropped), long flat rules dropped, pieces
    of one glyph (a broken stroke) joined, touching glyphs parted at their thinnest columns."""
    cfg = _cfg()
    ink = np.asarray(crop.convert("L"), dtype=np.uint8) < cfg["ink_below"]
    labels, _ = ndimage.label(ink, structure=np.ones((3, 3)))
    height = ink.shape[0]
    boxes: list[tuple[int, int, int, int, list[int]]] = []
    for i, sl in enumerate(ndimage.find_objects(labels), 1):
        h, w = sl[0].stop - sl[0].start, sl[1].stop - sl[1].start
        if h < height * cfg["min_height"] or w > h * cfg["max_flatness"]:
            continue
        if int((labels[sl] == i).sum()) < cfg["min_pixels"]:
            continue
        boxes.append((sl[1].start, sl[0].start, sl[1].stop, sl[0].stop, [i]))
    boxes.sort(key=lambda b: b[0])
    joined: list[tuple[int, int, int, int, list[int]]] = []
    for b in boxes:
        if joined:
            o = joined[-1]
            if min(o[2], b[2]) - max(o[0], b[0]) > 0.5 * min(b[2] - b[0], o[2] - o[0]):
                joined[-1] = (min(o[0], b[0]), min(o[1], b[1]), max(o[2], b[2]), max(o[3], b[3]), o[4] + b[4])
                continue
        joined.append(b)
    size = int(_weights()["size"][0])
    out = []
    for x0, y0, x1, y1, ids in joined:
        part = np.isin(labels[y0:y1, x0:x1], ids)
        w, h = x1 - x0, y1 - y0
        k = round(w / (cfg["digit_aspect"] * h))
        cuts = [0, w]
        if k >= 2:
            cols = part.sum(axis=0)
            reach = w // (3 * k)
            cuts = [0]
            for j in range(1, k):
                c = round(w * j / k)
                lo, hi = max(1, c - reach), min(w - 1, c + reach)
                cuts.append(lo + int(np.argmin(cols[lo:hi])) if hi > lo else c)
            cuts.append(w)
        out += [glyph(part[:, a:z], size) for a, z in itertools.pairwise(cuts)]
    return out


def read_digits(crop: Image.Image) -> str:
    """The digits handwritten in ``crop``, or ``""`` when a glyph is not a digit the network is
    sure of (below ``min_probability``) or there is none."""
    glyphs = _glyphs(crop)
    if not glyphs or len(glyphs) > _cfg()["max_digits"]:
        return ""
    w = _weights()
    x = np.stack([g.reshape(-1) for g in glyphs])
    hidden = np.maximum(x @ w["w1"] + w["b1"], 0.0)
    z = hidden @ w["w2"] + w["b2"]
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    if float(p.max(axis=1).min()) < _cfg()["min_probability"]:
        return ""
    return "".join(str(int(d)) for d in p.argmax(axis=1))

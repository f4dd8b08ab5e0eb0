"""Train the handwritten-digit reader's weights (``src/vanban/data/read/digits.npz``).

Training data: each digit drawn in the fonts found on this machine (URW base35, DejaVu) under
random slant (handwriting leans right), rotation, vertical scale, stroke width and elastic
warping, with the strokes a Vietnamese hand adds (a crossed 7, a 1 with a lead-in stroke), plus the UCI handwritten digits that scikit-learn bundles (no download). No page of
any corpus is used, so the corpora stay a fair test. The network is one hidden layer
(scikit-learn's MLPClassifier); only its weights are shipped, read by ``vanban.read.digits``
with numpy. Needs scikit-learn and scipy: ``pip install -e '.[train]'``.

usage: python scripts/train_digits.py [--per-digit 8000] [--out src/vanban/data/read/digits.npz]
"""

from __future__ import annotations

import argparse
import glob
import time

import numpy as np
from PIL import Image, ImageDraw, ImageFont
from scipy import ndimage

from vanban.read.digits import features

FONT_GLOBS = ("/usr/share/fonts/opentype/urw-base35/*.otf", "/usr/share/fonts/truetype/dejavu/*.ttf")
# handwriting fonts (Debian: fonts-dkg-handwriting fonts-breip fonts-bwht fonts-femkeklaver
# fonts-humor-sans fonts-dancingscript fonts-kaushanscript fonts-kristi fonts-comic-neue), drawn
# as often as all the print fonts together where they are installed
HAND_FONTS = (
    "fifthhorseman/*.ttf",
    "breip/*.ttf",
    "bwht/*.otf",
    "femkeklaver/*.ttf",
    "humor-sans/*.ttf",
    "dancingscript/*.otf",
    "kaushanscript/*.otf",
    "kristi/*.ttf",
    "comic-neue/*Italic.otf",
)
NOT_DIGIT_FONTS = ("Symbol", "Math", "D050000L")


def _fonts() -> tuple[list[str], list[str]]:
    """The print fonts and the handwriting fonts found on this machine."""
    found = [f for g in FONT_GLOBS for f in sorted(glob.glob(g)) if not any(x in f for x in NOT_DIGIT_FONTS)]
    if not found:
        raise SystemExit("no fonts found: apt-get install fonts-urw-base35 fonts-dejavu-core")
    hand = [f for g in HAND_FONTS for f in sorted(glob.glob(f"/usr/share/fonts/*/{g}"))]
    return found, hand


def _elastic(a: np.ndarray, rng: np.random.Generator, alpha: float, sigma: float) -> np.ndarray:
    dx = ndimage.gaussian_filter(rng.uniform(-1, 1, a.shape), sigma) * alpha
    dy = ndimage.gaussian_filter(rng.uniform(-1, 1, a.shape), sigma) * alpha
    y, x = np.meshgrid(np.arange(a.shape[0]), np.arange(a.shape[1]), indexing="ij")
    return ndimage.map_coordinates(a, [y + dy, x + dx], order=1)


def _vietnamese_hand(d: int, im: Image.Image, rng: np.random.Generator) -> None:
    """How a Vietnamese hand writes some digits unlike print: a 7 crossed at its middle, a 1
    with a long lead-in stroke from its top (often mistaken for a 4 or a slash)."""
    box = im.getbbox()
    if box is None:
        return
    x0, y0, x1, y1 = box
    h, cx = y1 - y0, (x0 + x1) / 2
    pen = int(rng.integers(3, 8))
    draw = ImageDraw.Draw(im)
    if d == 7 and rng.random() < 0.5:
        y = y0 + h * rng.uniform(0.4, 0.6)
        half = h * rng.uniform(0.2, 0.35)
        draw.line((cx - half, y, cx + half, y + rng.uniform(-3, 3)), fill=255, width=pen)
    if d == 1 and rng.random() < 0.8:
        im.paste(0, (0, 0, *im.size))
        top, bottom = (cx + h * rng.uniform(0.0, 0.15), y0), (cx - h * rng.uniform(0.0, 0.1), y1)
        flag = (top[0] - h * rng.uniform(0.15, 0.4), y0 + h * rng.uniform(0.3, 0.6))
        draw.line((*flag, *top), fill=255, width=pen)
        draw.line((*top, *bottom), fill=255, width=pen)


def _drawn(d: int, fonts: tuple[list[str], list[str]], rng: np.random.Generator) -> np.ndarray:
    """The ink of digit ``d`` drawn once, as a hand might."""
    prints, hand = fonts
    pool = hand if hand and rng.random() < 0.5 else prints
    font = ImageFont.truetype(pool[rng.integers(len(pool))], 56)
    im = Image.new("L", (96, 96), 0)
    ImageDraw.Draw(im).text((20, 10), str(d), fill=255, font=font)
    _vietnamese_hand(d, im, rng)
    lean = rng.uniform(-0.1, 0.5)
    im = im.transform(
        im.size,
        Image.Transform.AFFINE,
        (1, lean, -lean * 48, 0, rng.uniform(0.85, 1.15), 0),
        Image.Resampling.BILINEAR,
    )
    im = im.rotate(rng.uniform(-8, 8), Image.Resampling.BILINEAR)
    ink = _elastic(np.asarray(im, dtype=np.float32), rng, rng.uniform(20, 60), rng.uniform(4, 6)) > 100
    pen = int(rng.integers(-1, 3))
    if pen > 0:
        ink = ndimage.binary_dilation(ink, iterations=pen)
    elif pen < 0 and ndimage.binary_erosion(ink).sum() > 30:
        ink = ndimage.binary_erosion(ink)
    return ink


def main() -> None:
    from sklearn.datasets import load_digits
    from sklearn.neural_network import MLPClassifier

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--per-digit", type=int, default=8000)
    ap.add_argument("--out", default="src/vanban/data/read/digits.npz")
    args = ap.parse_args()
    rng = np.random.default_rng(7)
    fonts = _fonts()
    x, y = [], []
    for d in range(10):
        for _ in range(args.per_digit):
            x.append(features(_drawn(d, fonts, rng)))
            y.append(d)
    uci = load_digits()
    for img, t in zip(uci.images, uci.target, strict=True):
        big = Image.fromarray((img * 16).astype(np.uint8)).resize((32, 32), Image.Resampling.BILINEAR)
        x.append(features(np.asarray(big) > 90))
        y.append(int(t))
    started = time.time()
    net = MLPClassifier(
        hidden_layer_sizes=(256,), max_iter=80, alpha=1e-3, random_state=0, early_stopping=True
    )
    net.fit(np.array(x, dtype=np.float32), np.array(y))
    np.savez_compressed(
        args.out,
        w1=net.coefs_[0].astype(np.float32),
        b1=net.intercepts_[0].astype(np.float32),
        w2=net.coefs_[1].astype(np.float32),
        b2=net.intercepts_[1].astype(np.float32),
    )
    print(
        f"{len(y)} glyphs, {time.time() - started:.0f} s, held-out accuracy {net.best_validation_score_:.3f}"
    )


if __name__ == "__main__":
    main()

"""Reader benchmark (not a test): text-layer PDF speed, OCR speed against Tesseract alone,
parallel speed-up, and header CER on the scans.  Run: python bench/bench_read.py"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pypdfium2 as pdfium

from vanban.read import read_file

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"


def text_layer() -> None:
    files = sorted((CORPUS / "pdf").glob("*.pdf"))
    import vanban.read.pdf as pdfmod

    # pages without a text layer would be OCR'd: time the text layer alone
    orig = pdfmod._ocr_pages
    pdfmod._ocr_pages = lambda doc, idx, reasons, pages, problems, readings, name: "pdf"
    t = time.perf_counter()
    n = sum(len(read_file(f).pages) for f in files)
    dt = time.perf_counter() - t
    pdfmod._ocr_pages = orig
    print(f"text-layer PDF: {n} pages in {dt:.2f} s = {n / dt:.0f} pages/s (one core)")


def page_images(tmp: Path, count: int) -> list[Path]:
    """Pages rendered at 300 dpi, saved as PNG (the same input for both). ``BENCH_OCR_SET=hn-dev``
    takes the first pages of the mailbox scans (handwritten numbers, seals: the zones are read
    again), else second pages of the gazette PDFs."""
    mailbox = os.environ.get("BENCH_OCR_SET") == "hn-dev"
    out = []
    for f in sorted((CORPUS / ("hn-dev" if mailbox else "pdf")).glob("*.pdf"))[:count]:
        doc = pdfium.PdfDocument(f)
        p = tmp / f"{f.stem}.png"
        page = doc[0 if mailbox or len(doc) == 1 else 1]
        page.render(scale=300 / 72, draw_annots=False).to_pil().save(p, dpi=(300, 300))
        out.append(p)
    return out


def ocr(count: int) -> None:
    with tempfile.TemporaryDirectory() as d:
        imgs = page_images(Path(d), count)
        env = dict(os.environ, OMP_THREAD_LIMIT="1")
        t = time.perf_counter()
        for p in imgs:
            subprocess.run(
                ["tesseract", str(p), "-", "-l", "vie", "--psm", "3"],
                capture_output=True,
                env=env,
                check=True,
            )
        tess = (time.perf_counter() - t) / len(imgs)
        res = {}
        for jobs in (1, 2):
            os.environ["VANBAN_OCR_JOBS"] = str(jobs)
            t = time.perf_counter()
            if jobs == 1:
                for p in imgs:
                    read_file(p)
            else:  # a multi-page TIFF, so vanban's own parallelism is measured
                from PIL import Image

                frames = [Image.open(p) for p in imgs]
                tif = Path(d) / "all.tif"
                frames[0].save(
                    tif, save_all=True, append_images=frames[1:], compression="tiff_lzw", dpi=(300, 300)
                )
                read_file(tif)
            res[jobs] = (time.perf_counter() - t) / len(imgs)
    print(
        f"OCR, {len(imgs)} pages at 300 dpi: tesseract CLI alone {tess:.2f} s/page; "
        f"vanban 1 process {res[1]:.2f} s/page ({res[1] / tess:.2f}x), {60 / res[1]:.0f} pages/min; "
        f"2 processes {res[2]:.2f} s/page, {60 / res[2]:.0f} pages/min, speed-up {res[1] / res[2]:.2f}x"
    )


def scans() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.read.test_ocr import REF, header_cer

    import vanban

    for name, ref in REF.items():
        if name.startswith("_"):
            continue
        ex = read_file(CORPUS / "scans" / name)
        rec = vanban.parse(ex.text).to_dict()
        ok = {f: rec[f] == ref[f] for f in ("number", "date", "issuer") if f in ref}
        print(f"{name}: header CER {header_cer(ex.text, ref['lines']):.3f}  " + json.dumps(ok))


if __name__ == "__main__":
    what = sys.argv[1:] or ["text", "ocr", "scans"]
    if "text" in what:
        text_layer()
    if "ocr" in what:
        ocr(int(os.environ.get("BENCH_OCR_PAGES", "6")))
    if "scans" in what:
        scans()

"""Render the blank ledger workbook's pictures for docs/ledger-format.md.

    python bench/make_template_pictures.py [--out docs/img]

Writes the template (``write_xlsx_template``, annual plans of 2026), then
for each of its 说明 and 项目 sheets a copy holding that sheet alone with
print settings for a picture (a print area, one landscape page; the 项目
sheet with its grid and Excel's row and column headings), which LibreOffice
prints to PDF and poppler's ``pdftoppm`` turns into a PNG, trimmed of its
margin. Only the print settings of the copies differ from the template: the
cells, formats, widths and frozen header are the template's own.

Needs ``soffice`` (LibreOffice Calc), ``pdftoppm`` (poppler-utils), a font
with Chinese characters (fonts-wqy-zenhei or Noto CJK), openpyxl and Pillow.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from pathlib import Path

import openpyxl
from openpyxl.worksheet.properties import PageSetupProperties
from PIL import Image, ImageChops

from projpush.io.xlsx import write_xlsx_template

# (sheet, print area, grid and headings shown, picture's file name)
PICTURES = (
    ("说明", "A1:I26", False, "ledger-template-readme.png"),
    ("项目", "A1:L6", True, "ledger-template.png"),
)


def _copy_for_printing(template: Path, sheet: str, area: str, grid: bool, target: Path) -> None:
    book = openpyxl.load_workbook(template)
    for name in list(book.sheetnames):
        if name != sheet:
            del book[name]
    page = book[sheet]
    page.print_area = area
    page.page_setup.orientation = "landscape"
    page.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    page.page_setup.fitToWidth = 1
    page.page_setup.fitToHeight = 1
    page.print_options.gridLines = grid
    page.print_options.headings = grid
    margins = page.page_margins
    margins.left = margins.right = margins.top = margins.bottom = 0.2
    margins.header = margins.footer = 0
    book.save(target)


def _trimmed(png: Path, target: Path, border: int = 8) -> None:
    image = Image.open(png).convert("RGB")
    box = ImageChops.difference(image, Image.new("RGB", image.size, "white")).getbbox()
    if box is None:
        msg = f"{png}: the page is blank"
        raise SystemExit(msg)
    left, top, right, bottom = box
    image = image.crop(
        (
            max(left - border, 0),
            max(top - border, 0),
            min(right + border, image.width),
            min(bottom + border, image.height),
        )
    )
    image.save(target, optimize=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/img"))
    args = parser.parse_args()
    soffice, pdftoppm = shutil.which("soffice"), shutil.which("pdftoppm")
    if soffice is None or pdftoppm is None:
        msg = "needs soffice (LibreOffice Calc) and pdftoppm (poppler-utils) on the PATH"
        raise SystemExit(msg)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        template = folder / "ledger.xlsx"
        write_xlsx_template(template, years=[2026])
        for i, (sheet, area, grid, name) in enumerate(PICTURES):
            copy = folder / f"sheet{i}.xlsx"
            _copy_for_printing(template, sheet, area, grid, copy)
            subprocess.run(  # noqa: S603 (LibreOffice, found on the PATH)
                [soffice, "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(copy)],
                check=True,
                capture_output=True,
            )
            stem = folder / f"sheet{i}"
            subprocess.run(  # noqa: S603 (poppler, found on the PATH)
                [pdftoppm, "-r", "130", "-png", "-singlefile", f"{stem}.pdf", str(stem)],
                check=True,
            )
            _trimmed(Path(f"{stem}.png"), args.out / name)
            print(args.out / name)


if __name__ == "__main__":
    main()

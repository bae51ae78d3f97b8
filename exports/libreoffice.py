"""Headless LibreOffice: recalculate workbooks and convert them (to xlsx or pdf), as a real spreadsheet would.

Used by the tests to check that reports open without a repair prompt and that their formulas compute
the engine's figures. LibreOffice is not a Python dependency: `scripts/ensure-libreoffice` installs it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

__all__ = ["LibreOfficeError", "convert", "soffice"]

# Recalculate every formula on load, even where the file stores a value (0 = always, as Tools > Options says).
_PROFILE_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


class LibreOfficeError(RuntimeError):
    """LibreOffice is missing, or did not convert every file."""


def soffice() -> str:
    """The soffice executable; LibreOfficeError when it is not installed."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        raise LibreOfficeError("soffice (LibreOffice) is not installed; run scripts/ensure-libreoffice")
    return found


def convert(
    paths: Sequence[str | os.PathLike[str]], outdir: str | os.PathLike[str], to: str = "xlsx"
) -> list[Path]:
    """Open each workbook in headless LibreOffice, recalculating every formula, and save it as `to` in `outdir`.

    One LibreOffice start converts them all (it takes seconds to start). Returns the converted files, in
    the order given; LibreOfficeError says which were not converted and what LibreOffice printed.
    """
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    sources = [Path(p).resolve() for p in paths]
    names = [s.stem for s in sources]
    if len(set(names)) != len(names):
        raise LibreOfficeError("convert needs files with distinct names: the outputs are named after them")
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        user = Path(profile) / "user"
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(_PROFILE_SETTINGS, encoding="utf-8")
        command = [
            soffice(),
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            to,
            "--outdir",
            str(out),
            *map(str, sources),
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    converted = [out / f"{name}.{to}" for name in names]
    missing = [str(p) for p, c in zip(sources, converted, strict=True) if not c.is_file()]
    if done.returncode != 0 or missing or "Error" in done.stderr:
        raise LibreOfficeError(
            f"LibreOffice (exit {done.returncode}) did not convert {', '.join(missing) or 'every file cleanly'}: "
            f"{(done.stderr or done.stdout).strip()[:2000]}"
        )
    return converted

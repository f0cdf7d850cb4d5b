"""A problem in a workbook, where the curator finds it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """Something wrong in a workbook, where the curator finds it.

    Attributes:
        message: what is wrong and what to do, in the curator's language.
        file: the workbook's name.
        sheet: the sheet (or CSV file) it is on, if known.
        row: the row number the curator sees, if known.
        column: the column's heading as written in the file, if known.
    """

    message: str
    file: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def where(self) -> str:
        """``file, sheet, row, column`` as far as known."""
        parts = [self.file]
        if self.sheet:
            parts.append(self.sheet)
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"“{self.column}”")
        return ", ".join(parts)

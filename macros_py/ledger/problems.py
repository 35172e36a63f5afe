"""Problems found in a ledger: where (sheet, row, column), what was there, and what is expected."""

from __future__ import annotations

from dataclasses import asdict, dataclass

ERROR = "lỗi"  # kiemsat needs this value to compute and cannot read it
WARNING = "cảnh báo"  # worth a look; the value is kept as typed and the row is used


@dataclass(frozen=True, slots=True)
class Problem:
    sheet: str  # the sheet name as it is in the file
    row: int | None  # Excel row number (1-based); None for a problem about the whole sheet or file
    column: str  # Excel column letter, or the expected column's label when the column is missing
    value: str  # the cell as the clerk sees it
    message: str  # Vietnamese, says what is expected
    level: str = ERROR  # ERROR or WARNING
    # a cảnh báo the unit must answer (a header read by a partial match, for a column kiemsat computes
    # with): the value is used, but commands exit 1 until a pin confirms or corrects it
    confirm: bool = False

    @property
    def is_error(self) -> bool:
        return self.level == ERROR

    @property
    def needs_action(self) -> bool:
        """An error, or a cảnh báo that holds the exit code at 1 until the unit answers it."""
        return self.level == ERROR or self.confirm

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    def __str__(self) -> str:
        where = self.sheet
        if self.row is not None:
            where += f", dòng {self.row}"
        if self.column:
            where += f", cột {self.column}"
        text = f"{where}: {self.message}" if self.is_error else f"{where}: ({self.level}) {self.message}"
        if self.value and self.value not in self.message:
            text += f" (đang ghi «{self.value}»)"
        return text


def column_letter(index: int) -> str:
    """0-based column index -> Excel letters (0 -> A, 27 -> AB)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """Excel letters -> 0-based column index."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1

"""Reading and validating spreadsheets of registry records, without Django.

- ``reading``: XLSX, XLS and ODS (python-calamine) and CSV (UTF-8 with or without BOM, or GB18030) into a header
  row and data rows with their spreadsheet row numbers; file-level problems raise ``FileProblem``. A workbook's
  container is checked first (``ooxml``, ``xls``, ``ods`` against ``limits.ReadLimits``) and the read runs in a
  child process with a ceiling on its memory and time (``confined``).
- ``columns``: the columns of each import kind, their Chinese headers and English aliases, and header mapping.
- ``normalise``: what people really type (full-width characters, stray spaces, dates in many spellings).
- ``validation``: one row in, clean values and every problem of the row out.

Reference code sets (divisions, universities, majors, industries, occupations) are passed in as frozensets.
"""

from .columns import KINDS, Column, KindSpec, map_headers
from .limits import DEFAULT_LIMITS, ReadLimits
from .messages import FileProblem, Problem
from .reading import Table, read_table
from .validation import Context, References, RowResult, row_key, talent_district, validate_row

__all__ = [
    "DEFAULT_LIMITS", "KINDS", "Column", "Context", "FileProblem", "KindSpec", "Problem", "ReadLimits", "References",
    "RowResult", "Table",
    "map_headers", "read_table", "row_key", "talent_district", "validate_row",
]

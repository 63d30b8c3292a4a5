"""The import error file echoes what the uploaded file held; a cell that was a formula (``=2+3``) comes back as
inert text in the XLSX download (a string cell with a leading quote, never a formula), served with no-store."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from import_helpers import TALENT_HEADER, rid, talent_row

from talentpool.registry.models import ImportJob

pytestmark = pytest.mark.django_db(transaction=True)  # the import runs on commit, as in production


def test_the_error_file_echoes_a_formula_as_text(references, make_user, client_for):
    client = client_for(make_user("officer"))
    rows = [TALENT_HEADER, talent_row("李四", rid(), phone="=2+3")]
    text = "\n".join(",".join(row) for row in rows) + "\n"
    upload = SimpleUploadedFile("t.csv", text.encode("utf-8"), content_type="text/csv")
    client.post("/registry/imports/", {"kind": "talents", "file": upload})
    job = ImportJob.objects.get()
    assert job.rejected == 1 and job.row_errors.get().value == "=2+3"
    response = client.get(f"/registry/imports/{job.pk}/errors.xlsx")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert (sheet["C2"].value, sheet["C2"].data_type) == ("'=2+3", "s")
    template = client.get("/registry/imports/template/talents.xlsx")
    assert template.status_code == 200 and template["Cache-Control"] == "no-store"

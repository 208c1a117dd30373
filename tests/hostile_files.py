"""Small files built to exhaust a server that parses them blindly: the limit checks must refuse each one cheaply.

Built in memory by the tests and by `benchmarks/input_limits.py`; nothing is stored in the repository.
"""

from __future__ import annotations

import copy
import io
import zipfile

CHUNK = 1024 * 1024
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006"
CONTENT_TYPES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="{PACKAGE}/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
</Types>"""
PACKAGE_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{PACKAGE}/relationships">
<Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/></Relationships>"""
WORKBOOK = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}"><sheets><sheet name="Bao cao" sheetId="1" r:id="rId1"/></sheets>
</workbook>"""
WORKBOOK_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{PACKAGE}/relationships">
<Relationship Id="rId1" Type="{RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="{RELATIONSHIPS}/sharedStrings" Target="sharedStrings.xml"/></Relationships>"""


def _sheet(dimension: str) -> str:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{MAIN}">'
            f'<dimension ref="{dimension}"/><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData>'
            "</worksheet>")


def workbook(dimension: str = "A1:A1", shared_string_megabytes: int = 0, padding_megabytes: int = 0,
             padding_copies: int = 1) -> bytes:
    """A hand-made .xlsx with one sheet declaring `dimension`, whose first shared string is `Mã thôn` followed by
    `shared_string_megabytes` of letters, and optionally a picture of `padding_megabytes` of zeros that the zip
    directory lists `padding_copies` times (every entry pointing at the same packed bytes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in (("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", PACKAGE_RELS),
                           ("xl/workbook.xml", WORKBOOK), ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
                           ("xl/worksheets/sheet1.xml", _sheet(dimension))):
            archive.writestr(name, text)
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" count="1" uniqueCount="1">'
                       "<si><t>Mã thôn".encode())
            for _ in range(shared_string_megabytes):
                part.write(b"A" * CHUNK)
            part.write(b"</t></si></sst>")
        if padding_megabytes:
            with archive.open("xl/media/image1.bin", "w", force_zip64=True) as part:
                for _ in range(padding_megabytes):
                    part.write(bytes(CHUNK))
            picture = archive.getinfo("xl/media/image1.bin")
            for number in range(2, padding_copies + 1):
                entry = copy.copy(picture)
                entry.filename = f"xl/media/image{number}.bin"
                archive.filelist.append(entry)
    return buffer.getvalue()


def comma_line_csv(commas: int = 200_000) -> bytes:
    """A CSV whose second line is nothing but `commas` commas (200 KB for 200,000)."""
    return "Mã thôn,Kỳ báo cáo,Số hộ đã được Tổ hướng dẫn\n".encode() + b"," * commas + b"\n"


def shared_string_bomb(megabytes: int = 300) -> bytes:
    """About 300 KB of .xlsx holding a 300 MB shared string."""
    return workbook(shared_string_megabytes=megabytes)


def dimension_bomb() -> bytes:
    """A workbook of a few kilobytes whose sheet declares every cell Excel has (A1:XFD1048576)."""
    return workbook(dimension="A1:XFD1048576")


def zip_bomb(megabytes: int = 100, copies: int = 100) -> bytes:
    """About 100 KB of .xlsx whose zip directory promises 10 GB: one 100 MB picture of zeros listed 100 times."""
    return workbook(padding_megabytes=megabytes, padding_copies=copies)

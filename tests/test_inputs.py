"""Reading backlink lists: shapes, encodings, bad rows, duplicates."""

import datetime
from pathlib import Path

import pytest

from crawler.lists.backlinks import InputError, read_rows


def write(tmp_path, data: bytes | str, name="in.csv"):
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return str(path)


def test_bad_rows_carry_a_message(tmp_path):
    rows = read_rows(write(tmp_path, "source_url,target_url\n,acme.com\nftp://x.com/,acme.com\nhttp://ok.com/,\nhttp://ok.com/a,bad target\nhttp://ok.com/b,acme.com\n"))
    assert [bool(r.error) for r in rows] == [True, True, True, True, False]
    assert "empty" in rows[0].error and "scheme ftp" in rows[1].error and "no target" in rows[2].error


def test_schemeless_urls_get_http(tmp_path):
    rows = read_rows(write(tmp_path, "www.blog.de/post\nblog.de\n"), target="acme.com")
    assert [r.source_url for r in rows] == ["http://www.blog.de/post", "http://blog.de"]
    assert not any(r.error for r in rows)


def test_duplicates_are_marked(tmp_path):
    rows = read_rows(write(tmp_path, "http://a.com/x\nhttp://a.com/x\nhttp://www.a.com/x/\nhttp://a.com/y\n"), target="acme.com")
    assert [r.duplicate for r in rows] == [False, True, True, False]


def test_quoted_multiline_cells(tmp_path):
    rows = read_rows(write(tmp_path, 'Referring page URL,Target URL,Anchor\n"http://a.com/x",http://acme.com/,"two\nlines"\n'))
    assert len(rows) == 1 and rows[0].extra == {"Anchor": "two\nlines"}


def test_utf16_without_bom_and_blank_rows(tmp_path):
    text = "Source url\tTarget url\nhttp://a.com/x\thttp://acme.com/\n\t\n"
    rows = read_rows(write(tmp_path, text.encode("utf-16-le")))
    assert len(rows) == 1 and rows[0].target.url == "http://acme.com/"


def test_windows_1252_file(tmp_path):
    rows = read_rows(write(tmp_path, "source_url,target_url,anchor\nhttp://a.com/x,acme.com,Caf\xe9\n".encode("cp1252")))
    assert rows[0].extra == {"anchor": "Café"}


@pytest.mark.parametrize("content, target, message", [
    ("", "acme.com", "holds no rows"),
    ("http://a.com/\n", None, "needs --target"),
    ("source_url\nhttp://a.com/\n", None, "no target column"),
])
def test_unusable_input(tmp_path, content, target, message):
    with pytest.raises(InputError, match=message):
        read_rows(write(tmp_path, content), target=target)


def test_missing_file():
    with pytest.raises(InputError, match="cannot read"):
        read_rows("/nonexistent/file.csv", target="acme.com")


def test_a_windows_1252_byte_far_into_the_file_decides_the_encoding(tmp_path):
    # The list is read as a stream, but the encoding is decided over all of it:
    # one cp1252 "é" after 200 KB of ASCII must not turn into a replacement character.
    lines = [f"http://a.com/p{i},acme.com,plain" for i in range(6000)]
    data = ("source_url,target_url,anchor\n" + "\n".join(lines) + "\nhttp://a.com/last,acme.com,Caf\xe9\n").encode("cp1252")
    assert len(data) > 200_000
    rows = read_rows(write(tmp_path, data))
    assert len(rows) == 6001 and rows[-1].extra == {"anchor": "Café"}


def test_standard_input(tmp_path, monkeypatch):
    import io
    import sys

    data = "\n\n  Source URL;Target URL\r\nhttp://a.com/x;acme.com\r\nhttp://b.com/y;acme.com\r\n".encode("utf-8-sig")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    rows = read_rows("-")
    assert [r.source_url for r in rows] == ["http://a.com/x", "http://b.com/y"]
    assert all(r.target.domain == "acme.com" for r in rows)


def test_a_gzipped_list_reads_as_the_plain_one_and_a_broken_one_is_one_error(tmp_path):
    import gzip

    text = "Referring page URL;Target URL;Anchor\nhttp://blog.fr/été;https://acme.com/;Café\n".encode("cp1252")
    plain = read_rows(write(tmp_path, text, "list.csv"))
    packed = read_rows(write(tmp_path, gzip.compress(text), "list.csv.gz"))
    assert [(r.source_url, r.target.url, r.extra) for r in packed] == [(r.source_url, r.target.url, r.extra) for r in plain]
    assert plain[0].source_url == "http://blog.fr/été" and plain[0].extra == {"Anchor": "Café"}
    with pytest.raises(InputError, match="broken gzip file"):
        read_rows(write(tmp_path, gzip.compress(text)[:20], "broken.csv.gz"))


def _workbook(path, rows, date_format=True):
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Backlinks")
    dated = book.add_format({"num_format": "yyyy-mm-dd"}) if date_format else None
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, datetime.date):
                sheet.write_datetime(r, c, value, dated)
            elif isinstance(value, str) and value.startswith("="):
                sheet.write_formula(r, c, value, None, 42)  # with its cached value, as Excel saves it
            else:
                sheet.write(r, c, value)
    sheet.write(40, 0, "")  # formatted empty cells further down, as exports have
    book.add_worksheet("Overview").write(0, 0, "not the list")
    book.close()
    return str(path)


def test_an_xlsx_export_reads_as_its_csv(tmp_path):
    """Semrush, Search Console and Moz export .xlsx: its first sheet is the list, cells as Excel's CSV has them."""
    path = _workbook(tmp_path / "backlinks.xlsx", [
        ["Page ascore", "Source title", "Source url", "Target url", "Anchor", "First seen", "Nofollow"],
        ["=40+2", "A post, with a comma", "http://blog.example.org/post", "http://acme.com/", "acme tools",
         datetime.datetime(2026, 11, 3), False],
        [7.0, "Second", "www.forum.example.net/t/1", "http://acme.com/guide", "guide", datetime.date(2026, 1, 2), True],
    ])
    rows = read_rows(path)
    assert [(r.source_url, r.target.url) for r in rows] == [
        ("http://blog.example.org/post", "http://acme.com/"), ("http://www.forum.example.net/t/1", "http://acme.com/guide")]
    assert rows[0].extra == {"Page ascore": "42", "Source title": "A post, with a comma", "Anchor": "acme tools",
                             "First seen": "2026-11-03", "Nofollow": "FALSE"}
    assert rows[1].extra["Page ascore"] == "7" and rows[1].extra["Nofollow"] == "TRUE"


@pytest.mark.parametrize(("data", "message"), [
    (bytes.fromhex("d0cf11e0a1b11ae1") + bytes(4000), "save it as .xlsx"),
])
def test_an_old_or_locked_workbook_says_what_to_do(tmp_path, data, message):
    with pytest.raises(InputError, match=message):
        read_rows(write(tmp_path, data, "old.xls"))


def test_a_broken_xlsx_is_one_error(tmp_path):
    path = _workbook(tmp_path / "cut.xlsx", [["Source url", "Target url"], ["http://a.example/", "http://acme.com/"]])
    data = Path(path).read_bytes()
    Path(path).write_bytes(data[: len(data) // 2])  # a download cut short
    with pytest.raises(InputError, match="cut.xlsx: a broken zip file"):
        read_rows(path)
    # Its sheet's part gone: a workbook openpyxl cannot read is one error too, not a traceback.
    Path(path).write_bytes(data.replace(b"xl/workbook.xml", b"xl/workbooX.xml", 1))
    with pytest.raises(InputError):
        read_rows(path)

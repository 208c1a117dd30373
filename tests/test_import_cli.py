"""The `python -m etl import | template | uploads | undo` contract: exit status, --json document, languages."""

import json

import pytest

from cli import main
from tests.upload_files import MONTHLY_HEADER, contents, csv_text, values_of

GOOD = csv_text([MONTHLY_HEADER, ["99999-03", "12/2025", "11/12/2025", "40", "", "", ""]])
BAD = csv_text([MONTHLY_HEADER, ["Thôn Z", "12/2025", "11/12/2025", "40", "", "", ""]])


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_import_json_lists_each_file_and_exits_1_when_any_is_refused(tiny_warehouse, tmp_path, capsys):
    good, bad = tmp_path / "tot.csv", tmp_path / "loi.csv"
    good.write_text(GOOD, encoding="utf-8")
    bad.write_text(BAD, encoding="utf-8")
    status, out, _ = run(capsys, "import", str(good), str(bad), "--db", str(tiny_warehouse), "--json",
                         "--user", "lan")
    assert status == 1
    files = json.loads(out)["files"]
    assert [(f["path"], f["kind"], f["status"], f["rows"], f["upload_id"]) for f in files] == [
        (str(good), "monthly", "accepted", 1, 1), (str(bad), "monthly", "refused", 1, None)]
    assert files[1]["errors"] == [{"row": 2, "column": "Mã thôn", "message": files[1]["errors"][0]["message"]}]
    assert "Thôn Z" in files[1]["errors"][0]["message"]
    assert set(files[0]) == {"path", "kind", "status", "rows", "upload_id", "changes", "errors", "warnings"}
    assert files[0]["changes"] == {"new": 1, "raised": 0, "lowered": 0, "cleared": 0, "unchanged": 0}
    assert values_of(tiny_warehouse, "99999-03", "2025-12") == {"ho_da_huong_dan": 40}


def test_import_exits_0_when_every_file_is_accepted_and_speaks_english_on_request(tiny_warehouse, tmp_path, capsys):
    path = tmp_path / "tot.csv"
    path.write_text(GOOD.replace("11/12/2025", "16/12/2025"), encoding="utf-8")
    status, out, _ = run(capsys, "import", str(path), "--db", str(tiny_warehouse), "--lang", "en")
    assert status == 0
    assert "accepted — Monthly report, 1 rows" in out
    assert "Warning (row 2, column “Ngày báo cáo”): Report date 16/12/2025 is after the quarter's deadline" in out


def test_import_dry_run_exits_0_and_writes_nothing(tiny_warehouse, tmp_path, capsys):
    path = tmp_path / "tot.csv"
    path.write_text(GOOD, encoding="utf-8")
    before = contents(tiny_warehouse)
    status, out, _ = run(capsys, "import", str(path), "--db", str(tiny_warehouse), "--dry-run", "--json")
    assert status == 0
    assert json.loads(out)["files"][0]["status"] == "accepted"
    assert contents(tiny_warehouse) == before


def test_a_missing_file_is_refused_with_exit_1(tiny_warehouse, tmp_path, capsys):
    status, out, _ = run(capsys, "import", str(tmp_path / "khong_co.csv"), "--db", str(tiny_warehouse))
    assert status == 1
    assert "bị từ chối" in out and "Không mở được tệp" in out


@pytest.mark.parametrize("argv", [["import"], ["import", "x.csv", "--kind", "weekly"], ["undo", "abc"],
                                  ["template", "monthly"]])
def test_usage_errors_exit_2(tiny_warehouse, argv, capsys):
    with pytest.raises(SystemExit) as exited:
        main([*argv, "--db", str(tiny_warehouse)])
    assert exited.value.code == 2


def test_uploads_and_undo_from_the_command_line(tiny_warehouse, tmp_path, capsys):
    path = tmp_path / "tot.csv"
    path.write_text(GOOD, encoding="utf-8")
    run(capsys, "import", str(path), "--db", str(tiny_warehouse), "--user", "lan")
    status, out, _ = run(capsys, "uploads", "--db", str(tiny_warehouse), "--json")
    assert status == 0
    [record] = json.loads(out)["uploads"]
    assert (record["id"], record["file_name"], record["uploaded_by"], record["status"]) == (1, "tot.csv", "lan",
                                                                                           "accepted")
    status, out, _ = run(capsys, "undo", "1", "--db", str(tiny_warehouse))
    assert status == 0 and "Đã hoàn tác lần tải lên số 1" in out
    assert values_of(tiny_warehouse, "99999-03", "2025-12") == {}
    status, _, err = run(capsys, "undo", "1", "--db", str(tiny_warehouse))
    assert status == 1 and "đã được hoàn tác" in err
    status, out, _ = run(capsys, "uploads", "--db", str(tiny_warehouse))
    assert "#1" in out and "đã hoàn tác" in out


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_filled_in_template_is_accepted(tiny_warehouse, tmp_path, capsys, file_format):
    import pandas as pd

    out = tmp_path / f"mau.{file_format}"
    status, _, _ = run(capsys, "template", "monthly", "--commune", "99999", "--period", "2026-01", "--out", str(out),
                       "--db", str(tiny_warehouse))
    assert status == 0
    if file_format == "csv":
        template = pd.read_csv(out, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    else:
        template = pd.read_excel(out, dtype=str, skiprows=2, keep_default_na=False)
    assert template["Mã thôn"].tolist() == ["99999-01", "99999-02", "99999-03"]
    assert template["Kỳ báo cáo"].tolist() == ["01/2026"] * 3
    template["Số hộ đã được Tổ hướng dẫn"] = ["90", "150", "30"]
    template["Ngày báo cáo"] = "10/01/2026"
    filled = tmp_path / "da_dien.csv"
    template.to_csv(filled, index=False)
    status, _, _ = run(capsys, "import", str(filled), "--db", str(tiny_warehouse))
    assert status == 0
    assert values_of(tiny_warehouse, "99999-02", "2026-01") == {"ho_da_huong_dan": 150}


def test_template_for_an_unknown_commune_is_a_usage_error(tiny_warehouse, tmp_path, capsys):
    status, _, err = run(capsys, "template", "monthly", "--commune", "00000", "--out", str(tmp_path / "m.csv"),
                         "--db", str(tiny_warehouse))
    assert status == 2 and "00000" in err


def test_a_dry_run_calls_an_acceptable_file_valid_not_loaded(tiny_warehouse, tmp_path, capsys):
    path = tmp_path / "tot.csv"
    path.write_text(GOOD, encoding="utf-8")
    status, out, _ = run(capsys, "import", str(path), "--db", str(tiny_warehouse), "--dry-run")
    assert status == 0
    assert f"{path}: hợp lệ" in out and "đã nạp" not in out
    assert "chạy thử: chưa ghi gì vào kho" in out

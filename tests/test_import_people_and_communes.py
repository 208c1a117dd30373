"""People keep their identity across roster uploads, and an upload only ever touches its own commune's rows.

The tiny commune 99999 has teams TO-99999-01 (Thôn A, five members TO-99999-01-1 … -5 named "Thành viên TO-99999-01-n"),
-02 (four) and -03 (five). The second commune 88888 is added by the tests that need it.
"""

import pandas as pd
import pytest

from etl import templates
from etl.load import undo
from tests.upload_files import contents, csv_text, upload, values_of
from warehouse import uploads
from warehouse.database import Warehouse
from warehouse.write.communes import replace_communes
from warehouse.write.uploads import UndoRefused

ROSTER_HEADER = ["Mã thôn", "Họ và tên", "Vai trò", "Đơn vị", "Số điện thoại"]
AFFILIATIONS = ["Đoàn Thanh niên", "Trưởng thôn", "Giáo viên", "Hội Nông dân", "Hội LHPN"]
TRAINING_HEADER = ["Mã buổi tập huấn", "Ngày tập huấn", "Chủ đề", "Mã thành viên", "Có mặt"]


def rows(warehouse, sql: str, parameters: list | None = None) -> list[tuple]:
    return Warehouse.open(warehouse).rows(sql, parameters or [])


def thon_a_roster(order: list[int], phones: bool = True) -> list[list[str]]:
    """Thôn A's five members as stored, in the given order of their numbers."""
    return [ROSTER_HEADER] + [
        ["99999-01", f"Thành viên TO-99999-01 {number}", "Tổ trưởng" if number == 1 else "Thành viên",
         AFFILIATIONS[number - 1], f"0912 000 00{number}" if phones else ""]
        for number in order
    ]


def attendance_by_name(warehouse) -> dict[str, list[tuple[str, bool]]]:
    found: dict[str, list[tuple[str, bool]]] = {}
    for name, session, attended in rows(warehouse, (
            "SELECT m.full_name, a.session_code, a.attended FROM training_attendance a "
            "JOIN members m ON m.code = a.member_code ORDER BY ALL")):
        found.setdefault(name, []).append((session, attended))
    return found


def train_thon_a(warehouse) -> None:
    training = [TRAINING_HEADER] + [["TH-01", "06/09/2025", "VNeID", f"TO-99999-01-{number}", "x" if number % 2 else ""]
                                    for number in range(1, 6)]
    assert upload(warehouse, csv_text(training)).status == "accepted"


def test_a_reordered_roster_keeps_every_members_code_and_training_history(tiny_warehouse):
    train_thon_a(tiny_warehouse)
    history = attendance_by_name(tiny_warehouse)
    codes = rows(tiny_warehouse, "SELECT full_name, code FROM members ORDER BY ALL")

    for phones in (True, False):
        outcome = upload(tiny_warehouse, csv_text(thon_a_roster([5, 3, 1, 4, 2], phones=phones)))
        assert outcome.status == "accepted", outcome.errors
        assert rows(tiny_warehouse, "SELECT full_name, code FROM members ORDER BY ALL") == codes
        assert attendance_by_name(tiny_warehouse) == history


def test_a_member_keeps_the_code_when_the_phone_changes_and_newcomers_get_codes_never_used_before(tiny_warehouse):
    roster = thon_a_roster([1, 2, 3, 4, 5])
    roster[2][4] = "0988 123 456"
    roster.append(["99999-01", "Nguyễn Văn Mới", "Thành viên", "Khác", ""])
    first = upload(tiny_warehouse, csv_text(roster))
    assert first.status == "accepted", first.errors
    assert rows(tiny_warehouse, "SELECT code, phone FROM members WHERE full_name = 'Thành viên TO-99999-01 2'") == [
        ("TO-99999-01-2", "0988 123 456")]
    assert rows(tiny_warehouse, "SELECT code FROM members WHERE full_name = 'Nguyễn Văn Mới'") == [("TO-99999-01-6",)]

    undo(Warehouse.open(tiny_warehouse), first.upload_id, "can_bo")
    roster[-1][1] = "Trần Thị Khác"
    upload(tiny_warehouse, csv_text(roster))
    # TO-99999-01-6 belonged to someone else once: never given again.
    assert rows(tiny_warehouse, "SELECT code FROM members WHERE full_name = 'Trần Thị Khác'") == [("TO-99999-01-7",)]


def test_an_ambiguous_match_is_refused_naming_both_rows(tiny_warehouse):
    roster = thon_a_roster([1, 2, 3, 4, 5], phones=False)
    roster.append(["99999-01", "thành viên to-99999-01 3", "Thành viên", "Khác", ""])
    before = contents(tiny_warehouse)
    outcome = upload(tiny_warehouse, csv_text(roster))
    assert [(error.row, error.column, error.key) for error in outcome.errors] == [
        (4, "Họ và tên", "import.error.ambiguous_member"), (7, "Họ và tên", "import.error.ambiguous_member")]
    words = outcome.document()["errors"][0]["message"]
    assert "dòng 4, 7" in words and "TO-99999-01-3" in words and "Mã thành viên" in words
    assert contents(tiny_warehouse) == before
    # A phone or a member code tells them apart.
    roster[-1][4] = "0977 000 111"
    assert upload(tiny_warehouse, csv_text(roster)).status == "accepted"


def test_the_roster_template_carries_member_codes_and_uploaded_as_it_is_changes_no_one(tiny_warehouse):
    frame = templates.template_frame(Warehouse.open(tiny_warehouse), "roster", "99999", None)
    assert frame["Mã thành viên"].tolist()[:2] == ["TO-99999-01-1", "TO-99999-01-2"]
    assert frame.loc[0, "Vai trò"] == "Tổ trưởng" and frame.loc[0, "Đơn vị"] == "Đoàn Thanh niên"
    before = rows(tiny_warehouse, "SELECT * FROM members ORDER BY code")
    # Renaming a member in the file keeps the code the template gave them.
    frame.loc[1, "Họ và tên"] = "Lê Thị Đổi Tên"
    outcome = upload(tiny_warehouse, templates.template_bytes(frame, "Danh sách", "xlsx"), "to.xlsx")
    assert outcome.status == "accepted", outcome.errors
    after = rows(tiny_warehouse, "SELECT * FROM members ORDER BY code")
    assert [row[0] for row in after] == [row[0] for row in before]
    assert after[1][2] == "Lê Thị Đổi Tên"


def test_a_member_code_of_another_villages_team_is_refused(tiny_warehouse):
    roster = [[*ROSTER_HEADER, "Mã thành viên"], ["99999-01", "Ai Đó", "Thành viên", "Khác", "", "TO-99999-02-1"]]
    outcome = upload(tiny_warehouse, csv_text(roster))
    assert [(error.row, error.column, error.key) for error in outcome.errors] == [
        (2, "Mã thành viên", "import.error.member_not_in_village")]


def add_second_commune(warehouse) -> None:
    """Commune 88888 with one village, its team of two and a training session TH-01 loaded by its own staff."""
    replace_communes(Warehouse.open(warehouse), {
        "communes": pd.DataFrame([{"code": "88888", "name": "Xã Bên Cạnh", "province": "P", "is_demo": False}]),
        "villages": pd.DataFrame([{"code": "88888-01", "commune_code": "88888", "name": "Thôn Một",
                                   "households": 90, "population": 300}]),
        "teams": pd.DataFrame([{"code": "TO-88888-01", "village_code": "88888-01", "established_on": None}]),
        "members": pd.DataFrame([{"code": f"TO-88888-01-{n}", "team_code": "TO-88888-01", "full_name": f"Người {n}",
                                  "role": "thanh_vien", "affiliation": "khac", "phone": None} for n in (1, 2)]),
    })
    training = [TRAINING_HEADER, ["TH-01", "10/10/2025", "Thanh toán số", "TO-88888-01-1", "x"],
                ["TH-01", "10/10/2025", "Thanh toán số", "TO-88888-01-2", "x"]]
    assert upload(warehouse, csv_text(training), allowed_communes={"88888"}).status == "accepted"


def test_a_session_code_of_another_commune_neither_replaces_nor_moves_its_session(tiny_warehouse):
    add_second_commune(tiny_warehouse)
    theirs = rows(tiny_warehouse, "SELECT * FROM training_attendance WHERE commune_code = '88888' ORDER BY ALL")

    train_thon_a(tiny_warehouse)  # the same code TH-01, for the other commune's own members
    assert rows(tiny_warehouse, "SELECT commune_code, code, topic FROM training_sessions ORDER BY ALL") == [
        ("88888", "TH-01", "Thanh toán số"), ("99999", "TH-01", "VNeID")]
    assert rows(tiny_warehouse, "SELECT * FROM training_attendance WHERE commune_code = '88888' ORDER BY ALL") == theirs
    # Each commune's staff undo their own upload, whatever the other did since.
    undo(Warehouse.open(tiny_warehouse), 1, "can_bo_88888", allowed_communes={"88888"})
    assert rows(tiny_warehouse, "SELECT commune_code, code FROM training_sessions") == [("99999", "TH-01")]


def test_a_training_file_with_members_of_two_communes_is_refused_and_changes_nothing(tiny_warehouse):
    add_second_commune(tiny_warehouse)
    before = contents(tiny_warehouse)
    mixed = [TRAINING_HEADER, ["TH-02", "11/10/2025", "An toàn thông tin", "TO-99999-01-1", "x"],
             ["TH-02", "11/10/2025", "An toàn thông tin", "TO-88888-01-1", "x"]]
    outcome = upload(tiny_warehouse, csv_text(mixed))
    assert [(error.row, error.column, error.key) for error in outcome.errors] == [
        (3, "Mã thành viên", "import.error.session_of_two_communes")]
    assert "TH-02" in outcome.document()["errors"][0]["message"]
    restricted = upload(tiny_warehouse, csv_text(mixed), allowed_communes={"99999"})
    assert [(error.row, error.key) for error in restricted.errors] == [(3, "import.error.outside_communes")]
    assert contents(tiny_warehouse) == before


def test_an_upload_touching_two_communes_is_in_both_histories_and_only_someone_with_both_may_undo_it(
        tiny_warehouse):
    add_second_commune(tiny_warehouse)
    both = upload(tiny_warehouse, csv_text([["Mã thôn", "Kỳ báo cáo", "Số hộ đã được Tổ hướng dẫn"],
                                            ["99999-03", "12/2025", "30"], ["88888-01", "12/2025", "45"]]))
    assert both.status == "accepted", both.errors
    assert both.upload_id in uploads.upload_history(Warehouse.open(tiny_warehouse), ["99999"])["id"].tolist()
    assert both.upload_id in uploads.upload_history(Warehouse.open(tiny_warehouse), ["88888"])["id"].tolist()
    with pytest.raises(UndoRefused) as refused:
        undo(Warehouse.open(tiny_warehouse), both.upload_id, "can_bo", allowed_communes={"99999"})
    assert "88888" in refused.value.reason
    assert values_of(tiny_warehouse, "88888-01", "2025-12") == {"ho_da_huong_dan": 45}
    undo(Warehouse.open(tiny_warehouse), both.upload_id, "quan_tri")
    assert values_of(tiny_warehouse, "88888-01", "2025-12") == {}


REGISTRY_HEADER = ["Mã xã", "Mã thôn", "Tên thôn", "Số hộ", "Dân số"]


def test_undoing_a_registry_upload_whose_villages_later_reports_use_is_refused_naming_them(tiny_warehouse):
    registry = upload(tiny_warehouse, csv_text([REGISTRY_HEADER, ["99999", "99999-04", "Thôn D", "80", "300"]]))
    report = upload(tiny_warehouse, csv_text([["Mã thôn", "Kỳ báo cáo", "Số hộ đã được Tổ hướng dẫn"],
                                              ["99999-04", "12/2025", "20"]]))
    before = contents(tiny_warehouse)
    with pytest.raises(UndoRefused) as refused:
        undo(Warehouse.open(tiny_warehouse), registry.upload_id, "can_bo")
    assert f"lần {report.upload_id}" in refused.value.reason and "99999-04" in refused.value.reason
    assert contents(tiny_warehouse) == before
    undo(Warehouse.open(tiny_warehouse), report.upload_id, "can_bo")
    undo(Warehouse.open(tiny_warehouse), registry.upload_id, "can_bo")
    assert rows(tiny_warehouse, "SELECT count(*) FROM villages WHERE code = '99999-04'") == [(0,)]


def test_undoing_a_registry_upload_that_would_leave_reports_above_households_is_refused(tiny_warehouse):
    # Thôn C grows to 120 households, then reports 100 guided: the old 50 households cannot come back under them.
    registry = upload(tiny_warehouse, csv_text([REGISTRY_HEADER, ["99999", "99999-03", "Thôn C", "120", "170"]]))
    upload(tiny_warehouse, csv_text([["Mã thôn", "Kỳ báo cáo", "Số hộ đã được Tổ hướng dẫn"],
                                     ["99999-03", "12/2025", "100"]]))
    with pytest.raises(UndoRefused) as refused:
        undo(Warehouse.open(tiny_warehouse), registry.upload_id, "can_bo")
    assert "99999-03" in refused.value.reason and "Tháng 12/2025" in refused.value.reason

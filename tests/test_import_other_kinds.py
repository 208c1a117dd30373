"""Training attendance, team rosters and the village registry load, refuse and undo the same way as reports."""

from etl import schema
from etl.load import undo
from etl.validate import PARSERS
from tests.upload_files import contents, csv_text, upload, xlsx
from warehouse.database import Warehouse


def rows(warehouse, sql: str) -> list[tuple]:
    return Warehouse.open(warehouse).rows(sql)


ROSTER = [["Mã thôn", "Họ và tên", "Vai trò", "Đơn vị", "Số điện thoại", "Ngày thành lập tổ"],
          ["Thôn B", "Trần Văn Hùng", "Tổ trưởng", "Đoàn Thanh niên", "0912 111 222", "25/08/2025"],
          ["Thôn B", "Lê Thị Mai", "Tổ phó", "Hội LHPN", "", ""],
          ["Thôn B", "Phạm Văn Nam", "thành viên", "Trưởng thôn", "", ""],
          ["Thôn B", "Vũ Thị Lan", "Thành viên", "giáo viên", "", ""],
          ["Thôn B", "Đỗ Văn An", "Thành viên", "Hội Nông dân", "", ""]]


def test_a_roster_replaces_the_villages_team_members_and_undo_restores_them(tiny_warehouse):
    before = contents(tiny_warehouse)
    outcome = upload(tiny_warehouse, csv_text(ROSTER), "to_thon_b.csv")
    assert (outcome.status, outcome.kind, outcome.rows) == ("accepted", "roster", 5), outcome.errors
    members = rows(tiny_warehouse, "SELECT code, full_name, role, affiliation FROM members "
                                   "WHERE team_code = 'TO-99999-02' ORDER BY code")
    # None of them is one of the four stored members: five newcomers, numbered after the team's last code.
    assert members[0] == ("TO-99999-02-5", "Trần Văn Hùng", "to_truong", "doan_thanh_nien")
    assert [member[3] for member in members] == ["doan_thanh_nien", "hoi_phu_nu", "truong_thon", "giao_vien",
                                                 "hoi_nong_dan"]
    assert rows(tiny_warehouse, "SELECT count(*) FROM members WHERE team_code = 'TO-99999-01'") == [(5,)]
    undo(Warehouse.open(tiny_warehouse), outcome.upload_id, "can_bo")
    after = contents(tiny_warehouse)
    assert after["members"] == before["members"] and after["teams"] == before["teams"]


def test_a_roster_with_an_unknown_role_is_refused_at_its_row_and_column(tiny_warehouse):
    before = contents(tiny_warehouse)
    bad = [*ROSTER[:2], ["Thôn B", "Lê Thị Mai", "Bí thư", "Hội LHPN", "", ""]]
    outcome = upload(tiny_warehouse, csv_text(bad))
    assert [(error.row, error.column, error.key) for error in outcome.errors] == [(3, "Vai trò", "import.error.choice")]
    assert "Tổ trưởng, Tổ phó, Thành viên" in outcome.document()["errors"][0]["message"]
    assert contents(tiny_warehouse) == before


TRAINING = [["Mã buổi tập huấn", "Ngày tập huấn", "Chủ đề", "Địa điểm", "Mã thành viên", "Có mặt"],
            ["99999-TH-01", "06/09/2025", "Kích hoạt VNeID mức 2", "Hội trường UBND xã", "TO-99999-01-1", "x"],
            ["99999-TH-01", "06/09/2025", "Kích hoạt VNeID mức 2", "Hội trường UBND xã", "TO-99999-01-2", ""],
            ["99999-TH-01", "06/09/2025", "Kích hoạt VNeID mức 2", "Hội trường UBND xã", "TO-99999-02-1", "Có"]]


def test_training_attendance_is_loaded_and_undone(tiny_warehouse):
    outcome = upload(tiny_warehouse, xlsx([["DANH SÁCH ĐIỂM DANH TẬP HUẤN"], *TRAINING]), "tap_huan.xlsx")
    assert (outcome.status, outcome.kind, outcome.rows) == ("accepted", "training", 3), outcome.errors
    assert rows(tiny_warehouse, "SELECT code, commune_code, held_on, topic FROM training_sessions")[0][:2] == (
        "99999-TH-01", "99999")
    assert rows(tiny_warehouse, "SELECT member_code, attended FROM training_attendance ORDER BY member_code") == [
        ("TO-99999-01-1", True), ("TO-99999-01-2", False), ("TO-99999-02-1", True)]
    undo(Warehouse.open(tiny_warehouse), outcome.upload_id, "can_bo")
    assert rows(tiny_warehouse, "SELECT count(*) FROM training_attendance") == [(0,)]
    assert rows(tiny_warehouse, "SELECT count(*) FROM training_sessions") == [(0,)]


def test_training_with_an_unknown_member_or_a_repeated_member_is_refused(tiny_warehouse):
    bad = [*TRAINING, ["99999-TH-01", "06/09/2025", "Kích hoạt VNeID mức 2", "", "TO-99999-09-9", "x"],
           ["99999-TH-01", "06/09/2025", "Kích hoạt VNeID mức 2", "", "TO-99999-01-1", "x"]]
    outcome = upload(tiny_warehouse, csv_text(bad))
    assert [(error.row, error.column, error.key) for error in outcome.errors] == [
        (5, "Mã thành viên", "import.error.unknown_member"), (6, "Mã buổi tập huấn", "import.error.duplicate")]


REGISTRY = [["Mã xã", "Tên xã", "Mã thôn", "Tên thôn", "Số hộ", "Dân số"],
            ["77777", "Xã Mới", "77777-01", "Thôn Đông", "320", "1.150"],
            ["77777", "Xã Mới", "77777-02", "Thôn Tây", "1.200", "4.300"],
            ["99999", "", "99999-01", "Thôn A", "110", "400"]]


def test_the_village_registry_adds_a_commune_updates_households_and_undo_restores_them(tiny_warehouse):
    before = contents(tiny_warehouse)
    outcome = upload(tiny_warehouse, csv_text(REGISTRY, ";"), "danh_muc.csv")
    assert (outcome.status, outcome.kind, outcome.rows) == ("accepted", "villages", 3), outcome.errors
    assert [warning.key for warning in outcome.warnings] == ["import.warning.new_commune"]
    assert rows(tiny_warehouse, "SELECT code, name FROM communes WHERE code = '77777'") == [("77777", "Xã Mới")]
    assert rows(tiny_warehouse, "SELECT households, population FROM villages WHERE code IN ('77777-02', '99999-01') "
                                "ORDER BY code") == [(1200, 4300), (110, 400)]
    undo(Warehouse.open(tiny_warehouse), outcome.upload_id, "can_bo")
    after = contents(tiny_warehouse)
    assert after["villages"] == before["villages"] and after["communes"] == before["communes"]


def test_a_registry_with_no_households_or_another_communes_villages_is_refused(tiny_warehouse):
    before = contents(tiny_warehouse)
    outcome = upload(tiny_warehouse, csv_text([*REGISTRY[:2], ["77777", "Xã Mới", "77777-02", "Thôn Tây", "0", ""]]),
                     allowed_communes={"77777"})
    assert [(error.row, error.column, error.key) for error in outcome.errors] == [
        (3, "Số hộ", "import.error.positive_count")]
    outside = upload(tiny_warehouse, csv_text(REGISTRY), allowed_communes={"77777"})
    assert [(error.row, error.column, error.key) for error in outside.errors] == [
        (4, "Mã thôn", "import.error.outside_communes"), (4, "Mã xã", "import.error.outside_communes")]
    # Nor may a row claim another commune's village for one's own commune.
    moved = upload(tiny_warehouse, csv_text([REGISTRY[0], ["77777", "Xã Mới", "99999-01", "Thôn A", "100", "380"]]),
                   allowed_communes={"77777"})
    assert [(error.row, error.column) for error in moved.errors] == [(2, "Mã thôn")]
    assert contents(tiny_warehouse) == before


def test_the_kind_can_be_forced_and_a_file_of_another_kind_is_then_refused(tiny_warehouse):
    outcome = upload(tiny_warehouse, csv_text(REGISTRY), kind="monthly")
    assert outcome.status == "refused"
    assert {error.key for error in outcome.errors} == {"import.error.missing_column"}


def test_roster_and_training_files_of_another_commune_are_refused_for_a_restricted_user(tiny_warehouse):
    before = contents(tiny_warehouse)
    roster = upload(tiny_warehouse, csv_text(ROSTER), allowed_communes={"10999"})
    training = upload(tiny_warehouse, csv_text(TRAINING), allowed_communes={"10999"})
    assert [(error.row, error.column) for error in roster.errors] == [(row, "Mã thôn") for row in range(2, 7)]
    assert [(error.row, error.column) for error in training.errors] == [(row, "Mã thành viên") for row in (2, 3, 4)]
    assert "xã 99999" in training.document()["errors"][0]["message"]
    assert contents(tiny_warehouse) == before


def test_the_registry_template_uploaded_as_downloaded_changes_no_figure(tiny_warehouse):
    from etl import templates

    con = Warehouse.open(tiny_warehouse)
    frame = templates.template_frame(con, "villages", "99999", None)
    data = templates.template_bytes(frame, templates.template_title("villages", "Xã Thử Nghiệm", None), "xlsx")
    before = rows(tiny_warehouse, "SELECT * FROM villages ORDER BY code")
    outcome = upload(tiny_warehouse, data, "danh_muc.xlsx")
    assert (outcome.status, outcome.kind, outcome.rows) == ("accepted", "villages", 3), outcome.errors
    assert rows(tiny_warehouse, "SELECT * FROM villages ORDER BY code") == before


def test_every_value_type_a_column_declares_has_a_parser():
    declared = {column.value_type for kind in schema.kinds().values() for column in kind.columns}
    assert declared <= set(PARSERS)

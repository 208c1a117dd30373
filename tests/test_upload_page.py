"""The upload page (Tải dữ liệu lên): templates, a checked preview with errors at their row and column, confirm,
history and undo, as a member of staff sees them."""

from streamlit.testing.v1 import AppTest

from tests import signin, tiny_commune
from tests.conftest import ROOT
from tests.upload_files import MONTHLY_HEADER, csv_text, values_of
from warehouse.database import Warehouse
from warehouse.write.communes import replace_communes

DASHBOARD = str(ROOT / "dashboard.py")
GOOD = csv_text([MONTHLY_HEADER, ["99999-03", "12/2025", "11/12/2025", "40", "", "", ""],
                 ["Thôn B", "12/2025", "12/12/2025", "150", "", "", ""]]).encode()
BAD = csv_text([MONTHLY_HEADER, ["Thôn Cc", "12/2025", "11/12/2025", "40", "", "", ""],
                ["Thôn B", "12/2025", "12/12/2025", "250", "", "", ""]]).encode()


def open_upload_page(warehouse, monkeypatch, communes=(tiny_commune.CODE,)) -> AppTest:
    """The upload page as a signed-in member of staff of `communes`."""
    signin.use_cheap_hashing(monkeypatch)
    signin.add_account(warehouse, "can-bo", "staff", list(communes))
    app = signin.sign_in(signin.open_app(warehouse, monkeypatch, CDS_PUBLIC_VIEW="1"), "can-bo")
    app.switch_page("pages/upload.py")
    return app.run()


def choose_file(app: AppTest, name: str, data: bytes) -> AppTest:
    app.file_uploader[0].set_value((name, data, "text/csv"))
    return app.run()


def button(app: AppTest, label: str):
    return next(found for found in app.button if found.label == label)


def test_the_page_offers_templates_and_explains_an_empty_history(tiny_warehouse, monkeypatch):
    app = open_upload_page(tiny_warehouse, monkeypatch)
    assert not app.exception
    assert app.title[0].value == "Tải dữ liệu lên"
    labels = [found.proto.label for found in app.get("download_button")]
    assert labels == ["Tải mẫu Excel", "Tải mẫu CSV"]
    assert "chưa có lần tải lên nào" in app.info[0].value


def test_a_bad_file_shows_each_error_at_its_row_and_column_and_offers_no_confirm(tiny_warehouse, monkeypatch):
    app = choose_file(open_upload_page(tiny_warehouse, monkeypatch), "loi.csv", BAD)
    assert not app.exception
    assert "Tệp loi.csv chưa nạp được: có 2 lỗi" in app.error[0].value
    problems = app.dataframe[0].value
    assert problems[["Dòng", "Cột"]].values.tolist() == [[2, "Mã thôn"], [3, "Số hộ đã được Tổ hướng dẫn"]]
    assert "Có phải ý bạn là Thôn C?" in problems["Cần sửa gì"].iloc[0]
    assert "Giá trị 250 lớn hơn số hộ của thôn (200 hộ)." == problems["Cần sửa gì"].iloc[1]
    assert not [found for found in app.button if found.label == "Xác nhận nạp dữ liệu"]
    assert values_of(tiny_warehouse, "99999-03", "2025-12") == {}


def test_a_good_file_is_previewed_then_loaded_on_confirm_and_can_be_undone(tiny_warehouse, monkeypatch):
    app = choose_file(open_upload_page(tiny_warehouse, monkeypatch), "thang12.csv", GOOD)
    assert not app.exception
    assert "Tệp thang12.csv hợp lệ: Báo cáo tháng, 2 dòng" in app.success[0].value
    assert values_of(tiny_warehouse, "99999-03", "2025-12") == {}, "the preview must not load anything"

    button(app, "Xác nhận nạp dữ liệu").click()
    app.run()
    assert not app.exception
    assert values_of(tiny_warehouse, "99999-03", "2025-12") == {"ho_da_huong_dan": 40}
    assert any("Đã nạp tệp thang12.csv: 2 dòng (lần tải lên số 1)" in found.value for found in app.success)
    history = app.dataframe[-1].value
    assert history[["Số", "Tệp", "Số dòng", "Trạng thái"]].values.tolist() == [[1, "thang12.csv", "2", "đã nạp"]]

    button(app, "Hoàn tác").click()
    app.run()
    # Undo asks first, showing what it takes out (this upload's report and figures) and puts back (nothing).
    assert "Hoàn tác lần tải lên số 1 (thang12.csv)?" in app.warning[0].value
    asked = app.dataframe[-2].value
    assert asked.values.tolist() == [["Báo cáo tháng của thôn", "2", "0"], ["Số liệu chỉ tiêu", "2", "0"]]
    assert values_of(tiny_warehouse, "99999-03", "2025-12") == {"ho_da_huong_dan": 40}, "nothing undone yet"
    button(app, "Xác nhận hoàn tác").click()
    app.run()
    assert not app.exception
    assert values_of(tiny_warehouse, "99999-03", "2025-12") == {}
    assert any("Đã hoàn tác lần tải lên số 1" in found.value for found in app.success)
    assert app.dataframe[-1].value["Trạng thái"].tolist() == ["đã hoàn tác"]


def test_undoing_a_correction_says_it_takes_out_and_puts_back_the_one_figure_it_changed(tiny_warehouse, monkeypatch):
    correction = csv_text([MONTHLY_HEADER, ["99999-01", "12/2025", "15/12/2025", "88", "70", "3",
                                            "Đã hướng dẫn tại nhà văn hóa"]]).encode()
    app = choose_file(open_upload_page(tiny_warehouse, monkeypatch), "sua_thang12.csv", correction)
    button(app, "Xác nhận nạp dữ liệu").click()
    app.run()
    assert values_of(tiny_warehouse, "99999-01", "2025-12")["ho_da_huong_dan"] == 88

    button(app, "Hoàn tác").click()
    app.run()
    assert app.dataframe[-2].value.values.tolist() == [["Báo cáo tháng của thôn", "0", "0"],
                                                       ["Số liệu chỉ tiêu", "1", "1"]]
    button(app, "Xác nhận hoàn tác").click()
    app.run()
    assert not app.exception
    assert values_of(tiny_warehouse, "99999-01", "2025-12") == {
        "ho_da_huong_dan": 85, "ho_vneid": 70, "ho_dvc_truc_tuyen": 50, "ho_ung_dung_chinh_quyen": 30,
        "luot_tuyen_truyen": 3}


def test_the_upload_page_speaks_english_on_request(tiny_warehouse, monkeypatch):
    app = choose_file(open_upload_page(tiny_warehouse, monkeypatch), "bad.csv", BAD)
    app.sidebar.segmented_control[0].set_value("en").run()
    assert not app.exception
    assert app.title[0].value == "Upload data"
    assert "Did you mean Thôn C?" in app.dataframe[0].value["What to fix"].iloc[0]


def test_a_staff_member_of_another_commune_is_refused_by_the_import_and_nothing_changes(tiny_warehouse, monkeypatch):
    from etl import demo

    replace_communes(Warehouse.open(tiny_warehouse), demo.generate())
    app = choose_file(open_upload_page(tiny_warehouse, monkeypatch, communes=[demo.COMMUNE_CODE]), "thang12.csv", GOOD)
    assert not app.exception
    assert "chưa nạp được" in app.error[0].value
    assert not [found for found in app.button if found.label == "Xác nhận nạp dữ liệu"]
    assert values_of(tiny_warehouse, "99999-03", "2025-12") == {}


def test_uploads_and_undos_are_written_to_the_audit_log(tiny_warehouse, monkeypatch):

    app = choose_file(open_upload_page(tiny_warehouse, monkeypatch), "thang12.csv", GOOD)
    button(app, "Xác nhận nạp dữ liệu").click()
    app.run()
    button(app, "Hoàn tác").click()
    app.run()
    button(app, "Xác nhận hoàn tác").click()
    app.run()
    audit = Warehouse.open(tiny_warehouse).rows(
        "SELECT username, action, detail FROM audit_log WHERE action IN ('upload', 'undo') ORDER BY happened_at"
    )
    assert audit == [("can-bo", "upload", "#1 thang12.csv"), ("can-bo", "undo", "#1")]


def test_a_viewer_cannot_reach_the_upload_page_and_the_page_itself_refuses_one(tiny_warehouse, monkeypatch):
    signin.use_cheap_hashing(monkeypatch)
    signin.add_account(tiny_warehouse, "lanh-dao", "viewer", [tiny_commune.CODE])
    app = signin.sign_in(signin.open_app(tiny_warehouse, monkeypatch), "lanh-dao")
    assert not signin.may_open(app, "pages/upload.py")

    # The page's own check, for a session that reaches its script some other way.
    page = AppTest.from_file(str(ROOT / "pages" / "upload.py"), default_timeout=60)
    page.session_state["role"] = "viewer"
    page.session_state["username"] = "lanh-dao"
    page.run()
    assert not page.exception
    assert not page.file_uploader
    assert "Bạn không có quyền mở trang này" in page.error[0].value


def test_templates_can_be_made_for_every_month_already_reported_however_old(tiny_warehouse, monkeypatch):
    app = open_upload_page(tiny_warehouse, monkeypatch)
    months = app.selectbox(key="ky_mau.vi").options
    # The fixture reported November 2025: more than a year before the page's usual window ends, still offered.
    assert "Tháng 11/2025" in months and "Tháng 12/2025" in months
    assert months.index("Tháng 12/2025") < months.index("Tháng 11/2025")


def test_a_correction_shows_each_changed_figure_and_lowering_waits_for_the_confirmation(tiny_warehouse, monkeypatch):
    correction = csv_text([["Mã thôn", "Kỳ báo cáo", "Số hộ đã được Tổ hướng dẫn", "ho_vneid"],
                           ["99999-01", "12/2025", "80", "75"]]).encode()
    app = choose_file(open_upload_page(tiny_warehouse, monkeypatch), "sua_thang_12.csv", correction)
    assert not app.exception
    assert any("1 ô tăng, 1 ô giảm, 0 ô bị xóa" in found.value for found in app.markdown)
    changed = app.dataframe[0].value
    assert changed.values.tolist() == [
        [2, "Thôn A", "Tháng 12/2025", "Số hộ đã được Tổ hướng dẫn", "85", "80", "giảm"],
        [2, "Thôn A", "Tháng 12/2025", "ho_vneid", "70", "75", "tăng"]]
    assert "giảm 1 và xóa 0 số liệu đã lưu" in app.warning[0].value
    assert button(app, "Xác nhận nạp dữ liệu").disabled

    app.checkbox(key="confirm_lower").check().run()
    assert not button(app, "Xác nhận nạp dữ liệu").disabled
    button(app, "Xác nhận nạp dữ liệu").click()
    app.run()
    assert not app.exception
    assert values_of(tiny_warehouse, "99999-01", "2025-12")["ho_da_huong_dan"] == 80


def test_a_correction_that_only_raises_figures_is_loaded_without_the_extra_confirmation(tiny_warehouse, monkeypatch):
    correction = csv_text([["Mã thôn", "Kỳ báo cáo", "Số hộ đã được Tổ hướng dẫn"],
                           ["99999-01", "12/2025", "90"]]).encode()
    app = choose_file(open_upload_page(tiny_warehouse, monkeypatch), "sua_thang_12.csv", correction)
    assert not app.checkbox and not app.warning
    button(app, "Xác nhận nạp dữ liệu").click()
    app.run()
    assert values_of(tiny_warehouse, "99999-01", "2025-12")["ho_da_huong_dan"] == 90


def test_templates_are_offered_up_to_the_current_month_which_the_import_accepts(tiny_warehouse, monkeypatch):
    from datetime import date

    import i18n

    app = open_upload_page(tiny_warehouse, monkeypatch)
    # A later month would be refused by the import: its template is not offered.
    assert app.selectbox(key="ky_mau.vi").options[0] == i18n.period_label(date.today().strftime("%Y-%m"))


def test_undo_can_be_called_off_and_then_nothing_changes(tiny_warehouse, monkeypatch):
    app = choose_file(open_upload_page(tiny_warehouse, monkeypatch), "thang12.csv", GOOD)
    button(app, "Xác nhận nạp dữ liệu").click()
    app.run()
    button(app, "Hoàn tác").click()
    app.run()
    button(app, "Không hoàn tác").click()
    app.run()
    assert not app.exception
    assert values_of(tiny_warehouse, "99999-03", "2025-12") == {"ho_da_huong_dan": 40}
    assert not app.warning and not [found for found in app.button if found.label == "Xác nhận hoàn tác"]
    assert app.dataframe[-1].value["Trạng thái"].tolist() == ["đã nạp"]

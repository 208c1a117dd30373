"""A hand-made commune for the analysis pages, with answers worked out by hand.

Households: Đông 100, Tây 200, Nam 50, Bắc 80 (430). `ho_da_huong_dan` by month (Sep, Oct, Nov 2025):
  Đông 30, 50, 70 → projected to December 90 (90%), on track;
  Tây 40, 60, 80 → 100 (50%), at risk;
  Nam 10, –, 12 → line through (Sep 10, Nov 12) gives 13 (26%), at risk;
  Bắc never reports → 0, at risk.
Commune: Sep 80/430 = 18,6%, Oct 110/430 = 25,6%, Nov 162/430 = 37,7%; Q3 18,6% → Q4 37,7%.
September closes Q3 (deadline 15/9): Đông dated 14/9 on time, Tây 15/9 on time, Nam 16/9 late, Bắc missing.
October: Đông and Tây received (2/4); November: Đông, Tây, Nam received (3/4).
Digital government in November: Đông VNeID 60%, online services 40%, e-government app 20% (mean 40%);
Tây VNeID 50% only (mean 50%).
Training: session 1 (6/9) 4 of 7 members attended (57,1%), session 2 (10/10) 3 of 7 (42,9%).
Teams: Đông 3 of 6 possible attendances (50%), Tây 2/4 (50%), Nam 2/2 (100%), Bắc 0/2 (0%).
Never trained: Lê Văn Cường (Đông) and Phạm Văn Dũng (Bắc). Teams without a Youth Union member: Tây, Bắc.
"""

from datetime import date

import pandas as pd

CODE = "88888"
NAME = "Xã Phân Tích"
DONG, TAY, NAM, BAC = (f"{CODE}-0{n}" for n in (1, 2, 3, 4))
# A note that a spreadsheet would run as a formula, to check that exports neutralise it.
FORMULA_NOTE = "=1+1 cần kiểm tra"


def _team(village: str) -> str:
    return f"TO-{village}"


def _member(village: str, number: int, name: str, role: str, affiliation: str, phone: str | None) -> dict:
    return {"code": f"M-{village}-{number}", "team_code": _team(village), "full_name": name, "role": role,
            "affiliation": affiliation, "phone": phone}


def _report(village: str, period: str, reported_on: date, values: dict[str, int], note: str | None = None):
    report = {"village_code": village, "period": period, "reported_on": reported_on, "note": note}
    rows = [{"village_code": village, "period": period, "indicator_code": code, "value": value}
            for code, value in values.items()]
    return report, rows


def tables() -> dict[str, pd.DataFrame]:
    villages = [(DONG, "Thôn Đông", 100), (TAY, "Thôn Tây", 200), (NAM, "Thôn Nam", 50), (BAC, "Thôn Bắc", 80)]
    members = [
        _member(DONG, 1, "Nguyễn Văn An", "to_truong", "doan_thanh_nien", "0912 345 601"),
        _member(DONG, 2, "Trần Thị Bình", "thanh_vien", "giao_vien", "0912345602"),
        _member(DONG, 3, "Lê Văn Cường", "thanh_vien", "khac", None),
        _member(TAY, 1, "Hoàng Văn Đức", "to_truong", "truong_thon", "0987 654 321"),
        _member(TAY, 2, "Vũ Thị Hoa", "thanh_vien", "hoi_nong_dan", "0987 654 322"),
        _member(NAM, 1, "Đỗ Minh Khôi", "to_truong", "doan_thanh_nien", "0905 111 222"),
        _member(BAC, 1, "Phạm Văn Dũng", "to_truong", "khac", "0906 333 444"),
    ]
    reports = [
        _report(DONG, "2025-09", date(2025, 9, 14), {"ho_da_huong_dan": 30, "ho_vneid": 20}),
        _report(DONG, "2025-10", date(2025, 10, 12), {"ho_da_huong_dan": 50, "ho_vneid": 40}),
        _report(DONG, "2025-11", date(2025, 11, 10),
                {"ho_da_huong_dan": 70, "ho_vneid": 60, "ho_dvc_truc_tuyen": 40, "ho_ung_dung_chinh_quyen": 20,
                 "ho_tmdt": 10, "ho_nhom_zalo": 50}, note="Họp dân tại nhà văn hóa thôn"),
        _report(TAY, "2025-09", date(2025, 9, 15), {"ho_da_huong_dan": 40}, note=FORMULA_NOTE),
        _report(TAY, "2025-10", date(2025, 10, 20), {"ho_da_huong_dan": 60}),
        _report(TAY, "2025-11", date(2025, 11, 25), {"ho_da_huong_dan": 80, "ho_vneid": 100, "ho_tmdt": 20}),
        _report(NAM, "2025-09", date(2025, 9, 16), {"ho_da_huong_dan": 10}),
        _report(NAM, "2025-11", date(2025, 11, 8), {"ho_da_huong_dan": 12}),
    ]
    attended = {
        "S1": {f"M-{DONG}-1": True, f"M-{DONG}-2": True, f"M-{DONG}-3": False, f"M-{TAY}-1": True,
               f"M-{NAM}-1": True},
        "S2": {f"M-{DONG}-1": True, f"M-{TAY}-2": True, f"M-{NAM}-1": True},
    }
    return {
        "communes": pd.DataFrame([{"code": CODE, "name": NAME, "province": "Thành phố Hải Phòng", "is_demo": False}]),
        "villages": pd.DataFrame([
            {"code": code, "commune_code": CODE, "name": name, "households": households, "population": households * 4}
            for code, name, households in villages
        ]),
        "teams": pd.DataFrame([
            {"code": _team(code), "village_code": code, "established_on": date(2025, 8, 25)} for code, _, _ in villages
        ]),
        "members": pd.DataFrame(members),
        "reports": pd.DataFrame([report for report, _ in reports]),
        "report_values": pd.DataFrame([row for _, rows in reports for row in rows]),
        "training_sessions": pd.DataFrame([
            {"code": f"{CODE}-S1", "commune_code": CODE, "held_on": date(2025, 9, 6),
             "topic": "Kích hoạt VNeID mức 2", "organiser": "UBND xã", "place": "Hội trường UBND xã"},
            {"code": f"{CODE}-S2", "commune_code": CODE, "held_on": date(2025, 10, 10),
             "topic": "Dịch vụ công trực tuyến", "organiser": "Phòng Văn hóa – Xã hội",
             "place": "Nhà văn hóa thôn Đông"},
        ]),
        "training_attendance": pd.DataFrame([
            {"commune_code": CODE, "session_code": f"{CODE}-{session}", "member_code": member, "attended": present}
            for session, members_present in attended.items() for member, present in members_present.items()
        ]),
    }

"""A hand-made commune with answers worked out by hand, for tests of queries and pages.

Village A (100 households): reports Nov (60 guided) and Dec (85 guided, on 15/12: on time); 5 members.
Village B (200 households): reports Nov only (90 guided, on 20/11); a team of 4.
Village C (50 households): never reports; 5 members, none from the Youth Union.
"""

from datetime import date

import pandas as pd

CODE = "99999"
NAME = "Xã Thử Nghiệm"


def _members(team: str, affiliations: list[str]) -> list[dict]:
    return [
        {"code": f"{team}-{number}", "team_code": team, "full_name": f"Thành viên {team} {number}",
         "role": "to_truong" if number == 1 else "thanh_vien", "affiliation": affiliation,
         "phone": f"0912 000 00{number}"}
        for number, affiliation in enumerate(affiliations, start=1)
    ]


def _values(village: str, period: str, values: dict[str, int]) -> list[dict]:
    return [{"village_code": village, "period": period, "indicator_code": code, "value": value}
            for code, value in values.items()]


def tables() -> dict[str, pd.DataFrame]:
    five = ["doan_thanh_nien", "truong_thon", "giao_vien", "hoi_nong_dan", "hoi_phu_nu"]
    return {
        "communes": pd.DataFrame([{"code": CODE, "name": NAME, "province": "Thành phố Hải Phòng", "is_demo": False}]),
        "villages": pd.DataFrame([
            {"code": f"{CODE}-01", "commune_code": CODE, "name": "Thôn A", "households": 100, "population": 380},
            {"code": f"{CODE}-02", "commune_code": CODE, "name": "Thôn B", "households": 200, "population": 700},
            {"code": f"{CODE}-03", "commune_code": CODE, "name": "Thôn C", "households": 50, "population": 170},
        ]),
        "teams": pd.DataFrame([
            {"code": f"TO-{CODE}-0{n}", "village_code": f"{CODE}-0{n}", "established_on": date(2025, 8, 25)}
            for n in (1, 2, 3)
        ]),
        "members": pd.DataFrame(
            _members(f"TO-{CODE}-01", five) + _members(f"TO-{CODE}-02", five[:4])
            + _members(f"TO-{CODE}-03", ["khac", "truong_thon", "giao_vien", "hoi_nong_dan", "hoi_phu_nu"])
        ),
        "reports": pd.DataFrame([
            {"village_code": f"{CODE}-01", "period": "2025-11", "reported_on": date(2025, 11, 10), "note": None},
            {"village_code": f"{CODE}-01", "period": "2025-12", "reported_on": date(2025, 12, 15),
             "note": "Đã hướng dẫn tại nhà văn hóa"},
            {"village_code": f"{CODE}-02", "period": "2025-11", "reported_on": date(2025, 11, 20), "note": None},
        ]),
        "report_values": pd.DataFrame(
            _values(f"{CODE}-01", "2025-11", {"ho_da_huong_dan": 60, "ho_vneid": 40, "luot_tuyen_truyen": 2})
            + _values(f"{CODE}-01", "2025-12", {"ho_da_huong_dan": 85, "ho_vneid": 70, "ho_dvc_truc_tuyen": 50,
                                                "ho_ung_dung_chinh_quyen": 30, "luot_tuyen_truyen": 3})
            + _values(f"{CODE}-02", "2025-11", {"ho_da_huong_dan": 90, "ho_vneid": 80, "luot_tuyen_truyen": 4})
        ),
    }

"""A hand-made city (province 77) of five communes, with answers worked out by hand, for the city view's tests.

Households guided (`ho_da_huong_dan`), November → December 2025; the quarterly report is the December report, due
15/12/2025:
- Phường Ánh Sáng (phường): A1 100 households 60 → 90, A2 100 households 50 → 80, both reported on 10/12 (on time).
  December 170/200 = 85 %, both villages meet 80 %. VNeID in December 80 + 60 = 140/200: digital government
  (VNeID, online services, e-government app) = (70 % + 0 + 0) / 3 = 23,3 %. 10 members; one training session,
  8 of 10 attended (80 %).
- Phường Chợ Mới (phường): E1 100 households 50 → 60, reported on 15/12 (on time). December 60 %.
- Xã Bình Yên (xã): B1 100 households 40 → 50 (reported 20/12: late), B2 100 households 20 → 30 (14/12: on time),
  B3 200 households 100 → no December report (missing). December 80/400 = 20 %; 2025-Q4 (each village's latest
  month) 180/400 = 45 %; its quarterly report is late. 5 members (B1's team), no training session.
- Đặc khu Cồn Cỏ (đặc khu): one village C1 of 50 households that never reports: no data, report missing.
- Xã Đông Hải (xã): registered, no village: no data, report missing.

December: ranks Ánh Sáng 1/5, Chợ Mới 2/5, Bình Yên 3/5; median of 85 %, 60 %, 20 % = 60 %. City 310 guided of
750 households (41,3 %); 1 commune meets 80 %; 2 have not reported (Cồn Cỏ, Đông Hải).
November: city 320/750; Ánh Sáng 55 % and Chợ Mới 50 % under the target, Bình Yên 40 % under half, 2 no data.
Projection to 31/12/2025: Ánh Sáng 85 % (on track), Chợ Mới 60 %, Bình Yên 45 % (B3 keeps its November 100),
Cồn Cỏ 0 % — the last three at risk, lowest first: Cồn Cỏ, Bình Yên, Chợ Mới.
"""

from datetime import date

import pandas as pd

PROVINCE = "77"
ANH_SANG, CHO_MOI, BINH_YEN, CON_CO, DONG_HAI = "77001", "77002", "77003", "77004", "77005"
NAMES = {
    ANH_SANG: "Phường Ánh Sáng", CHO_MOI: "Phường Chợ Mới", BINH_YEN: "Xã Bình Yên",
    CON_CO: "Đặc khu Cồn Cỏ", DONG_HAI: "Xã Đông Hải",
}
TYPES = {ANH_SANG: "phuong", CHO_MOI: "phuong", BINH_YEN: "xa", CON_CO: "dac_khu", DONG_HAI: "xa"}
VILLAGES = [  # code, commune, households
    ("A1", ANH_SANG, 100), ("A2", ANH_SANG, 100), ("E1", CHO_MOI, 100),
    ("B1", BINH_YEN, 100), ("B2", BINH_YEN, 100), ("B3", BINH_YEN, 200), ("C1", CON_CO, 50),
]
REPORTS = [  # village, period, reported on, households guided, VNeID
    ("A1", "2025-11", date(2025, 11, 10), 60, 40), ("A1", "2025-12", date(2025, 12, 10), 90, 80),
    ("A2", "2025-11", date(2025, 11, 10), 50, 30), ("A2", "2025-12", date(2025, 12, 10), 80, 60),
    ("E1", "2025-11", date(2025, 11, 12), 50, 20), ("E1", "2025-12", date(2025, 12, 15), 60, 30),
    ("B1", "2025-11", date(2025, 11, 12), 40, 10), ("B1", "2025-12", date(2025, 12, 20), 50, 20),
    ("B2", "2025-11", date(2025, 11, 12), 20, 10), ("B2", "2025-12", date(2025, 12, 14), 30, 10),
    ("B3", "2025-11", date(2025, 11, 12), 100, 50),
]
AFTER_DEADLINE = date(2026, 1, 10)


def _members(team: str, count: int) -> list[dict]:
    return [{"code": f"{team}-{n}", "team_code": team, "full_name": f"Thành viên {team} {n}",
             "role": "to_truong" if n == 1 else "thanh_vien",
             "affiliation": "doan_thanh_nien" if n == 1 else "khac", "phone": None} for n in range(1, count + 1)]


def tables() -> dict[str, pd.DataFrame]:
    members = _members("TO-A1", 5) + _members("TO-A2", 5) + _members("TO-B1", 5)
    attended = {member["code"] for member in members[:8]}
    return {
        "communes": pd.DataFrame([{"code": code, "name": name, "province": PROVINCE, "unit_type": TYPES[code],
                                   "is_demo": False} for code, name in NAMES.items()]),
        "villages": pd.DataFrame([{"code": code, "commune_code": commune, "name": f"Thôn {code}",
                                   "households": households, "population": households * 4}
                                  for code, commune, households in VILLAGES]),
        "teams": pd.DataFrame([{"code": f"TO-{code}", "village_code": code, "established_on": date(2025, 8, 25)}
                               for code in ("A1", "A2", "B1")]),
        "members": pd.DataFrame(members),
        "reports": pd.DataFrame([{"village_code": village, "period": period, "reported_on": on, "note": None}
                                 for village, period, on, _, _ in REPORTS]),
        "report_values": pd.DataFrame([
            {"village_code": village, "period": period, "indicator_code": code, "value": value}
            for village, period, _, guided, vneid in REPORTS
            for code, value in (("ho_da_huong_dan", guided), ("ho_vneid", vneid))
        ]),
        "training_sessions": pd.DataFrame([{"code": "TH-01", "commune_code": ANH_SANG, "held_on": date(2025, 10, 4),
                                            "topic": "VNeID", "organiser": None, "place": None}]),
        "training_attendance": pd.DataFrame([
            {"commune_code": ANH_SANG, "session_code": "TH-01", "member_code": member["code"],
             "attended": member["code"] in attended}
            for member in members[:10]
        ]),
    }

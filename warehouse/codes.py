"""Codes the data itself uses: domains, member roles and affiliations, the headline indicator."""

HEADLINE_INDICATOR = "ho_da_huong_dan"
DIGITAL_DOMAINS = ("chinh_quyen_so", "kinh_te_so", "xa_hoi_so")

MEMBER_ROLES = ("to_truong", "to_pho", "thanh_vien")
AFFILIATIONS = ("doan_thanh_nien", "giao_vien", "truong_thon", "hoi_nong_dan", "hoi_phu_nu", "mat_tran", "khac")
# The plan makes the Youth Union the core of every team.
CORE_AFFILIATION = "doan_thanh_nien"

# Status of a village's quarterly report against the deadline.
ON_TIME, LATE, MISSING, NOT_DUE = "on_time", "late", "missing", "not_due"

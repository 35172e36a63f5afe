"""Realistic, deterministic sample ledgers: Vietnamese names, offences, courts, and dates placed
around a given day so that some deadlines are past, some near, some far.

The same (n, seed, today) always gives the same rows. Every row is valid against the schema.
"""

from __future__ import annotations

import random
import unicodedata
from datetime import date, timedelta
from typing import Any

from macros_py.law.counting import add_months

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
          "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Mai", "Trịnh", "Lương")
MIDDLE_M = ("Văn", "Hữu", "Đức", "Minh", "Quốc", "Thành", "Công", "Xuân", "Đình", "Quang")
MIDDLE_F = ("Thị", "Ngọc", "Thu", "Thanh", "Minh", "Phương", "Hồng", "Kim")
GIVEN_M = ("An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hùng", "Khánh", "Long", "Nam", "Phong", "Quân",
           "Sơn", "Thắng", "Toàn", "Trung", "Tuấn", "Việt", "Vinh", "Hoàng")
GIVEN_F = ("Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai", "Ngân",
           "Nhung", "Oanh", "Phượng", "Thảo", "Trang", "Uyên", "Vân", "Yến")
PLACES = ("phường Lê Chân", "xã Kiến Thụy", "xã Vĩnh Bảo", "phường Hồng Bàng", "xã An Lão", "phường Đồ Sơn",
          "xã Tiên Lãng", "phường Ngô Quyền", "xã Thủy Nguyên", "phường Hải An")
# (offence, article, category)
OFFENCES = (
    ("Trộm cắp tài sản", "Điều 173", "Ít nghiêm trọng"),
    ("Trộm cắp tài sản", "Điều 173", "Nghiêm trọng"),
    ("Lừa đảo chiếm đoạt tài sản", "Điều 174", "Nghiêm trọng"),
    ("Cố ý gây thương tích", "Điều 134", "Ít nghiêm trọng"),
    ("Cố ý gây thương tích", "Điều 134", "Rất nghiêm trọng"),
    ("Tàng trữ trái phép chất ma túy", "Điều 249", "Nghiêm trọng"),
    ("Mua bán trái phép chất ma túy", "Điều 251", "Rất nghiêm trọng"),
    ("Đánh bạc", "Điều 321", "Ít nghiêm trọng"),
    ("Tổ chức đánh bạc", "Điều 322", "Nghiêm trọng"),
    ("Vi phạm quy định về tham gia giao thông đường bộ", "Điều 260", "Ít nghiêm trọng"),
    ("Cướp giật tài sản", "Điều 171", "Nghiêm trọng"),
    ("Giết người", "Điều 123", "Đặc biệt nghiêm trọng"),
    ("Cướp tài sản", "Điều 168", "Rất nghiêm trọng"),
)
POLICE = tuple(f"Cơ quan CSĐT Công an {p}" for p in (
    "thành phố Hải Phòng", "khu vực Kiến Thụy", "khu vực Vĩnh Bảo", "khu vực An Lão"))
COURTS = ("Tòa án nhân dân khu vực 1 - Hải Phòng", "Tòa án nhân dân khu vực 2 - Hải Phòng")
DISPUTES = {
    "Dân sự": ("Tranh chấp hợp đồng vay tài sản", "Tranh chấp quyền sử dụng đất", "Tranh chấp thừa kế"),
    "Hôn nhân và gia đình": ("Ly hôn, tranh chấp nuôi con", "Ly hôn, chia tài sản chung", "Cấp dưỡng nuôi con"),
    "Kinh doanh, thương mại": ("Tranh chấp hợp đồng mua bán hàng hóa", "Tranh chấp hợp đồng tín dụng"),
    "Lao động": ("Tranh chấp đơn phương chấm dứt hợp đồng lao động", "Tranh chấp tiền lương"),
    "Hành chính": ("Khiếu kiện quyết định hành chính về đất đai", "Khiếu kiện quyết định xử phạt hành chính"),
}
CIVIL_CODE = {"Dân sự": "DS", "Hôn nhân và gia đình": "HNGĐ", "Kinh doanh, thương mại": "KDTM",
              "Lao động": "LĐ", "Hành chính": "HC"}
# (initial months, first extension months) by crime category or case type, as the codes set them:
# investigation BLTTHS Đ.172, detention Đ.173, preparation for trial BLTTDS Đ.203 / TTHC Đ.130
INVESTIGATION_MONTHS = {"Ít nghiêm trọng": (2, 2), "Nghiêm trọng": (3, 3), "Rất nghiêm trọng": (4, 4),
                        "Đặc biệt nghiêm trọng": (4, 4)}
DETENTION_MONTHS = {"Ít nghiêm trọng": (2, 1), "Nghiêm trọng": (3, 2), "Rất nghiêm trọng": (4, 3),
                    "Đặc biệt nghiêm trọng": (4, 4)}
PREPARATION_MONTHS = {"Dân sự": (4, 2), "Hôn nhân và gia đình": (4, 2), "Kinh doanh, thương mại": (2, 1),
                      "Lao động": (2, 1), "Hành chính": (4, 2)}
# BLTTHS Đ.277: 30 days, 45 days, 2 months, 3 months to prepare a criminal trial
TRIAL_PREPARATION_DAYS = {"Ít nghiêm trọng": 29, "Nghiêm trọng": 44, "Rất nghiêm trọng": 59,
                          "Đặc biệt nghiêm trọng": 89}
LATE_SHARE = 0.04  # share of steps left open past their limit, so that a sample shows overdue rows
SUSPEND_REASONS = ("Chưa xác định được bị can", "Bị can bỏ trốn, đã ra quyết định truy nã",
                   "Chờ kết quả giám định", "Bị can bị bệnh hiểm nghèo")


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower().replace(" ", "")


class _Gen:
    def __init__(self, seed: int, today: date):
        self.rng = random.Random(seed)
        self.today = today

    def person(self) -> str:
        r = self.rng
        if r.random() < 0.7:
            return f"{r.choice(FAMILY)} {r.choice(MIDDLE_M)} {r.choice(GIVEN_M)}"
        return f"{r.choice(FAMILY)} {r.choice(MIDDLE_F)} {r.choice(GIVEN_F)}"

    def ago(self, lo: int, hi: int) -> date:
        return self.today - timedelta(days=self.rng.randint(lo, hi))

    def done_within(self, start: date, days: int) -> date | None:
        """The day a step begun on `start` with `days` allowed was done: mostly in time, now and
        then late (still open). None while the step is not done by today."""
        if self.rng.random() < LATE_SHARE:
            return None
        done = start + timedelta(days=self.rng.randint(max(1, days // 3), max(1, days - 1)))
        return done if done <= self.today else None

    def after(self, d: date, lo: int, hi: int, cap: bool = True) -> date:
        later = d + timedelta(days=self.rng.randint(lo, hi))
        return min(later, self.today) if cap else later


def _staff(g: _Gen) -> list[dict[str, Any]]:
    titles = ["Viện trưởng", "Phó Viện trưởng", "Phó Viện trưởng"] + ["Kiểm sát viên"] * 6 + [
        "Kiểm tra viên"] * 2 + ["Chuyên viên"]
    staff, seen = [], set()
    for title in titles:
        name = g.person()
        while name in seen:
            name = g.person()
        seen.add(name)
        staff.append({"name": name, "title": title, "email": f"{_ascii(name)}@vks-haiphong.example",
                      "receives_alerts": title != "Chuyên viên",
                      "address": "Bà" if name.rsplit(" ", 1)[-1] in GIVEN_F else "Ông"})
    return staff


def sample_rows(n: int, seed: int = 1, today: date | None = None) -> dict[str, list[dict[str, Any]]]:
    """Rows for every ledger sheet: n tip-offs, n criminal and n civil cases, about 1.3 n
    defendants, n/2 judgments to enforce, n/5 suspended cases, and a register of past decisions."""
    today = today or date.today()
    g = _Gen(seed, today)
    r = g.rng
    staff = _staff(g)
    leaders = [s["name"] for s in staff if s["title"] == "Phó Viện trưởng"]
    prosecutors = [s["name"] for s in staff if s["title"] in ("Kiểm sát viên", "Phó Viện trưởng")]
    inspectors = [s["name"] for s in staff if s["title"] == "Kiểm tra viên"]
    year = today.year

    tips = []
    for i in range(1, n + 1):
        received = g.ago(0, 90)
        offence, article, category = r.choice(OFFENCES)
        row: dict[str, Any] = {
            "receipt_no": f"{i}/TB-{received.year}",
            "receipt_date": received,
            "source": r.choice(("Tố giác", "Tin báo", "Tin báo", "Kiến nghị khởi tố")),
            "summary": f"{g.person()} trình báo về việc {offence.lower()} xảy ra tại {r.choice(PLACES)}",
            "reporter": g.person(),
            "investigating_body": r.choice(POLICE),
            "offence": offence, "article": article, "category": category,
            "prosecutor": r.choice(prosecutors), "leader": r.choice(leaders),
        }
        if row["source"] != "Tố giác":  # an agency's tin báo or kiến nghị carries its own number (no rng: the
            row["agency_doc_no"] = f"{100 + i}/CV-CA"  # sample's other values stay as they were)
            row["agency_doc_date"] = received - timedelta(days=1)
        limit = 19  # Đ.147: 20 days counting the day of receipt
        if (today - received).days > 18 and r.random() < 0.35:
            row["extension_date"] = received + timedelta(days=r.randint(15, 18))
            row["extended_to"] = received + timedelta(days=r.randint(50, 80))
            limit = (row["extended_to"] - received).days
        done = g.done_within(received, limit)
        if done:
            row["outcome"] = r.choice(("Khởi tố vụ án", "Không khởi tố vụ án", "Tạm đình chỉ",
                                       "Chuyển cơ quan có thẩm quyền"))
            row["outcome_date"] = done
        tips.append(row)

    cases, defendants = [], []
    for i in range(1, n + 1):
        opened = g.ago(0, 400)
        offence, article, category = r.choice(OFFENCES)
        age = (today - opened).days
        row = {
            "case_id": f"{i}/{opened.year}/HS",
            "opening_no": f"{r.randint(1, 300)}/QĐ-CSĐT",
            "opening_date": opened,
            "investigating_body": r.choice(POLICE),
            "offence": offence, "article": article, "category": category,
            "prosecutor": r.choice(prosecutors), "inspector": r.choice(inspectors), "leader": r.choice(leaders),
            "digitised": r.random() < 0.7,
        }
        stage = "Điều tra"
        base, extension = INVESTIGATION_MONTHS[category]
        limit = (add_months(opened, base) - opened).days - 1
        if age > limit - 10:  # near its end the investigating body asks for an extension (no rng, as above)
            row["investigation_request_no"] = f"{i}/ĐN-ĐTTH"
            row["investigation_request_date"] = opened + timedelta(days=max(limit - 10, 0))
        if age > limit - 10 and r.random() < 0.3:
            row["investigation_extended_to"] = add_months(opened, base + extension) - timedelta(days=r.randint(0, 5))
            limit = (row["investigation_extended_to"] - opened).days
        received = g.done_within(opened, limit)
        if received:
            row["file_received"] = received
            stage = "Truy tố"
            serious = category in ("Ít nghiêm trọng", "Nghiêm trọng")
            indicted = g.done_within(received, 19 if serious else 29)
            if indicted:
                row["indictment_date"] = indicted
                accepted = indicted + timedelta(days=r.randint(1, 7))
                stage = "Xét xử sơ thẩm"
                if accepted <= today:
                    row["court_accepted"] = accepted
                    judged = g.done_within(accepted, TRIAL_PREPARATION_DAYS[category])
                    if judged:
                        row["hearing_date"] = row["judgment_date"] = judged
                        row["judgment_no"] = f"{r.randint(1, 200)}/{judged.year}/HS-ST"
                        stage = "Đã xét xử"
        row["stage"] = stage
        if row["digitised"]:
            row["digitised_folder"] = f"\\\\may-chu\\so-hoa\\HS\\{opened.year}\\{i}"
        cases.append(row)

        for _ in range(1 if r.random() < 0.7 else 2):
            person: dict[str, Any] = {"case_id": row["case_id"], "name": g.person(),
                                      "birth_year": r.randint(1960, 2006)}
            kind = r.random()
            if kind < 0.55:
                # custody for 3 days, then detention for investigation (Đ.173): the order runs for
                # the category's length less the days already spent in custody
                start = opened - timedelta(days=r.randint(0, 2))
                months, extension = DETENTION_MONTHS[category]
                legal_end = start + timedelta(days=3 + 30 * months - 1 - 3)
                person["measure"] = "Tạm giam"
                person["custody_start"] = start
                person["custody_until"] = start + timedelta(days=2)
                person["detention_start"] = start + timedelta(days=3)
                person["detention_until"] = end = legal_end - timedelta(days=r.randint(0, 5))
                if end < today and "file_received" not in row and r.random() < 0.6:
                    end = legal_end + timedelta(days=30 * extension - r.randint(0, 5))
                    person["detention_extended_to"] = end
                if end < today:
                    person["released_date"] = end - timedelta(days=r.randint(0, 10))
            elif kind < 0.7 and age < 10:
                person["measure"] = "Tạm giữ"
                person["custody_start"] = opened
                person["custody_until"] = opened + timedelta(days=2)
                if r.random() < 0.5:
                    person["custody_extended_to"] = opened + timedelta(days=5)
            else:
                person["measure"] = r.choice(("Cấm đi khỏi nơi cư trú", "Bảo lĩnh", "Không áp dụng"))
            # what the decisions name (no rng, as above): residence; the order and the place of detention
            person["residence"] = PLACES[(i + len(defendants)) % len(PLACES)] + ", thành phố Hải Phòng"
            if "detention_start" in person:
                person["detention_order_no"] = f"{i}/LTG-{row['opening_no'].split('/')[-1]}"
                person["detention_order_date"] = person["detention_start"]
                person["detention_place"] = "Trại tạm giam Công an thành phố Hải Phòng"
            defendants.append(person)

    civil = []
    for i in range(1, n + 1):
        accepted = g.ago(0, 300)
        case_type = r.choice(list(DISPUTES))
        row = {
            "case_id": f"{i}/{accepted.year}/{CIVIL_CODE[case_type]}",
            "case_type": case_type,
            "court": r.choice(COURTS),
            "acceptance_no": f"{r.randint(1, 500)}/{accepted.year}/TLST-{CIVIL_CODE[case_type]}",
            "acceptance_date": accepted,
            "plaintiff": g.person(),
            "defendant": g.person() if case_type != "Hành chính" else f"Ủy ban nhân dân {r.choice(PLACES)}",
            "dispute": r.choice(DISPUTES[case_type]),
            "prosecutor": r.choice(prosecutors), "leader": r.choice(leaders),
            "digitised": r.random() < 0.25,
        }
        age = (today - accepted).days
        stage = "Chuẩn bị xét xử"
        base, extension = PREPARATION_MONTHS[case_type]
        limit = (add_months(accepted, base) - accepted).days
        if age > limit - 10:  # near its end the investigating body asks for an extension (no rng, as above)
            row["investigation_request_no"] = f"{i}/ĐN-ĐTTH"
            row["investigation_request_date"] = opened + timedelta(days=max(limit - 10, 0))
        if age > limit - 10 and r.random() < 0.3:
            row["preparation_extended_to"] = add_months(accepted, base + extension) - timedelta(days=r.randint(1, 5))
            limit = (row["preparation_extended_to"] - accepted).days
        heard = g.done_within(accepted, limit)
        if heard:
            # the court sends the file to the procuracy, which studies it for 15 days before the hearing
            row["file_received"] = max(accepted, heard - timedelta(days=r.randint(16, 25)))
            row["hearing_date"] = row["judgment_date"] = heard
            row["judgment_no"] = f"{r.randint(1, 300)}/{heard.year}/{CIVIL_CODE[case_type]}-ST"
            stage = "Đã xét xử"
        elif age > limit // 2 and r.random() < 0.5:
            row["file_received"] = g.after(accepted, limit // 2, limit)
        row["stage"] = stage
        civil.append(row)

    enforcement = []
    for i in range(1, n // 2 + 1):
        judged = g.ago(10, 200)
        offence, article, category = r.choice(OFFENCES)
        row = {
            "judgment_no": f"{r.randint(1, 300)}/{judged.year}/HS-ST",
            "judgment_date": judged,
            "court": r.choice(COURTS),
            "person": g.person(),
            "penalty": r.choice(("6 tháng tù", "1 năm tù", "2 năm tù", "3 năm tù cho hưởng án treo",
                                 "Cải tạo không giam giữ 1 năm", "Phạt tiền 20.000.000 đồng")),
            "received_date": g.after(judged, 3, 10),
            "prosecutor": r.choice(prosecutors),
        }
        if (today - judged).days > 20:
            row["effective_date"] = g.after(judged, 16, 20)
            if r.random() < 0.8:
                row["enforcement_decision_date"] = g.after(row["effective_date"], 1, 7)
        enforcement.append(row)

    suspended = []
    for i in range(1, n // 5 + 1):
        decided = g.ago(30, 1500)
        row = {
            "case_id": f"{r.randint(1, 200)}/{decided.year}/HS",
            "kind": r.choice(("Vụ án hình sự", "Vụ án hình sự", "Tin báo")),
            "decision_no": f"{r.randint(1, 90)}/QĐ-CSĐT",
            "decision_date": decided,
            "reason": r.choice(SUSPEND_REASONS),
            "limitation_expiry": decided + timedelta(days=365 * r.choice((5, 10, 15))),
            "prosecutor": r.choice(prosecutors),
            "digitised": r.random() < 0.6,
        }
        if row["digitised"]:
            row["digitised_folder"] = f"\\\\may-chu\\so-hoa\\TDC\\{decided.year}\\{i}"
        suspended.append(row)

    register = []
    signers = [s["name"] for s in staff if s["title"] in ("Viện trưởng", "Phó Viện trưởng")]
    start_of_year = date(year, 1, 1)
    days = sorted(r.randint(0, max((today - start_of_year).days, 0)) for _ in range(n // 2))
    for number, offset in enumerate(days, start=1):
        case = r.choice(cases)
        register.append({
            "number": number, "year": year, "symbol": "QĐ-VKSKV1",
            "date": start_of_year + timedelta(days=offset),
            "decision_type": "Phân công Kiểm sát viên thực hành quyền công tố, kiểm sát điều tra",
            "summary": f"Phân công KSV vụ án {case['offence'].lower()}",
            "case_id": case["case_id"],
            "signer": r.choice(signers),
        })

    return {
        "tin_bao": tips, "an_hinh_su": cases, "bi_can": defendants, "an_dan_su": civil,
        "thi_hanh_an": enforcement, "tam_dinh_chi": suspended, "so_quyet_dinh": register, "can_bo": staff,
        "co_quan": [{"short_name": p, "full_name": p.replace("Cơ quan CSĐT", "Cơ quan Cảnh sát điều tra")}
                    for p in POLICE],
    }

"""Write the intake corpus: each story's papers (stories.py) in the wording of the official forms, in several
layouts, with their expected fields; `--ocr` also renders some of them to page images (LibreOffice -> PDF ->
pdftoppm) and reads them back with Tesseract (vie), keeping the OCR text so the suite needs no Tesseract.

    .venv/bin/python tests/intake_corpus/build_corpus.py [--ocr]

Variants, by document number: the header in two columns on one line (as `pdftotext -layout` gives it) or
stacked; the body as paragraphs or hard-wrapped at 48 or 62 characters; dates long («ngày 05 tháng 8 năm
2024»), short («05/8/2024»), zero-padded or with dashes; names in capitals or not; quotes “”, "" or «»; every
fifth document lacks a field (the number, the date, a residence, a birth date, the hour), and its expected
file lacks it too.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from stories import CIVIL, STORIES, TIPS  # noqa: E402

DOCS = HERE / "docs"
EXPECTED = HERE / "expected"
OCR = HERE / "ocr"
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


class V:
    """One document's variant."""

    def __init__(self, i: int):
        self.i = i
        self.cols = i % 2 == 1
        self.wrap = (None, 62, 48)[i % 3]
        self.date_style = ("long", "short", "pad", "dash")[i % 4]
        self.caps = i % 2 == 0
        self.q = (("“", "”"), ('"', '"'), ("«", "»"))[i % 3]
        self.drop = ("doc_no", "doc_date", "residence", "birth", "hour")[(i // 5) % 5] if i % 5 == 4 else None
        self.docx = i % 4 == 2

    def d(self, dmy: tuple[int, int, int], style: str | None = None) -> str:
        d, m, y = dmy
        style = style or self.date_style
        if style == "long":
            return f"ngày {d:02d} tháng {m:02d} năm {y}" if m <= 2 else f"ngày {d:02d} tháng {m} năm {y}"
        if style == "short":
            return f"ngày {d:02d}/{m}/{y}"
        if style == "pad":
            return f"ngày {d:02d}/{m:02d}/{y}"
        return f"ngày {d}-{m}-{y}"

    def quote(self, text: str) -> str:
        return f"{self.q[0]}{text}{self.q[1]}"

    def name(self, text: str) -> str:
        return text.upper() if self.caps else text


def iso(dmy: tuple[int, int, int]) -> str:
    d, m, y = dmy
    return f"{y:04d}-{m:02d}-{d:02d}"


def header(v: V, top: list[str], no: str, place: str, day: tuple[int, int, int]) -> list[str]:
    no_text = f"Số: {no}" if v.drop != "doc_no" else "Số:      /" + no.split("/")[-1]
    date_text = f"{place}, {v.d(day, 'long')}" if v.drop != "doc_date" else f"{place}, ngày      tháng      năm {day[2]}"
    if v.cols:
        lines = [f"{top[0]:<44}{MOTTO[0]}"]
        lines += [f"{t:<44}{MOTTO[1] if k == 0 else ''}".rstrip() for k, t in enumerate(top[1:])]
        if len(top) == 1:
            lines.append(f"{'':<44}{MOTTO[1]}")
        lines.append(f"{'---------':<44}---------------")
        lines.append(f"{no_text:<44}{date_text}")
        return lines
    return [*top, "---------", no_text, *MOTTO, "---------------", date_text]


def body(v: V, paragraphs: list[str]) -> list[str]:
    out: list[str] = []
    for p in paragraphs:
        if v.wrap and len(p) > v.wrap and not p.isupper():
            out += textwrap.wrap(p, v.wrap, break_long_words=False)
        else:
            out.append(p)
    return out


def person_lines(v: V, person: tuple, label: str = "Họ tên") -> list[str]:
    name, birth, residence = person
    lines = [f"{label}: {v.name(name)}          Giới tính: {'Nữ' if ' Thị ' in name else 'Nam'}", "Tên gọi khác: Không"]
    if v.drop != "birth":
        lines.append(f"Sinh {v.d(birth)} tại Hải Phòng" if isinstance(birth, tuple) else f"Sinh năm: {birth}")
    lines += ["Quốc tịch: Việt Nam; Dân tộc: Kinh; Tôn giáo: Không", "Nghề nghiệp: Lao động tự do"]
    if v.drop != "residence":
        lines.append(f"Nơi cư trú: {residence}")
    return lines


def person_expected(v: V, person: tuple, birth_shown: bool = True, residence_shown: bool = True) -> dict:
    name, birth, residence = person
    out: dict = {"name": name}
    if v.drop != "birth" and birth_shown:
        if isinstance(birth, tuple):
            out["birth_date"] = iso(birth)
            out["birth_year"] = birth[2]
        else:
            out["birth_year"] = birth
    if v.drop != "residence" and residence_shown:
        out["residence"] = residence
    return out


def offence_phrase(v: V, offences: list[tuple[str, str]], together: bool) -> str:
    if together and len(offences) > 1:
        names = " và ".join(v.quote(n) for n, _ in offences)
        refs = " và ".join(a for _, a in offences)
        return f"các tội {names} quy định tại {refs} Bộ luật Hình sự"
    return "; ".join(f"tội {v.quote(n)} quy định tại {a} Bộ luật Hình sự" for n, a in offences)


def offences_expected(offences: list[tuple[str, str]]) -> list[dict]:
    return [{"offence": n, "article": a} for n, a in offences]


def base_expected(v: V, kind: str, no: str, day: tuple, issuer: str) -> dict:
    out: dict = {"kind": kind, "issuer": issuer}
    if v.drop != "doc_no":
        out["doc_no"] = no
    if v.drop != "doc_date":
        out["doc_date"] = iso(day)
    return out


def signer(issuer_caps: str, deputy: bool) -> list[str]:
    return (["KT. THỦ TRƯỞNG", "PHÓ THỦ TRƯỞNG"] if deputy else ["THỦ TRƯỞNG"]) + ["(Đã ký)", "Nguyễn Hữu Phúc"]


def police_title(s: dict) -> str:
    return f"{s['police'][1]} {s['police'][0]}"


# ---------------------------------------------------------------- the kinds

def ktva(s: dict, v: V) -> tuple[list[str], dict]:
    no, day = s["opening"]
    when, where = s["occurred"]
    together = v.i % 3 == 0
    names = " và ".join(v.quote(n) for n, _ in s["offences"])
    refs = "; ".join(a for _, a in s["offences"])
    lines = header(v, list(s["police"]), no, s["place"], day) + ["QUYẾT ĐỊNH", "KHỞI TỐ VỤ ÁN HÌNH SỰ",
                                                                   f"THỦ TRƯỞNG {police_title(s)}"]
    lines += body(v, [
        "Căn cứ Điều 36, Điều 143, Điều 153 và Điều 154 Bộ luật Tố tụng hình sự;",
        f"Xét thấy có dấu hiệu {offence_phrase(v, s['offences'], together)} xảy ra {when} tại {where},",
    ])
    lines += ["QUYẾT ĐỊNH:"] + body(v, [
        f"Điều 1. Khởi tố vụ án hình sự {names} xảy ra {when} tại {where}.",
        f"Quy định tại {refs} Bộ luật Hình sự." if v.i % 2 == 0 else
        f"Theo {refs} Bộ luật Hình sự.",
        f"Điều 2. Giao {s['issuer']} tiến hành điều tra theo quy định của pháp luật.",
        "Điều 3. Trong thời hạn 24 giờ kể từ khi ra Quyết định này, gửi Quyết định cho Viện kiểm sát cùng cấp.",
    ]) + ["Nơi nhận:", f"- {s['vks']};", "- Hồ sơ 02."] + signer(s["police"][1], v.i % 2 == 0)
    exp = base_expected(v, "khoi_to_vu_an", no, day, s["issuer"])
    exp["offences"] = offences_expected(s["offences"])
    exp["persons"] = []
    return lines, exp


def ktbc(s: dict, v: V) -> tuple[list[str], dict]:
    no, day = s["charge"]
    open_no, open_day = s["opening"]
    lines = header(v, list(s["police"]), no, s["place"], day) + ["QUYẾT ĐỊNH", "KHỞI TỐ BỊ CAN",
                                                                   f"PHÓ THỦ TRƯỞNG {police_title(s)}"]
    lines += body(v, [
        f"Căn cứ Quyết định khởi tố vụ án hình sự số {open_no} {v.d(open_day)} của {s['issuer']};",
        "Căn cứ Điều 36, Điều 179 Bộ luật Tố tụng hình sự;",
        "Xét thấy có đủ căn cứ xác định người có tên dưới đây đã thực hiện hành vi phạm tội,",
    ]) + ["QUYẾT ĐỊNH:", "Điều 1. Khởi tố bị can đối với:"]
    for k, p in enumerate(s["persons"]):
        lines += [f"{k + 1}."] if len(s["persons"]) > 1 else []
        lines += person_lines(v, p)
    lines += body(v, [f"Về {offence_phrase(v, s['offences'], v.i % 3 == 0)}.",
                      "Điều 2. Bị can có quyền và nghĩa vụ theo quy định tại Điều 60 Bộ luật Tố tụng hình sự."])
    lines += ["Nơi nhận:", f"- {s['vks']};", "- Bị can;", "- Hồ sơ 02."] + signer(s["police"][1], True)
    exp = base_expected(v, "khoi_to_bi_can", no, day, s["issuer"])
    exp.update(case_opening_no=open_no, case_opening_date=iso(open_day))
    exp["persons"] = [person_expected(v, p) for p in s["persons"]]
    exp["offences"] = offences_expected(s["offences"])
    return lines, exp


def tam_giu(s: dict, v: V) -> tuple[list[str], dict]:
    no, day, (start, (h, mi)), until = s["custody"]
    p = s["persons"][0]
    hour = f"{h:02d} giờ {mi:02d} phút " if v.drop != "hour" else ""
    span = f"kể từ {hour}{v.d(start)} đến {hour}{v.d(until)}"
    title = ("QUYẾT ĐỊNH", "TẠM GIỮ") if v.i % 3 else ("LỆNH TẠM GIỮ",)
    lines = header(v, list(s["police"]), no, s["place"], day) + list(title) + [f"PHÓ THỦ TRƯỞNG {police_title(s)}"]
    lines += body(v, [
        "Căn cứ Điều 36, Điều 110, Điều 117 và Điều 118 Bộ luật Tố tụng hình sự;",
        "Xét thấy cần thiết phải tạm giữ người bị bắt trong trường hợp phạm tội quả tang để làm rõ hành vi,",
    ]) + ["QUYẾT ĐỊNH:"]
    if v.i % 2:
        lines += body(v, [f"Điều 1. Tạm giữ 03 ngày, {span} đối với:"]) + person_lines(v, p)
        lines += body(v, [f"Về hành vi {s['offences'][0][0].lower()}."])
    else:
        lines += ["Điều 1. Tạm giữ đối với:"] + person_lines(v, p)
        lines += body(v, [f"Về hành vi {s['offences'][0][0].lower()}.",
                          f"Thời hạn tạm giữ là 03 ngày, tính {span.replace('kể ', '')}."])
    lines += body(v, ["Điều 2. Trong thời hạn 12 giờ kể từ khi ra Quyết định tạm giữ, Quyết định này được gửi cho "
                      "Viện kiểm sát cùng cấp."])
    lines += ["Nơi nhận:", f"- {s['vks']};", "- Người bị tạm giữ;", "- Hồ sơ 02."] + signer(s["police"][1], True)
    exp = base_expected(v, "tam_giu", no, day, s["issuer"])
    exp["persons"] = [person_expected(v, p)]
    exp["offences"] = []
    exp.update(custody_start=iso(start), custody_until=iso(until))
    if v.drop != "hour":
        exp["custody_time"] = f"{h:02d}:{mi:02d}"
    return lines, exp


def tam_giam(s: dict, v: V, request: bool = False) -> tuple[list[str], dict]:
    no, day, start, until, months = s["detention"]
    open_no, open_day = s["opening"]
    charge_no, charge_day = s["charge"]
    p = s["persons"][0]
    own_no = no.replace("LTG", "CV") if request else no
    if "CV" not in own_no and request:
        own_no = no.split("/")[0] + "/CV-CSĐT"
    top = list(s["police"])
    lines = header(v, top, own_no, s["place"], day)
    span = f"Thời hạn tạm giam là {months}, kể từ {v.d(start)} đến {v.d(until)}."
    if request:
        lines += (["ĐỀ NGHỊ PHÊ CHUẨN", "LỆNH TẠM GIAM"] if v.i % 2 else ["V/v đề nghị phê chuẩn Lệnh tạm giam"])
        lines += [f"Kính gửi: {s['vks']}"]
        lines += body(v, [
            f"Căn cứ Quyết định khởi tố vụ án hình sự số {open_no} {v.d(open_day)};",
            f"Căn cứ Quyết định khởi tố bị can số {charge_no} {v.d(charge_day)};",
            f"{s['issuer']} đề nghị {s['vks']} xem xét phê chuẩn Lệnh tạm giam số {no} {v.d(day)} đối với bị can:",
        ]) + person_lines(v, p)
        lines += body(v, [f"Bị can về {offence_phrase(v, s['offences'][:1], False)}.", span,
                          "Kèm theo hồ sơ đề nghị phê chuẩn gồm 45 bút lục."])
        lines += ["Nơi nhận:", "- Như trên;", "- Lưu: Hồ sơ."] + signer(s["police"][1], True)
    else:
        lines += ["LỆNH TẠM GIAM", f"PHÓ THỦ TRƯỞNG {police_title(s)}"]
        lines += body(v, [
            "Căn cứ Điều 36, Điều 113, Điều 119 và Điều 173 Bộ luật Tố tụng hình sự;",
            f"Căn cứ Quyết định khởi tố vụ án hình sự số {open_no} {v.d(open_day)};",
            f"Căn cứ Quyết định khởi tố bị can số {charge_no} {v.d(charge_day)};",
        ]) + ["Ra lệnh tạm giam đối với:"] + person_lines(v, p)
        lines += body(v, [f"Bị can về {offence_phrase(v, s['offences'][:1], False)}.", span,
                          f"Giao cho Trại tạm giam Công an thi hành Lệnh này."])
        lines += ["Nơi nhận:", f"- {s['vks']};", "- Hồ sơ 02."] + signer(s["police"][1], True)
        lines += ["PHÊ CHUẨN CỦA VIỆN KIỂM SÁT", "(Ký tên, đóng dấu)"]
    exp = base_expected(v, "tam_giam", own_no, day, s["issuer"])
    exp.update(case_opening_no=open_no, case_opening_date=iso(open_day),
               detention_start=iso(start), detention_until=iso(until))
    exp["persons"] = [person_expected(v, p)]
    exp["offences"] = offences_expected(s["offences"][:1])
    return lines, exp


def court_header(v: V, s: dict, no: str, day: tuple) -> list[str]:
    return header(v, [s["court"][0]], no, s["place"], day)


def thu_ly(s: dict, v: V) -> tuple[list[str], dict]:
    acc_no, acc_day, notice_day, notice_no = s["acceptance"]
    lines = court_header(v, s, notice_no, notice_day) + ["THÔNG BÁO", "VỀ VIỆC THỤ LÝ VỤ ÁN", f"Kính gửi: {s['vks']}"]
    people = []
    for name, birth, residence in s["persons"]:
        year = birth[2] if isinstance(birth, tuple) else birth
        people.append(f"bị cáo {name}, sinh năm {year}, trú tại {residence}")
    lines += body(v, [
        f"{v.d(acc_day)[0].upper()}{v.d(acc_day)[1:]}, {s['court'][1]} đã thụ lý vụ án hình sự sơ thẩm số "
        f"{acc_no} đối với {'; '.join(people)}; bị Viện kiểm sát truy tố về "
        f"{offence_phrase(v, s['offences'], True)}.",
        f"{s['court'][1]} thông báo để {s['vks']} biết.",
    ])
    lines += ["Nơi nhận:", "- Như trên;", "- Lưu hồ sơ vụ án.", "THẨM PHÁN", "(Đã ký)", "Lê Thị Hương"]
    exp = base_expected(v, "thu_ly", notice_no, notice_day, s["court"][1])
    exp.update(acceptance_no=acc_no, acceptance_date=iso(acc_day), case_type="Hình sự")
    exp["persons"] = [{"name": n, "birth_year": b[2] if isinstance(b, tuple) else b, "residence": r}
                      for n, b, r in s["persons"]]
    exp["offences"] = offences_expected(s["offences"])
    return lines, exp


def ban_an(s: dict, v: V) -> tuple[list[str], dict]:
    no, day, penalties = s["judgment"]
    acc_no, acc_day, _, _ = s["acceptance"]
    d, m, y = day
    if v.i % 2:
        lines = [f"{s['court'][0]:<44}{MOTTO[0]}", f"{'':<44}{MOTTO[1]}"] if v.cols else [s["court"][0], *MOTTO]
        lines += [f"Bản án số: {no}" if v.drop != "doc_no" else "Bản án số:      /" + no.split("/", 1)[1],
                  f"Ngày: {d}-{m}-{y}" if v.drop != "doc_date" else "Ngày:"]
    else:
        lines = [s["court"][0]]
        lines += [f"BẢN ÁN {no} NGÀY {d:02d}/{m:02d}/{y} VỀ TỘI {s['offences'][0][0].upper()}"]
        if v.drop == "doc_no":
            lines = [s["court"][0], f"BẢN ÁN SỐ      /{no.split('/', 1)[1]} NGÀY {d:02d}/{m:02d}/{y}"]
        elif v.drop == "doc_date":
            lines = [s["court"][0], f"BẢN ÁN {no} NGÀY    /    /{y}"]
    lines += ["NHÂN DANH", "NƯỚC CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", s["court"][0]]
    lines += body(v, [
        "- Thành phần Hội đồng xét xử sơ thẩm gồm có: Thẩm phán - Chủ tọa phiên tòa: Bà Lê Thị Hương.",
        f"{v.d(day)[0].upper()}{v.d(day)[1:]}, tại trụ sở {s['court'][1]} xét xử sơ thẩm công khai vụ án hình sự "
        f"thụ lý số {acc_no} {v.d(acc_day)} đối với các bị cáo:",
    ])
    for name, birth, residence in s["persons"]:
        b = f"sinh {v.d(birth)}" if isinstance(birth, tuple) else f"sinh năm {birth}"
        if v.drop == "birth":
            b = "tại Hải Phòng"
        res = f"; nơi cư trú: {residence}" if v.drop != "residence" else ""
        lines += body(v, [f"Bị cáo: {v.name(name)}, {b}{res}; nghề nghiệp: lao động tự do; có mặt."])
    lines += body(v, [f"Viện kiểm sát truy tố các bị cáo về {offence_phrase(v, s['offences'], True)}."])
    lines += ["NHẬN ĐỊNH CỦA TÒA ÁN:"] + body(v, ["[1] Lời khai của các bị cáo tại phiên tòa phù hợp với tài liệu có "
                                                   "trong hồ sơ vụ án."])
    lines += ["QUYẾT ĐỊNH:"]
    for (name, _, _), penalty in zip(s["persons"], penalties):
        words = {"24 tháng tù": "24 (hai mươi bốn) tháng tù", "18 tháng tù cho hưởng án treo":
                 "18 (mười tám) tháng tù cho hưởng án treo", "12 tháng tù": "12 (mười hai) tháng tù"}
        if penalty.startswith("phạt tiền"):
            lines += body(v, [f"Phạt tiền bị cáo {name} {penalty.split(' ', 2)[2]} (ba mươi triệu đồng)."])
        else:
            lines += body(v, [f"Tuyên bố bị cáo {name} phạm tội {v.quote(s['offences'][0][0])}.",
                              f"Xử phạt bị cáo {name} {words.get(penalty, penalty)}."])
    lines += body(v, ["Án xử sơ thẩm công khai, có mặt các bị cáo, báo cho biết có quyền kháng cáo trong hạn 15 ngày "
                      "kể từ ngày tuyên án."])
    exp = base_expected(v, "ban_an", no, day, s["court"][1])
    exp["persons"] = []
    for (name, birth, residence), penalty in zip(s["persons"], penalties):
        p = person_expected(v, (name, birth, residence))
        p["penalty"] = penalty
        exp["persons"].append(p)
    exp["offences"] = offences_expected(s["offences"])
    return lines, exp


def tha(s: dict, v: V) -> tuple[list[str], dict]:
    no, day = s["enforcement"]
    j_no, j_day, penalties = s["judgment"]
    p = s["persons"][0]
    lines = court_header(v, s, no, day) + ["QUYẾT ĐỊNH", "THI HÀNH ÁN HÌNH SỰ", f"CHÁNH ÁN {s['court'][0]}"]
    lines += body(v, [
        "Căn cứ Điều 363 và Điều 364 Bộ luật Tố tụng hình sự;",
        "Căn cứ Luật Thi hành án hình sự;",
        f"Căn cứ Bản án hình sự sơ thẩm số {j_no} {v.d(j_day)} của {s['court'][1]};",
    ]) + ["QUYẾT ĐỊNH:"]
    lines += body(v, [f"1. Thi hành Bản án hình sự sơ thẩm số {j_no} {v.d(j_day)} đối với người bị kết án:"])
    lines += person_lines(v, p)
    pen = penalties[0]
    lines += body(v, [f"Bị xử phạt {pen} về tội {v.quote(s['offences'][0][0])}.",
                      "2. Cơ quan thi hành án hình sự Công an có nhiệm vụ thi hành Quyết định này."])
    lines += ["Nơi nhận:", f"- {s['vks']};", "- Lưu hồ sơ."] + ["CHÁNH ÁN", "(Đã ký)", "Trần Văn Quang"]
    exp = base_expected(v, "thi_hanh_an", no, day, s["court"][1])
    exp.update(judgment_no=j_no, judgment_date=iso(j_day), court=s["court"][1])
    person = person_expected(v, p)
    person["penalty"] = pen
    exp["persons"] = [person]
    exp["offences"] = [{"offence": s["offences"][0][0]}]
    return lines, exp


def tin_bao(t: dict, v: V) -> tuple[list[str], dict]:
    lines = header(v, list(t["police"]), t["no"], t["place"], t["date"])
    lines += ["THÔNG BÁO", "Về việc tiếp nhận tố giác, tin báo về tội phạm, kiến nghị khởi tố", f"Kính gửi: {t['vks']}"]
    pronoun = "bà " if " Thị " in t["reporter"] else ("ông " if t["reporter_tail"] else "")
    received = v.d(t["received"])
    opening = (f"{received[0].upper()}{received[1:]}, {t['issuer']} đã tiếp nhận" if v.i % 2 == 0 else
               f"Vào hồi 08 giờ 30 phút {received}, {t['issuer']} nhận được")
    lines += body(v, [
        "Căn cứ Điều 145 và Điều 146 Bộ luật Tố tụng hình sự;",
        f"{opening} {t['source']} của {pronoun}{t['reporter']}{t['reporter_tail']} về việc {t['summary']}.",
        f"Vụ việc có dấu hiệu của tội {v.quote(t['offence'][0])} quy định tại {t['offence'][1]} Bộ luật Hình sự.",
        f"{t['issuer']} thông báo để {t['vks']} biết, thực hiện kiểm sát theo quy định của pháp luật.",
    ])
    lines += ["Nơi nhận:", "- Như trên;", "- Lưu: Hồ sơ."] + signer(t["police"][1], False)
    exp = base_expected(v, "tin_bao", t["no"], t["date"], t["issuer"])
    exp.update(received_date=iso(t["received"]), source=t["source"][:1].upper() + t["source"][1:],
               reporter=t["reporter"], summary=t["summary"])
    exp["persons"] = []
    exp["offences"] = [{"offence": t["offence"][0], "article": t["offence"][1]}]
    return lines, exp


def civil(c: dict, v: V) -> tuple[list[str], dict]:
    acc_no, acc_day = c["acceptance"]
    place = c["court"][1].split(" - ")[-1] if " - " in c["court"][1] else c["court"][1].split("dân ")[-1]
    lines = header(v, [c["court"][0]], c["no"], place.replace("huyện ", "").replace("thành phố ", ""), c["date"])
    lines += ["THÔNG BÁO", "VỀ VIỆC THỤ LÝ VỤ ÁN", f"Kính gửi: {c['vks']}"]
    admin = c["case_type"] == "Hành chính"
    who = ("Người khởi kiện", "Người bị kiện") if admin else ("Nguyên đơn", "Bị đơn")
    def party(name: str) -> str:
        if name.startswith(("Công ty", "Ủy ban")):
            return name
        return ("bà " if " Thị " in name else "ông ") + name + ", sinh năm 1972"
    lines += body(v, [
        f"{v.d(acc_day)[0].upper()}{v.d(acc_day)[1:]}, {c['court'][1]} đã thụ lý vụ án {c['kind']} sơ thẩm số "
        f"{acc_no} về việc {v.quote(c['dispute'])} theo đơn khởi kiện của người khởi kiện.",
        f"{who[0]}: {party(c['plaintiff'])}; địa chỉ: thành phố Hải Phòng.",
        f"{who[1]}: {party(c['defendant'])}; địa chỉ: thành phố Hải Phòng.",
        "Những vấn đề cụ thể người khởi kiện yêu cầu Tòa án giải quyết: như đơn khởi kiện.",
        f"Tòa án thông báo để {c['vks']} biết.",
    ])
    lines += ["Nơi nhận:", "- Như trên;", "- Lưu hồ sơ vụ án.", "THẨM PHÁN", "(Đã ký)", "Phạm Văn Tâm"]
    exp = base_expected(v, "thu_ly", c["no"], c["date"], c["court"][1])
    exp.update(acceptance_no=acc_no, acceptance_date=iso(acc_day), case_type=c["case_type"],
               plaintiff=c["plaintiff"], defendant=c["defendant"], dispute=c["dispute"])
    exp["persons"] = []
    exp["offences"] = []
    return lines, exp


def documents() -> list[tuple[str, list[str], dict, V]]:
    out = []
    i = 0
    makers = (("ktva", ktva), ("ktbc", ktbc), ("tamgiu", tam_giu), ("tamgiam", tam_giam),
              ("denghi", lambda s, v: tam_giam(s, v, request=True)), ("thuly", thu_ly), ("banan", ban_an),
              ("tha", tha))
    for n, s in enumerate(STORIES):
        for tag, make in makers:
            v = V(i)
            lines, exp = make(s, v)
            out.append((f"{i + 1:03d}-{tag}-s{n + 1}", lines, exp, v))
            i += 1
    for n, t in enumerate(TIPS):
        v = V(i)
        lines, exp = tin_bao(t, v)
        out.append((f"{i + 1:03d}-tinbao-t{n + 1}", lines, exp, v))
        i += 1
    for n, c in enumerate(CIVIL):
        v = V(i)
        lines, exp = civil(c, v)
        out.append((f"{i + 1:03d}-thulyds-c{n + 1}", lines, exp, v))
        i += 1
    return out


def write_docx(path: Path, lines: list[str], v: V) -> None:
    """The header as the forms lay it out: a two-column borderless table (body agency | motto)."""
    from docx import Document

    doc = Document()
    try:
        cut = next(k for k, line in enumerate(lines) if line.startswith(("QUYẾT ĐỊNH", "LỆNH", "THÔNG BÁO", "ĐỀ NGHỊ",
                                                                          "V/v", "BẢN ÁN", "NHÂN DANH")))
    except StopIteration:
        cut = 0
    head = [line for line in lines[:cut]]
    left = [h for h in head if not (h in MOTTO or h.startswith("---") or ", ngày" in h)]
    right = [h for h in head if h in MOTTO or ", ngày" in h]
    table = doc.add_table(rows=1, cols=2)
    for cell, texts in zip(table.rows[0].cells, (left, right)):
        cell.paragraphs[0].text = texts[0] if texts else ""
        for t in texts[1:]:
            cell.add_paragraph(t)
    for line in lines[cut:]:
        doc.add_paragraph(line)
    doc.save(str(path))


def build(ocr: bool = False) -> None:
    shutil.rmtree(DOCS, ignore_errors=True)
    DOCS.mkdir()
    EXPECTED.mkdir(exist_ok=True)
    for old in EXPECTED.glob("0*.json"):  # the generated ones; handwritten/ documents' files (1xx) are typed by hand
        old.unlink()
    for name, lines, exp, v in documents():
        if v.docx:
            write_docx(DOCS / f"{name}.docx", lines, v)
        else:
            (DOCS / f"{name}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        (EXPECTED / f"{name}.json").write_text(json.dumps(exp, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if ocr:
        render_ocr()


def render_ocr(every: int = 3) -> None:
    """Every `every`-th document: text -> .docx -> PDF (LibreOffice) -> 300 dpi PNG (pdftoppm) -> Tesseract vie."""
    OCR.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        chosen = [d for k, d in enumerate(documents()) if k % every == 0]
        for name, lines, _, v in chosen:
            write_docx(t / f"{name}.docx", lines, v)
        subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(t),
                        *[str(t / f"{n}.docx") for n, *_ in chosen]], check=True, capture_output=True, timeout=600)
        for name, *_ in chosen:
            subprocess.run(["pdftoppm", "-r", "200", "-gray", "-png", str(t / f"{name}.pdf"), str(t / name)], check=True)
            pages = sorted(t.glob(f"{name}-*.png"))
            text = "\n".join(subprocess.run(["tesseract", str(p), "stdout", "-l", "vie", "--psm", "4"], check=True,
                                            capture_output=True).stdout.decode() for p in pages)
            (OCR / f"{name}.txt").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    build(ocr="--ocr" in sys.argv)

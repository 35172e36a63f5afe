"""Working days as a counting method, and days off that name their source.

Hand counts (weekdays read from a printed calendar; days off from the decisions named in days_off.toml):

  2026: 06/03 Fri, 07-08/03 weekend, 09/03 Mon. 06/01 Tue .. 09/01 Fri; 10/01 Sat is a make-up working day
        (Công văn 12729/VPCP-KGVX ngày 25/12/2025), 11/01 Sun, 12/01 Mon. Tết Bính Ngọ: 14/02 Sat .. 22/02 Sun
        off, 23/02 Mon.
  2027: 01/02 Mon, 02/02 Tue, 03/02 Wed; 04/02 Thu .. 10/02 Wed off in the holidays package (no decision
        yet); 11/02 Thu, 12/02 Fri (off in another expected schedule, 06-12/02), 15/02 Mon.
"""

from __future__ import annotations

import json
from datetime import date

from click.testing import CliRunner

from addin.commands.cli import cli
from macros_py.law.counting import compute_due, explain_due
from macros_py.law.workcalendar import UNCONFIRMED, WorkCalendar, year_source

D = date.fromisoformat


def test_working_days_skip_weekends_and_holidays_and_do_not_count_the_first_day():
    # BLTTDS Đ.319 k1 «03 ngày làm việc, kể từ ngày nhận»; BLDS Đ.147 k1: the day after is day 1
    # Fri 06/03/2026 -> Mon 09 (1), Tue 10 (2), Wed 11 (3)
    assert compute_due(D("2026-03-06"), days=3, method="working") == D("2026-03-11")
    # the other reading (a start on a working day is day 1): Fri 06 (1), Mon 09 (2), Tue 10 (3)
    assert compute_due(D("2026-03-06"), days=3, method="working", first_day=True) == D("2026-03-10")


def test_a_make_up_saturday_is_a_working_day():
    # Tue 06/01/2026: Wed 07 (1), Thu 08 (2), Fri 09 (3), Sat 10/01 make-up day (4), Mon 12 (5)
    assert compute_due(D("2026-01-06"), days=5, method="working") == D("2026-01-12")
    # a unit that does not work that Saturday (its own day off in Cấu hình): Tue 13 is day 5
    unit = WorkCalendar.default(extra_days_off=[D("2026-01-10")])
    assert compute_due(D("2026-01-06"), days=5, method="working", calendar=unit) == D("2026-01-13")


def test_working_days_across_tet():
    # Thu 12/02/2026: Fri 13 (1), 14-22/02 off, Mon 23 (2), Tue 24 (3), Wed 25 (4), Thu 26 (5)
    due, words = explain_due(D("2026-02-12"), days=5, method="working")
    assert due == D("2026-02-26")
    assert "5 ngày làm việc kể từ 12/02/2026" in words and "thứ Năm 26/02/2026" in words
    assert UNCONFIRMED not in words  # 2026's Tết was decided


def test_a_deadline_that_depends_on_an_unconfirmed_day_off_says_so():
    # Mon 01/02/2027: Tue 02 (1), Wed 03 (2), 04-10/02 off per the package, Thu 11 (3), Fri 12 (4), Mon 15 (5)
    due, words = explain_due(D("2027-02-01"), days=5, method="working")
    assert due == D("2027-02-15")
    assert UNCONFIRMED in words and "04/02/2027" in words and "11/02/2027" in words
    # criminal, Đ.134 k1: 10 days from Tue 02/02/2027, day 1 = 02/02 -> Thu 11/02/2027, a working day in
    # kiemsat but off in the other expected schedule: the computation says the date may change
    due, words = explain_due(D("2027-02-02"), days=10, method="criminal")
    assert due == D("2027-02-11")
    assert "có thể là ngày nghỉ" in words
    # a limit ending in a decided year says nothing of the kind
    assert "lưu ý" not in explain_due(D("2026-02-02"), days=10, method="criminal")[1]


def test_each_year_names_its_source_or_says_it_has_none():
    assert year_source(2026).confirmed and "12729/VPCP-KGVX" in year_source(2026).source
    assert not year_source(2027).confirmed and year_source(2027).source.startswith(UNCONFIRMED)
    assert D("2027-02-04") in year_source(2027).unconfirmed
    # a year nobody has written up yet: the package's Tết is only expected
    later = year_source(2030)
    assert not later.confirmed and later.unconfirmed


def test_holidays_command_states_the_source_and_the_unconfirmed_days():
    runner = CliRunner()
    out = runner.invoke(cli, ["holidays", "2027"]).output
    assert "Nguồn: " + UNCONFIRMED in out
    assert "11/02/2027, 12/02/2027" in out
    line = next(x for x in out.splitlines() if x.startswith("08/02/2027"))
    assert UNCONFIRMED in line
    data = json.loads(runner.invoke(cli, ["holidays", "2027", "--json"]).output)
    by_day = {d["date"]: d for d in data}
    assert by_day["2027-02-08"]["confirmed"] is False and by_day["2027-01-01"]["confirmed"] is True
    decided = runner.invoke(cli, ["holidays", "2026"]).output
    assert "Công văn 12729/VPCP-KGVX" in decided.splitlines()[1]

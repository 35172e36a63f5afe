"""The outbox's bookkeeping: done steps stop alerts, moved deadlines start new ones, dry runs keep nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from mailer.messages import compose_digest
from mailer.outbox import Outbox
from mailer.transports import EmlFolderTransport
from tests.test_mailer_planning import DAY, deadline, plan
from tests.test_mailer_smtp import NOW, SENDER, Server, free_port, transport

LEDGERS = {"/so/a.xlsx"}


def compose(alerts):  # noqa: ANN001, ANN201
    return compose_digest(alerts, DAY, SENDER, NOW)


def test_a_step_done_before_its_alert_went_out_is_cancelled(tmp_path: Path):
    one, two = deadline(5, case="1/2026/HS"), deadline(6, case="2/2026/HS")
    with Outbox(tmp_path / "o.sqlite3") as ob:
        new, built = ob.enqueue(plan(one, two).alerts, LEDGERS, NOW, compose)
        assert new == 4 and len(built) == 2  # prosecutor and leader, two cases each
        down = ob.send_due(transport(free_port()), SENDER.address, NOW)
        assert down.sent == [] and down.stopped
        # the next day case 1's step is done: only case 2 is still owed
        later = NOW + timedelta(days=1)
        new, built = ob.enqueue(plan(replace(two, days_left=5)).alerts, LEDGERS, later, compose)
        assert new == 0 and [len(c.keys) for c in built] == [1, 1]
        srv = Server()
        srv.start()
        try:
            up = ob.send_due(transport(srv.port), SENDER.address, later + timedelta(days=1))
        finally:
            srv.stop()
        texts = [r.message.get_body(("plain",)).get_content() for r in srv.received]
        assert len(up.sent) == 2 and all("2/2026/HS" in x and "1/2026/HS" not in x for x in texts)
        assert ob.status().alerts == {"sent": 2, "cancelled": 2}


def test_an_extension_is_a_new_deadline_and_a_sent_alert_is_never_planned_again(tmp_path: Path):
    d = deadline(8)
    folder = tmp_path / "thu"
    with Outbox(tmp_path / "o.sqlite3") as ob:
        ob.enqueue(plan(d).alerts, LEDGERS, NOW, compose)
        assert len(ob.send_due(EmlFolderTransport(folder), SENDER.address, NOW).sent) == 2
        assert ob.enqueue(plan(d).alerts, LEDGERS, NOW, compose) == (0, [])
        moved = replace(d, due=d.due + timedelta(days=30), days_left=5 + 30 - 3)  # extended, far again
        assert ob.enqueue(plan(moved).alerts, LEDGERS, NOW, compose) == (0, [])
        soon = replace(moved, days_left=9)  # ten days before the new due date
        new, built = ob.enqueue(plan(soon).alerts, LEDGERS, NOW + timedelta(days=20), compose)
        assert new == 2 and len(built) == 2
        assert len(ob.send_due(EmlFolderTransport(folder), SENDER.address, NOW + timedelta(days=20)).sent) == 2
    assert len(list(folder.glob("*.eml"))) == 4


def test_dry_run_keeps_nothing(tmp_path: Path):
    with Outbox(tmp_path / "o.sqlite3") as ob:
        new, built = ob.enqueue(plan(deadline(3)).alerts, LEDGERS, NOW, compose, dry_run=True)
        assert new == 2 and len(built) == 2
        assert ob.status().alerts == {} and ob.status().messages == {}


def test_alerts_of_ledgers_outside_the_run_are_left_alone(tmp_path: Path):
    with Outbox(tmp_path / "o.sqlite3") as ob:
        ob.enqueue(plan(deadline(3)).alerts, LEDGERS, NOW, compose)
        ob.send_due(transport(free_port()), SENDER.address, NOW)  # fails: stays owed
        ob.enqueue([], {"/so/khac.xlsx"}, NOW, compose)  # a run over another ledger
        st = ob.status()
        assert st.alerts == {"pending": 2} and len(st.waiting) == 2

"""The durable outbox: a SQLite file that records every alert before it is sent.

Two tables. `alerts` has one row per alert, keyed by (ledger, case, person, kind, due date,
reminder day, recipient); `messages` has one row per digest, with its exact bytes.

* Claim. A run inserts its planned alerts with INSERT ... ON CONFLICT DO NOTHING: a key
  already there (sent, or waiting in a message) is never planned again, whichever process
  inserted it. Building the digests happens in the same write transaction (BEGIN IMMEDIATE),
  so two processes never put one alert into two messages.
* Send. A process takes one message with a single UPDATE (status -> sending, with a lease),
  sends it, then marks it sent. Only the server's acceptance marks it sent.
* Failures. A refusal for good (5xx) marks the message failed and it is not retried. Other
  failures are retried with exponential backoff; after `max_tries` the message is reported as
  failed but still retried at the longest interval. A message that never reached the server is
  dissolved at the next planning run and its alerts regrouped, so the digest that finally
  arrives states the days left as of that day; a message that may have reached the server
  (connection lost mid-send, or a process that died holding the lease) is only ever resent as
  the same bytes with the same Message-ID.

The guarantee: every planned alert is delivered at least once (never lost while the outbox
file survives); it is delivered twice only when the server accepted a message and the sender
died or lost the connection before recording it. That duplicate has the same Message-ID, so
mail clients fold it. Keep the file on a local disk (SQLite locking is unreliable on network
shares).
"""

from __future__ import annotations

import json
import sqlite3
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from .messages import Composed, calendar_uid
from .planning import _SEP, Alert, Summary, ledger_id
from .transports import SendError, Transport

if TYPE_CHECKING:
    from macros_py.law.deadlines import Deadline
    from macros_py.law.writeback import Moved

__all__ = ["Delivery", "Outbox", "OutboxStatus", "SendReport", "local_time", "pack", "stamp", "unpack"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS alerts (
    key TEXT PRIMARY KEY,
    ledger TEXT NOT NULL,
    ledger_name TEXT NOT NULL,
    case_ref TEXT NOT NULL,
    person TEXT NOT NULL,
    kind TEXT NOT NULL,
    due TEXT NOT NULL,
    day INTEGER NOT NULL,
    recipient TEXT NOT NULL,
    recipient_name TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',      -- pending | sent | cancelled
    message_id TEXT,                            -- the digest that carries it
    attempts INTEGER NOT NULL DEFAULT 0,
    not_before TEXT NOT NULL DEFAULT '',        -- the backoff of a dissolved message
    created TEXT NOT NULL,
    sent_at TEXT
);
CREATE INDEX IF NOT EXISTS alerts_open ON alerts(state, message_id);
CREATE INDEX IF NOT EXISTS alerts_message ON alerts(message_id);
CREATE TABLE IF NOT EXISTS messages (
    message_id TEXT PRIMARY KEY,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    raw BLOB NOT NULL,                          -- the message's bytes, zlib-compressed when packed = 1
    packed INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL,                       -- queued | sending | retry | failed | sent
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt TEXT NOT NULL,
    lease_until TEXT,
    owner TEXT,
    uncertain INTEGER NOT NULL DEFAULT 0,       -- may have reached the server: resend as is
    permanent INTEGER NOT NULL DEFAULT 0,       -- refused for good: never retried
    last_error TEXT,
    last_attempt TEXT,                          -- when the last failed attempt was made (UTC)
    location TEXT,
    created TEXT NOT NULL,
    sent_at TEXT
);
CREATE INDEX IF NOT EXISTS messages_due ON messages(status, next_attempt);
CREATE TABLE IF NOT EXISTS calendar (
    uid TEXT PRIMARY KEY,                       -- messages.calendar_uid: ledger identity + step
    due TEXT NOT NULL,                          -- the due date last sent
    sequence INTEGER NOT NULL                   -- grows by one each time the due date changes
);
CREATE TABLE IF NOT EXISTS steps (
    step TEXT PRIMARY KEY,                      -- planning.step_key: ledger, case, person, kind
    ledger TEXT NOT NULL,
    due TEXT NOT NULL,                          -- the due date alerts were last planned for
    start TEXT NOT NULL DEFAULT '',             -- the step's start date then
    basis TEXT NOT NULL DEFAULT '',             -- and its basis (Vietnamese), to say why it moved
    moved_from TEXT NOT NULL DEFAULT '',        -- the due date before its last move (the mails say it)
    updated TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS steps_ledger ON steps(ledger);
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,                       -- first_run: the day alerts started (ISO date)
    value TEXT NOT NULL
);
"""

# (table, column, declaration) added after the first release; _SCHEMA has them too
_ADDED_COLUMNS = (("messages", "last_attempt", "TEXT"), ("messages", "packed", "INTEGER NOT NULL DEFAULT 0"))


def pack(raw: bytes) -> bytes:
    """A message as the outbox keeps it: zlib at its fastest level. A province's first run stores
    tens of megabytes of base64 text, which SQLite writes twice (WAL, then checkpoint)."""
    return zlib.compress(raw, 1)


def unpack(raw: bytes, packed: int) -> bytes:
    return zlib.decompress(raw) if packed else raw


def stamp(moment: datetime) -> str:
    """UTC, second precision, sortable as text."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


@dataclass
class Delivery:
    message_id: str
    recipient: str
    subject: str
    alerts: int
    location: str = ""
    error: str = ""
    permanent: bool = False  # refused for good: not retried until `kiemsat alerts resend`
    when: str = ""  # UTC stamp of the last attempt or of the sending


def local_time(value: str | None) -> str:
    """An outbox stamp (UTC) as the machine's local time: «01/12/2026 18:41»."""
    if not value:
        return ""
    moment = datetime.strptime(value, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc).astimezone()
    return moment.strftime("%d/%m/%Y %H:%M")


@dataclass
class SendReport:
    sent: list[Delivery] = field(default_factory=list)
    failed: list[Delivery] = field(default_factory=list)  # this run's failed attempts
    stopped: str = ""  # why sending stopped early (server down, bad login), Vietnamese

    @property
    def retrying(self) -> list[Delivery]:
        """Failed for now (server down, 4xx): sent again by the next run or retry."""
        return [d for d in self.failed if not d.permanent]

    @property
    def refused(self) -> list[Delivery]:
        """Refused for good (5xx): waits for `kiemsat alerts resend --failed`."""
        return [d for d in self.failed if d.permanent]


@dataclass
class OutboxStatus:
    alerts: dict[str, int]  # state -> count
    messages: dict[str, int]  # status -> count
    waiting: list[Delivery]  # queued or retrying
    failed: list[Delivery]  # reported: refused, or max_tries reached
    last_sent: str | None


class Outbox:
    def __init__(self, path: Path | str, *, max_tries: int = 5, lease: timedelta = timedelta(minutes=10),
                 backoff: timedelta = timedelta(minutes=5), backoff_cap: timedelta = timedelta(hours=6)):
        self.path = path if path == ":memory:" else Path(path)
        if isinstance(self.path, Path):
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self.max_tries, self.lease, self.backoff, self.backoff_cap = max_tries, lease, backoff, backoff_cap
        self.sequences: dict[str, int] = {}  # calendar SEQUENCE per step, set by `enqueue` for `compose`
        self.previous: dict[str, date] = {}  # step key -> its due date before it moved, set by `track_steps`
        self._fresh: dict[str, bytes] = {}  # message_id -> bytes of the messages this object queued
        self.db = sqlite3.connect(str(self.path), timeout=60, isolation_level=None)
        self.db.execute("PRAGMA busy_timeout = 60000")
        if self.path != ":memory:":
            self._wal()
        self.db.execute("PRAGMA synchronous = FULL")
        with self.write():
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    self.db.execute(statement)
            self._migrate()

    def _wal(self, wait: float = 60.0) -> None:
        """Switch to WAL. On a fresh file the switch needs a moment alone and SQLite answers "database
        is locked" without waiting for the busy timeout (measured: 4 runs in 240 racing on a new
        outbox), so wait here for it."""
        deadline = time.monotonic() + wait
        while True:
            try:
                self.db.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def _migrate(self) -> None:
        """Add the columns later versions added to an outbox made by an earlier one."""
        for table, column, decl in _ADDED_COLUMNS:
            have = {r[1] for r in self.db.execute(f"PRAGMA table_info({table})")}
            if column not in have:
                self.db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {decl}")
        if not self.db.execute("SELECT 1 FROM meta WHERE key = 'steps_seeded'").fetchone():
            # an outbox from before the steps table: the due date of each step's latest alert is what
            # was planned, so a date moved since the upgrade is still reported
            self.db.execute(
                "INSERT OR IGNORE INTO steps (step, ledger, due, updated) SELECT ledger || ? || case_ref || ? ||"
                " person || ? || kind, ledger, due, created FROM alerts a WHERE kind != 'tong_hop'"
                " AND state != 'cancelled' AND created = (SELECT MAX(created) FROM alerts b WHERE"
                " b.ledger = a.ledger AND b.case_ref = a.case_ref AND b.person = a.person AND b.kind = a.kind)",
                (_SEP, _SEP, _SEP))
            self.db.execute("INSERT INTO meta (key, value) VALUES ('steps_seeded', '1')")

    # ------------------------------------------------------------ due dates that moved

    def track_steps(self, steps: dict[str, Deadline], alerts: Iterable[Alert | Summary], ledgers: Iterable[str],
                    now: datetime, *, dry_run: bool = False) -> list[Moved]:
        """The steps of `ledgers` whose due date moved since alerts were planned for them (an alert
        scheduled or sent), old -> new with the reason; and record the due date of every step an
        alert is planned for now. A move is reported once (the step then holds its new date); the
        alert for the new date has a new key, so it is planned and sent once, whether or not the
        old one was sent. With `dry_run` nothing is kept."""
        from macros_py.law.writeback import moved  # (the writer's modules: only when a run tracks steps)

        ledger_list = sorted(set(ledgers))
        now_s = stamp(now)
        out: list[Moved] = []
        with self.write(rollback=dry_run) as db:
            known = db.execute("SELECT step, due, start, basis FROM steps WHERE ledger IN"
                               " (SELECT value FROM json_each(?))", (json.dumps(ledger_list),)).fetchall()
            updates: dict[str, tuple[str, str, str, str, str, str]] = {}
            recorded = {step: due for step, due, _, _ in known}
            for step, due, start, basis in known:
                d = steps.get(step)
                if d is None or d.due.isoformat() == due:
                    continue
                who = ", ".join(x for x in (d.case, d.person) if x) or None
                change = moved(d.sheet_name, d.row, who, date.fromisoformat(due), basis or None, d,
                               old_start=date.fromisoformat(start) if start else None)
                if change is not None:
                    out.append(change)
                updates[step] = (step, step.split(_SEP, 1)[0], d.due.isoformat(), d.start.isoformat(), d.basis, due)
            for a in alerts:  # a step alerted now: its due date is recorded (once; again only when it moves)
                if isinstance(a, Alert) and a.step_key not in updates and recorded.get(a.step_key) != \
                        a.deadline.due.isoformat():
                    d = a.deadline
                    updates[a.step_key] = (a.step_key, a.ledger, d.due.isoformat(), d.start.isoformat(), d.basis, "")
            db.executemany("INSERT INTO steps (step, ledger, due, start, basis, moved_from, updated)"
                           " VALUES (?,?,?,?,?,?,?) ON CONFLICT(step) DO UPDATE SET due = excluded.due,"
                           " start = excluded.start, basis = excluded.basis, moved_from = excluded.moved_from,"
                           " updated = excluded.updated", [(*row, now_s) for row in updates.values()])
            # the alerts of a step that moved say its earlier due date, as long as it keeps the new one
            self.previous = {step: date.fromisoformat(before) for step, due, before in db.execute(
                "SELECT step, due, moved_from FROM steps WHERE moved_from != '' AND ledger IN"
                " (SELECT value FROM json_each(?))", (json.dumps(ledger_list),))
                if step in steps and steps[step].due.isoformat() == due}
        out.sort(key=lambda m: (m.sheet, m.row, m.new or date.max))
        return out

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Outbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def write(self, rollback: bool = False) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once (BEGIN IMMEDIATE) so concurrent runs queue up."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("ROLLBACK" if rollback else "COMMIT")

    def delay(self, attempts: int) -> timedelta:
        return min(self.backoff * (2 ** max(0, attempts - 1)), self.backoff_cap)

    # ------------------------------------------------------------ planning

    def enqueue(self, alerts: Iterable[Alert | Summary], ledgers: Iterable[str], now: datetime,
                compose: Callable[[list[Alert | Summary]], Composed], *,
                dry_run: bool = False) -> tuple[int, list[Composed]]:
        """Record the planned `alerts` of `ledgers` and build the digests for those not yet sent.

        Returns (how many alerts this call recorded first, the digests it queued). Alerts of
        these ledgers that wait outside any message and are no longer planned (step done,
        deadline moved, a later reminder day reached, recipient opted out) are cancelled.
        Digests are composed outside the write lock (a province's first run composes for tens
        of seconds) and queued only if no other process took their alerts meanwhile; what
        another process took, it sends. With `dry_run` nothing is kept.
        """
        planned = {a.key: a for a in alerts}
        ledger_set = set(ledgers)
        now_s = stamp(now)
        with self.write(rollback=dry_run):
            new, groups = self._record(planned, ledger_set, now_s)
            if dry_run:
                return new, [compose(groups[address]) for address in sorted(groups)]
        built: list[Composed] = []
        for _ in range(3):  # a digest whose alerts another process took meanwhile is rebuilt from the rest
            if not groups:
                break
            drafts = [compose(groups[address]) for address in sorted(groups)]
            with self.write():
                groups = {}
                for draft in drafts:
                    if self._queue(draft, now_s):
                        built.append(draft)
                        continue
                    free = {r[0] for r in self.db.execute(
                        "SELECT key FROM alerts WHERE message_id IS NULL AND state = 'pending' AND key IN "
                        "(SELECT value FROM json_each(?))", (json.dumps(list(draft.keys)),))}
                    rest = [planned[k] for k in draft.keys if k in free]
                    if rest:
                        groups[draft.recipient] = rest
        return new, built

    def _record(self, planned: dict[str, Alert | Summary], ledgers: set[str],
                now_s: str) -> tuple[int, dict[str, list[Alert | Summary]]]:
        """Claim the planned alerts; return how many were new and the owed ones by recipient."""
        db = self.db
        self._adopt_path_keys(planned)
        self._dissolve(ledgers)
        before = db.total_changes
        db.executemany(
            "INSERT INTO alerts (key, ledger, ledger_name, case_ref, person, kind, due, day, recipient,"
            " recipient_name, created) VALUES (?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(key) DO NOTHING",
            [(*a.record(), now_s) for a in planned.values()])
        new = db.total_changes - before
        groups: dict[str, list[Alert | Summary]] = {}
        cancel, revive = [], []
        for key, ledger, state in db.execute("SELECT key, ledger, state FROM alerts WHERE message_id IS NULL"
                                             " AND state IN ('pending', 'cancelled')").fetchall():
            alert = planned.get(key)
            if alert is None:
                if state == "pending" and ledger in ledgers:
                    cancel.append((key,))
                continue
            if state == "cancelled":
                revive.append((key,))
            groups.setdefault(alert.recipient.address, []).append(alert)
        db.executemany("UPDATE alerts SET state = 'cancelled' WHERE key = ?", cancel)
        db.executemany("UPDATE alerts SET state = 'pending' WHERE key = ?", revive)
        self._sequence([a for group in groups.values() for a in group])
        return new, groups

    def _adopt_path_keys(self, planned: dict[str, Alert | Summary]) -> None:
        """An outbox made before ledgers had a stable identity keyed its alerts by the ledger's file
        path: rename those rows to the new keys once, so upgrading sends nothing again."""
        if self.db.execute("SELECT 1 FROM meta WHERE key = 'path_keys_adopted'").fetchone():
            return
        if self.db.execute("SELECT 1 FROM alerts LIMIT 1").fetchone():
            renames = []
            for a in planned.values():
                if isinstance(a, Alert) and a.source is not None and a.source.path:
                    d = a.deadline
                    old = _SEP.join((ledger_id(Path(a.source.path)), a.case_ref, d.person or "", d.kind,
                                     d.due.isoformat(), str(a.day), a.recipient.address))
                    renames.append((a.key, a.ledger, a.ledger_name, old))
            self.db.executemany("UPDATE OR IGNORE alerts SET key = ?, ledger = ?, ledger_name = ? WHERE key = ?",
                                renames)
        self.db.execute("INSERT INTO meta (key, value) VALUES ('path_keys_adopted', '1')")

    def _sequence(self, items: Iterable[Alert | Summary]) -> None:
        """The calendar SEQUENCE of each step about to be mailed (a summary's list is in no calendar):
        0 the first time, one more each time its due date changes, never less (RFC 5545 3.8.7.4),
        whatever the direction of the change."""
        steps = {calendar_uid(a): a.deadline.due.isoformat() for a in items if isinstance(a, Alert)}
        if not steps:
            return
        known = {uid: (due, seq) for uid, due, seq in self.db.execute(
            "SELECT uid, due, sequence FROM calendar WHERE uid IN (SELECT value FROM json_each(?))",
            (json.dumps(list(steps)),))}
        changes = []
        for uid, due in steps.items():
            old = known.get(uid)
            seq = 0 if old is None else old[1] + (old[0] != due)
            self.sequences[uid] = seq
            if old is None or old[0] != due:
                changes.append((uid, due, seq))
        self.db.executemany("INSERT INTO calendar (uid, due, sequence) VALUES (?,?,?) ON CONFLICT(uid)"
                            " DO UPDATE SET due = excluded.due, sequence = excluded.sequence", changes)

    def first_run(self, today: date, *, record: bool = True) -> date:
        """The day alerts started for this outbox (the default «Bắt đầu cảnh báo từ»); recorded the first time."""
        if record:
            with self.write() as db:
                db.execute("INSERT INTO meta (key, value) VALUES ('first_run', ?) ON CONFLICT(key) DO NOTHING",
                           (today.isoformat(),))
        row = self.db.execute("SELECT value FROM meta WHERE key = 'first_run'").fetchone()
        return date.fromisoformat(row[0]) if row else today

    def _queue(self, draft: Composed, now_s: str) -> bool:
        """Queue a composed digest if all its alerts are still owed and in no message."""
        db = self.db
        keys = json.dumps(list(draft.keys))
        n, tries, not_before = db.execute(
            "SELECT COUNT(*), MAX(attempts), MAX(not_before) FROM alerts WHERE message_id IS NULL"
            " AND state = 'pending' AND key IN (SELECT value FROM json_each(?))", (keys,)).fetchone()
        if n != len(draft.keys):
            return False
        tries = tries or 0
        status = "queued" if not tries else ("failed" if tries >= self.max_tries else "retry")
        db.execute("INSERT INTO messages (message_id, recipient, subject, raw, packed, status, attempts, next_attempt,"
                   " created) VALUES (?,?,?,?,1,?,?,?,?)",
                   (draft.message_id, draft.recipient, draft.subject, pack(draft.raw), status, tries,
                    max(not_before or "", now_s), now_s))
        db.execute("UPDATE alerts SET message_id = ? WHERE key IN (SELECT value FROM json_each(?))",
                   (draft.message_id, keys))
        self._fresh[draft.message_id] = draft.raw
        return True

    def _dissolve(self, ledgers: set[str]) -> None:
        """Take apart the messages that never reached a server (failed before or at connecting,
        or refused with a temporary error), when all their alerts belong to `ledgers`."""
        db = self.db
        rows = db.execute("SELECT message_id, next_attempt FROM messages WHERE status IN ('queued', 'retry', 'failed')"
                          " AND uncertain = 0 AND permanent = 0").fetchall()
        for message_id, next_attempt in rows:
            owners = {r[0] for r in db.execute("SELECT DISTINCT ledger FROM alerts WHERE message_id = ?",
                                               (message_id,))}
            if not owners <= ledgers:
                continue
            db.execute("UPDATE alerts SET message_id = NULL, not_before = ? WHERE message_id = ?",
                       (next_attempt, message_id))
            db.execute("DELETE FROM messages WHERE message_id = ?", (message_id,))

    # ------------------------------------------------------------ sending

    def claim(self, now: datetime, owner: str) -> tuple[str, str, str, bytes] | None:
        """Take the next message due for sending, or None. One statement, so one process wins."""
        found = self.claim_many(now, owner, 1)
        return found[0] if found else None

    def claim_many(self, now: datetime, owner: str, limit: int) -> list[tuple[str, str, str, bytes]]:
        """Take up to `limit` messages due for sending, oldest first, in one statement."""
        now_s = stamp(now)
        rows = self.db.execute(
            "UPDATE messages SET status = 'sending', owner = ?, lease_until = ?,"
            " uncertain = CASE WHEN status = 'sending' THEN 1 ELSE uncertain END"
            " WHERE message_id IN (SELECT message_id FROM messages WHERE"
            "  (status IN ('queued', 'retry') AND next_attempt <= ?)"
            "  OR (status = 'failed' AND permanent = 0 AND next_attempt <= ?)"
            "  OR (status = 'sending' AND lease_until < ?)"
            "  ORDER BY created, message_id LIMIT ?)"
            " RETURNING message_id, recipient, subject",
            (owner, stamp(now + self.lease), now_s, now_s, now_s, limit)).fetchall()
        # the bytes: those this object queued are still in memory (what it stored; were the message
        # regrouped by another run meanwhile, its Message-ID still names the same alerts)
        missing = [m for m, _, _ in rows if m not in self._fresh]
        stored = {m: unpack(raw, packed) for m, raw, packed in self.db.execute(
            "SELECT message_id, raw, packed FROM messages WHERE message_id IN (SELECT value FROM json_each(?))",
            (json.dumps(missing),))} if missing else {}
        return sorted(((m, r, s, self._fresh.pop(m, None) or stored[m]) for m, r, s in rows), key=lambda r: r[0])

    def mark_sent(self, message_id: str, location: str, now: datetime) -> None:
        self.mark_sent_many([(message_id, location)], now)

    def mark_sent_many(self, done: list[tuple[str, str]], now: datetime) -> None:
        """Record (message_id, location) pairs as sent, in one transaction."""
        with self.write() as db:
            db.executemany("UPDATE messages SET status = 'sent', sent_at = ?, location = ?, lease_until = NULL,"
                           " last_error = NULL WHERE message_id = ?", [(stamp(now), loc, m) for m, loc in done])
            db.executemany("UPDATE alerts SET state = 'sent', sent_at = ? WHERE message_id = ?",
                           [(stamp(now), m) for m, _ in done])

    def mark_failed(self, message_id: str, error: SendError, now: datetime) -> int:
        """Record a failed attempt; returns the message's attempts so far."""
        with self.write() as db:
            (attempts,) = db.execute("SELECT attempts + 1 FROM messages WHERE message_id = ?",
                                     (message_id,)).fetchone()
            status = "failed" if error.permanent or attempts >= self.max_tries else "retry"
            db.execute("UPDATE messages SET status = ?, attempts = ?, next_attempt = ?, lease_until = NULL,"
                       " uncertain = MAX(uncertain, ?), permanent = ?, last_error = ?, last_attempt = ?"
                       " WHERE message_id = ?",
                       (status, attempts, stamp(now + self.delay(attempts)), int(error.uncertain),
                        int(error.permanent), str(error), stamp(now), message_id))
            db.execute("UPDATE alerts SET attempts = ? WHERE message_id = ?", (attempts, message_id))
        return attempts

    def release(self, message_id: str) -> None:
        """Give back a claimed message that was not tried (the run stopped before it)."""
        self.db.execute("UPDATE messages SET status = CASE WHEN attempts = 0 THEN 'queued' ELSE 'retry' END,"
                        " lease_until = NULL WHERE message_id = ? AND status = 'sending'", (message_id,))

    def count_alerts(self, message_id: str) -> int:
        return self.db.execute("SELECT COUNT(*) FROM alerts WHERE message_id = ?", (message_id,)).fetchone()[0]

    def send_due(self, transport: Transport, sender: str, now: datetime | None = None, *,
                 owner: str = "", clock: Callable[[], datetime] | None = None) -> SendReport:
        """Send every message that is due, each at most once per call, over one transport."""
        clock = clock or (lambda: now or datetime.now(timezone.utc))
        report = SendReport()
        tried: set[str] = set()
        if getattr(transport, "idempotent", False):
            return self._send_batches(transport, sender, clock, owner, report)
        try:
            while True:
                moment = clock()
                claimed = self.claim(moment, owner)
                if claimed is None:
                    break
                message_id, recipient, subject, raw = claimed
                if message_id in tried:  # due again already (zero backoff): leave it to the next run
                    self.release(message_id)
                    break
                tried.add(message_id)
                n = self.count_alerts(message_id)
                try:
                    location = transport.send(sender, recipient, raw, message_id)
                except SendError as exc:
                    moment = clock()
                    self.mark_failed(message_id, exc, moment)
                    report.failed.append(Delivery(message_id, recipient, subject, n, error=str(exc),
                                                  permanent=exc.permanent, when=stamp(moment)))
                    if exc.connection:
                        report.stopped = str(exc)
                        break
                    continue
                moment = clock()
                self.mark_sent(message_id, location, moment)
                report.sent.append(Delivery(message_id, recipient, subject, n, location=location, when=stamp(moment)))
        finally:
            transport.close()
        return report

    def _send_batches(self, transport: Transport, sender: str, clock: Callable[[], datetime], owner: str,
                      report: SendReport, size: int = 64) -> SendReport:
        """For a transport where sending a message twice leaves one copy (the .eml folder: the file
        name comes from the Message-ID): claim and record messages by batches, one commit each way,
        instead of three commits per message. A crash in between rewrites the same files."""
        tried: set[str] = set()
        try:
            while not report.stopped:
                claimed = self.claim_many(clock(), owner, size)
                batch = [m for m in claimed if m[0] not in tried]
                for again in (m for m in claimed if m[0] in tried):  # due again already: the next run's
                    self.release(again[0])
                if not batch:
                    break
                tried.update(m[0] for m in batch)
                counts = dict(self.db.execute(
                    "SELECT message_id, COUNT(*) FROM alerts WHERE message_id IN (SELECT value FROM json_each(?))"
                    " GROUP BY message_id", (json.dumps([m[0] for m in batch]),)).fetchall())
                done: list[tuple[str, str]] = []
                for message_id, recipient, subject, raw in batch:
                    if report.stopped:
                        self.release(message_id)
                        continue
                    try:
                        location = transport.send(sender, recipient, raw, message_id)
                    except SendError as exc:
                        moment = clock()
                        self.mark_failed(message_id, exc, moment)
                        report.failed.append(Delivery(message_id, recipient, subject, counts.get(message_id, 0),
                                                      error=str(exc), permanent=exc.permanent, when=stamp(moment)))
                        if exc.connection:
                            report.stopped = str(exc)
                        continue
                    done.append((message_id, location))
                    report.sent.append(Delivery(message_id, recipient, subject, counts.get(message_id, 0),
                                                location=location, when=stamp(clock())))
                if done:
                    self.mark_sent_many(done, clock())
        finally:
            transport.close()
        return report

    # ------------------------------------------------------------ reporting

    def status(self) -> OutboxStatus:
        db = self.db
        alerts = dict(db.execute("SELECT state, COUNT(*) FROM alerts GROUP BY state").fetchall())
        messages = dict(db.execute("SELECT status, COUNT(*) FROM messages GROUP BY status").fetchall())

        def deliveries(where: str) -> list[Delivery]:
            return [Delivery(m, r, s, n, error=e or "", permanent=bool(p), when=w or "")
                    for m, r, s, n, e, p, w in db.execute(
                "SELECT m.message_id, m.recipient, m.subject, (SELECT COUNT(*) FROM alerts a"
                " WHERE a.message_id = m.message_id), m.last_error, m.permanent, m.last_attempt"
                " FROM messages m WHERE " + where + " ORDER BY m.created, m.recipient")]

        last = db.execute("SELECT MAX(sent_at) FROM messages WHERE status = 'sent'").fetchone()[0]
        return OutboxStatus(alerts, messages, deliveries("m.status IN ('queued', 'retry', 'sending')"),
                            deliveries("m.status = 'failed'"), last)

    def resend(self, now: datetime, *, failed_only: bool, since: datetime | None = None) -> int:
        """Queue again the failed messages (with `failed_only`), or every failed or sent message
        created since `since`; returns how many. A refused message gets a fresh set of tries and
        may be regrouped by the next planning run; a sent one goes again as the same bytes with the
        same Message-ID (a mail client that still has it folds the copy)."""
        after = stamp(since) if since is not None else ""
        now_s = stamp(now)
        with self.write() as db:
            db.execute("UPDATE alerts SET attempts = 0, not_before = '' WHERE message_id IN"
                       " (SELECT message_id FROM messages WHERE status = 'failed' AND created >= ?)", (after,))
            failed = db.execute("UPDATE messages SET status = 'retry', permanent = 0, attempts = 0,"
                                " next_attempt = ? WHERE status = 'failed' AND created >= ?",
                                (now_s, after)).rowcount
            sent = 0 if failed_only else db.execute(
                "UPDATE messages SET status = 'queued', uncertain = 1, next_attempt = ? WHERE status = 'sent'"
                " AND created >= ?", (now_s, after)).rowcount
        return failed + sent

    def sent_keys(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT key FROM alerts WHERE state = 'sent' ORDER BY key")]

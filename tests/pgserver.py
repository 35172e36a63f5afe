"""A real PostgreSQL server for the tests: Debian's postgresql 15, started in a temporary folder, stopped after.

`initdb` refuses to run as root (CI runs as root): then the server runs as Debian's unprivileged `postgres` user
through `runuser`. It listens on 127.0.0.1 on a free port (and a socket in its own folder), with password
authentication (scram-sha-256), so the roles' passwords are really checked. Tests that need it skip, saying
why, where the server is not installed.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PG_BIN = Path(os.environ.get("KIEMSAT_PG_BIN", "/usr/lib/postgresql/15/bin"))
ADMIN = "kiemsat_admin"


def why_not() -> str | None:
    if not (PG_BIN / "initdb").exists() or not (PG_BIN / "pg_ctl").exists():
        return f"PostgreSQL 15 không có ở {PG_BIN} (apt-get install postgresql; .ci/run tự cài)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "chạy bằng root mà không có người dùng «postgres» để chạy máy chủ (initdb không chạy bằng root)"
        if shutil.which("runuser") is None:
            return "chạy bằng root mà không có lệnh runuser"
    return None


def _as_server_user(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class PgServer:
    folder: Path
    port: int
    admin_password: str
    host: str = "127.0.0.1"

    def url(self, user: str, database: str) -> str:
        return f"postgresql://{user}@{self.host}:{self.port}/{database}"

    def admin_conn(self, database: str = "postgres"):  # noqa: ANN201 - a psycopg connection
        import psycopg

        return psycopg.connect(host=self.host, port=self.port, user=ADMIN, password=self.admin_password,
                               dbname=database, autocommit=True)

    def create_database(self, name: str) -> str:
        from psycopg import sql

        with self.admin_conn() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return name

    def create_role(self, name: str, password: str) -> None:
        from psycopg import sql

        with self.admin_conn() as conn:
            if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone():
                conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(name),
                                                                                sql.Literal(password)))


def start_server() -> PgServer:
    folder = Path(tempfile.mkdtemp(prefix="kiemsat-pg-"))
    os.chmod(folder, 0o755)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    password = secrets.token_urlsafe(16)
    pwfile = folder / "pw"
    pwfile.write_text(password)
    if os.geteuid() == 0:
        shutil.chown(pwfile, "postgres")
    data = folder / "data"
    subprocess.run(_as_server_user([str(PG_BIN / "initdb"), "-D", str(data), "-U", ADMIN, "--pwfile", str(pwfile),
                                    "--auth=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8"]),
                   check=True, capture_output=True, cwd=folder)
    pwfile.unlink()
    port = _free_port()
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60"
    subprocess.run(_as_server_user([str(PG_BIN / "pg_ctl"), "-D", str(data), "-o", options, "-l",
                                    str(folder / "server.log"), "-w", "-t", "60", "start"]),
                   check=True, capture_output=True, cwd=folder)
    return PgServer(folder, port, password)


def stop_server(server: PgServer) -> None:
    subprocess.run(_as_server_user([str(PG_BIN / "pg_ctl"), "-D", str(server.folder / "data"), "-m", "immediate",
                                    "-w", "stop"]), capture_output=True, cwd=server.folder)
    shutil.rmtree(server.folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PgServer]:
    reason = why_not()
    if reason:
        pytest.skip(reason)
    server = start_server()
    try:
        yield server
    finally:
        stop_server(server)

"""The COM server's start (issue 21, item 3): register first, load in the background, say so while
loading, log every start-up failure. pywin32's pieces are given as stand-ins (COM needs Windows);
the real `Dispatch("Kiemsat.Dispatcher")` round trip is tested only on Windows."""

from __future__ import annotations

import sys
import threading
import time

import pytest

from addin.excel import comserver


@pytest.fixture(autouse=True)
def logs(tmp_path, monkeypatch):
    monkeypatch.setenv("KIEMSAT_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setattr(comserver, "LOADER", None)
    return tmp_path / "logs" / "may-chu-com.log"


def test_the_class_is_registered_before_anything_heavy_is_imported(logs):
    events = []
    release = threading.Event()

    def slow_import(name):
        release.wait(5)
        events.append(("import", name))

    def register():
        events.append(("register", None))
        return "handle"

    def pump():
        events.append(("pump", None))
        release.set()  # Excel's first press could arrive now: the modules load behind it
        comserver.LOADER.done.wait(5)

    loader = comserver.Loader([*comserver.HEAVY_MODULES, *comserver.handler_modules()], importer=slow_import)
    code = comserver.main(["-Embedding"], com=(register, pump, lambda h: events.append(("revoke", h))), loader=loader)
    assert code == 0 and events[0] == ("register", None) and events[1] == ("pump", None)
    imported = [n for k, n in events if k == "import"]
    assert imported[:len(comserver.HEAVY_MODULES)] == list(comserver.HEAVY_MODULES)
    assert set(comserver.handler_modules()) <= set(imported) and events[-1] == ("revoke", "handle")
    text = logs.read_text(encoding="utf-8")
    assert sys.executable in text and "đã nạp" in text and "kết thúc" in text


def test_a_press_while_loading_says_so_on_the_status_bar_and_waits():
    gate = threading.Event()
    loader = comserver.Loader(["a", "b"], importer=lambda name: gate.wait(5)).start()
    shown = []
    threading.Timer(0.3, gate.set).start()
    t0 = time.perf_counter()
    assert loader.wait(shown.append, timeout=5)
    assert shown == [comserver.LOADING] and time.perf_counter() - t0 >= 0.25
    assert loader.wait(shown.append) and shown == [comserver.LOADING]  # loaded: no second message


def test_a_module_that_cannot_load_is_logged_with_its_cause(logs):
    def importer(name):
        if name == "pandas":
            raise ImportError("DLL load failed while importing _libs: The specified module could not be found.")

    loader = comserver.Loader(["xlwings", "pandas"], importer=importer)
    loader.run()
    assert list(loader.failed) == ["pandas"] and loader.done.is_set()
    text = logs.read_text(encoding="utf-8")
    assert "không nạp được pandas" in text and "DLL load failed" in text and "đã nạp 1/2" in text


def test_a_server_that_cannot_register_logs_why_and_exits(logs):
    def register():
        raise OSError("CoRegisterClassObject failed: Class not registered")

    code = comserver.main(["-Embedding"], com=(register, lambda: None, lambda h: None))
    assert code == 1
    text = logs.read_text(encoding="utf-8")
    assert "máy chủ COM dừng vì lỗi" in text and "CoRegisterClassObject failed" in text and "Traceback" in text

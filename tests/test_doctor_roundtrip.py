"""`kiemsat doctor` calls the ribbon's COM server for real, with a timeout (issue 21, item 3).

Off Windows the call goes to the same class in this process (no COM here); the failures a Windows PC
meets are given as the exceptions pywin32 raises (`com_error`: HRESULT first). The real
`Dispatch("Kiemsat.Dispatcher")` runs only on Windows.
"""

from __future__ import annotations

import sys
import threading
import time

import pytest

from addin.doctor import checks, roundtrip
from addin.doctor.roundtrip import RoundTrip
from macros_py import __version__


class ComError(Exception):
    """What pywintypes.com_error looks like: (hresult, text, excepinfo, argerror)."""


def windows_machine(**kw):
    defaults = dict(windows=True, registered_command='"C:\\Py\\pythonw.exe" -P -m addin.excel.comserver')
    defaults.update(kw)
    return checks.Machine(**defaults)


def test_the_round_trip_reaches_the_servers_class_here():
    result = roundtrip.round_trip()
    if sys.platform != "win32":
        assert result.ok and result.version == __version__ and not result.via_com
    [line] = checks.check_round_trip(checks.Machine(windows=False))
    assert line.state == checks.OK and "trả lời sau" in line.text and __version__ in line.text


@pytest.mark.parametrize(("hresult", "words"), [
    (-2146959355, "CO_E_SERVER_EXEC_FAILURE"), (-2147221005, "kiemsat addin install"),
    (-2147024891, "quyền quản trị"), (-2147000000, "0x80076140")])
def test_a_failing_call_is_explained_in_vietnamese(hresult, words):
    def connect():
        raise ComError(hresult, "Server execution failed", None, None)

    m = windows_machine(call_server=lambda: roundtrip.round_trip(connect, timeout=5, via_com=True))
    [line] = checks.check_round_trip(m)
    assert line.state == checks.BLOCK and words in line.text and "Server execution failed" not in line.text


def test_a_server_that_never_answers_is_given_up_on():
    stuck = threading.Event()

    def connect():  # Dispatch waiting for a registration that never comes
        stuck.wait(10)
        return __version__

    t0 = time.perf_counter()
    result = roundtrip.round_trip(connect, timeout=0.3, via_com=True)
    stuck.set()
    assert not result.ok and time.perf_counter() - t0 < 3 and "không trả lời sau" in result.problem
    [line] = checks.check_round_trip(windows_machine(call_server=lambda: result))
    assert line.state == checks.BLOCK and "may-chu-com.log" in line.text


def test_a_server_of_another_version_is_a_warning():
    m = windows_machine(call_server=lambda: RoundTrip(True, 0.4, version="0.0.9"))
    [line] = checks.check_round_trip(m)
    assert line.state == checks.WARN and "0.0.9" in line.text and "kiemsat addin install" in line.text


def test_not_registered_is_said_once_by_the_server_check():
    m = windows_machine(registered_command=None, call_server=lambda: pytest.fail("must not call"))
    assert checks.check_round_trip(m) == []


def test_inside_a_press_the_press_is_the_round_trip():
    [line] = checks.check_round_trip(checks.Machine(windows=True, call_server=None))
    assert line.state == checks.OK and "chính lần bấm này" in line.text


@pytest.mark.skipif(sys.platform != "win32", reason="Dispatch(\"Kiemsat.Dispatcher\") needs Windows' COM and a "
                                                     "registered server (kiemsat addin install)")
def test_the_real_dispatch_on_windows():  # pragma: no cover - Windows only
    result = roundtrip.round_trip(roundtrip.com_connect, timeout=120, via_com=True)
    assert result.ok, result.problem
    assert result.version == __version__

"""Shared helpers for the tests that drive the tsray kernel with real Jupyter clients.

These tests run under Debian's /usr/bin/python3 (jupyter_client, jupyter_kernel_test,
nbclient, jupyter_console). test/jupyter-clients.test.ts runs them from mocha after
installing the kernelspec into a temporary prefix; by hand:

    node bin/tsray.js install --prefix "$P"
    cd test/python && JUPYTER_PATH="$P/share/jupyter" JUPYTER_DATA_DIR="$(mktemp -d)" \
        JUPYTER_RUNTIME_DIR="$(mktemp -d)" /usr/bin/python3 -m unittest -v test_kernel_protocol
"""
import os
import signal
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TSRAY_BIN = REPO / "bin" / "tsray.js"
KERNEL_NAME = "tsray"

# Every request in these tests waits at most this long (seconds); a kernel start longer.
TIMEOUT = 30
STARTUP_TIMEOUT = 90


def require_tsray_kernelspec():
    """Fails clearly unless Jupyter finds a `tsray` kernelspec that starts this checkout."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    except NoSuchKernel:
        raise AssertionError(
            "Jupyter finds no 'tsray' kernelspec. Run these tests through mocha "
            "(dist/test/jupyter-clients.test.js), or run `node bin/tsray.js install --prefix P` "
            "and set JUPYTER_PATH=P/share/jupyter (see test/python/tsray_testing.py)."
        ) from None
    script = Path(spec.argv[1]).resolve() if len(spec.argv) > 1 else None
    if script != TSRAY_BIN.resolve():
        raise AssertionError(
            f"the 'tsray' kernelspec Jupyter found ({spec.resource_dir}) starts {spec.argv}, "
            f"not this checkout's {TSRAY_BIN}; set JUPYTER_PATH to the prefix the tests installed"
        )
    return spec


def pids_mentioning(text):
    """Processes whose command line contains `text` (e.g. a connection file's path)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in cmdline:
            found.append(int(entry.name))
    return found


def kill_pids_mentioning(text, grace=5.0):
    """Waits up to `grace` seconds for such processes to end, then SIGKILLs the rest by pid."""
    deadline = time.monotonic() + grace
    while pids_mentioning(text) and time.monotonic() < deadline:
        time.sleep(0.2)
    leftovers = pids_mentioning(text)
    for pid in leftovers:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return leftovers


def stop_process_group(proc, grace=20.0):
    """SIGTERM a process started with start_new_session=True (its group), then SIGKILL."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=grace)
        except Exception:
            pass
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=10)

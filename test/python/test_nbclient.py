"""The tsray kernel driven by the Jupyter clients people use: nbclient (what `jupyter
nbconvert --execute` and papermill run on), jupyter_client's KernelManager, and
`jupyter kernel` + `jupyter console --existing` + a second client on the same
connection file.

Every kernel these tests start has its connection file under JUPYTER_RUNTIME_DIR or
a temporary directory, so whatever outlives a failed test is found by that path and
killed by pid.
"""
import os
import queue
import signal
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

import nbformat
from jupyter_client import BlockingKernelClient, KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from tsray_testing import (
    KERNEL_NAME,
    STARTUP_TIMEOUT,
    TIMEOUT,
    kill_pids_mentioning,
    require_tsray_kernelspec,
    stop_process_group,
)


def setUpModule():
    require_tsray_kernelspec()


def notebook(*sources):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    return nb


def run_notebook(nb, **options):
    client = NotebookClient(
        nb, kernel_name=KERNEL_NAME, timeout=TIMEOUT, startup_timeout=STARTUP_TIMEOUT, **options
    )
    client.execute()
    return nb


class NotebookClientTests(unittest.TestCase):
    def test_notebook_outputs(self):
        nb = run_notebook(
            notebook(
                'console.log("hello from tsray")',
                "const n: number = 6 * 7;\nn",
                'display.html("<b>bold</b>")',
                "n + 1",
                'console.error("to stderr")',
            )
        )
        nbformat.validate(nb)
        self.assertEqual(nb.metadata.language_info.name, "typescript")
        self.assertEqual(nb.metadata.language_info.file_extension, ".ts")
        self.assertEqual([cell.execution_count for cell in nb.cells], [1, 2, 3, 4, 5])

        stream = nb.cells[0].outputs
        self.assertEqual(len(stream), 1, stream)
        self.assertEqual((stream[0].output_type, stream[0].name, stream[0].text), ("stream", "stdout", "hello from tsray\n"))

        result = nb.cells[1].outputs
        self.assertEqual([o.output_type for o in result], ["execute_result"], result)
        self.assertEqual(result[0].data["text/plain"], "42")
        self.assertEqual(result[0].execution_count, 2)

        shown = [o for o in nb.cells[2].outputs if o.output_type == "display_data"]
        self.assertEqual(len(shown), 1, nb.cells[2].outputs)
        self.assertEqual(shown[0].data["text/html"], "<b>bold</b>")

        # state survives from cell to cell
        self.assertEqual(nb.cells[3].outputs[0].data["text/plain"], "43")

        stderr = nb.cells[4].outputs
        self.assertEqual([(o.output_type, o.name, o.text) for o in stderr], [("stream", "stderr", "to stderr\n")])

    def test_error_cell_stops_the_notebook(self):
        nb = notebook('throw new Error("boom")', "1 + 1")
        with self.assertRaises(CellExecutionError) as raised:
            run_notebook(nb)
        self.assertIn("boom", str(raised.exception))
        error = nb.cells[0].outputs
        self.assertEqual([(o.output_type, o.ename, o.evalue) for o in error], [("error", "Error", "boom")])
        self.assertIsNone(nb.cells[1].execution_count)
        self.assertEqual(nb.cells[1].outputs, [])

    def test_allow_errors_runs_on(self):
        nb = run_notebook(notebook('const bad: number = "s"', "1 + 1"), allow_errors=True)
        self.assertEqual(nb.cells[0].outputs[0].output_type, "error")
        self.assertEqual(nb.cells[0].outputs[0].ename, "TSError")
        self.assertEqual(nb.cells[1].outputs[0].data["text/plain"], "2")


class KernelManagerTests(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory(prefix="tsray-km-")
        self.addCleanup(self.dir.cleanup)
        # runs even when setUp fails half-way (cleanups run last-in first-out)
        self.addCleanup(kill_pids_mentioning, self.dir.name)
        self.km, self.kc, self.log = self.start_kernel("kernel")

    def start_kernel(self, name):
        """A kernel whose connection file and stderr log live in this test's directory."""
        km = KernelManager(kernel_name=KERNEL_NAME, connection_file=os.path.join(self.dir.name, f"{name}.json"))
        log_path = os.path.join(self.dir.name, f"{name}.stderr.log")
        log = open(log_path, "w")  # open until tearDown: restart_kernel launches with it again
        self.addCleanup(log.close)
        km.start_kernel(stderr=log)
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=STARTUP_TIMEOUT)
        return km, kc, log_path

    def tearDown(self):
        try:
            self.kc.stop_channels()
            if self.km.is_alive():
                self.km.shutdown_kernel(now=True)
        finally:
            leftovers = kill_pids_mentioning(self.dir.name)
        self.assertEqual(leftovers, [], "kernel processes were still running after shutdown_kernel")

    def execute(self, code, **options):
        outputs = []
        reply = self.kc.execute_interactive(
            code, timeout=TIMEOUT, output_hook=lambda msg: outputs.append(msg), **options
        )
        return reply["content"], [(m["msg_type"], m["content"]) for m in outputs if m["msg_type"] != "status"]

    def test_execute_interactive(self):
        reply, outputs = self.execute("let m = 20;\nconsole.log(m * 2)")
        self.assertEqual(reply["status"], "ok")
        self.assertIn(("stream", {"name": "stdout", "text": "40\n"}), outputs)

        reply, outputs = self.execute("m + 1")
        results = [content for kind, content in outputs if kind == "execute_result"]
        self.assertEqual([r["data"]["text/plain"] for r in results], ["21"])
        self.assertEqual(results[0]["execution_count"], reply["execution_count"])

        prompts = []

        def answer(msg):
            prompts.append(msg["content"]["prompt"])
            self.kc.input("tsray")

        reply, outputs = self.execute(
            'const who = await input("who? ");\nconsole.log(`hello ${who}`)', allow_stdin=True, stdin_hook=answer
        )
        self.assertEqual(reply["status"], "ok")
        self.assertEqual(prompts, ["who? "])
        self.assertIn(("stream", {"name": "stdout", "text": "hello tsray\n"}), outputs)

    def outputs_of(self, code, limit):
        """The cell's iopub outputs up to its idle status; fails once `limit` seconds have passed."""
        msg_id = self.kc.execute(code)
        deadline = time.monotonic() + limit
        outputs = []
        while time.monotonic() < deadline:
            try:
                msg = self.kc.get_iopub_msg(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                return outputs
            if msg["msg_type"] not in ("status", "execute_input"):
                outputs.append(msg)
        self.fail(f"the cell was not done within {limit} s ({len(outputs)} outputs by then)")

    def test_a_hundred_thousand_lines_arrive_in_few_messages(self):
        # One stream message a console.log made these 100,000 messages, which a
        # jupyter_client consumer reads for many minutes; ipykernel sends 3 or 4.
        outputs = self.outputs_of("for (let i = 0; i < 100000; i++) console.log(i)", limit=60)
        self.assertEqual({m["msg_type"] for m in outputs}, {"stream"})
        self.assertEqual("".join(m["content"]["text"] for m in outputs), "".join(f"{i}\n" for i in range(100000)))
        self.assertLessEqual(len(outputs), 100, "the lines should come batched")

    def test_batched_text_keeps_its_place_among_other_outputs(self):
        code = (
            'console.log("a"); console.log("b"); display.text("shown"); console.log("c");\n'
            'console.error("e1"); console.log("d"); console.error("e2"); console.log("f");\n'
            'setTimeout(() => { throw new Error("between") }, 0); await new Promise((resolve) => setTimeout(resolve, 100));\n'
            'console.log("g"); throw new Error("boom")'
        )
        seen = []
        for msg in self.outputs_of(code, limit=TIMEOUT):
            content = msg["content"]
            if msg["msg_type"] == "stream" and seen and seen[-1][0] == content["name"]:
                seen[-1] = (content["name"], seen[-1][1] + content["text"])  # however the text was split
            elif msg["msg_type"] == "stream":
                seen.append((content["name"], content["text"]))
            else:
                seen.append((msg["msg_type"], content.get("data", {}).get("text/plain", content.get("evalue"))))
        expected = [
            ("stdout", "a\nb\n"), ("display_data", "shown"), ("stdout", "c\n"),
            ("stderr", "e1\n"), ("stdout", "d\n"), ("stderr", "e2\n"), ("stdout", "f\n"),
            ("error", "between"), ("stdout", "g\n"), ("error", "boom"),
        ]
        self.assertEqual(seen, expected)

    def test_interrupt_and_restart(self):
        # interrupt_mode "signal": KernelManager sends SIGINT to the kernel's process group
        self.execute("let kept = 'still here'")
        msg_id = self.kc.execute("while (true) {}")
        time.sleep(1.0)
        self.km.interrupt_kernel()
        reply = self.wait_for_reply(msg_id)
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "KeyboardInterrupt")
        reply, outputs = self.execute("kept")
        self.assertIn("'still here'", [c["data"]["text/plain"] for kind, c in outputs if kind == "execute_result"])

        self.km.restart_kernel(now=False)
        self.kc.wait_for_ready(timeout=STARTUP_TIMEOUT)
        reply, outputs = self.execute("kept")
        self.assertEqual(reply["status"], "error", "a restarted kernel should have forgotten `kept`")
        self.assertIn("Cannot find name 'kept'", reply["evalue"])
        self.assertEqual(reply["execution_count"], 1)

    def test_shutdown_kernel_ends_the_kernel_cleanly(self):
        # KNOWN KERNEL BUG (racy, seen in most runs): KernelManager.shutdown_kernel first
        # interrupts (SIGINT), then sends shutdown_request; the kernel SIGKILLs its executor
        # while the interrupt byte is unread on the executor's interrupt pipe, the pipe
        # socket emits ECONNRESET with no 'error' listener, and the kernel dies with exit
        # code 1 and a Node "Unhandled 'error' event" trace on stderr. Three rounds, so that
        # the race is caught; each must exit with 0 and print no crash.
        rounds = [(self.km, self.kc, self.log)] + [self.start_kernel(f"round{i}") for i in (2, 3)]
        failures = []
        for km, kc, log_path in rounds:
            process = km.provisioner.process
            kc.stop_channels()
            km.shutdown_kernel(now=False)
            log = Path(log_path).read_text(errors="replace")
            if process.returncode != 0 or "Unhandled 'error' event" in log:
                failures.append(f"exit code {process.returncode}; stderr:\n{log}")
        self.assertEqual(failures, [], "\n\n".join(failures))

    def test_restart_request_ends_the_kernel_process(self):
        # KNOWN KERNEL BUG: a shutdown_request with restart=true should end the kernel process
        # (the manager starts the new one, as with ipykernel); tsray replies and stays up with
        # a fresh executor, so KernelManager.restart_kernel waits 2.5 s and then SIGTERMs it.
        self.execute("1 + 1")  # (a restart while the first executor still starts kills the kernel: see the report)
        process = self.km.provisioner.process
        self.kc.shutdown(restart=True)
        reply = self.kc.get_control_msg(timeout=TIMEOUT)
        self.assertEqual(reply["header"]["msg_type"], "shutdown_reply")
        self.assertEqual(reply["content"]["restart"], True)
        try:
            process.wait(timeout=2.5)
        except subprocess.TimeoutExpired:
            self.fail("the kernel process was still running 2.5 s after its shutdown_reply (restart=true)")

    def wait_for_reply(self, msg_id):
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            try:
                reply = self.kc.get_shell_msg(timeout=1)
            except queue.Empty:
                continue
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply
        self.fail(f"no execute_reply within {TIMEOUT} s of the interrupt")


# Run in a child Python: starts a kernel with KernelManager, runs a cell (so that its
# executor is up), prints the kernel's pid and then waits to be killed.
KERNEL_OWNER = """
import sys, time
from jupyter_client import KernelManager
km = KernelManager(kernel_name=sys.argv[1], connection_file=sys.argv[2])
km.start_kernel()
kc = km.client()
kc.start_channels()
kc.wait_for_ready(timeout=float(sys.argv[3]))
kc.execute_interactive("1 + 1", timeout=float(sys.argv[3]), output_hook=lambda msg: None)
print(km.provisioner.process.pid, flush=True)
time.sleep(3600)
"""


def child_pids(pid):
    try:
        tasks = Path(f"/proc/{pid}/task").iterdir()
        return [int(child) for task in tasks for child in (task / "children").read_text().split()]
    except OSError:
        return []


def running(pid):
    """Exists and is not a zombie (an orphan's exit may be reaped late, or never, in a container)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


class OrphanedKernelTests(unittest.TestCase):
    def test_kernel_ends_when_its_client_is_killed(self):
        # ipykernel watches JPY_PARENT_PID (the KernelManager's process) and exits when it is
        # gone; so must tsray, executor included, instead of running on, orphaned, forever.
        with tempfile.TemporaryDirectory(prefix="tsray-orphan-") as tmp:
            connection_file = os.path.join(tmp, "orphan.json")
            owner = subprocess.Popen(
                [sys.executable, "-c", KERNEL_OWNER, KERNEL_NAME, connection_file, str(STARTUP_TIMEOUT)],
                stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, start_new_session=True,
            )
            kernel = []
            try:
                kernel = [int(owner.stdout.readline())]
                kernel += child_pids(kernel[0])  # its executor
                self.assertEqual(len(kernel), 2, "the kernel should have one child, its executor")
                os.kill(owner.pid, signal.SIGKILL)
                owner.wait(timeout=TIMEOUT)
                deadline = time.monotonic() + 10
                while any(map(running, kernel)) and time.monotonic() < deadline:
                    time.sleep(0.2)
                self.assertEqual([pid for pid in kernel if running(pid)], [], "still running 10 s after the client was killed")
            finally:
                owner.stdout.close()
                stop_process_group(owner)
                for pid in kernel:
                    if running(pid):
                        os.kill(pid, signal.SIGKILL)
                kill_pids_mentioning(connection_file, grace=0)


class ConsoleTests(unittest.TestCase):
    """`jupyter kernel --kernel=tsray`, then `jupyter console --existing` on its connection
    file, then a second client (BlockingKernelClient) on the same file."""

    def test_jupyter_kernel_console_and_a_second_client(self):
        with tempfile.TemporaryDirectory(prefix="tsray-console-") as tmp:
            connection_file = os.path.join(tmp, "kernel-console.json")
            kernel_app = subprocess.Popen(
                [
                    sys.executable, "-c", "from jupyter_client.kernelapp import main; main()",
                    f"--kernel={KERNEL_NAME}", f"--KernelManager.connection_file={connection_file}",
                ],
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
            try:
                self.wait_for_file(connection_file, kernel_app)
                console = subprocess.run(
                    [
                        sys.executable, "-m", "jupyter_console", "--existing", connection_file,
                        "--simple-prompt", f"--ZMQTerminalIPythonApp.kernel_timeout={STARTUP_TIMEOUT}",
                    ],
                    input='let fromConsole = 6 * 7\nconsole.log("printed", fromConsole)\n"a" + "b"\n',
                    capture_output=True, text=True, timeout=STARTUP_TIMEOUT + 2 * TIMEOUT,
                    start_new_session=True,
                )
                transcript = console.stdout + console.stderr
                self.assertEqual(console.returncode, 0, transcript)
                self.assertIn("tsray", transcript)  # the kernel's banner
                self.assertIn("printed 42", console.stdout, transcript)
                self.assertIn("Out[3]: 'ab'", console.stdout, transcript)

                client = BlockingKernelClient()
                client.load_connection_file(connection_file)
                client.start_channels()
                try:
                    client.wait_for_ready(timeout=TIMEOUT)
                    outputs = []
                    reply = client.execute_interactive(
                        "fromConsole + 1", timeout=TIMEOUT, output_hook=outputs.append
                    )
                    self.assertEqual(reply["content"]["status"], "ok")
                    results = [m["content"]["data"]["text/plain"] for m in outputs if m["msg_type"] == "execute_result"]
                    self.assertEqual(results, ["43"], "the second client should see the console's variable")

                    client.history(hist_access_type="tail", n=4, output=False, raw=True)
                    history = client.get_shell_msg(timeout=TIMEOUT)["content"]["history"]
                    self.assertEqual(
                        [entry[2] for entry in history],
                        ["let fromConsole = 6 * 7", 'console.log("printed", fromConsole)', '"a" + "b"', "fromConsole + 1"],
                    )
                finally:
                    client.stop_channels()
            finally:
                stop_process_group(kernel_app)
                log = kernel_app.stdout.read().decode(errors="replace")
                kernel_app.stdout.close()
                leftovers = kill_pids_mentioning(connection_file)
            self.assertEqual(leftovers, [], "the kernel outlived `jupyter kernel`'s shutdown:\n" + log)

    def wait_for_file(self, path, process):
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not Path(path).exists():
            if process.poll() is not None:
                self.fail("`jupyter kernel` exited:\n" + process.stdout.read().decode(errors="replace"))
            if time.monotonic() > deadline:
                self.fail(f"`jupyter kernel` wrote no connection file in {STARTUP_TIMEOUT} s")
            time.sleep(0.2)
        time.sleep(0.5)  # the file is written before the kernel process starts


if __name__ == "__main__":
    unittest.main()

"""The kernel as a session: interrupts, restarts, `_`/`out[n]`, errors, progress, the journal."""

import glob
import os
import signal
import threading
import time

from conftest import noether, run_cell

SETUP = """data = gaussian_mixture(n=200, d=20, classes=5, separation=2.0, seed=42)
net = mlp([20, 64, 5], activation=relu, bias=false, seed=42)
keep = 41"""
# every=: the series of 1e8 steps would not fit the memory budget (recorded every 100000th step).
LONG = "run = train(net, data, gd(lr=0.001), loss=cross_entropy, steps=100000000, every=100000)"


def test_interrupt_stops_a_long_training_and_keeps_the_bindings(kernel):
    km, kc = kernel
    reply, _ = run_cell(kc, SETUP)
    assert reply["status"] == "ok"
    sent = {}

    def interrupt_later():
        time.sleep(1.5)
        sent["at"] = time.monotonic()
        km.interrupt_kernel()

    threading.Thread(target=interrupt_later).start()
    reply, outputs = run_cell(kc, LONG, timeout=60)
    stopped_after = time.monotonic() - sent["at"]
    assert stopped_after < 1.0, f"the training went on {stopped_after:.2f} s after the interrupt"
    assert reply["status"] == "error" and reply["ename"] == "Interrupted"
    stderr = "".join(c["text"] for t, c in outputs if t == "stream" and c["name"] == "stderr")
    assert "train stopped at step" in stderr
    # Progress was one display updated in place, not a flood of lines.
    kinds = [t for t, _ in outputs]
    assert kinds.count("display_data") == 1 and kinds.count("update_display_data") >= 1
    assert "stream" not in [t for t, c in outputs if t == "stream" and c["name"] == "stdout"]

    # An interrupt while idle does not stop the next cell.
    km.interrupt_kernel()
    time.sleep(0.3)
    reply, outputs = run_cell(kc, "keep + 1")
    assert reply["status"] == "ok"
    assert outputs[-1][1]["data"]["text/plain"] == "42"
    # The interrupted cell bound nothing (docs/repl.md): `run` is not a name now.
    reply, outputs = run_cell(kc, "run.steps > 0")
    assert reply["status"] == "error"


def test_cells_are_numbered_like_the_repl_and_errors_show_the_caret(kernel):
    _, kc = kernel
    reply, outputs = run_cell(kc, "x = 20\nx + 1")
    assert reply["execution_count"] == 1
    assert outputs[-1] == ("execute_result", {"data": {"text/plain": "21"}, "execution_count": 1, "metadata": {}})
    reply, outputs = run_cell(kc, "out[1] * 2 + _")
    assert reply["execution_count"] == 2 and outputs[-1][1]["data"]["text/plain"] == "63"
    reply, outputs = run_cell(kc, "x + nope")
    assert reply["status"] == "error" and reply["execution_count"] == 3
    assert reply["traceback"][:3] == ["In[3]:1:5: error: unknown name 'nope'", "  |", "1 | x + nope"]
    assert reply["traceback"][3].startswith("  |     ^~~~")
    assert [t for t, _ in outputs] == ["execute_input", "error"]


def test_silent_and_store_history_are_honoured(kernel):
    _, kc = kernel
    reply, _ = run_cell(kc, "x = 20\nx + 1")
    assert reply["execution_count"] == 1
    # silent: nothing on iopub but status, no new count; the cell still ran.
    outputs = []
    reply = kc.execute_interactive(
        "y = x * 2\nprint(y)\ny", silent=True, timeout=60,
        output_hook=lambda m: outputs.append(m["msg_type"]))
    assert reply["content"]["status"] == "ok" and reply["content"]["execution_count"] == 1
    assert set(outputs) <= {"status"}, outputs
    # store_history=False: output shown, no new count, not in the history.
    reply, outputs = run_cell_with(kc, "y + 2", store_history=False)
    assert reply["status"] == "ok" and reply["execution_count"] == 1
    assert [t for t, _ in outputs] == ["execute_input", "execute_result"]
    assert outputs[-1][1]["data"]["text/plain"] == "42"
    reply, outputs = run_cell(kc, "_ + out[1]")
    assert reply["execution_count"] == 2
    assert outputs[-1][1]["data"]["text/plain"] == "42"
    kc.history(hist_access_type="tail", n=10)
    history = kc.get_shell_msg(timeout=10)["content"]["history"]
    assert [entry[2] for entry in history] == ["x = 20\nx + 1", "_ + out[1]"]


def run_cell_with(kc, code, **options):
    outputs = []
    reply = kc.execute_interactive(
        code, timeout=60, output_hook=lambda m: outputs.append((m["msg_type"], m["content"])), **options)
    return reply["content"], [o for o in outputs if o[0] != "status"]


def test_restart_starts_a_fresh_session(kernel):
    km, kc = kernel
    run_cell(kc, "y = 5")
    km.restart_kernel(now=False)
    kc.wait_for_ready(timeout=30)
    reply, _ = run_cell(kc, "y")
    assert reply["status"] == "error" and "unknown name 'y'" in reply["evalue"]
    assert reply["execution_count"] == 1


def test_a_kernel_killed_mid_cell_leaves_a_journal_that_replays(kernel):
    km, kc = kernel
    state = os.environ["NOETHER_STATE_DIR"]
    before = set(glob.glob(os.path.join(state, "journal", "*.noe")))
    run_cell(kc, SETUP)
    run_cell(kc, "keep * 2")
    kc.execute(LONG)
    time.sleep(1.5)
    os.kill(km.provisioner.process.pid, signal.SIGKILL)
    time.sleep(0.5)
    journals = sorted(set(glob.glob(os.path.join(state, "journal", "*.noe"))) - before)
    assert len(journals) == 1
    text = open(journals[0], encoding="utf-8").read()
    assert "keep = 41" in text and "keep * 2\n#=> 82" in text
    assert "100000000" not in text  # the killed cell never finished: not journalled
    checked = noether("check", journals[0])
    assert checked.returncode == 0, checked.stderr


def test_forged_and_malformed_messages_are_logged_and_never_run(tmp_path):
    import zmq
    from jupyter_client.manager import KernelManager
    from jupyter_client.session import Session

    log = open(tmp_path / "kernel.log", "w")
    km = KernelManager(kernel_name="noether")
    km.start_kernel(stderr=log)
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=30)
        info = km.get_connection_info()
        socket = zmq.Context.instance().socket(zmq.DEALER)
        socket.linger = 0
        socket.connect("%s://%s:%d" % (info["transport"], info["ip"], info["shell_port"]))
        # Signed with another key, not signed at all, and not a message.
        for key in (b"not-the-key", b""):
            forged = Session(key=key, username="mallory")
            forged.send(socket, "execute_request", {"code": "pwned = 1", "silent": False})
        socket.send_multipart([b"<IDS|MSG>", b"sig", b"{", b"{}", b"{}", b"{}"])
        socket.send_multipart([b"just one frame"])
        time.sleep(0.5)
        reply, _ = run_cell(kc, "pwned")
        assert reply["status"] == "error" and "unknown name 'pwned'" in reply["evalue"]
        assert reply["execution_count"] == 1  # nothing else ran
        socket.close()
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
        log.close()
    logged = (tmp_path / "kernel.log").read_text()
    assert logged.count("rejected a message on the shell channel") == 4, logged
    assert "bad signature" in logged


def test_a_lesson_runs_in_the_kernel_with_empty_cells_as_enter(kernel):
    _, kc = kernel
    reply, outputs = run_cell(kc, "lesson 1 restart")
    assert reply["status"] == "ok"
    assert "step 1 of 10" in "".join(c.get("text", "") for _, c in outputs)
    reply, outputs = run_cell(kc, "")  # Enter: runs the step's cell
    results = [c["data"]["text/plain"] for t, c in outputs if t == "execute_result"]
    assert results == ["network mlp 10→32→3, relu, no bias, P=416, C=[-10.2146]"]
    reply, outputs = run_cell(kc, "quit")
    assert "Left lesson 1 at step 2" in "".join(c.get("text", "") for _, c in outputs)
    reply, outputs = run_cell(kc, "net.C")  # the lesson's bindings stay in the session
    assert outputs[-1][1]["data"]["text/plain"].startswith("[-10.2146")


def test_cells_queued_behind_an_error_are_aborted(kernel):
    _, kc = kernel
    # The failing cell works a little first, so the second one is surely queued behind it.
    first = kc.execute(SETUP + "\nrun = train(net, data, gd(lr=0.001), steps=300)\nnope")
    second = kc.execute("ran = 1")
    replies = {}
    while len(replies) < 2:
        msg = kc.get_shell_msg(timeout=30)
        replies[msg["parent_header"]["msg_id"]] = msg["content"]
    assert replies[first]["status"] == "error"
    assert replies[second]["status"] == "aborted"
    reply, _ = run_cell(kc, "ran")
    assert reply["status"] == "error" and "unknown name 'ran'" in reply["evalue"]
    # Without stop_on_error, the next cell runs.
    kc.execute("nope", stop_on_error=False)
    kc.execute("ran = 2")
    statuses = [kc.get_shell_msg(timeout=30)["content"]["status"] for _ in range(2)]
    assert statuses == ["error", "ok"]


def test_a_plot_before_the_last_statement_is_an_svg_display_too(kernel):
    _, kc = kernel
    reply, outputs = run_cell(kc, 'plot([1, 4, 9], title="squares")\n6 * 7')
    assert reply["status"] == "ok"
    kinds = [t for t, _ in outputs]
    assert kinds == ["execute_input", "display_data", "execute_result"]
    data = outputs[1][1]["data"]
    assert "<svg" in data["image/svg+xml"] and "squares" in data["image/svg+xml"]
    assert "squares" in data["text/plain"]  # the terminal drawing as the fallback
    assert outputs[2][1]["data"]["text/plain"] == "42"

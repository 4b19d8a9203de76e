"""Shared helpers: a Noether kernel started by jupyter_client, and running cells on it."""

import os
import subprocess

import pytest
from jupyter_client.manager import start_new_kernel

NOETHER_BIN = os.environ.get("NOETHER_BIN", "noether")


def run_cell(kc, code, timeout=60):
    """Runs a cell; returns (reply content, [(msg_type, content)] of its iopub output)."""
    outputs = []
    reply = kc.execute_interactive(
        code, timeout=timeout, output_hook=lambda m: outputs.append((m["msg_type"], m["content"]))
    )
    return reply["content"], [o for o in outputs if o[0] != "status"]


@pytest.fixture
def kernel():
    km, kc = start_new_kernel(kernel_name="noether")
    try:
        yield km, kc
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def noether(*args, **kwargs):
    """Runs the noether binary; returns the CompletedProcess."""
    return subprocess.run([NOETHER_BIN, *args], capture_output=True, text=True, timeout=300, **kwargs)

"""jupyter_kernel_test's conformance suite, with Noether's code samples."""

import os
import tempfile
import unittest

import jupyter_kernel_test


class NoetherKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "noether"
    language_name = "noether"
    file_extension = ".noe"

    code_hello_world = 'print("hello, world")'
    # `save` reports on standard error what it wrote.
    # `overwrite`: the file is left from an earlier run, which this session did not write.
    code_stderr = 'save "%s" overwrite' % os.path.join(tempfile.gettempdir(), "noether-kernel-test-stderr.noe")

    completion_samples = [
        {"text": "trai", "matches": {"train"}},
        {"text": "loss = cross_ent", "matches": {"cross_entropy"}},
        {"text": "train(net, data, opt, loss=mse, st", "matches": {"steps=", "stop_when_loss_below="}},
    ]
    complete_code_samples = ["1 + 1", "xs = [1, 2]", "fn f(x) { x + 1 }"]
    incomplete_code_samples = ["xs = [1,", "f(1,", "fn f(x) {"]
    invalid_code_samples = ["x = )", "1 +* 2"]

    code_generate_error = "undefined_name + 1"
    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": "[1, 2] + [3, 4]", "result": "[4, 6]"},
        {"code": "table(a=[1, 2], b=[3, 4])", "mime": "text/html"},
    ]
    code_display_data = [{"code": "plot([1, 4, 9, 16])", "mime": "image/svg+xml"}]
    code_history_pattern = "6 *"
    supported_history_operations = ("tail", "range", "search")
    code_inspect_sample = "train"


if __name__ == "__main__":
    unittest.main()

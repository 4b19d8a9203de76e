import NoetherEngine
import NoetherShell

// Before anything touches OpenBLAS's results: may run this binary again, once, with
// the best OpenBLAS kernels for this CPU (issue 13; see KernelSelection).
KernelSelection.selectAtStartup()
NoetherCommand.main()

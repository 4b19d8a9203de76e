import NoetherEngine
import NoetherLang
import NoetherShell

#if canImport(Glibc)
import Glibc
#endif

// Before anything touches OpenBLAS's results: may run this binary again, once, with
// the best OpenBLAS kernels for this CPU (issue 13; see KernelSelection).
KernelSelection.selectAtStartup(notice: KernelSelection.fallbackNotice)

// `noether kernel …` (the Jupyter kernel) and `noether convert A B` have flags of their own:
// parsed before the main command line.
if CommandLine.arguments.count > 1, CommandLine.arguments[1] == "kernel" {
    exit(KernelCommandLine.run(Array(CommandLine.arguments.dropFirst(2))))
}
if CommandLine.arguments.count > 1, CommandLine.arguments[1] == "convert" {
    exit(NotebookCommandLine.run(Array(CommandLine.arguments.dropFirst(2))))
}
NoetherCommand.main(NoetherCommand.normalized(Array(CommandLine.arguments.dropFirst())))

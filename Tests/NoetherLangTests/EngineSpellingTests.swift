import Foundation
import NoetherEngine
import NoetherSyntax
import Testing
@testable import NoetherLang

/// Issue 14 §1: the language spells what the engine returns as data — a generated
/// dataset's name, the small-kernel line of `noether --version`, the words of a file
/// the language itself reads or writes.
@Suite struct EngineSpellingTests {
    @Test func builtinsNameTheirDatasetsAsBefore() throws {
        let h = ScriptHarness()
        let cases = [
            ("gaussian_mixture(n=10, d=2, classes=2)", "gaussian_mixture"),
            ("xor2d(n=10)", "xor2d"),
            ("spheres(n=10, d=2)", "spheres"),
            ("teacher_student(n=10, d=2, hidden=3)", "teacher_student"),
        ]
        for (call, name) in cases {
            #expect(try h.string("\(call).name") == name)
            #expect(try h.rendered(call).hasPrefix("dataset \(name): n=10"))
        }
        // A subset keeps the builtin's name; errors quote it.
        #expect(try h.string("subset(xor2d(n=10), n=3).name") == "xor2d")
        #expect(h.error("subset(xor2d(n=4), n=5)")?.contains("for 'xor2d'") == true)

        let folder = try ScratchFolder()
        defer { folder.remove() }
        try DataBuiltinTests.writeMNIST(to: folder.url.path, count: 2, labels: [3, 4])
        try DataBuiltinTests.writeMNIST(to: folder.url.path, prefix: "t10k", count: 1, labels: [5])
        #expect(try h.string("mnist(path=\"\(folder.url.path)\").name") == "mnist")
        #expect(try h.string("mnist(path=\"\(folder.url.path)\", test=true).name") == "mnist_test")
    }

    @Test func smallKernelsAreWordedAsNoetherVersionPrintedThem() {
        let tail =
            " clone of Noether's multi-versioned C kernels, for small NN and wide NT products, ReLU and its mask "
            + "fused into their stores; vectorized exp for the softmax; libxsmm 1.17 (JIT) for thin weight "
            + "gradients; large batches blocked over samples)"
        let jit = SmallProducts.XSMMState(version: "1.17", generatesKernels: true)
        #expect(
            KernelSelection.SmallKernels.on(clone: .avx512f, xsmm: jit, blockedStep: true).words == "on (AVX512F" + tail
        )
        #expect(KernelSelection.SmallKernels.on(clone: .avx2, xsmm: jit, blockedStep: true).words == "on (AVX2" + tail)
        #expect(KernelSelection.SmallKernels.on(clone: .sse2, xsmm: jit, blockedStep: true).words == "on (SSE2" + tail)
        // NOETHER_BLOCKED_STEP=0: the same line, saying the blocked step is off.
        #expect(
            KernelSelection.SmallKernels.on(clone: .avx2, xsmm: jit, blockedStep: false).words
                == "on (AVX2"
                + tail.replacingOccurrences(
                    of: "large batches blocked over samples)",
                    with: "large batches not blocked over samples: NOETHER_BLOCKED_STEP=0)"))
        #expect(jit.words == "libxsmm 1.17 (JIT)")
        #expect(
            SmallProducts.XSMMState(version: "1.17", generatesKernels: false).words
                == "libxsmm 1.17 (no JIT on this machine)")
        #expect(
            KernelSelection.SmallKernels.off(variable: SmallProducts.switchVariable).words
                == "off (NOETHER_SMALL_KERNELS=0: every product runs cblas_dgemm)")
        // This process: the kernels are on (the tests do not set the variable), with
        // the clone the CPU picks.
        #expect(
            KernelSelection.smallKernels
                == .on(clone: SmallProducts.instructionSet, xsmm: SmallProducts.xsmmState, blockedStep: true))
    }

    @Test func textFilesFailWithTheEngineFileWords() throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let missing = folder.path("none.noe")
        do {
            _ = try TextFile.read(missing)
            Issue.record("read a missing file")
        } catch {
            #expect(error.diagnosticKind == .missingFile)
            #expect(error.message == "cannot read '\(missing)': no such file or directory")
        }
        let nowhere = folder.path("no/such/dir/x.txt")
        do {
            try TextFile.write("x", to: nowhere)
            Issue.record("wrote into a missing folder")
        } catch {
            #expect(error.diagnosticKind == .missingFile)
            #expect(error.message == "cannot write '\(nowhere)': no such file or directory")
        }
        // A folder is not missing: the engine's words for it (it said "is a directory").
        do {
            _ = try TextFile.read(folder.url.path)
            Issue.record("read a folder")
        } catch {
            #expect(error.diagnosticKind == .runtime)
            #expect(error.message == "cannot read '\(folder.url.path)': it is a directory")
        }
        do {
            try TextFile.write("x", to: folder.url.path)
            Issue.record("wrote over a folder")
        } catch {
            #expect(error.diagnosticKind == .runtime)
            #expect(error.message == "cannot write '\(folder.url.path)': is a directory")
        }
        // Writing, appending, reading back; invalid UTF-8 is repaired.
        let file = folder.path("a.txt")
        try TextFile.write("one\n", to: file)
        try TextFile.write("two\n", to: file, append: true)
        #expect(try TextFile.read(file) == "one\ntwo\n")
        try TextFile.write("three\n", to: file)
        #expect(try TextFile.read(file) == "three\n")
        try Data([0x61, 0xFF, 0x62]).write(to: URL(fileURLWithPath: file))
        #expect(try TextFile.read(file) == "a\u{FFFD}b")
    }

    @Test func exportIntoAMissingFolderIsAMissingFileDiagnostic() throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let h = ScriptHarness()
        // export() writes through TextFile: a missing folder stays a missing-file error.
        let export = h.diagnostic("export(table(x=[1]), \"\(folder.path("no/x.csv"))\")")
        #expect(export?.kind == .missingFile)
        #expect(export?.message == "cannot write '\(folder.path("no/x.csv"))': no such file or directory")
    }
}

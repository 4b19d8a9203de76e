import Foundation
import NoetherEngine
import NoetherSyntax
import Testing

@testable import NoetherLang

/// The engine reports dataset and file problems as data; these are the words the
/// user reads for each case (as before they were structured, unless noted).
@Suite struct DataWordingTests {
    @Test func dataProblemsAreWorded() {
        let cases: [(DataProblem, String)] = [
            (.emptySubset, "a subset needs at least one index"),
            (
                .indexOutOfRange(index: 20, count: 20, dataset: "gaussian_mixture"),
                "index 20 is outside the 20 samples of 'gaussian_mixture' (0…19)"
            ),
            (
                .splitLeavesAPartEmpty(count: 20, fraction: 0.01),
                "a split of 20 samples at fraction 0.01 leaves one part empty"
            ),
            (
                .featureCountsDiffer(reference: "train", referenceFeatures: 2, dataset: "test", features: 3),
                "'train' has 2 features but 'test' has 3"
            ),
            (
                .tooFewImages(asked: 7, available: 6, path: "m/train-images-idx3-ubyte"),
                "asked for 7 MNIST images but 'm/train-images-idx3-ubyte' holds only 6"
            ),
        ]
        for (problem, words) in cases { #expect(EngineError.data(problem).message == words) }
    }

    /// Through the language: an IDX header announcing no images of 60000×60000 pixels
    /// used to load an empty dataset; it is a runtime error at the path now.
    @Test func implausibleIDXHeadersAreRefusedAtThePrompt() throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        try DataBuiltinTests.writeMNIST(to: folder.url.path, count: 1, labels: [3])
        let images = folder.url.path + "/train-images-idx3-ubyte"
        let header: [UInt8] = [0, 0, 8, 3, 0, 0, 0, 0, 0, 0, 0xEA, 0x60, 0, 0, 0xEA, 0x60]
        try Data(header).write(to: URL(fileURLWithPath: images))
        let h = ScriptHarness()
        let refused = h.diagnostic("mnist(path=\"\(folder.url.path)\")")
        #expect(refused?.kind == .runtime)
        #expect(
            refused?.message
                == "'\(images)' is not a valid IDX file: its header announces items of 60000×60000 bytes, "
                + "more than the 1048576 an item may have")
        let missing = h.diagnostic("load(\"\(folder.url.path)/none.net\")")
        #expect(missing?.kind == .missingFile)
        #expect(missing?.message == "cannot read '\(folder.url.path)/none.net': no such file or directory")
    }

    @Test func missingFilesAreWordedAndAreMissingFileDiagnostics() {
        let cases: [(String, MissingFile, String)] = [
            ("n.net", .reading, "cannot read 'n.net': no such file or directory"),
            ("d/n.net", .writing, "cannot write 'd/n.net': no such file or directory"),
            (
                "m", .mnistFolder(expected: ["train-images-idx3-ubyte", "train-labels-idx1-ubyte"]),
                "the MNIST folder 'm' does not exist: create it and put train-images-idx3-ubyte and "
                    + "train-labels-idx1-ubyte (raw or .gz, from the MNIST distribution) in it"
            ),
            (
                "m/train-images-idx3-ubyte", .mnistFiles(missing: ["train-images-idx3-ubyte"], folder: "m"),
                "MNIST files not found: put train-images-idx3-ubyte (raw or .gz) in the folder 'm'"
            ),
        ]
        for (path, purpose, words) in cases {
            let error = EngineError.missingFile(path: path, purpose)
            #expect(error.message == words)
            #expect(error.diagnosticKind == .missingFile)
        }
        #expect(EngineError.file(path: "x", .isAFolder).diagnosticKind == .runtime)
    }

    @Test func fileProblemsAreWorded() {
        let cases: [(FileProblem, String)] = [
            (.cannotRead(SystemErrorCode(13)), "cannot read 'f': permission denied"),
            (.cannotWrite(SystemErrorCode(28)), "cannot write 'f': no space left on device"),
            (.isAFolder, "cannot read 'f': it is a directory"),
            (
                .isAFile(expected: ["train-images-idx3-ubyte", "train-labels-idx1-ubyte"]),
                "'f' is a file; give the folder that holds train-images-idx3-ubyte and train-labels-idx1-ubyte"
            ),
            (.notADigit(index: 1, value: 12), "'f' is damaged: label 1 is 12, not a digit 0–9"),
            (
                .imageAndLabelCountsDiffer(images: 6, labelsPath: "l", labels: 5),
                "'f' holds 6 images but 'l' holds 5 labels"
            ),
            // gzip: zlib's failures by name, or zlib's own message.
            (.gzip(.notGzip), "'f' is not a valid gzip file: not a gzip file"),
            (.gzip(.truncated), "'f' is not a valid gzip file: the data end before the gzip stream does"),
            (.gzip(.crcMismatch), "'f' is not a valid gzip file: crc-32 check failed"),
            (.gzip(.lengthMismatch), "'f' is not a valid gzip file: length check failed"),
            (
                .gzip(.trailingData(bytes: 3)),
                "'f' is not a valid gzip file: 3 bytes after the end of the gzip stream are not gzip data"
            ),
            (.gzip(.outOfMemory), "'f' is not a valid gzip file: out of memory while decompressing"),
            (.gzip(.zlib(code: -3, message: "invalid block type")), "'f' is not a valid gzip file: invalid block type"),
            (.gzip(.zlib(code: -3, message: nil)), "'f' is not a valid gzip file: damaged data"),
            // IDX headers and data.
            (.idx(.shorterThanHeader), "'f' is not a valid IDX file: it is shorter than its header"),
            (.idx(.badMagic), "'f' is not a valid IDX file: bad magic number"),
            (.idx(.elementType(code: 0x0D)), "'f' is not a valid IDX file: element type 0xd is not unsigned bytes"),
            (
                .idx(.dimensionCount(found: 1, expected: 3)),
                "'f' is not a valid IDX file: it has 1 dimensions, expected 3"
            ),
            (
                .idx(.implausibleDimensions([70000, 70000, 70000])),
                "'f' is not a valid IDX file: its dimensions [70000, 70000, 70000] are implausible"
            ),
            (.idx(.noItems), "'f' is not a valid IDX file: its header announces no items"),
            (
                .idx(.implausibleItemSize(dimensions: [60000, 60000], limit: 1_048_576)),
                "'f' is not a valid IDX file: its header announces items of 60000×60000 bytes, "
                    + "more than the 1048576 an item may have"
            ),
            (
                .idx(.implausibleItemSize(dimensions: [0, 28], limit: 1_048_576)),
                "'f' is not a valid IDX file: its header announces empty items (0×28)"
            ),
            (
                .idx(.truncated(announced: 6, present: 3)),
                "'f' is not a valid IDX file: its header announces 6 items but the data end after 3"
            ),
            (
                .idx(.gzipBreaksOff(announced: 6, present: 3, .truncated)),
                "'f' is not a valid IDX file: its header announces 6 items but its gzip data break off after 3 "
                    + "(the data end before the gzip stream does)"
            ),
            (
                .idx(.dataPastItems(announced: 6)),
                "'f' is not a valid IDX file: its data go on past the 6 items its header announces"
            ),
        ]
        for (problem, words) in cases { #expect(EngineError.file(path: "f", problem).message == words) }
    }

    @Test func csvProblemsNameTheLineAndColumn() {
        let cases: [(CSVProblem, String)] = [
            (.empty, "'d.csv' is empty: expected a header line of column names"),
            (.unclosedQuote(line: 2), "'d.csv' line 2: a quoted field is not closed (a field may not span lines)"),
            (.unnamedColumn(line: 1, column: 2), "'d.csv' line 1: column 2 of the header has no name"),
            (.duplicateColumn(line: 1, name: "x"), "'d.csv' line 1: the column name 'x' appears twice"),
            (.singleColumn, "'d.csv' has a single column: expected input columns and a label column"),
            (.noSuchColumn(name: "z", columns: ["x", "y"]), "'d.csv' has no column 'z' (columns: x, y)"),
            (
                .tooManyRows(limit: 10_000_000),
                "'d.csv' has more than 10000000 rows, the most a dataset may have (as for the generators' n); "
                    + "use a subset of its rows"
            ),
            (.fieldCount(line: 3, expected: 2, found: 1), "'d.csv' line 3: expected 2 values, found 1"),
            (.missingValue(line: 2, column: "y"), "'d.csv' line 2, column 'y': missing value"),
            (.notANumber(line: 3, column: "y", text: "abc"), "'d.csv' line 3, column 'y': 'abc' is not a number"),
            (.notFinite(line: 2, column: "y", text: "nan"), "'d.csv' line 2, column 'y': 'nan' is not a finite number"),
            (.noDataRows, "'d.csv' has a header but no data rows"),
            (
                .notAClassLabel(line: 3, column: "y", value: 0.5, limit: 100_000),
                "'d.csv' line 3, column 'y': '0.5' is not a class label (a non-negative integer below 100000)"
            ),
        ]
        for (problem, words) in cases { #expect(EngineError.file(path: "d.csv", .csv(problem)).message == words) }
    }

    @Test func networkFileProblemsAreWorded() {
        let cases: [(NetworkFileProblem, String)] = [
            (
                .notANetworkFile(magic: "noether-network", version: 1),
                "'n.net' is not a noether network file (its first line should be 'noether-network 1')"
            ),
            (
                .otherVersion(found: "2", supported: 1),
                "'n.net' uses network format 2; this version of noether reads format 1"
            ),
            (.endsEarly, "'n.net' is damaged: it ends before the 'end' line"),
            (
                .sizesExceedFile(sizes: [1000, 1000], parameters: 1_000_000, bytes: 80),
                "'n.net' is damaged: its sizes [1000, 1000] announce 1000000 parameters but the file holds only 80 bytes"
            ),
            (.checksumMismatch, "'n.net' is damaged: its checksum does not match its parameters"),
            (
                .line(5, .expectedKeyword("W1", values: 2, found: "W2 4 3")),
                "'n.net' line 5: expected 'W1' followed by 2 values, found 'W2 4 3'"
            ),
            (
                .line(9, .expectedKeyword("b1", values: 1, found: "c1 4")),
                "'n.net' line 9: expected 'b1' followed by 1 value, found 'c1 4'"
            ),
            (.line(2, .notAPositiveInteger("x")), "'n.net' line 2: 'x' is not a positive integer"),
            (.line(6, .numberCount(expected: 3, found: 2)), "'n.net' line 6: expected 3 numbers, found 2"),
            (.line(7, .notANumber("zero")), "'n.net' line 7: 'zero' is not a number"),
            (.line(2, .expectedSizes), "'n.net' line 2: expected 'sizes' followed by at least two layer sizes"),
            (
                .line(3, .expectedActivation),
                "'n.net' line 3: expected 'activation' and one of relu, linear, tanh, gelu, interpolated ε, leaky_relu a"
            ),
            (.line(4, .expectedBias), "'n.net' line 4: expected 'bias true' or 'bias false'"),
            (
                .line(
                    5, .weightShape(layer: 1, rows: 4, columns: 3, sizes: [3, 4, 2], foundRows: "4", foundColumns: "2")),
                "'n.net' line 5: W1 should be 4×3 for sizes [3, 4, 2], found 4×2"
            ),
            (
                .line(10, .biasLength(layer: 1, entries: 4, found: "5")),
                "'n.net' line 10: b1 should have 4 entries, found 5"
            ),
            (.line(20, .expectedEnd), "'n.net' line 20: expected 'end'"),
            (.line(21, .textAfterEnd), "'n.net' line 21: unexpected text after 'end'"),
        ]
        for (problem, words) in cases { #expect(EngineError.file(path: "n.net", .network(problem)).message == words) }
    }

    /// `noether --version`'s reason for the OpenBLAS core, worded from the engine's value.
    @Test func kernelReasonsAreWorded() {
        let zen4 = CPUFeatures(
            vendor: "AuthenticAMD", avx: true, avx2: true, fma: true, avx512f: true, avx512bw: true, avx512dq: true,
            avx512vl: true)
        let cases: [(KernelSelection.Reason, String)] = [
            (
                .setByUser(variable: "OPENBLAS_CORETYPE", value: "Haswell"),
                "set by the user (OPENBLAS_CORETYPE=Haswell)"
            ),
            (
                .selectionOff(variable: "NOETHER_KEEP_OPENBLAS_CORE"),
                "detected by OpenBLAS; Noether's selection is off (NOETHER_KEEP_OPENBLAS_CORE is set)"
            ),
            (
                .choiceFailedCheck(core: "SkylakeX"),
                "detected by OpenBLAS; Noether's choice SkylakeX failed its check against plain loops"
            ),
            (.noBetterCore, "detected by OpenBLAS (this CPU has no AVX2/AVX-512 core to choose)"),
            (
                .asGoodAsTheBest(features: zen4),
                "detected by OpenBLAS (as good as the best for AVX-512F/BW/DQ/VL, AVX2, FMA)"
            ),
            (
                .chosenByNoether(
                    detected: "Prescott", features: CPUFeatures(vendor: "GenuineIntel", avx2: true, fma: true)),
                "chosen by Noether (OpenBLAS detected Prescott; this CPU has AVX2, FMA)"
            ),
            (
                .notSelectedAtStartup(better: "Haswell"),
                "detected by OpenBLAS; Haswell would be better, but this process did not select kernels at start-up"
            ),
        ]
        for (reason, words) in cases { #expect(reason.words == words) }
        let failures: [(KernelSelection.CheckFailure, String)] = [
            (.product(m: 2, k: 3, n: 4, error: 0.5), "a 2×3 by 3×4 product is off by 0.5"),
            (.eigensolverFailed, "the eigensolver failed"),
            (.eigenpairResidual(index: 3, residual: 0.25), "eigenpair 3 has a residual of 0.25"),
            (.notOrthonormal(first: 1, second: 2), "eigenvectors 1, 2 are not orthonormal"),
            (.forced(variable: "NOETHER_TEST_FAIL_KERNEL_CHECK"), "forced by NOETHER_TEST_FAIL_KERNEL_CHECK"),
        ]
        for (failure, words) in failures { #expect(failure.words == words) }
        #expect(
            KernelSelection.fallbackNotice(core: "SkylakeX", failure: .eigensolverFailed)
                == "noether: OpenBLAS kernels SkylakeX disagree with plain loops (the eigensolver failed); "
                + "using OpenBLAS's own choice")
        #expect(CPUFeatures(vendor: "", avx: true).summary == "AVX")
        #expect(CPUFeatures(vendor: "").summary == "SSE only")
        #expect(CPUFeatures(vendor: "", avx512f: true, avx512vl: true).summary == "AVX-512F/VL")
        #expect(!CPUFeatures.current.summary.isEmpty)
    }
}

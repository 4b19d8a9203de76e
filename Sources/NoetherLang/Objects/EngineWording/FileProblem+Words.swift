#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NoetherEngine

extension FileProblem {
    /// The message the user reads about the file at `path` (lowercase, no final
    /// period, names quoted with '…').
    func words(path: String) -> String {
        switch self {
        case .cannotRead(let code): "cannot read '\(path)': \(code.words)"
        case .cannotWrite(let code): "cannot write '\(path)': \(code.words)"
        case .isAFolder: "cannot read '\(path)': it is a directory"
        case .isAFile(let expected): "'\(path)' is a file; give the folder that holds \(expected.andList)"
        case .gzip(let problem): "'\(path)' is not a valid gzip file: \(problem.words)"
        case .idx(let problem): "'\(path)' is not a valid IDX file: \(problem.words)"
        case .notADigit(let index, let value): "'\(path)' is damaged: label \(index) is \(value), not a digit 0–9"
        case .imageAndLabelCountsDiffer(let images, let labelsPath, let labels):
            "'\(path)' holds \(images) images but '\(labelsPath)' holds \(labels) labels"
        case .csv(let problem): problem.words(path: path)
        case .network(let problem): problem.words(path: path)
        }
    }
}

extension MissingFile {
    /// The message the user reads about the missing file or folder at `path`.
    func words(path: String) -> String {
        let missing = SystemErrorCode(ENOENT).words
        return switch self {
        case .reading: "cannot read '\(path)': \(missing)"
        case .writing: "cannot write '\(path)': \(missing)"
        case .mnistFolder(let expected):
            "the MNIST folder '\(path)' does not exist: create it and put \(expected.andList) "
                + "(raw or .gz, from the MNIST distribution) in it"
        case .mnistFiles(let names, let folder):
            "MNIST files not found: put \(names.andList) (raw or .gz) in the folder '\(folder)'"
        }
    }
}

extension SystemErrorCode {
    /// The C library's text for this error, starting lowercase: "no such file or directory".
    var words: String {
        let text = String(cString: strerror(rawValue))
        return text.prefix(1).lowercased() + text.dropFirst()
    }
}

extension GzipProblem {
    /// What zlib found wrong, in words (lowercase).
    var words: String {
        switch self {
        case .notGzip: "not a gzip file"
        case .truncated: "the data end before the gzip stream does"
        case .crcMismatch: "crc-32 check failed"
        case .lengthMismatch: "length check failed"
        case .trailingData(let bytes): "\(bytes) bytes after the end of the gzip stream are not gzip data"
        case .outOfMemory: "out of memory while decompressing"
        case .zlib(_, let message): message ?? "damaged data"
        }
    }
}

extension IDXProblem {
    /// What is wrong with an IDX file, after "is not a valid IDX file: ".
    var words: String {
        switch self {
        case .shorterThanHeader: "it is shorter than its header"
        case .badMagic: "bad magic number"
        case .elementType(let code): "element type 0x\(String(code, radix: 16)) is not unsigned bytes"
        case .dimensionCount(let found, let expected): "it has \(found) dimensions, expected \(expected)"
        case .implausibleDimensions(let shape): "its dimensions \(shape) are implausible"
        case .noItems: "its header announces no items"
        case .implausibleItemSize(let dimensions, let limit):
            dimensions.contains(0)
                ? "its header announces empty items (\(dimensions.timesList))"
                : "its header announces items of \(dimensions.timesList) bytes, more than the \(limit) an item may have"
        case .truncated(let announced, let present):
            "its header announces \(announced) items but the data end after \(present)"
        case .gzipBreaksOff(let announced, let present, let problem):
            "its header announces \(announced) items but its gzip data break off after \(present) (\(problem.words))"
        case .dataPastItems(let announced): "its data go on past the \(announced) items its header announces"
        }
    }
}

extension CSVProblem {
    /// The message the user reads about the CSV file at `path`.
    func words(path: String) -> String {
        switch self {
        case .empty: "'\(path)' is empty: expected a header line of column names"
        case .unclosedQuote(let line):
            "'\(path)' line \(line): a quoted field is not closed (a field may not span lines)"
        case .unnamedColumn(let line, let column): "'\(path)' line \(line): column \(column) of the header has no name"
        case .duplicateColumn(let line, let name): "'\(path)' line \(line): the column name '\(name)' appears twice"
        case .singleColumn: "'\(path)' has a single column: expected input columns and a label column"
        case .noSuchColumn(let name, let columns):
            "'\(path)' has no column '\(name)' (columns: \(columns.joined(separator: ", ")))"
        case .tooManyRows(let limit):
            "'\(path)' has more than \(limit) rows, the most a dataset may have (as for the generators' n); "
                + "use a subset of its rows"
        case .fieldCount(let line, let expected, let found):
            "'\(path)' line \(line): expected \(expected) values, found \(found)"
        case .missingValue(let line, let column): "'\(path)' line \(line), column '\(column)': missing value"
        case .notANumber(let line, let column, let text):
            "'\(path)' line \(line), column '\(column)': '\(text)' is not a number"
        case .notFinite(let line, let column, let text):
            "'\(path)' line \(line), column '\(column)': '\(text)' is not a finite number"
        case .noDataRows: "'\(path)' has a header but no data rows"
        case .notAClassLabel(let line, let column, let value, let limit):
            "'\(path)' line \(line), column '\(column)': '\(formatNumber(value))' is not a class label "
                + "(a non-negative integer below \(limit))"
        }
    }
}

extension NetworkFileProblem {
    /// The message the user reads about the network file at `path`.
    func words(path: String) -> String {
        switch self {
        case .notANetworkFile(let magic, let version):
            "'\(path)' is not a noether network file (its first line should be '\(magic) \(version)')"
        case .otherVersion(let found, let supported):
            "'\(path)' uses network format \(found); this version of noether reads format \(supported)"
        case .endsEarly: "'\(path)' is damaged: it ends before the 'end' line"
        case .sizesExceedFile(let sizes, let parameters, let bytes):
            "'\(path)' is damaged: its sizes \(sizes) announce \(parameters) parameters but the file holds only \(bytes) bytes"
        case .checksumMismatch: "'\(path)' is damaged: its checksum does not match its parameters"
        case .line(let line, let problem): "'\(path)' line \(line): \(problem.words)"
        }
    }
}

extension NetworkLineProblem {
    /// What is wrong on the line, after "'path' line n: ".
    var words: String {
        switch self {
        case .expectedKeyword(let keyword, let values, let found):
            "expected '\(keyword)' followed by \(values) value\(values == 1 ? "" : "s"), found '\(found)'"
        case .notAPositiveInteger(let token): "'\(token)' is not a positive integer"
        case .numberCount(let expected, let found): "expected \(expected) numbers, found \(found)"
        case .notANumber(let token): "'\(token)' is not a number"
        case .expectedSizes: "expected 'sizes' followed by at least two layer sizes"
        case .expectedActivation:
            "expected 'activation' and one of relu, linear, tanh, gelu, interpolated ε, leaky_relu a"
        case .expectedBias: "expected 'bias true' or 'bias false'"
        case .weightShape(let layer, let rows, let columns, let sizes, let foundRows, let foundColumns):
            "W\(layer) should be \(rows)×\(columns) for sizes \(sizes), found \(foundRows)×\(foundColumns)"
        case .biasLength(let layer, let entries, let found): "b\(layer) should have \(entries) entries, found \(found)"
        case .expectedEnd: "expected 'end'"
        case .textAfterEnd: "unexpected text after 'end'"
        }
    }
}

extension Array where Element == String {
    /// "a", "a and b", "a, b and c".
    fileprivate var andList: String {
        count <= 2 ? joined(separator: " and ") : dropLast().joined(separator: ", ") + " and " + last!
    }
}

extension Array where Element == Int {
    /// "60000×60000".
    fileprivate var timesList: String { map(String.init).joined(separator: "×") }
}

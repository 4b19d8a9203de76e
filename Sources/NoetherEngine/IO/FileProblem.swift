/// What is wrong with a file the engine read or wrote (`EngineError.file`), as data:
/// the language words it (`FileProblem+Words.swift`).
public enum FileProblem: Sendable, Equatable {
    /// Opening or reading the file failed with the system's error `code`.
    case cannotRead(SystemErrorCode)
    /// Opening, writing or closing the file failed with the system's error `code`.
    case cannotWrite(SystemErrorCode)
    /// A file was to be read, and the path names a folder.
    case isAFolder
    /// A folder holding the files `expected` was wanted, and the path names a file.
    case isAFile(expected: [String])
    /// A gzip file whose stream is damaged.
    case gzip(GzipProblem)
    /// An IDX file whose header or data are damaged.
    case idx(IDXProblem)
    /// An MNIST label file holding a label that is not a digit: label `index` (0-based) is `value`.
    case notADigit(index: Int, value: Int)
    /// An MNIST image file with `images` images next to a label file at `labelsPath`
    /// with `labels` labels.
    case imageAndLabelCountsDiffer(images: Int, labelsPath: String, labels: Int)
    /// A CSV file whose content is not a table of numbers.
    case csv(CSVProblem)
    /// A network file that is not one, of another version, or damaged.
    case network(NetworkFileProblem)
}

/// A system error number (`errno`), e.g. `ENOENT`, `EACCES`; the language says its meaning.
public struct SystemErrorCode: Sendable, Equatable, Hashable {
    public let rawValue: Int32
    public init(_ rawValue: Int32) { self.rawValue = rawValue }
}

/// Why zlib refused a gzip stream.
public enum GzipProblem: Sendable, Equatable {
    /// The data do not start with the gzip magic number (or zlib found no gzip header).
    case notGzip
    /// The data end before the stream does.
    case truncated
    /// A member's CRC-32 does not match its content.
    case crcMismatch
    /// A member's length field does not match its content.
    case lengthMismatch
    /// `bytes` bytes after the end of the stream are not another gzip member (a file
    /// that must hold one stream only).
    case trailingData(bytes: Int)
    /// zlib ran out of memory (starting or decompressing).
    case outOfMemory
    /// Any other failure: zlib's status `code` (e.g. `Z_DATA_ERROR`, −3) and its own
    /// message, when it gave one (e.g. "invalid block type").
    case zlib(code: Int32, message: String?)
}

/// What is wrong with an IDX file.
public enum IDXProblem: Sendable, Equatable {
    /// The file is shorter than its header.
    case shorterThanHeader
    /// The first two bytes are not zero.
    case badMagic
    /// The element type is `code`, not 0x08 (unsigned bytes).
    case elementType(code: UInt8)
    /// The header has `found` dimensions where `expected` were wanted.
    case dimensionCount(found: Int, expected: Int)
    /// The dimensions' product cannot be a real file (beyond 2⁴⁰ bytes).
    case implausibleDimensions([Int])
    /// The header announces no items at all.
    case noItems
    /// Each item (`dimensions`, all but the first of the header's) holds more than
    /// `limit` bytes, or none: not an image this loader can use.
    case implausibleItemSize(dimensions: [Int], limit: Int)
    /// The header announces `announced` items and the data end after `present`.
    case truncated(announced: Int, present: Int)
    /// The header announces `announced` items and the gzip stream breaks off after
    /// `present`, for the reason given.
    case gzipBreaksOff(announced: Int, present: Int, GzipProblem)
    /// The data go on past the `announced` items.
    case dataPastItems(announced: Int)
}

/// What is wrong with a CSV file; lines are 1-based.
public enum CSVProblem: Sendable, Equatable {
    /// No non-empty line: no header.
    case empty
    /// A quoted field on `line` is not closed.
    case unclosedQuote(line: Int)
    /// Column `column` (1-based) of the header on `line` has no name.
    case unnamedColumn(line: Int, column: Int)
    /// The column name `name` appears twice in the header on `line`.
    case duplicateColumn(line: Int, name: String)
    /// The header names one column only.
    case singleColumn
    /// No column is named `name`; the header's `columns`.
    case noSuchColumn(name: String, columns: [String])
    /// More than `limit` data rows.
    case tooManyRows(limit: Int)
    /// `line` has `found` fields where the header has `expected`.
    case fieldCount(line: Int, expected: Int, found: Int)
    /// The field on `line` in the column named `column` is empty.
    case missingValue(line: Int, column: String)
    /// The field `text` on `line`, column `column`, is not a number.
    case notANumber(line: Int, column: String, text: String)
    /// The field `text` on `line`, column `column`, is not a finite number.
    case notFinite(line: Int, column: String, text: String)
    /// A header and no data rows.
    case noDataRows
    /// The label `value` on `line`, column `column`, is not a class label (an integer
    /// in 0..<`limit`).
    case notAClassLabel(line: Int, column: String, value: Double, limit: Int)
}

/// What is wrong with a `noether-network` file (see `NetworkFile`).
public enum NetworkFileProblem: Sendable, Equatable {
    /// The first line is not `magic version`.
    case notANetworkFile(magic: String, version: Int)
    /// The file's format version `found` is not the `supported` one.
    case otherVersion(found: String, supported: Int)
    /// The file ends before its `end` line.
    case endsEarly
    /// The `sizes` announce `parameters` parameters, more than a file of `bytes` bytes holds.
    case sizesExceedFile(sizes: [Int], parameters: Int, bytes: Int)
    /// The checksum line does not match the parameters.
    case checksumMismatch
    /// Something wrong on `line` (1-based).
    case line(Int, NetworkLineProblem)
}

/// What is wrong on one line of a network file.
public enum NetworkLineProblem: Sendable, Equatable {
    /// Expected the keyword `keyword` followed by `values` values; the line was `found`.
    case expectedKeyword(String, values: Int, found: String)
    /// `token` is not a positive integer.
    case notAPositiveInteger(String)
    /// Expected `expected` numbers, found `found`.
    case numberCount(expected: Int, found: Int)
    /// `token` is not a number.
    case notANumber(String)
    /// Expected `sizes` and at least two layer sizes.
    case expectedSizes
    /// Expected `activation` and a known activation token.
    case expectedActivation
    /// Expected `bias true` or `bias false`.
    case expectedBias
    /// Weight matrix `layer` (1-based) should be rows×columns for `sizes`; its header
    /// said `foundRows`×`foundColumns`.
    case weightShape(layer: Int, rows: Int, columns: Int, sizes: [Int], foundRows: String, foundColumns: String)
    /// Bias `layer` should have `entries` entries; its header said `found`.
    case biasLength(layer: Int, entries: Int, found: String)
    /// Expected the `end` line.
    case expectedEnd
    /// Text after the `end` line.
    case textAfterEnd
}

/// What a file or folder that does not exist was wanted for (`EngineError.missingFile`).
public enum MissingFile: Sendable, Equatable {
    /// A file to read.
    case reading
    /// A file to write (its folder does not exist).
    case writing
    /// The MNIST folder, which should hold the files `expected`.
    case mnistFolder(expected: [String])
    /// The MNIST files `missing` (raw or .gz) in the existing `folder`.
    case mnistFiles(missing: [String], folder: String)
}

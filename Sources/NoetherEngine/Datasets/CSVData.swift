/// How `loadCSV` reads the label column.
public enum LabelKind: Sendable, Equatable, Hashable {
    /// Classification when every label is a non-negative integer, else regression.
    case automatic
    /// Integer class labels 0…K−1 (K = max label + 1); anything else is an error.
    case classification
    /// Real-valued targets (one column).
    case regression
}

/// A numeric CSV file as a dataset.
///
/// Format: UTF-8 text (an optional byte-order mark is skipped), lines ending in LF
/// or CRLF, values separated by commas. The first non-empty line is a header of
/// unique column names; every further non-empty line holds one finite number per
/// column (`Double` syntax, e.g. `3`, `-0.5`, `1e-3`). Fields may be quoted as in
/// RFC 4180 (`"x, y"`; inside quotes a comma belongs to the field and a doubled quote
/// is one quote) but may not span lines; spaces around a field are ignored. No other
/// separators.
///
/// The column `label` (default: the last column) becomes the target; all other
/// columns, in file order, the inputs. With `kind = .automatic` the data are
/// classification with K = max label + 1 classes when every label is a
/// non-negative integer (below 100,000), and regression otherwise.
///
/// Errors are `EngineError.file(path:, .csv(…))` with the 1-based line and the
/// column, e.g. `.notANumber(line: 7, column: "x2", text: "abc")`.
/// The most rows `loadCSV` reads: the generators' limit on n.
public let csvRowLimit = 10_000_000

public func loadCSV(path: String, label: String? = nil, kind: LabelKind = .automatic) throws(EngineError) -> Dataset {
    // The text, its lines and the numbers take about six times the file's size.
    if let size = FileBytes.size(path) {
        try MemoryBudget.check(
            MemoryBudget.product(size, 6), for: .csvFile(path: path, bytes: size, rowLimit: csvRowLimit))
    }
    let lines = textLines(try FileBytes.read(path))
    func clean(_ s: String) -> Substring { s[...] }
    func trim(_ s: Substring) -> Substring {
        var s = s
        while let c = s.first, c == " " || c == "\t" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" { s = s.dropLast() }
        return s
    }
    var lineIndex = 0
    while lineIndex < lines.count, trim(clean(lines[lineIndex])).isEmpty { lineIndex += 1 }
    func fail(_ problem: CSVProblem) -> EngineError { .file(path: path, .csv(problem)) }
    guard lineIndex < lines.count else { throw fail(.empty) }
    let headerLine = lineIndex + 1
    func fields(_ line: Substring, number: Int) throws(EngineError) -> [String] {
        guard let f = splitCSVFields(line) else {
            throw fail(.unclosedQuote(line: number))
        }
        return f
    }
    let header = try fields(clean(lines[lineIndex]), number: headerLine)
    if let empty = header.firstIndex(of: "") {
        throw fail(.unnamedColumn(line: headerLine, column: empty + 1))
    }
    var seen = Set<String>()
    for name in header where !seen.insert(name).inserted {
        throw fail(.duplicateColumn(line: headerLine, name: name))
    }
    guard header.count >= 2 else {
        throw fail(.singleColumn)
    }
    let labelName = label ?? header[header.count - 1]
    guard let labelColumn = header.firstIndex(of: labelName) else {
        throw fail(.noSuchColumn(name: labelName, columns: header))
    }

    let columns = header.count
    var inputs = [Double]()
    var targets = [Double]()
    var targetLines = [Int]()
    lineIndex += 1
    while lineIndex < lines.count {
        let line = clean(lines[lineIndex])
        let number = lineIndex + 1
        lineIndex += 1
        if trim(line).isEmpty { continue }
        guard targets.count < csvRowLimit else {
            throw fail(.tooManyRows(limit: csvRowLimit))
        }
        let values = try fields(line, number: number)
        guard values.count == columns else {
            throw fail(.fieldCount(line: number, expected: columns, found: values.count))
        }
        for (c, t) in values.enumerated() {
            guard !t.isEmpty else { throw fail(.missingValue(line: number, column: header[c])) }
            guard let v = Double(t) else { throw fail(.notANumber(line: number, column: header[c], text: t)) }
            guard v.isFinite else { throw fail(.notFinite(line: number, column: header[c], text: t)) }
            if c == labelColumn { targets.append(v) } else { inputs.append(v) }
        }
        targetLines.append(number)
    }
    let n = targets.count
    guard n > 0 else { throw fail(.noDataRows) }
    let x = Matrix(rows: n, columns: columns - 1, storage: inputs)
    let name = baseName(path)

    let classLimit = 100_000
    func isClassLabel(_ v: Double) -> Bool { v >= 0 && v < Double(classLimit) && v == v.rounded() }
    let classification: Bool
    switch kind {
    case .automatic: classification = targets.allSatisfy(isClassLabel)
    case .regression: classification = false
    case .classification:
        if let bad = targets.firstIndex(where: { !isClassLabel($0) }) {
            throw fail(
                .notAClassLabel(line: targetLines[bad], column: labelName, value: targets[bad], limit: classLimit))
        }
        classification = true
    }
    if classification {
        let labels = targets.map { Int($0) }
        return Dataset(name: name, inputs: x, labels: labels, classes: labels.max()! + 1)
    }
    return Dataset(name: name, inputs: x, targets: Matrix(rows: n, columns: 1, storage: targets))
}

/// The fields of one CSV line (RFC 4180 quoting, within the line): commas separate
/// fields except inside double quotes, a doubled quote inside quotes is one quote, and
/// spaces or tabs around a field (outside its quotes) are dropped. `nil` when a quote
/// is not closed.
func splitCSVFields(_ line: Substring) -> [String]? {
    var fields = [String]()
    var field = ""
    var quoted = false  // inside a quoted section
    var trailing = ""  // spaces seen after text, kept only if more text follows
    let chars = Array(line)
    var i = 0
    while i < chars.count {
        let c = chars[i]
        i += 1
        if quoted {
            if c == "\"" {
                if i < chars.count && chars[i] == "\"" {
                    field.append("\"")
                    i += 1
                } else {
                    quoted = false
                }
            } else {
                field.append(c)
            }
            continue
        }
        switch c {
        case ",":
            fields.append(field)
            field = ""
            trailing = ""
        case " ", "\t":
            if !field.isEmpty { trailing.append(c) }
        case "\"":
            field += trailing
            trailing = ""
            quoted = true
        default:
            field += trailing
            trailing = ""
            field.append(c)
        }
    }
    if quoted { return nil }
    fields.append(field)
    return fields
}

/// The last path component without its extension, e.g. `iris` for `data/iris.csv`.
func baseName(_ path: String) -> String {
    let last = path.split(separator: "/").last.map(String.init) ?? path
    if let dot = last.lastIndex(of: "."), dot != last.startIndex { return String(last[..<dot]) }
    return last
}

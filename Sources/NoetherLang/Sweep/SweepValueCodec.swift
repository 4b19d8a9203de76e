/// The lossless JSON form of the values a sweep point gives, for point files.
///
/// Every number is stored as the 16 hex digits of its IEEE-754 bit pattern (`"f"`), so
/// it reads back bit for bit — NaN payloads, −0 and infinities included — with its
/// shortest decimal beside it (`"~"`) for people reading the file. Strings are tagged
/// (`"s"`), lists are arrays, records keep their field order (`"r"`: pairs), tables
/// their columns and rows (`"t"`), `nothing` is `null`, booleans are themselves.
/// Other objects (runs, networks …) have no lossless form and are refused.
public enum SweepValueCodec {
    /// The stored form, or the type name of the first part that cannot be stored.
    public static func encode(_ value: Value) -> Result<JSONValue, Unstorable> {
        switch value {
        case .nothing: return .success(.null)
        case .bool(let b): return .success(.bool(b))
        case .number(let x): return .success(number(x))
        case .string(let s): return .success(.object([("s", .string(s))]))
        case .list(let items):
            var out = [JSONValue]()
            out.reserveCapacity(items.count)
            for item in items {
                switch encode(item) {
                case .success(let j): out.append(j)
                case .failure(let e): return .failure(e)
                }
            }
            return .success(.array(out))
        case .record(let record):
            var out = [JSONValue]()
            for f in record.fields {
                switch encode(f.value) {
                case .success(let j): out.append(.array([.string(f.name), j]))
                case .failure(let e): return .failure(e)
                }
            }
            return .success(.object([("r", .array(out))]))
        case .object(let o as TableObject):
            var rows = [JSONValue]()
            for row in o.rows {
                switch encode(.list(row)) {
                case .success(let j): rows.append(j)
                case .failure(let e): return .failure(e)
                }
            }
            return .success(
                .object([("t", .object([("columns", .array(o.columns.map { .string($0) })), ("rows", .array(rows))]))]))
        case .object, .function:
            return .failure(Unstorable(typeName: value.typeName))
        }
    }

    /// The value a stored form holds, or nil when it is not one `encode` writes.
    public static func decode(_ json: JSONValue) -> Value? {
        switch json {
        case .null: return .nothing
        case .bool(let b): return .bool(b)
        case .array(let items):
            var out = [Value]()
            out.reserveCapacity(items.count)
            for item in items {
                guard let v = decode(item) else { return nil }
                out.append(v)
            }
            return .list(out)
        case .object(let pairs):
            guard let (tag, body) = pairs.first else { return nil }
            switch tag {
            case "f":
                guard let hex = body.stringValue, hex.utf8.count == 16, let bits = UInt64(hex, radix: 16) else {
                    return nil
                }
                return .number(Double(bitPattern: bits))
            case "s":
                return body.stringValue.map { .string($0) }
            case "r":
                guard let items = body.arrayValue else { return nil }
                var fields = [(name: String, value: Value)]()
                for item in items {
                    guard let pair = item.arrayValue, pair.count == 2, let name = pair[0].stringValue,
                        let v = decode(pair[1])
                    else { return nil }
                    fields.append((name, v))
                }
                return .record(Record(fields))
            case "t":
                guard let columns = body["columns"]?.arrayValue?.compactMap(\.stringValue),
                    let rowsJSON = body["rows"]?.arrayValue
                else { return nil }
                var rows = [[Value]]()
                for r in rowsJSON {
                    guard case .list(let row)? = decode(r), row.count == columns.count else { return nil }
                    rows.append(row)
                }
                return .object(TableObject(columns: columns, rows: rows))
            default:
                return nil
            }
        case .number, .string:
            return nil
        }
    }

    static func number(_ x: Double) -> JSONValue {
        var hex = String(x.bitPattern, radix: 16)
        hex = String(repeating: "0", count: 16 - hex.utf8.count) + hex
        return .object([("f", .string(hex)), ("~", .number(x))])
    }

    /// A value with no lossless stored form (a run, a network …).
    public struct Unstorable: Error, Sendable {
        public let typeName: String
    }
}

/// A 64-bit FNV-1a hash as 16 hex digits: the fingerprints of scripts and grids in
/// results directories (a check against mixing files, not a security measure).
public enum Fingerprint {
    public static func of(_ text: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01b3
        }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.utf8.count) + hex
    }
}

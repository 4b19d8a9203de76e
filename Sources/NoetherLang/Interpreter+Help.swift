import NoetherSyntax

/// `help` and `explain`, generated from the registry's declarations.
extension Interpreter {
    func runHelp(_ arguments: [Value], range: SourceRange) throws(Diagnostic) {
        guard let first = arguments.first else {
            showHelp(registry.overview)
            return
        }
        guard case .string(let topic) = first, arguments.count == 1 else {
            throw Diagnostic(.runtime, "'help' takes one name or quoted text, e.g. 'help train'", at: range)
        }
        if let text = registry.helpText(for: topic) {
            showHelp(text)
            return
        }
        let matches = registry.search(topic)
        guard matches.isEmpty else {
            showHelp(matches.rendered(for: topic))
            return
        }
        let candidates =
            Array(registry.builtins.keys) + Array(registry.constants.keys) + Array(registry.typeDocs.keys)
            + registry.commands.map(\.name)
        throw Diagnostic(
            .runtime, "no help for '\(topic)'", at: range,
            hint: Suggestions.closest(to: topic, in: candidates).map { "did you mean '\($0)'?" })
    }

    func runExplain(_ arguments: [Value], range: SourceRange) throws(Diagnostic) {
        guard let first = arguments.first else {
            let topics = registry.explanations.map { "\($0.owner).\($0.name)" }
            showHelp("explain NAME gives the exact definition of:\n  " + topics.joined(separator: ", ") + "\n")
            return
        }
        guard case .string(let topic) = first, arguments.count == 1 else {
            throw Diagnostic(.runtime, "'explain' takes one name, e.g. 'explain drift'", at: range)
        }
        let found = registry.explanations(for: topic)
        guard found.isEmpty else {
            showHelp(found.map(\.rendered).joined(separator: "\n"))
            return
        }
        // A documented field without a recorded formula still gets its one-line meaning.
        let parts = topic.split(separator: ".", maxSplits: 1).map(String.init)
        let fieldName = parts.last ?? topic
        for (owner, fields) in registry.typeFields.sorted(by: { $0.key < $1.key })
        where parts.count == 1 || parts[0] == owner {
            if let f = fields.first(where: { $0.name == fieldName }) {
                showHelp("\(owner).\(f.name)\n\n  \(f.help)\n\n  (no formula is recorded for it yet)\n")
                return
            }
        }
        let names = registry.explanations.map(\.name) + registry.explanations.map { "\($0.owner).\($0.name)" }
        throw Diagnostic(
            .runtime, "nothing to explain for '\(topic)'", at: range,
            hint: Suggestions.closest(to: topic, in: names).map { "did you mean '\($0)'?" },
            notes: ["explain alone lists the quantities"])
    }
}

// MARK: - Help on a value

/// Where a top-level binding was made: the statement's source and range.
public struct BindingOrigin: Sendable {
    let source: SourceFile
    let range: SourceRange

    /// `In[3]: data = gaussian_mixture(…)` for a cell, `file.noe:12: …` for a file: the
    /// statement's text on one line, cut at 100 characters.
    public var description: String {
        var text = source.text(of: range).split(separator: "\n").map { $0.trimmingSpaces }.joined(separator: " ")
        if text.count > 100 { text = String(text.prefix(99)) + "…" }
        let line = source.location(of: range.start).line
        let place = source.name.hasPrefix("In[") && line == 1 ? source.name : "\(source.name):\(line)"
        return "\(place): \(text)"
    }
}

extension Interpreter {
    /// Records where a top-level binding was made: O(1), the words come later.
    func noteOrigin(of name: String, _ statement: Statement) {
        bindingOrigins[name] = BindingOrigin(source: currentSource, range: statement.range)
    }

    /// `help NAME` for a bound name (or a dotted path from one, `run.C`): what the value
    /// is — its type, summary and fields (with `explain` hints) — and the cell that bound it.
    func describeBinding(_ path: String, range: SourceRange) throws(Diagnostic) -> String {
        let parts = path.split(separator: ".").map(String.init)
        var value = lookupVariable(parts[0]) ?? .nothing
        var owner: Value?
        for part in parts.dropFirst() {
            owner = value
            value = try fieldAccess(value, name: part, nameRange: range)
        }
        var out = "\(path): \(article(value.typeName)) \(value.typeName)\n"
        // What it is, when it is a documented field of its owner.
        if case .object(let o)? = owner, let doc = type(of: o).fieldDocs.first(where: { $0.name == parts.last }) {
            out += "\n  \(doc.help)\(explainHint(type(of: o).typeName, doc.name))\n"
        }
        var summary = value.rendered
        let lines = summary.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.count > 12 { summary = lines.prefix(12).joined(separator: "\n") + "\n…" }
        out +=
            "\n"
            + summary.split(separator: "\n", omittingEmptySubsequences: false).map { "  \($0)" }
            .joined(separator: "\n") + "\n"
        switch value {
        case .object(let o):
            let typeName = type(of: o).typeName
            let docs = type(of: o).fieldDocs
            if !docs.isEmpty {
                let width = docs.map(\.name.count).max() ?? 0
                out += "\nFields (\(parts.last!).NAME):\n"
                for f in docs {
                    let pad = String(repeating: " ", count: width - f.name.count)
                    out += "  \(f.name)\(pad)  \(f.help)\(explainHint(typeName, f.name))\n"
                }
            }
            // A table answers its columns besides its documented fields.
            let extra = o.fieldNames.filter { name in !docs.contains { $0.name == name } }
            if !extra.isEmpty { out += "\nColumns: " + extra.joined(separator: ", ") + "\n" }
        case .record(let r) where !r.fields.isEmpty:
            let width = r.fields.map(\.name.count).max() ?? 0
            out += "\nFields:\n"
            for f in r.fields {
                out += "  \(f.name)\(String(repeating: " ", count: width - f.name.count))  \(f.value.typeName)\n"
            }
        default:
            break
        }
        if let origin = bindingOrigins[parts[0]] {
            out += "\nBound by \(origin.description)\n"
        }
        var seeAlso = [String]()
        if case .object(let o) = value, type(of: o).typeName != path, registry.typeDocs[type(of: o).typeName] != nil {
            seeAlso.append("help \(type(of: o).typeName) for the type")
        }
        if parts.count == 1, registry.helpText(for: path) != nil {
            seeAlso.append("help \"\(path)\" for the documentation of '\(path)'")
        }
        if !seeAlso.isEmpty { out += "(" + seeAlso.joined(separator: "; ") + ")\n" }
        return out
    }

    private func explainHint(_ owner: String, _ field: String) -> String {
        registry.explanations.contains { $0.owner == owner && $0.name == field } ? "  (explain \(field))" : ""
    }
}

/// What `help "text"` found: a line per builtin, constant, field or command whose name
/// or description contains the text.
public struct HelpMatches: Sendable {
    public var entries: [(name: String, description: String)] = []
    public var isEmpty: Bool { entries.isEmpty }

    public func rendered(for text: String) -> String {
        let width = entries.map(\.name.count).max() ?? 0
        var out = "help \"\(text)\": \(entries.count) match\(entries.count == 1 ? "" : "es")\n"
        for e in entries {
            out += "  \(e.name)\(String(repeating: " ", count: width - e.name.count))  \(e.description)\n"
        }
        return out
    }
}

extension BuiltinRegistry {
    /// The help of everything named exactly `name` — a builtin, constant, type or
    /// command (`table` is a builtin and a type, `run` a type and a command) — or nil.
    public func helpText(for name: String) -> String? {
        var parts = [String]()
        if let b = builtins[name] { parts.append(b.help) }
        if let c = constants[name] { parts.append("\(c.name)  (\(c.category))\n\n  \(c.help)\n") }
        if let doc = typeDocs[name] { parts.append(doc) }
        if let c = commands.first(where: { $0.name == name }) { parts.append(c.help) }
        return parts.isEmpty ? nil : parts.joined(separator: "\n")
    }

    /// Case-insensitive search of names, abstracts, constants, type fields, commands
    /// and explained quantities.
    public func search(_ text: String) -> HelpMatches {
        let needle = text.lowercased()
        guard !needle.isEmpty else { return HelpMatches() }
        func hit(_ s: String) -> Bool { s.lowercased().contains(needle) }
        var m = HelpMatches()
        for b in builtins.values.sorted(by: { $0.name < $1.name }) where hit(b.name) || hit(b.abstract) {
            m.entries.append((b.name + "()", b.abstract))
        }
        for c in constants.values.sorted(by: { $0.name < $1.name }) where hit(c.name) || hit(c.help) {
            m.entries.append((c.name, c.help))
        }
        for (type, fields) in typeFields.sorted(by: { $0.key < $1.key }) {
            for f in fields where hit(f.name) || hit(f.help) {
                let explained = explanations.contains { $0.owner == type && $0.name == f.name }
                m.entries.append(("\(type).\(f.name)", f.help + (explained ? "  (explain \(f.name))" : "")))
            }
        }
        for c in commands where hit(c.name) || hit(c.abstract) {
            m.entries.append((c.usage, c.abstract))
        }
        return m
    }

    /// The explanations named `topic`: `drift`, or `run.drift` for one owner.
    public func explanations(for topic: String) -> [Explanation] {
        let parts = topic.split(separator: ".", maxSplits: 1).map(String.init)
        if parts.count == 2 { return explanations.filter { $0.owner == parts[0] && $0.name == parts[1] } }
        return explanations.filter { $0.name == topic }
    }
}

/// The builtin reference of docs/language.md, generated from the declarations so it
/// never goes stale: a test compares the document's generated section with this
/// text, `RECORD_SNAPSHOTS=1` rewrites it, and `noether --dump-reference` prints it.
extension BuiltinRegistry {
    /// The markers around the generated section in docs/language.md.
    public static let referenceBegin = "<!-- BEGIN GENERATED REFERENCE (noether --dump-reference) -->"
    public static let referenceEnd = "<!-- END GENERATED REFERENCE -->"

    /// Markdown: every category's builtins (usage, abstract, discussion, an argument
    /// table with type, default and meaning, an example) and constants, then the object
    /// types with their fields, the commands, and the explained quantities.
    public var markdownReference: String {
        var out = ""
        for category in categories {
            out += "### \(category)\n\n"
            for name in builtins.values.filter({ $0.category == category }).map(\.name).sorted() {
                out += markdown(builtins[name]!)
            }
            let consts = constants.values.filter { $0.category == category }.sorted { $0.name < $1.name }
            if !consts.isEmpty {
                out += "Constants:\n\n| name | meaning |\n|---|---|\n"
                for c in consts { out += "| `\(c.name)` | \(cell(c.help)) |\n" }
                out += "\n"
            }
        }
        out += "### types\n\n"
        for type in typeFields.keys.sorted() {
            out += "#### `\(type)`\n\n"
            let abstract = typeDocs[type]?.split(separator: "\n", omittingEmptySubsequences: true).dropFirst().first
            if let abstract { out += abstract.trimmingLeadingSpaces + "\n\n" }
            out += "| field | meaning |\n|---|---|\n"
            for f in typeFields[type]! { out += "| `\(f.name)` | \(cell(f.help)) |\n" }
            out += "\n"
        }
        out += "### commands\n\n"
        for c in commands {
            out += "#### `\(c.usage)`\n\n\(c.abstract)\n\n"
            if !c.discussion.isEmpty { out += c.discussion + "\n\n" }
            out += "```\n\(c.example)\n```\n\n"
        }
        out += "### quantities (`explain`)\n\n"
        for e in explanations {
            out += "#### `\(e.owner).\(e.name)`\n\n```\n\(e.formula)\n```\n\n\(e.text)\n\n"
        }
        return out
    }

    private func markdown(_ b: Builtin) -> String {
        var out = "#### `\(b.name)`\n\n```\n\(b.usage)\n```\n\n\(b.abstract)\n\n"
        if !b.discussion.isEmpty { out += b.discussion + "\n\n" }
        if !b.parameters.isEmpty || b.extraArguments != nil {
            out += "| argument | type | default | meaning |\n|---|---|---|---|\n"
            let afterRequired = (b.parameters.lastIndex(where: \.isRequired) ?? -1) + 1
            var rows = [String]()
            for p in b.parameters {
                let d: String
                switch p.defaultValue {
                case .required: d = "required"
                case .absent: d = "none"
                case .value(_, let text): d = "`\(text)`"
                }
                rows.append("| `\(p.label)` | \(p.type.displayName) | \(d) | \(cell(p.help)) |\n")
            }
            if let e = b.extraArguments {
                rows.insert(
                    "| `\(e.placeholder)=…` | \(e.shownAs) | any number | \(cell(e.help)) |\n", at: afterRequired)
            }
            out += rows.joined()
            out += "\n"
        }
        if b.variadic { out += "Takes any number of further positional arguments.\n\n" }
        if b.takesBlock { out += "Takes a block `{ … }` after its arguments.\n\n" }
        out += "```\n\(b.example)\n```\n\n"
        return out
    }

    private func cell(_ text: String) -> String { text.replacingAll("|", with: "\\|") }
}

extension Substring {
    fileprivate var trimmingLeadingSpaces: String { String(drop(while: { $0 == " " })) }
}

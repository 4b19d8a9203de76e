import NoetherSyntax

/// One allowed name of a named option, what it means, and how help describes it.
public struct ChoiceOption<Meaning: Sendable>: Sendable {
    /// The preferred spelling: help, completion and suggestions show it.
    public let name: String
    public let meaning: Meaning
    /// A few words help prints after the name: `"cap" (the reference)`.
    public let note: String?
    /// Older spellings still accepted, so that scripts keep working; help names the
    /// preferred one (`"power" (also "power_iteration")`).
    public let aliases: [String]

    public init(_ name: String, _ meaning: Meaning, note: String? = nil, aliases: [String] = []) {
        self.name = name
        self.meaning = meaning
        self.note = note
        self.aliases = aliases
    }
}

/// A string option with a fixed set of names (a sharpness method, a divergence rule,
/// a clock …), declared once: the declaration gives the parameter's validation, its
/// did-you-mean, its help text and its tab completion, in the spirit of
/// ArgumentParser's `EnumerableFlag`.
public struct Choice<Meaning: Sendable>: Sendable {
    /// How errors name the option: "unknown method 'x'", "unknown divergence rule 'x'".
    public let noun: String
    public let options: [ChoiceOption<Meaning>]

    public init(_ noun: String, _ options: [ChoiceOption<Meaning>]) {
        self.noun = noun
        self.options = options
    }

    /// The preferred names, in declaration order.
    public var names: [String] { options.map(\.name) }

    /// The same option restricted to some of its names (a builtin that accepts fewer),
    /// with notes for help where this use differs (`["lanczos": "≤ 40 products"]`).
    public func only(_ names: [String], notes: [String: String] = [:]) -> Choice {
        Choice(
            noun,
            options.filter { names.contains($0.name) }.map {
                ChoiceOption($0.name, $0.meaning, note: notes[$0.name] ?? $0.note, aliases: $0.aliases)
            })
    }

    /// The same option under another noun in errors ("sharpness method").
    public func called(_ noun: String) -> Choice {
        Choice(noun, options)
    }

    /// `"a" (note), "b" or "c" (note; also "c_old")`, for help text.
    public var listing: String {
        let items = options.map { o -> String in
            var notes = o.note.map { [$0] } ?? []
            if !o.aliases.isEmpty { notes.append("also " + o.aliases.map { "\"\($0)\"" }.joined(separator: ", ")) }
            return "\"\(o.name)\"" + (notes.isEmpty ? "" : " (" + notes.joined(separator: "; ") + ")")
        }
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " or " + items.last!
    }

    /// What Tab offers: the preferred names, quoted.
    public var completion: CompletionKind { .values(names.map { "\"\($0)\"" }) }

    /// The meaning of `text`, a preferred name or an alias; nil when unknown.
    public func meaning(of text: String) -> Meaning? {
        options.first { $0.name == text || $0.aliases.contains(text) }?.meaning
    }

    /// The preferred name of a meaning, when meanings can be compared.
    public func name(of meaning: Meaning) -> String? where Meaning: Equatable {
        options.first { $0.meaning == meaning }?.name
    }

    /// The error for a name that is none of the allowed ones, with a did-you-mean
    /// (aliases count as spellings to suggest from, the preferred name is suggested).
    public func unknown(_ text: String, at range: SourceRange) -> Diagnostic {
        let spellings = options.flatMap { o in ([o.name] + o.aliases).map { ($0, o.name) } }
        let closest = Suggestions.closest(to: text, in: spellings.map(\.0))
        let suggestion = closest.flatMap { c in spellings.first { $0.0 == c }?.1 }
        return Diagnostic(
            .runtime,
            "unknown \(noun) '\(text)'; use " + Self.quotedList(names),
            at: range, hint: suggestion.map { "did you mean '\($0)'?" })
    }

    /// `'a', 'b' or 'c'`.
    static func quotedList(_ names: [String]) -> String {
        let quoted = names.map { "'\($0)'" }
        guard quoted.count > 1 else { return quoted.first ?? "" }
        return quoted.dropLast().joined(separator: ", ") + " or " + quoted.last!
    }

    /// A declared string parameter for this option: its default, `lead` followed by
    /// the listing as help, and the names as completion.
    public func parameter(_ label: String, default name: String, help lead: String = "") -> Parameter {
        precondition(meaning(of: name) != nil, "the default '\(name)' of '\(label)' is not one of its names")
        return Parameter(
            label, .string, .value(.string(name), text: "\"\(name)\""), help: lead + listing, completion: completion)
    }
}

extension CallContext {
    /// The meaning of the string argument `label` under `choice`, or an error at the
    /// argument that lists the allowed names and suggests the closest.
    public func choice<Meaning>(_ label: String, _ choice: Choice<Meaning>) throws(Diagnostic) -> Meaning {
        let text = try string(label)
        if let meaning = choice.meaning(of: text) { return meaning }
        throw choice.unknown(text, at: range(of: label))
    }
}

/// Where every parameter group of an architecture lives in the flattened parameter
/// vector θ (the order of `Parameters.flattened`: W1 row-major, b1, W2, b2, …).
///
/// Group names are 1-based as the language spells them: `"W1"`, `"b1"`, `"W2"`, ….
/// Weight group `W{l+1}` is `sizes[l+1] × sizes[l]` (out × in, row-major); bias group
/// `b{l+1}` has `sizes[l+1]` entries and exists only when the architecture has biases.
public struct ParameterLayout: Sendable, Equatable {
    /// One contiguous block of θ.
    public struct Group: Sendable, Equatable, Hashable {
        /// `"W1"`, `"b1"`, … (1-based layer number).
        public let name: String
        /// 0-based layer index l (layer l maps sizes[l] → sizes[l+1]).
        public let layer: Int
        public let isBias: Bool
        /// Shape of the block: out × in for weights, 1 × out for biases.
        public let rows: Int
        public let columns: Int
        /// Offset of the first entry in θ.
        public let offset: Int
        public var count: Int { rows * columns }
        /// The block's indices in θ.
        public var range: Range<Int> { offset..<(offset + count) }
    }

    /// All groups in flattened order.
    public let groups: [Group]
    /// P, the total number of parameters.
    public let count: Int

    public init(_ architecture: Architecture) {
        var groups = [Group]()
        var offset = 0
        let sizes = architecture.sizes
        for l in 0..<architecture.layerCount {
            let w = Group(
                name: "W\(l + 1)", layer: l, isBias: false, rows: sizes[l + 1], columns: sizes[l], offset: offset)
            groups.append(w)
            offset += w.count
            if architecture.hasBias {
                let b = Group(name: "b\(l + 1)", layer: l, isBias: true, rows: 1, columns: sizes[l + 1], offset: offset)
                groups.append(b)
                offset += b.count
            }
        }
        self.groups = groups
        self.count = offset
    }

    /// The group with this name, if the architecture has it.
    public func group(named name: String) -> Group? { groups.first { $0.name == name } }

    /// The weight group of 0-based layer `l`.
    public func weights(_ l: Int) -> Group { groups.first { $0.layer == l && !$0.isBias }! }

    /// The bias group of 0-based layer `l`, when the architecture has biases.
    public func bias(_ l: Int) -> Group? { groups.first { $0.layer == l && $0.isBias } }

    /// 0-based layer of parameter index `i` (0 ≤ i < P).
    public func layer(ofIndex i: Int) -> Int {
        for g in groups where g.range.contains(i) { return g.layer }
        preconditionFailure("parameter index \(i) out of range 0..<\(count)")
    }

    /// The named groups in flattened order (duplicates removed). `nil` or an empty
    /// list selects every group. Throws `.unknownParameterBlock` naming the unknown group and
    /// the valid names.
    public func select(_ names: [String]?) throws(EngineError) -> [Group] {
        guard let names, !names.isEmpty else { return groups }
        for name in names where group(named: name) == nil {
            throw .curvature(.unknownParameterBlock(name, valid: groups.map(\.name)))
        }
        let wanted = Set(names)
        return groups.filter { wanted.contains($0.name) }
    }
}

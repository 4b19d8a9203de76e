/// Where every parameter group of an architecture lives in the flattened parameter
/// vector θ (the order of `Parameters.flattened`: W1 row-major, b1, W2, b2, …).
///
/// A group is named by its `ParameterBlock` (the language spells them `W1`, `b1`, …).
/// The weight group of layer l is `sizes[l+1] × sizes[l]` (out × in, row-major); its
/// bias group has `sizes[l+1]` entries and exists only when the architecture has biases.
public struct ParameterLayout: Sendable, Equatable {
    /// One contiguous block of θ.
    public struct Group: Sendable, Equatable, Hashable {
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
        /// Which block of θ this is.
        public var block: ParameterBlock { ParameterBlock(layer: layer, isBias: isBias) }
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
            let w = Group(layer: l, isBias: false, rows: sizes[l + 1], columns: sizes[l], offset: offset)
            groups.append(w)
            offset += w.count
            if architecture.hasBias {
                let b = Group(layer: l, isBias: true, rows: 1, columns: sizes[l + 1], offset: offset)
                groups.append(b)
                offset += b.count
            }
        }
        self.groups = groups
        self.count = offset
    }

    /// The group of this block, if the architecture has it.
    public func group(_ block: ParameterBlock) -> Group? { groups.first { $0.block == block } }

    /// The weight group of 0-based layer `l`.
    public func weights(_ l: Int) -> Group { groups.first { $0.layer == l && !$0.isBias }! }

    /// The bias group of 0-based layer `l`, when the architecture has biases.
    public func bias(_ l: Int) -> Group? { groups.first { $0.layer == l && $0.isBias } }

    /// 0-based layer of parameter index `i` (0 ≤ i < P).
    public func layer(ofIndex i: Int) -> Int {
        for g in groups where g.range.contains(i) { return g.layer }
        preconditionFailure("parameter index \(i) out of range 0..<\(count)")
    }

    /// The groups of `blocks` in flattened order (duplicates removed). `nil` or an
    /// empty list selects every group. Throws `.unknownParameterBlock` with the block
    /// the architecture lacks and those it has.
    public func select(_ blocks: [ParameterBlock]?) throws(EngineError) -> [Group] {
        guard let blocks, !blocks.isEmpty else { return groups }
        for block in blocks where group(block) == nil {
            throw .curvature(.unknownParameterBlock(block, valid: groups.map(\.block)))
        }
        let wanted = Set(blocks)
        return groups.filter { wanted.contains($0.block) }
    }
}

/// A block of θ: the weights or the biases of one layer (0-based `layer`, which maps
/// sizes[layer] → sizes[layer+1]).
public struct ParameterBlock: Sendable, Hashable {
    public let layer: Int
    public let isBias: Bool

    public init(layer: Int, isBias: Bool) {
        self.layer = layer
        self.isBias = isBias
    }

    /// The weight matrix of 0-based layer `l`.
    public static func weights(_ l: Int) -> ParameterBlock { ParameterBlock(layer: l, isBias: false) }
    /// The bias vector of 0-based layer `l`.
    public static func bias(_ l: Int) -> ParameterBlock { ParameterBlock(layer: l, isBias: true) }
}

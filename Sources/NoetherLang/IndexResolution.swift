/// The 0-based position index `i` names among `count` items, negative counting from
/// the end (`-1` is the last); nil when out of range. Subscripts (`xs[i]`, `t[i]`,
/// selectors) and index arguments (`H.row(i)`) all resolve through it.
func resolveIndex(_ i: Int, count: Int) -> Int? {
    let j = i < 0 ? count + i : i
    return j >= 0 && j < count ? j : nil
}

/// The hint of an out-of-range index: the valid indices, or `empty` when there are
/// none (a count of 0 has no "0…-1").
func validIndicesHint(count: Int, empty: String) -> String {
    count == 0 ? empty : "valid indices are 0…\(count - 1) or -\(count)…-1"
}

/// The activation-pattern probe of experiments.md E9/E15 (§3 item 17), as recorded
/// on a run when `TrainingOptions.patternProbe` is on.
///
/// The pattern is A(θ) = 1[Z > 0] ∈ {0,1}^{n×m} of the **first hidden layer**, with
/// Z = X W₁ᵀ (+ 1b₁ᵀ with biases) on the **full** dataset (also under mini-batch
/// sgd), n samples, m units. It is defined for any activation but means "active
/// units" only for the ReLU family.
///
/// Per-step series (aligned with `TrainingRun.steps`; entry i describes step
/// t = steps[i]):
/// - `flipFraction[i]`: the fraction of the n·m entries of A that differ between
///   θ_t and θ_{t+1}, i.e. that the update of step t flipped (NaN when step t
///   applied no update, e.g. the step at which a run diverged or stopped);
/// - `unitsFlipped[i]`: the number of hidden units with at least one flipped sample
///   in that update (NaN likewise);
/// - `minMargin[i]`, `meanMargin[i]`: min and mean of |Z| at θ_t;
/// - `distinctPatterns[i]`: the number of distinct rows of A(θ_t).
///
/// Run summaries are taken over **every** update, not only the recorded ones.
///
/// Flips below float32's resolution (issue 16, E9): a flip of entry (i, j) is counted
/// as *tiny* when the smaller of |Z_ij| before and after the update is below
/// 2⁻²³·(Σ_k |X_ik|·|W₁[j, k]| + |b_j|) (`Float.ulpOfOne` times the magnitude of the
/// terms summed into Z_ij, with W₁ after the update): the size of one rounding of a
/// float32 dot product, so float32 arithmetic alone can move Z_ij across zero. The same
/// test runs in both precisions, so a float64 run shows how many of its flips float32
/// could not resolve.
public struct ActivationPatternRecord: Sendable {
    /// n, the samples the pattern covers.
    public let samples: Int
    /// m, the width of the first hidden layer.
    public let units: Int
    public let flipFraction: [Double]
    public let unitsFlipped: [Double]
    public let minMargin: [Double]
    public let meanMargin: [Double]
    public let distinctPatterns: [Int]
    /// Number of updates compared (θ_t → θ_{t+1}).
    public let updates: Int
    /// Step-mean of the per-entry flip fraction.
    public let meanFlipFraction: Double
    /// Step-mean of the number of units with at least one flip.
    public let meanUnitsFlipped: Double
    /// Share of updates that flipped no entry.
    public let zeroChangeFraction: Double
    /// Pearson correlation over updates of the flip fraction of update t with |δ_t|
    /// at θ_t (δ of the first layer pair, ||g₂||² − ||g₁||²); NaN when undefined.
    public let flipImbalanceCorrelation: Double
    /// Step-means over every step taken of the min and mean |pre-activation|.
    public let meanMinMargin: Double
    public let meanMeanMargin: Double
    /// Flipped entries over every update, and those below float32's resolution.
    public let totalFlips: Int
    public let tinyFlips: Int
    /// Step-mean of the number of units with at least one flip that is not tiny.
    public let meanUnitsFlippedResolved: Double

    /// E9's headline "switch rate": units touched per update divided by m.
    public var switchRate: Double { meanUnitsFlipped / Double(units) }
    /// The switch rate counting only flips above float32's resolution.
    public var resolvedSwitchRate: Double { meanUnitsFlippedResolved / Double(units) }
    /// The share of flips below float32's resolution (NaN without flips).
    public var tinyFlipFraction: Double { totalFlips > 0 ? Double(tinyFlips) / Double(totalFlips) : .nan }

    /// float32's relative resolution, 2⁻²³.
    public static let float32Resolution = Double(Float.ulpOfOne)
}

/// The probe's working state: packed patterns and accumulators, preallocated so
/// that `observe` never allocates.
struct PatternTracker {
    let n: Int
    let m: Int
    let words: Int
    /// The packed patterns of the previous and the current θ (n·words each, one
    /// half each; `currentHalf` says which), then the masks of the units with a flip
    /// and with a flip above float32's resolution (words each).
    private var bits: [UInt64]
    /// |Z| of the previous and the current pattern (n·m each, halves as in `bits`).
    private var absolute: [Double]
    /// Which half of `bits` and `absolute` holds the current pattern (0 or 1).
    private var currentHalf = 1
    private var order: [Int]
    private(set) var hasCurrent = false
    /// The step whose θ the current pattern belongs to.
    private(set) var currentStep = -1
    private(set) var currentMinMargin = Double.nan
    private(set) var currentMeanMargin = Double.nan

    // Series.
    var flipFraction: [Double] = []
    var unitsFlipped: [Double] = []
    var minMargin: [Double] = []
    var meanMargin: [Double] = []
    var distinctPatterns: [Int] = []
    /// The step of the last series entry.
    private var lastRecordedStep = -1

    // Accumulators over every update / step.
    private var updates = 0, zeroChanges = 0
    private var sumFlip = 0.0, sumUnits = 0.0
    // Welford's running means and co-moments of (flip fraction, |δ|).
    private var meanX = 0.0, meanY = 0.0, m2x = 0.0, m2y = 0.0, cxy = 0.0
    private var margins = 0
    private var sumMin = 0.0, sumMean = 0.0
    private var totalFlips = 0, tinyFlips = 0
    private var sumResolvedUnits = 0.0

    init(samples n: Int, units m: Int, capacity: Int) {
        self.n = n
        self.m = m
        words = (m + 63) / 64
        bits = [UInt64](repeating: 0, count: 2 * n * words + 2 * words)
        absolute = [Double](repeating: 0, count: 2 * n * m)
        order = [Int](repeating: 0, count: n)
        flipFraction.reserveCapacity(capacity)
        unitsFlipped.reserveCapacity(capacity)
        minMargin.reserveCapacity(capacity)
        meanMargin.reserveCapacity(capacity)
        distinctPatterns.reserveCapacity(capacity)
    }

    /// Reads the pattern and margins of θ_step from `z` (n×m). When a previous
    /// pattern exists (θ_{step−1}), returns the flips of the update step−1 → step and
    /// folds them into the summaries with `previousAbsDelta` = |δ_{step−1}|. `x` (n×d),
    /// `w` (m×d, W₁ at θ_step) and `b` give the scale of each flip's resolution test.
    mutating func observe<S: TrainingScalar>(
        _ z: DenseMatrix<S>, inputs x: Matrix, weights w: DenseMatrix<S>, biases b: DenseMatrix<S>?,
        step: Int, previousAbsDelta: Double
    ) {
        currentHalf = 1 - currentHalf
        let hadPrevious = hasCurrent
        let d = x.columns
        // Σ_k |x_ik|·|w_jk| + |b_j|: the magnitude of the terms summed into z_ij.
        func termMagnitude(_ i: Int, _ j: Int) -> Double {
            var s = b.map { Double(abs($0.storage[j])) } ?? 0
            for k in 0..<d { s += abs(x.storage[i * d + k]) * Double(abs(w.storage[j * d + k])) }
            return s
        }
        let layout = PatternLayout(samples: n, units: m, words: words, currentHalf: currentHalf)
        let scan = z.storage.withUnsafeBufferPointer { zp in
            bits.withUnsafeMutableBufferPointer { bits in
                absolute.withUnsafeMutableBufferPointer { absolute in
                    layout.scan(
                        zp, bits: bits, absolute: absolute, comparing: hadPrevious, termMagnitude: termMagnitude)
                }
            }
        }
        let (minAbs, sumAbs, flips, tiny) = (scan.minAbs, scan.sumAbs, scan.flips, scan.tiny)
        hasCurrent = true
        currentStep = step
        currentMinMargin = minAbs
        currentMeanMargin = sumAbs / Double(n * m)
        margins += 1
        sumMin += currentMinMargin
        sumMean += currentMeanMargin
        guard hadPrevious else { return }
        var units = 0
        var resolvedUnits = 0
        let masks = 2 * n * words
        for w in 0..<words {
            units += bits[masks + w].nonzeroBitCount
            resolvedUnits += bits[masks + words + w].nonzeroBitCount
        }
        totalFlips += flips
        tinyFlips += tiny
        sumResolvedUnits += Double(resolvedUnits)
        let fraction = Double(flips) / Double(n * m)
        updates += 1
        if flips == 0 { zeroChanges += 1 }
        sumFlip += fraction
        sumUnits += Double(units)
        let dx = fraction - meanX
        let dy = previousAbsDelta - meanY
        meanX += dx / Double(updates)
        meanY += dy / Double(updates)
        m2x += dx * (fraction - meanX)
        m2y += dy * (previousAbsDelta - meanY)
        cxy += dx * (previousAbsDelta - meanY)
        if lastRecordedStep == step - 1, !flipFraction.isEmpty {
            flipFraction[flipFraction.count - 1] = fraction
            unitsFlipped[unitsFlipped.count - 1] = Double(units)
        }
    }

    /// Appends the series entry of step `step` (whose pattern must be the current one).
    mutating func record(step: Int) {
        flipFraction.append(.nan)
        unitsFlipped.append(.nan)
        minMargin.append(currentMinMargin)
        meanMargin.append(currentMeanMargin)
        distinctPatterns.append(countDistinctRows())
        lastRecordedStep = step
    }

    /// Number of distinct rows of the current pattern: rows sorted in place by a
    /// heapsort over their packed words (no allocation), then adjacent runs counted.
    private mutating func countDistinctRows() -> Int {
        if n == 0 { return 0 }
        let words = self.words
        let base = currentHalf * n * words
        return bits.withUnsafeBufferPointer { rows in
            order.withUnsafeMutableBufferPointer { idx in
                for i in 0..<n { idx[i] = i }
                func less(_ a: Int, _ b: Int) -> Bool {
                    for w in 0..<words {
                        let x = rows[base + a * words + w]
                        let y = rows[base + b * words + w]
                        if x != y { return x < y }
                    }
                    return false
                }
                func siftDown(_ start: Int, _ end: Int) {
                    var root = start
                    while 2 * root + 1 < end {
                        var child = 2 * root + 1
                        if child + 1 < end, less(idx[child], idx[child + 1]) { child += 1 }
                        if less(idx[root], idx[child]) {
                            idx.swapAt(root, child)
                            root = child
                        } else {
                            return
                        }
                    }
                }
                var start = n / 2
                while start > 0 {
                    start -= 1
                    siftDown(start, n)
                }
                var end = n
                while end > 1 {
                    end -= 1
                    idx.swapAt(0, end)
                    siftDown(0, end)
                }
                var distinct = 1
                for i in 1..<n where less(idx[i - 1], idx[i]) { distinct += 1 }
                return distinct
            }
        }
    }

    func summary() -> ActivationPatternRecord {
        let u = Double(updates)
        var correlation = Double.nan
        if updates >= 2, m2x > 0, m2y > 0 { correlation = cxy / (m2x * m2y).squareRoot() }
        return ActivationPatternRecord(
            samples: n, units: m, flipFraction: flipFraction, unitsFlipped: unitsFlipped,
            minMargin: minMargin, meanMargin: meanMargin, distinctPatterns: distinctPatterns,
            updates: updates,
            meanFlipFraction: updates > 0 ? sumFlip / u : .nan,
            meanUnitsFlipped: updates > 0 ? sumUnits / u : .nan,
            zeroChangeFraction: updates > 0 ? Double(zeroChanges) / u : .nan,
            flipImbalanceCorrelation: correlation,
            meanMinMargin: margins > 0 ? sumMin / Double(margins) : .nan,
            meanMeanMargin: margins > 0 ? sumMean / Double(margins) : .nan,
            totalFlips: totalFlips, tinyFlips: tinyFlips,
            meanUnitsFlippedResolved: updates > 0 ? sumResolvedUnits / u : .nan)
    }
}

/// Where `PatternTracker`'s halves and masks lie in its two buffers, and the scan of
/// one pattern over them.
private struct PatternLayout {
    let samples: Int
    let units: Int
    let words: Int
    let currentHalf: Int

    /// What one scan found: the min and sum of |Z|, the flipped entries, and those
    /// of them below float32's resolution.
    struct Scan {
        var minAbs = Double.infinity
        var sumAbs = 0.0
        var flips = 0
        var tiny = 0
    }

    /// Packs the signs of `z` (n×m) into the current half of `bits`, its |Z| into the
    /// current half of `absolute`, and, when `comparing`, counts the flips against the
    /// previous half and marks the units that flipped (all flips, and flips at or above
    /// `resolution · termMagnitude(i, j)`) in the two masks after the halves.
    func scan<S: TrainingScalar>(
        _ zp: UnsafeBufferPointer<S>, bits: UnsafeMutableBufferPointer<UInt64>,
        absolute: UnsafeMutableBufferPointer<Double>, comparing: Bool,
        termMagnitude: (Int, Int) -> Double
    ) -> Scan {
        let n = samples
        let m = units
        let cur = currentHalf * n * words
        let prev = (1 - currentHalf) * n * words
        let curAbs = currentHalf * n * m
        let prevAbs = (1 - currentHalf) * n * m
        let mask = 2 * n * words
        let resolved = mask + words
        let resolution = ActivationPatternRecord.float32Resolution
        var result = Scan()
        for w in 0..<words {
            bits[mask + w] = 0
            bits[resolved + w] = 0
        }
        for i in 0..<n {
            let row = i * m
            for w in 0..<words {
                var packed: UInt64 = 0
                let lo = w * 64
                let hi = Swift.min(m, lo + 64)
                for j in lo..<hi {
                    let v = Double(zp[row + j])
                    if v > 0 { packed |= 1 << UInt64(j - lo) }
                    let a = abs(v)
                    absolute[curAbs + row + j] = a
                    if a < result.minAbs { result.minAbs = a }
                    result.sumAbs += a
                    if a.isNaN { result.minAbs = .nan }
                }
                bits[cur + i * words + w] = packed
                guard comparing else { continue }
                let x = packed ^ bits[prev + i * words + w]
                result.flips += x.nonzeroBitCount
                bits[mask + w] |= x
                var rest = x
                while rest != 0 {
                    let p = rest.trailingZeroBitCount
                    rest &= rest - 1
                    let j = lo + p
                    let margin = Swift.min(absolute[prevAbs + row + j], absolute[curAbs + row + j])
                    if margin < resolution * termMagnitude(i, j) {
                        result.tiny += 1
                    } else {
                        bits[resolved + w] |= 1 << UInt64(p)
                    }
                }
            }
        }
        return result
    }
}

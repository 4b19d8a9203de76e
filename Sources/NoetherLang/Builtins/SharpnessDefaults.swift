import NoetherEngine

/// The engine's sharpness settings as the help texts quote them, so that a help page
/// follows the engine's constants instead of repeating their numbers
/// (`SharpnessMethod(_:)` for one measurement, `SharpnessTracker.Method(_:)` along a run).
enum SharpnessDefaults {
    /// P up to which `auto` takes the dense Hessian (2500).
    static let denseLimit: Int = {
        guard case .automatic(let limit) = SharpnessMethod.standard else {
            preconditionFailure("SharpnessMethod.standard is no longer automatic: reword the help")
        }
        return limit
    }()

    /// A one-off Lanczos measurement: at most `steps` products, relative `tolerance`.
    static let lanczos: (steps: Int, tolerance: Double) = {
        guard case .lanczos(let steps, let tolerance) = SharpnessMethod(.lanczos) else {
            preconditionFailure("SharpnessMethod(.lanczos) is no longer Lanczos: reword the help")
        }
        return (steps, tolerance)
    }()

    /// Lanczos along a run: at most `maxSteps` products, warm-started.
    static let trackingLanczosSteps: Int = {
        guard case .lanczos(let maxSteps, _, _)? = SharpnessTracker.Method(.lanczos) else {
            preconditionFailure("SharpnessTracker.Method(.lanczos) is no longer Lanczos: reword the help")
        }
        return maxSteps
    }()

    /// The reference's power iteration count (30; one more product for the Rayleigh quotient).
    static let powerIterations = PowerIterationResult.referenceIterations

    /// A tolerance as the help writes it: "1e-8", not Swift's "1e-08".
    static func tolerance(_ x: Double) -> String {
        let text = "\(x)"
        guard let e = text.firstIndex(of: "e") else { return text }
        var exponent = String(text[text.index(after: e)...])
        let sign = exponent.hasPrefix("-") ? "-" : ""
        exponent = String(exponent.drop { $0 == "-" || $0 == "+" || $0 == "0" })
        return text[..<e] + "e" + sign + (exponent.isEmpty ? "0" : exponent)
    }
}

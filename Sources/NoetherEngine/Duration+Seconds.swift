extension Duration {
    /// The duration in seconds, as a Double (whole seconds plus attoseconds × 1e-18).
    public var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }
}

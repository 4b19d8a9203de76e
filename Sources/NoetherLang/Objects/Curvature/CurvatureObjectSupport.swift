#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NoetherEngine
import NoetherSyntax

// The values of the curvature builtins (Builtins+Curvature.swift): dense matrices,
// spectra, Lanczos runs, spectral densities, trace estimates and the cross-entropy
// compression bound. Each computes its summary statistics once, at construction.

/// Matrices with more entries than this carry no `entries` in their JSON form.
let jsonEntryLimit = 1_000_000
/// The most numbers a field turns into one nested list (the language's own limit on
/// the elements of a value); larger matrices offer `row(i)` / `vector(i)` instead.
let listEntryLimit = 10_000_000

// swift-tools-version:6.0
import PackageDescription

// Layering (data flows one way): text → NoetherSyntax → NoetherLang → NoetherEngine.
// NoetherEngine knows nothing of the language; NoetherSyntax knows nothing numeric;
// C is confined to the system-library targets and CNoetherKernels (cpuid, and small
// kernels multi-versioned for AVX-512/AVX2/SSE2: issue 13).
let package = Package(
    name: "Noether",
    products: [
        .executable(name: "noether", targets: ["noether"]),
        .library(name: "NoetherEngine", targets: ["NoetherEngine"]),
        .library(name: "NoetherLang", targets: ["NoetherLang"]),
    ],
    dependencies: [
        // Command-line parsing, usage text and exit code 64 on bad usage.
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
    ],
    targets: [
        .systemLibrary(
            name: "COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        // GNU readline for the interactive prompt (Debian ships no pkg-config file for it).
        .systemLibrary(
            name: "CReadline",
            providers: [.apt(["libreadline-dev"])]
        ),
        // The Jupyter kernel (Sources/NoetherShell/Jupyter): ZeroMQ sockets, and libcrypto's
        // HMAC-SHA256 for the protocol's message signatures.
        .systemLibrary(name: "CZeroMQ", providers: [.apt(["libzmq3-dev"])]),
        .systemLibrary(name: "CCrypto", providers: [.apt(["libssl-dev"])]),
        // zlib for .gz files (MNIST as distributed).
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // libxsmm's JIT kernels for the thin weight-gradient products (issue 13 §2).
        .systemLibrary(name: "CXSMM", pkgConfig: "libxsmm", providers: [.apt(["libxsmm-dev"])]),
        // Optimized in debug builds too: the tests run these kernels on every product.
        .target(name: "CNoetherKernels", cSettings: [.unsafeFlags(["-O2", "-Wno-psabi"])]),
        .target(name: "NoetherEngine", dependencies: ["COpenBLAS", "CZlib", "CNoetherKernels", "CXSMM"]),
        // The calling thread's stack bounds (glibc's pthread_getattr_np), for StackGuard.
        .systemLibrary(name: "CStack"),
        .target(name: "NoetherSyntax", dependencies: ["CStack"]),
        .target(name: "NoetherLang", dependencies: ["NoetherSyntax", "NoetherEngine"]),
        .target(
            name: "NoetherShell",
            dependencies: [
                "NoetherLang",
                "CReadline",
                "CZeroMQ",
                "CCrypto",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "noether", dependencies: ["NoetherShell", "NoetherEngine"]),
        // scripts/bench/run: in-process timings, dgemm peak and FLOP counts.
        .executableTarget(name: "NoetherBench", dependencies: ["NoetherEngine", "NoetherLang"]),
        // What every test target shares: approximate equality, a seeded generator (no Noether module).
        .target(name: "NoetherTestSupport", path: "Tests/NoetherTestSupport"),
        // What the language's and the shell's tests share: the fuzz runner, an engine error's words.
        .target(
            name: "NoetherLangTestSupport", dependencies: ["NoetherLang"],
            path: "Tests/NoetherLangTestSupport"),
        .testTarget(name: "NoetherEngineTests", dependencies: ["NoetherEngine", "NoetherTestSupport"]),
        .testTarget(name: "NoetherSyntaxTests", dependencies: ["NoetherSyntax"]),
        .testTarget(
            name: "NoetherLangTests", dependencies: ["NoetherLang", "NoetherTestSupport", "NoetherLangTestSupport"],
            exclude: ["Golden"]),
        .testTarget(
            name: "NoetherShellTests",
            dependencies: ["NoetherShell", "noether", "NoetherTestSupport", "NoetherLangTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)

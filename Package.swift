// swift-tools-version: 6.1
// GramFlow: the theory of learning in low-rank recurrent networks, closed on
// the Gram matrix of their vectors. Layering (dependencies point one way):
//   C libraries -> Numerics -> GramFlowCore -> {OverlapTheory, NetworkSimulation}
//   -> Studies -> GramFlowCommands -> gramflow
//   GramFlowCore -> Symbolic (exact derivations) -> GramFlowCommands
//   NumPyFiles (.npy/.npz) -> GramFlowCore (tasks from files), Studies, GramFlowCommands
import PackageDescription

let package = Package(
    name: "GramFlow",
    products: [
        .executable(name: "gramflow", targets: ["gramflow"]),
        .library(name: "OverlapTheory", targets: ["OverlapTheory"]),
        .library(name: "NetworkSimulation", targets: ["NetworkSimulation"]),
        .library(name: "Studies", targets: ["Studies"]),
        .library(name: "Symbolic", targets: ["Symbolic"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // SHA-256 of checkpointed files (Studies only).
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // .npz archives (NumPyFiles only).
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // C libraries. Only `Numerics` imports them.
        .systemLibrary(name: "CGSL", path: "Sources/CGSL",
                       providers: [.apt(["libgsl-dev"])]),
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CLAPACKE", path: "Sources/CLAPACKE",
                       providers: [.apt(["liblapacke-dev"])]),
        // SLEEF's vector tanh/erf/exp (libsleef-dev) behind array loops: a C target, not a
        // system library, because the AVX2 entry points need AVX2-compiled callers (VectorMath.c).
        .target(name: "CVectorMath", path: "Sources/CVectorMath", exclude: ["README.md"],
                linkerSettings: [.linkedLibrary("sleef")]),

        .target(name: "GramFlowNumerics",
                dependencies: ["CGSL", "COpenBLAS", "CLAPACKE", "CVectorMath",
                               .product(name: "RealModule", package: "swift-numerics")], exclude: ["README.md"]),
        // NumPy's .npy and .npz files: arrays in and out (no other GramFlow dependency).
        .target(name: "NumPyFiles", dependencies: [.product(name: "ZIPFoundation", package: "ZIPFoundation")],
                exclude: ["README.md"]),
        .target(name: "GramFlowCore", dependencies: ["GramFlowNumerics", "NumPyFiles"], exclude: ["README.md"]),
        .target(name: "OverlapTheory", dependencies: ["GramFlowCore", "GramFlowNumerics", "CVectorMath"], exclude: ["README.md"]),
        .target(name: "NetworkSimulation", dependencies: ["GramFlowCore", "GramFlowNumerics", "CVectorMath"], exclude: ["README.md"]),
        .target(name: "Symbolic", dependencies: ["GramFlowCore", "GramFlowNumerics"], exclude: ["README.md"]),
        .target(name: "Studies",
                dependencies: ["OverlapTheory", "NetworkSimulation", "GramFlowCore", "GramFlowNumerics", "NumPyFiles",
                               .product(name: "Yams", package: "Yams"),
                               .product(name: "Crypto", package: "swift-crypto")], exclude: ["README.md"]),
        .target(name: "GramFlowCommands",
                dependencies: ["Studies", "OverlapTheory", "NetworkSimulation", "GramFlowCore", "GramFlowNumerics", "Symbolic", "NumPyFiles",
                               .product(name: "ArgumentParser", package: "swift-argument-parser")], exclude: ["README.md"]),
        .executableTarget(name: "gramflow", dependencies: ["GramFlowCommands"]),
        // Times epochs of the README's performance problems (Benchmarks/peers/).
        .executableTarget(name: "epoch-timer",
                          dependencies: ["OverlapTheory", "NetworkSimulation", "GramFlowCore", "GramFlowNumerics"],
                          path: "Sources/EpochTimer"),

        .target(name: "TestSupport", dependencies: ["GramFlowCore", "GramFlowNumerics"], path: "Tests/TestSupport"),
        .testTarget(name: "GramFlowNumericsTests", dependencies: ["GramFlowNumerics", "TestSupport"]),
        .testTarget(name: "GramFlowCoreTests", dependencies: ["GramFlowCore", "TestSupport"]),
        .testTarget(name: "NumPyFilesTests", dependencies: ["NumPyFiles", "TestSupport"], exclude: ["Fixtures"]),
        // NetworkSimulation only for test fixtures (Gaussian networks' overlaps); OverlapTheory itself never imports it.
        .testTarget(name: "OverlapTheoryTests",
                    dependencies: ["OverlapTheory", "NetworkSimulation", "GramFlowCore", "GramFlowNumerics", "TestSupport"]),
        .testTarget(name: "NetworkSimulationTests",
                    dependencies: ["NetworkSimulation", "GramFlowCore", "GramFlowNumerics", "TestSupport"]),
        .testTarget(name: "StudiesTests",
                    dependencies: ["Studies", "OverlapTheory", "NetworkSimulation", "GramFlowCore",
                                   "GramFlowNumerics", "TestSupport", .product(name: "Yams", package: "Yams")]),
        .testTarget(name: "SymbolicTests",
                    dependencies: ["Symbolic", "OverlapTheory", "GramFlowCore", "GramFlowNumerics", "TestSupport"]),
        // Runs every ```swift block of the module READMEs (ReadmeExamples.swift holds them verbatim).
        .testTarget(name: "ReadmeExampleTests",
                    dependencies: ["GramFlowCore", "GramFlowNumerics", "OverlapTheory", "NetworkSimulation", "NumPyFiles",
                                   "TestSupport"]),
        .testTarget(name: "GramFlowCommandsTests",
                    dependencies: ["GramFlowCommands", "gramflow", "Studies", "GramFlowCore", "TestSupport"]),
    ]
)

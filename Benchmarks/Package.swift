// swift-tools-version: 6.1
// Benchmarks of GramFlow's hot paths, kept in their own package so that
// `make test` does not build the benchmark harness. Run with `make bench`.
import PackageDescription

let package = Package(
    name: "GramFlowBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "GramFlow", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "GramFlowBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "OverlapTheory", package: "GramFlow"),
                .product(name: "NetworkSimulation", package: "GramFlow"),
                .product(name: "Studies", package: "GramFlow"),
                .product(name: "Symbolic", package: "GramFlow"),
            ],
            path: "Benchmarks/GramFlowBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
    ]
)

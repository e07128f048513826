// swift-tools-version: 5.9
// CivicCore: civic-core (Rust, through civic-ffi and uniffi) as a Swift package for the iOS app.
//
// Neither the XCFramework nor the Swift over it is committed: scripts/ios-xcframework (macOS)
// builds Frameworks/CivicCoreFFI.xcframework and copies the generated
// Sources/CivicCore/CivicCore.swift. See ../README.md.
import PackageDescription

let package = Package(
    name: "CivicCore",
    // scripts/ios-xcframework builds the Rust library for these minimums; the tests need
    // iOS 15 / macOS 12 for URLSession's async API.
    platforms: [.iOS(.v15), .macOS(.v12)],
    products: [
        .library(name: "CivicCore", targets: ["CivicCore"]),
    ],
    targets: [
        // The Rust library, a static library per platform, with its C header and module map
        // (module CivicCoreFFI).
        .binaryTarget(name: "CivicCoreFFI", path: "Frameworks/CivicCoreFFI.xcframework"),
        // The Swift API uniffi generates over it.
        .target(name: "CivicCore", dependencies: ["CivicCoreFFI"], path: "Sources/CivicCore"),
        // The same scenarios as bindings/kotlin/test, against a real civic-server.
        .testTarget(name: "CivicCoreTests", dependencies: ["CivicCore"], path: "Tests/CivicCoreTests"),
    ]
)

// swift-tools-version: 5.9
// CivicCore: civic-core (Rust, through civic-ffi and uniffi) as a Swift package for the iOS app,
// and the app's view models (CivicFeatures), which use neither UIKit nor SwiftUI so that
// `swift test` runs them on a Mac.
//
// Neither the XCFramework nor the Swift over it is committed: scripts/ios-xcframework (macOS)
// builds Frameworks/CivicCoreFFI.xcframework and copies the generated
// Sources/CivicCore/CivicCore.swift. See ../README.md.
import PackageDescription

let package = Package(
    name: "CivicCore",
    // The view models use the Observation framework (iOS 17, macOS 14). The Rust library is
    // built for lower minimums (scripts/ios-xcframework), which these satisfy.
    platforms: [.iOS(.v17), .macOS(.v14)],
    products: [
        .library(name: "CivicCore", targets: ["CivicCore"]),
        .library(name: "CivicFeatures", targets: ["CivicFeatures"]),
    ],
    targets: [
        // The Rust library, a static library per platform, with its C header and module map
        // (module CivicCoreFFI).
        .binaryTarget(name: "CivicCoreFFI", path: "Frameworks/CivicCoreFFI.xcframework"),
        // The Swift API uniffi generates over it.
        .target(name: "CivicCore", dependencies: ["CivicCoreFFI"], path: "Sources/CivicCore"),
        // The app's view models, one folder per feature as in android/ui: state and intents
        // over the bindings, no UIKit or SwiftUI.
        .target(name: "CivicFeatures", dependencies: ["CivicCore"], path: "Sources/CivicFeatures"),
        // What the tests share: token storage in memory, the real server, photos, fixes.
        .target(name: "CivicTesting", dependencies: ["CivicCore"], path: "Tests/CivicTesting"),
        // The same scenarios as bindings/kotlin/test, against a real civic-server.
        .testTarget(name: "CivicCoreTests", dependencies: ["CivicCore", "CivicTesting"], path: "Tests/CivicCoreTests"),
        // The view models' flows, as android/ui/src/offDeviceTest tests them.
        .testTarget(
            name: "CivicFeaturesTests",
            dependencies: ["CivicFeatures", "CivicCore", "CivicTesting"],
            path: "Tests/CivicFeaturesTests"
        ),
    ]
)

// The Rust core for Android: libcivic_ffi.so per ABI in src/main/jniLibs and its uniffi
// bindings in src/main/kotlin, both written by scripts/android-libs (gitignored), with the
// hand-written Kotlin over the bindings (bindings/kotlin/flows: the sync observer as flows).
plugins {
    alias(libs.plugins.android.library)
    alias(libs.plugins.kotlin.android)
}

android {
    namespace = "org.civic.core"
    compileSdk = 36
    defaultConfig {
        // The libraries are linked for API 24 (scripts/android-libs, ANDROID_API).
        minSdk = 24
        consumerProguardFiles("consumer-rules.pro")
    }
    sourceSets {
        named("main") {
            kotlin.srcDir("../../bindings/kotlin/flows")
        }
    }
    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
        // java.time (the bindings' Instant) below API 26, as in the app module.
        isCoreLibraryDesugaringEnabled = true
    }
}

kotlin {
    jvmToolchain(17)
}

tasks.named("preBuild") {
    // A local, not a script-level val: the action must not capture the build script, which
    // the configuration cache (gradle.properties) cannot store.
    val generated = file("src/main/kotlin/org/civic/core/civic_ffi.kt")
    doFirst {
        check(generated.exists()) { "The core's bindings are missing: run scripts/android-libs from the repository root first." }
    }
}

dependencies {
    coreLibraryDesugaring(libs.desugar.jdk.libs)
    // The AAR brings libjnidispatch.so for every ABI.
    api("${libs.jna.get().module}:${libs.versions.jna.get()}@aar")
    api(libs.coroutines.android)
}

// Civic for Android. Open this folder in Android Studio, or build from here with Gradle:
// see README.md (the core's native libraries must be built first, by scripts/android-libs).
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}

dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
    }
}

rootProject.name = "civic"

// core: the Rust core (per-ABI .so) and its generated Kotlin bindings.
// ui:   every screen and view model, in pure Compose over the bindings: no android.* APIs,
//       so the same sources are also compiled and tested on the desktop JVM (see README.md).
// app:  the application: activity, navigation, and the platform glue (WorkManager,
//       notifications, Keystore, camera, photo picker, location, map).
include(":core", ":ui", ":app")

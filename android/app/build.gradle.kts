// The application: activity, navigation and the platform glue (WorkManager, notifications,
// Keystore, the system camera, photo picker, location, MapLibre). Every screen lives in :ui.
plugins {
    alias(libs.plugins.android.application)
    alias(libs.plugins.kotlin.android)
    alias(libs.plugins.kotlin.compose)
}

// The server the app talks to. Override with `-PcivicServerUrl=…` on the command line or
// `civicServerUrl=…` in ~/.gradle/gradle.properties (e.g. http://10.0.2.2:8080, the
// emulator's name for the development machine). Without it: the emulator's host in debug
// builds, the public server in release builds.
val serverUrlOverride: String? = providers.gradleProperty("civicServerUrl").orNull
fun serverUrl(default: String): String = "\"" + (serverUrlOverride ?: default).trimEnd('/') + "\""

android {
    namespace = "org.civic.app"
    compileSdk = 36

    defaultConfig {
        applicationId = "org.civic.app"
        // The core's libraries are linked for API 24 (scripts/android-libs, ANDROID_API).
        minSdk = 24
        targetSdk = 36
        versionCode = 1
        versionName = "0.1.0"
    }

    buildTypes {
        debug {
            // Cleartext HTTP is allowed to 10.0.2.2 and localhost only, and only in debug
            // builds (src/debug/res/xml/network_security_config.xml).
            buildConfigField("String", "CIVIC_SERVER_URL", serverUrl("http://10.0.2.2:8080"))
        }
        release {
            buildConfigField("String", "CIVIC_SERVER_URL", serverUrl("https://civic.example.org"))
            isMinifyEnabled = true
            isShrinkResources = true
            proguardFiles(getDefaultProguardFile("proguard-android-optimize.txt"), "proguard-rules.pro")
        }
    }

    buildFeatures {
        compose = true
        buildConfig = true
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
        // The bindings use java.time.Instant, which Android has only from API 26: below that,
        // D8/R8 rewrite it to the desugared library.
        isCoreLibraryDesugaringEnabled = true
    }

    testOptions {
        // Robolectric reads the merged manifest and the linked resources.
        unitTests.isIncludeAndroidResources = true
    }

    packaging {
        // Keep the .so files uncompressed and page-aligned in the APK: the system maps them
        // in place instead of extracting a copy (smaller install, 16 KB-page ready).
        jniLibs.useLegacyPackaging = false
    }
}

kotlin {
    jvmToolchain(17)
}

dependencies {
    coreLibraryDesugaring(libs.desugar.jdk.libs)

    implementation(project(":ui"))
    implementation(project(":core"))

    implementation(platform(libs.compose.bom))
    implementation(libs.compose.ui)
    implementation(libs.compose.foundation)
    implementation(libs.compose.material3)

    implementation(libs.core.ktx)
    implementation(libs.activity.compose)
    implementation(libs.lifecycle.viewmodel.ktx)
    implementation(libs.lifecycle.viewmodel.compose)
    implementation(libs.lifecycle.runtime.compose)
    implementation(libs.navigation.compose)
    implementation(libs.work.runtime)
    implementation(libs.coroutines.android)

    implementation(libs.play.services.location)
    // The server wakes the phone for a warning with an FCM data message. Firebase needs the
    // project's google-services.json (the google-services plugin) to get a token; without it
    // the app works as before, warnings arriving with the periodic sync.
    implementation(libs.firebase.messaging)
    implementation(libs.maplibre)

    // The platform code's tests on the JVM: Robolectric (API 36) with the real AndroidX, the
    // real core (the host's library through JNA) and a real server. scripts/android-build
    // runs the same tests here without Gradle (see README.md).
    testImplementation(libs.junit)
    testImplementation(libs.robolectric)
    testImplementation(libs.androidx.test.core)
    testImplementation(libs.work.testing)
    testImplementation(libs.compose.ui.test.junit4)
    testImplementation(libs.compose.ui.test.manifest)
}

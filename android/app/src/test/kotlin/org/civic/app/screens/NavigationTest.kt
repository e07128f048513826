package org.civic.app.screens

import androidx.compose.ui.test.junit4.createEmptyComposeRule
import org.civic.app.Routes
import org.civic.app.testing.TestCivicApplication
import org.civic.app.ui.AppLanguage
import org.civic.core.testing.City
import org.civic.core.testing.captureLitter
import org.junit.Before
import org.junit.Rule
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.annotation.Config
import org.robolectric.annotation.GraphicsMode

/**
 * Every destination of the navigation graph opened as a notification opens it (MainActivity
 * with a route), showing its own title, in Vietnamese and in English; each is rendered by
 * Android's Compose to `<screen>-<language>.png` beside the desktop renders.
 */
@RunWith(RobolectricTestRunner::class)
@Config(application = TestCivicApplication::class, qualifiers = "w360dp-h740dp-xhdpi")
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class NavigationTest {
    @get:Rule val compose = createEmptyComposeRule()
    private val app = AppHarness(compose)

    @Before fun setUp() = app.prepare()

    private class Destination(val name: String, val route: String, val vi: String, val en: String)

    private fun destinations(): List<Destination> {
        val report = captureLitter(app.application.app, seed = 11)
        val campaign = City.announceCampaign()
        return listOf(
            Destination("my-reports", Routes.REPORTS, "Báo cáo của tôi", "My reports"),
            Destination("report", Routes.report(report), "Chi tiết báo cáo", "Report details"),
            Destination("new-report", Routes.NEW_REPORT, "Báo cáo mới", "New report"),
            Destination("warnings", Routes.WARNINGS, "Không có cảnh báo nào", "No warnings"),
            Destination("subscriptions", Routes.SUBSCRIPTIONS, "Cảnh báo tôi theo dõi", "Warnings I follow"),
            // MapLibre's native library does not load on the JVM: the map's stand-in says so.
            Destination("map", Routes.MAP, "Không hiển thị được bản đồ", "The map cannot be shown"),
            Destination("campaigns", Routes.CAMPAIGNS, "Ngày Chủ nhật xanh", "Green Sunday"),
            Destination("campaign", Routes.campaign(campaign), "Cửa Thượng Tứ", "Cửa Thượng Tứ"),
            Destination("official-login", Routes.OFFICIAL_LOGIN, "Đăng nhập cán bộ", "Officials' sign-in"),
            // Signed out: the inbox sends the official to the sign-in.
            Destination("official-inbox-signed-out", Routes.OFFICIAL_INBOX, "Đăng nhập cán bộ", "Officials' sign-in"),
            Destination("about", Routes.ABOUT, "ranh giới trong cấu hình của thành phố", "those of the city's configuration"),
        )
    }

    private fun openEach(language: AppLanguage) {
        for (d in destinations()) {
            val scenario = app.launch(d.route, language)
            app.waitFor(if (language == AppLanguage.VI) d.vi else d.en)
            app.render("${d.name}-${language.code}")
            scenario.close()
        }
    }

    @Test fun eachScreenOpensInVietnamese() = openEach(AppLanguage.VI)

    @Test fun eachScreenOpensInEnglish() = openEach(AppLanguage.EN)
}

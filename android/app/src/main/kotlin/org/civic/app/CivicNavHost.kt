package org.civic.app

import androidx.compose.foundation.Canvas
import androidx.compose.foundation.layout.WindowInsets
import androidx.compose.foundation.layout.consumeWindowInsets
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.material3.Badge
import androidx.compose.material3.BadgedBox
import androidx.compose.material3.LocalContentColor
import androidx.compose.material3.NavigationBar
import androidx.compose.material3.NavigationBarItem
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.remember
import androidx.compose.ui.Modifier
import androidx.compose.ui.geometry.Offset
import androidx.compose.ui.graphics.Path
import androidx.compose.ui.graphics.drawscope.Stroke
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import androidx.navigation.NavGraph.Companion.findStartDestination
import androidx.navigation.NavHostController
import androidx.navigation.NavType
import androidx.navigation.compose.NavHost
import androidx.navigation.compose.composable
import androidx.navigation.compose.currentBackStackEntryAsState
import androidx.navigation.compose.rememberNavController
import androidx.navigation.navArgument
import kotlinx.coroutines.flow.MutableStateFlow
import org.civic.app.platform.rememberNotificationPermission
import org.civic.app.ui.LocalLanguage
import org.civic.app.ui.Str
import org.civic.app.ui.about.AboutScreen
import org.civic.app.ui.about.AboutViewModel
import org.civic.app.ui.campaign.CampaignsScreen
import org.civic.app.ui.campaign.CampaignsViewModel
import org.civic.app.ui.detail.ReportDetailScreen
import org.civic.app.ui.detail.ReportDetailViewModel
import org.civic.app.ui.map.CityMapScreen
import org.civic.app.ui.map.CityMapViewModel
import org.civic.app.ui.official.OfficialInboxScreen
import org.civic.app.ui.official.OfficialInboxViewModel
import org.civic.app.ui.official.OfficialLoginScreen
import org.civic.app.ui.official.OfficialLoginViewModel
import org.civic.app.ui.onboarding.FirstRunScreen
import org.civic.app.ui.onboarding.FirstRunViewModel
import org.civic.app.ui.reports.MyReportsScreen
import org.civic.app.ui.reports.MyReportsViewModel
import org.civic.app.ui.t
import org.civic.app.ui.warnings.SubscriptionsScreen
import org.civic.app.ui.warnings.SubscriptionsViewModel
import org.civic.app.ui.warnings.WarningDetailScreen
import org.civic.app.ui.warnings.WarningsInboxScreen
import org.civic.app.ui.warnings.WarningsViewModel
import org.civic.core.CivicApp

/** The three tabs of the bottom bar. */
private enum class Tab(val route: String) {
    REPORTS(Routes.REPORTS),
    WARNINGS(Routes.WARNINGS),
    MAP(Routes.MAP),
    CAMPAIGNS(Routes.CAMPAIGNS),
}

/**
 * Every screen of the app and the way between them. [pendingRoute] is a route to open (from a
 * notification's intent), consumed once navigated to.
 */
@Composable
fun CivicNavHost(app: CivicApp, application: CivicApplication, pendingRoute: MutableStateFlow<String?>) {
    val nav = rememberNavController()
    val entry by nav.currentBackStackEntryAsState()
    val route = entry?.destination?.route
    val counter = rememberBadgeCounter(app)
    val badges by counter.badges

    // Counts change as screens are read (a warning opened, a report seen): read them again.
    LaunchedEffect(route) { counter.reload() }

    val deepLink by pendingRoute.collectAsStateWithLifecycle()

    // Chosen once: a start destination that changes would rebuild the graph.
    val start = remember { if (application.firstRunDone) Routes.REPORTS else Routes.FIRST_RUN }
    val tab = Tab.entries.firstOrNull { it.route == route }

    Scaffold(
        bottomBar = { if (tab != null) CivicBottomBar(tab, badges) { nav.openTab(it) } },
        // The screens' own Scaffolds take the system bars' insets.
        contentWindowInsets = WindowInsets(0, 0, 0, 0),
    ) { padding ->
        NavHost(nav, startDestination = start, modifier = Modifier.padding(padding).consumeWindowInsets(padding)) {
            composable(Routes.FIRST_RUN) {
                val language = LocalLanguage.current
                val model = screenModel { a, scope -> FirstRunViewModel(a, scope, initial = language) }
                val askNotifications = rememberNotificationPermission { granted -> model.notificationsAnswered(granted) }
                FirstRunScreen(
                    model = model,
                    onRequestNotifications = askNotifications,
                    // The core keeps the profile and sends it with the next sync.
                    onProfile = {},
                    onDone = { chosen ->
                        application.setLanguage(chosen)
                        application.firstRunDone = true
                        nav.navigate(Routes.REPORTS) { popUpTo(Routes.FIRST_RUN) { inclusive = true } }
                    },
                )
            }

            composable(Routes.REPORTS) {
                val model = screenModel { a, scope -> MyReportsViewModel(a, scope) }
                MyReportsScreen(
                    model = model,
                    photo = { hash ->
                        try {
                            app.reports().photo(hash)
                        } catch (e: Exception) {
                            null
                        }
                    },
                    onOpen = { id -> nav.navigate(Routes.report(id)) },
                    onNewReport = { nav.navigate(Routes.NEW_REPORT) },
                    onOfficial = { nav.navigate(Routes.OFFICIAL_LOGIN) },
                    onAbout = { nav.navigate(Routes.ABOUT) },
                )
            }

            composable(Routes.ABOUT) {
                val model = screenModel { a, scope -> AboutViewModel(a, scope) }
                AboutScreen(
                    model = model,
                    appName = stringResource(R.string.app_name),
                    version = "${BuildConfig.VERSION_NAME} (${BuildConfig.VERSION_CODE})",
                    onBack = { nav.popBackStack() },
                )
            }

            composable(Routes.REPORT, arguments = listOf(navArgument("id") { type = NavType.StringType })) { back ->
                val id = back.arguments?.getString("id").orEmpty()
                val model = screenModel(id) { a, scope -> ReportDetailViewModel(a, id, scope) }
                ReportDetailScreen(model = model, onBack = { nav.popBackStack() })
            }

            composable(Routes.NEW_REPORT) {
                NewReportRoute(onClose = { nav.popBackStack() })
            }

            composable(Routes.WARNINGS) {
                val model = screenModel { a, scope -> WarningsViewModel(a, scope) }
                WarningsInboxScreen(
                    model = model,
                    onOpen = { id -> nav.navigate(Routes.warning(id)) },
                    onSubscriptions = { nav.navigate(Routes.SUBSCRIPTIONS) },
                )
            }

            composable(Routes.WARNING, arguments = listOf(navArgument("id") { type = NavType.StringType })) { back ->
                val id = back.arguments?.getString("id").orEmpty()
                val model = screenModel(id) { a, scope -> WarningsViewModel(a, scope) }
                WarningDetailScreen(model = model, id = id, onBack = { nav.popBackStack() })
            }

            composable(Routes.SUBSCRIPTIONS) {
                val model = screenModel { a, scope -> SubscriptionsViewModel(a, scope) }
                SubscriptionsScreen(model = model, onBack = { nav.popBackStack() })
            }

            composable(Routes.MAP) {
                val model = screenModel { a, scope -> CityMapViewModel(a, scope) }
                // A tab: "back" returns to the first tab, as the system back does.
                CityMapScreen(model = model, onBack = { nav.popBackStack() })
            }

            composable(Routes.CAMPAIGNS) {
                val model = screenModel { a, scope -> CampaignsViewModel(a, scope) }
                CampaignsScreen(model = model, onOpen = { id -> nav.navigate(Routes.campaign(id)) })
            }

            composable(Routes.CAMPAIGN, arguments = listOf(navArgument("id") { type = NavType.StringType })) { back ->
                CampaignRoute(id = back.arguments?.getString("id").orEmpty())
            }

            composable(Routes.OFFICIAL_LOGIN) {
                val language = LocalLanguage.current
                val model = screenModel { a, scope -> OfficialLoginViewModel(application.serverUrl, language, scope, phone = a) }
                OfficialLoginScreen(
                    model = model,
                    onSignedIn = { official ->
                        application.signIn(official)
                        nav.navigate(Routes.OFFICIAL_INBOX) { popUpTo(Routes.OFFICIAL_LOGIN) { inclusive = true } }
                    },
                    onBack = { nav.popBackStack() },
                )
            }

            composable(Routes.OFFICIAL_INBOX) {
                val official = application.official
                if (official == null) {
                    // Signed out, or the process was restarted: the session lives in memory.
                    LaunchedEffect(Unit) {
                        nav.navigate(Routes.OFFICIAL_LOGIN) { popUpTo(Routes.OFFICIAL_INBOX) { inclusive = true } }
                    }
                } else {
                    val model = screenModel { a, scope -> OfficialInboxViewModel(official, a.categories(), scope) }
                    OfficialInboxScreen(
                        model = model,
                        onOpen = { id -> nav.navigate(Routes.officialReport(id)) },
                        onSignOut = {
                            application.signOut()
                            nav.popBackStack(Routes.OFFICIAL_INBOX, inclusive = true)
                        },
                    )
                }
            }

            composable(Routes.OFFICIAL_REPORT, arguments = listOf(navArgument("id") { type = NavType.StringType })) { back ->
                val id = back.arguments?.getString("id").orEmpty()
                val official = application.official
                if (official == null) {
                    LaunchedEffect(Unit) {
                        nav.navigate(Routes.OFFICIAL_LOGIN) { popUpTo(Routes.OFFICIAL_REPORT) { inclusive = true } }
                    }
                } else {
                    OfficialReportRoute(official, id, onBack = { nav.popBackStack() })
                }
            }
        }

        // After NavHost, in the same (sub)composition: NavHost sets the graph while composing,
        // and the Scaffold composes its content only at layout, after the effects of the
        // composition above have run: navigating from there would find no graph yet.
        LaunchedEffect(deepLink) {
            val target = deepLink ?: return@LaunchedEffect
            pendingRoute.value = null
            nav.navigate(target) { launchSingleTop = true }
        }
    }
}

/** Opens a tab, keeping each tab's own back stack (the standard bottom-bar behaviour). */
private fun NavHostController.openTab(tab: Tab) {
    navigate(tab.route) {
        popUpTo(graph.findStartDestination().id) { saveState = true }
        launchSingleTop = true
        restoreState = true
    }
}

@Composable
private fun CivicBottomBar(current: Tab, badges: Badges, onOpen: (Tab) -> Unit) {
    NavigationBar {
        for (tab in Tab.entries) {
            val label = when (tab) {
                Tab.REPORTS -> t(Str.APP_REPORTS)
                Tab.WARNINGS -> t(Str.APP_WARNINGS)
                Tab.MAP -> t(Str.APP_MAP)
                Tab.CAMPAIGNS -> t(Str.APP_GREEN_SUNDAY)
            }
            val count = when (tab) {
                Tab.REPORTS -> badges.reports
                Tab.WARNINGS -> badges.warnings
                Tab.MAP, Tab.CAMPAIGNS -> 0
            }
            val countText = when (tab) {
                Tab.REPORTS -> t(Str.appNewUpdates(count))
                else -> t(Str.appUnread(count))
            }
            NavigationBarItem(
                selected = tab == current,
                onClick = { if (tab != current) onOpen(tab) },
                label = { Text(label) },
                icon = {
                    BadgedBox(badge = {
                        if (count > 0) {
                            Badge(Modifier.semantics { contentDescription = countText }) {
                                Text(if (count > 99) "99+" else count.toString())
                            }
                        }
                    }) {
                        TabIcon(tab)
                    }
                },
            )
        }
    }
}

/** Simple drawn icons (no icon font on the classpath): a list, a warning triangle, a pin, a leaf. */
@Composable
private fun TabIcon(tab: Tab) {
    val color = LocalContentColor.current
    Canvas(Modifier.size(24.dp)) {
        val w = size.width
        val h = size.height
        val stroke = Stroke(width = w * 0.09f)
        when (tab) {
            Tab.REPORTS -> {
                for (i in 0..2) {
                    val y = h * (0.25f + i * 0.25f)
                    drawCircle(color, radius = w * 0.06f, center = Offset(w * 0.15f, y))
                    drawLine(color, Offset(w * 0.3f, y), Offset(w * 0.9f, y), strokeWidth = w * 0.09f)
                }
            }
            Tab.WARNINGS -> {
                val triangle = Path().apply {
                    moveTo(w * 0.5f, h * 0.1f)
                    lineTo(w * 0.95f, h * 0.88f)
                    lineTo(w * 0.05f, h * 0.88f)
                    close()
                }
                drawPath(triangle, color, style = stroke)
                drawLine(color, Offset(w * 0.5f, h * 0.38f), Offset(w * 0.5f, h * 0.62f), strokeWidth = w * 0.09f)
                drawCircle(color, radius = w * 0.05f, center = Offset(w * 0.5f, h * 0.75f))
            }
            Tab.MAP -> {
                drawCircle(color, radius = w * 0.28f, center = Offset(w * 0.5f, h * 0.38f), style = stroke)
                val tip = Path().apply {
                    moveTo(w * 0.26f, h * 0.52f)
                    lineTo(w * 0.5f, h * 0.92f)
                    lineTo(w * 0.74f, h * 0.52f)
                }
                drawPath(tip, color, style = stroke)
            }
            Tab.CAMPAIGNS -> {
                // A leaf: an oval and its vein.
                drawOval(
                    color,
                    topLeft = Offset(w * 0.18f, h * 0.1f),
                    size = androidx.compose.ui.geometry.Size(w * 0.64f, h * 0.8f),
                    style = stroke,
                )
                drawLine(color, Offset(w * 0.5f, h * 0.2f), Offset(w * 0.5f, h * 0.95f), strokeWidth = w * 0.09f)
            }
        }
    }
}

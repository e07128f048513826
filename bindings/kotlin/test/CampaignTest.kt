package org.civic.core.test

import kotlinx.coroutines.runBlocking
import org.civic.core.CampaignPhase
import org.civic.core.SpotState
import org.civic.core.testing.*
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.time.Instant
import java.time.temporal.ChronoUnit

/** Green Sunday through the bindings, as the apps call it: Kotlin, JNA, the real library and server. */
class CampaignTest {
    @Test
    fun aTeamReportsOfflineThenCleansAndTheMapShowsIt() = runBlocking {
        val id = City.announceCampaign()
        val offline = openApp("http://127.0.0.1:9")
        // No signal: joining and the quick capture wait on the phone, on its map at once.
        offline.campaigns().join(id, null, "Đội thanh niên")
        val spot = offline.campaigns().reportSpot(id, "litter", jpeg(41), gps(CITADEL_LAT, CITADEL_LON))
        assertEquals(2u, offline.campaigns().waiting())
        val waiting = offline.campaigns().map(id).single()
        assertTrue(waiting.waiting)
        assertEquals("Chưa dọn", waiting.stateLabel)
        val out = offline.campaigns().send()
        assertNotNull(out.stopped, "no connection: sending stops and keeps everything")
        assertEquals(2u, offline.campaigns().waiting())

        // Online: the campaign is listed, the queue goes, the team cleans the spot.
        val app = openApp()
        val listed = app.campaigns().list().first { it.id == id }
        assertTrue(app.campaigns().nearMe().any { it.id == id }, "no place saved: every campaign is near")
        assertEquals(CampaignPhase.RUNNING, listed.phase)
        assertEquals("Đang diễn ra", listed.phaseLabel)
        app.campaigns().join(id, null, "Đội thanh niên")
        val mine = app.campaigns().reportSpot(id, "litter", jpeg(42), gps(CITADEL_LAT, CITADEL_LON + 0.001))
        assertEquals(2u, app.campaigns().send().sent)
        app.campaigns().cleanSpot(id, mine, jpeg(43), gps(CITADEL_LAT, CITADEL_LON + 0.001), 3.5)
        assertEquals(1u, app.campaigns().send().sent)
        app.campaigns().refresh(id)
        val cleaned = app.campaigns().map(id).single { it.id == mine }
        assertEquals(SpotState.CLEANED, cleaned.state)
        assertEquals("Đội thanh niên", cleaned.team)
        assertEquals(3.5, cleaned.kg)
        assertTrue(!cleaned.waiting)
        assertTrue(app.campaigns().map(id).none { it.id == spot }, "the offline phone's spot is not sent yet")
    }

    @Test
    fun joiningRemindsTheResidentAndTheCardSumsUpTheMorning() = runBlocking {
        // In three days: both reminders are still ahead, in Vietnamese, naming the team.
        val later = City.announceCampaign(Instant.now().plus(3, ChronoUnit.DAYS))
        val app = openApp()
        assertTrue(app.campaigns().nearMe().none { it.joined })
        app.campaigns().join(later, null, "Tổ dân phố 7")
        val reminders = app.campaigns().reminders()
        assertEquals(2, reminders.size, reminders.toString())
        val (evening, hour) = reminders
        assertTrue(evening.title.startsWith("Ngày mai: Chủ nhật xanh"), evening.title)
        assertTrue(evening.body.contains("Cửa Thượng Tứ") && evening.body.contains("Đội: Tổ dân phố 7"), evening.body)
        assertTrue(hour.title.startsWith("1 giờ nữa"), hour.title)
        assertTrue(evening.at.isBefore(hour.at) && hour.at.isAfter(Instant.now()))
        assertTrue(evening.key != hour.key)
        app.campaigns().send()
        val joined = app.campaigns().nearMe().single { it.id == later }
        assertTrue(joined.joined)
        assertEquals("Tổ dân phố 7", joined.myTeam)
        assertEquals(16.4699, joined.meetingAt.single().lat, "the meeting point's pin")
        assertTrue(joined.area.isEmpty(), "named by ward, not drawn")
        assertEquals(null, joined.cancelReason)

        // A running campaign: one spot reported and cleaned; the card has it, with its pair.
        val id = City.announceCampaign()
        app.campaigns().join(id, null, "Tổ dân phố 7")
        val spot = app.campaigns().reportSpot(id, "litter", jpeg(51), gps(CITADEL_LAT, CITADEL_LON + 0.002))
        app.campaigns().send()
        app.campaigns().cleanSpot(id, spot, jpeg(52), gps(CITADEL_LAT, CITADEL_LON + 0.002), 3.5)
        app.campaigns().send()
        val card = app.campaigns().summary(id)
        assertEquals("Đã dọn 1/1 điểm · 3,5 kg", card.headline)
        assertEquals("Tổ dân phố 7", card.myTeam?.name)
        assertEquals("Bạn đã báo 1 điểm, 1 điểm đã được dọn.", card.mine)
        val pair = card.pairs.single()
        assertEquals(spot, pair.spotId)
        assertTrue(
            app.reports().photo(pair.beforePhoto).isNotEmpty() && app.reports().photo(pair.afterPhoto).isNotEmpty(),
            "both photos are on the phone",
        )
        assertTrue(app.campaigns().map(id).single { it.id == spot }.mine)

        // Rain: the later campaign is called off; a sync learns it, the resident is told once,
        // the phone says why and will not remind.
        assertTrue(app.campaigns().takeNotices().isEmpty())
        val (status, body) = City.call("POST", "/api/v1/campaigns/$later/cancel", City.login(), """{"reason":"Mưa lớn"}""")
        assertEquals(200, status, body)
        app.syncNow()
        val notice = app.campaigns().takeNotices().single()
        assertEquals(later, notice.campaignId)
        assertEquals("Đã huỷ: Chủ nhật xanh", notice.title)
        assertEquals("Mưa lớn", notice.body)
        assertTrue(app.campaigns().takeNotices().isEmpty(), "told once")
        val off = app.campaigns().nearMe().single { it.id == later }
        assertEquals(CampaignPhase.CANCELLED, off.phase)
        assertEquals("Đã huỷ", off.phaseLabel)
        assertEquals("Mưa lớn", off.cancelReason)
        assertTrue(app.campaigns().reminders().none { it.campaignId == later })
    }
}

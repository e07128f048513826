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
        offline.joinCampaign(id, null, "Đội thanh niên")
        val spot = offline.reportSpot(id, "litter", jpeg(41), gps(CITADEL_LAT, CITADEL_LON))
        assertEquals(2u, offline.campaignWaiting())
        val waiting = offline.campaignMap(id).single()
        assertTrue(waiting.waiting)
        assertEquals("Chưa dọn", waiting.stateLabel)
        val out = offline.sendCampaign()
        assertNotNull(out.stopped, "no connection: sending stops and keeps everything")
        assertEquals(2u, offline.campaignWaiting())

        // Online: the campaign is listed, the queue goes, the team cleans the spot.
        val app = openApp()
        val listed = app.campaigns().first { it.id == id }
        assertTrue(app.campaignsNearMe().any { it.id == id }, "no place saved: every campaign is near")
        assertEquals(CampaignPhase.RUNNING, listed.phase)
        assertEquals("Đang diễn ra", listed.phaseLabel)
        app.joinCampaign(id, null, "Đội thanh niên")
        val mine = app.reportSpot(id, "litter", jpeg(42), gps(CITADEL_LAT, CITADEL_LON + 0.001))
        assertEquals(2u, app.sendCampaign().sent)
        app.cleanSpot(id, mine, jpeg(43), gps(CITADEL_LAT, CITADEL_LON + 0.001), 3.5)
        assertEquals(1u, app.sendCampaign().sent)
        app.refreshCampaign(id)
        val cleaned = app.campaignMap(id).single { it.id == mine }
        assertEquals(SpotState.CLEANED, cleaned.state)
        assertEquals("Đội thanh niên", cleaned.team)
        assertEquals(3.5, cleaned.kg)
        assertTrue(!cleaned.waiting)
        assertTrue(app.campaignMap(id).none { it.id == spot }, "the offline phone's spot is not sent yet")
    }

    @Test
    fun joiningRemindsTheResidentAndTheCardSumsUpTheMorning() = runBlocking {
        // In three days: both reminders are still ahead, in Vietnamese, naming the team.
        val later = City.announceCampaign(Instant.now().plus(3, ChronoUnit.DAYS))
        val app = openApp()
        assertTrue(app.campaignsNearMe().none { it.joined })
        app.joinCampaign(later, null, "Tổ dân phố 7")
        val reminders = app.campaignReminders()
        assertEquals(2, reminders.size, reminders.toString())
        val (evening, hour) = reminders
        assertTrue(evening.title.startsWith("Ngày mai: Chủ nhật xanh"), evening.title)
        assertTrue(evening.body.contains("Cửa Thượng Tứ") && evening.body.contains("Đội: Tổ dân phố 7"), evening.body)
        assertTrue(hour.title.startsWith("1 giờ nữa"), hour.title)
        assertTrue(evening.at.isBefore(hour.at) && hour.at.isAfter(Instant.now()))
        assertTrue(evening.key != hour.key)
        app.sendCampaign()
        val joined = app.campaignsNearMe().single { it.id == later }
        assertTrue(joined.joined)
        assertEquals("Tổ dân phố 7", joined.myTeam)
        assertEquals(16.4699, joined.meetingAt.single().lat, "the meeting point's pin")
        assertTrue(joined.area.isEmpty(), "named by ward, not drawn")
        assertEquals(null, joined.cancelReason)

        // A running campaign: one spot reported and cleaned; the card has it, with its pair.
        val id = City.announceCampaign()
        app.joinCampaign(id, null, "Tổ dân phố 7")
        val spot = app.reportSpot(id, "litter", jpeg(51), gps(CITADEL_LAT, CITADEL_LON + 0.002))
        app.sendCampaign()
        app.cleanSpot(id, spot, jpeg(52), gps(CITADEL_LAT, CITADEL_LON + 0.002), 3.5)
        app.sendCampaign()
        val card = app.campaignSummary(id)
        assertEquals("Đã dọn 1/1 điểm · 3,5 kg", card.headline)
        assertEquals("Tổ dân phố 7", card.myTeam?.name)
        assertEquals("Bạn đã báo 1 điểm, 1 điểm đã được dọn.", card.mine)
        val pair = card.pairs.single()
        assertEquals(spot, pair.spotId)
        assertTrue(app.photo(pair.beforePhoto).isNotEmpty() && app.photo(pair.afterPhoto).isNotEmpty(), "both photos are on the phone")
        assertTrue(app.campaignMap(id).single { it.id == spot }.mine)

        // Rain: the later campaign is called off; a sync learns it, the resident is told once,
        // the phone says why and will not remind.
        assertTrue(app.takeCampaignNotices().isEmpty())
        val (status, body) = City.call("POST", "/api/v1/campaigns/$later/cancel", City.login(), """{"reason":"Mưa lớn"}""")
        assertEquals(200, status, body)
        app.syncNow()
        val notice = app.takeCampaignNotices().single()
        assertEquals(later, notice.campaignId)
        assertEquals("Đã huỷ: Chủ nhật xanh", notice.title)
        assertEquals("Mưa lớn", notice.body)
        assertTrue(app.takeCampaignNotices().isEmpty(), "told once")
        val off = app.campaignsNearMe().single { it.id == later }
        assertEquals(CampaignPhase.CANCELLED, off.phase)
        assertEquals("Đã huỷ", off.phaseLabel)
        assertEquals("Mưa lớn", off.cancelReason)
        assertTrue(app.campaignReminders().none { it.campaignId == later })
    }
}

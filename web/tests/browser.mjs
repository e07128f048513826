// The web pages in a real browser (Debian's Chromium, driven by playwright-core): what a
// resident sees on the public pages, and an operator and an officer at work in the console.
//
// Run by tests/tests/e2e/web.rs, which starts the real server, files the reports through the
// real core and passes what it set up in the environment:
//   CIVIC_URL, CIVIC_REPORT (a public number, received, not yet routed), CIVIC_REPORT_COUNT,
//   CIVIC_OPERATOR / CIVIC_OPERATOR_PASSWORD, CIVIC_OFFICER / CIVIC_OFFICER_PASSWORD,
//   CIVIC_OFFICER_UNIT, CIVIC_AFTER_PHOTO (a JPEG with GPS at the report), CIVIC_SCREENS.
// Screenshots go to CIVIC_SCREENS. Exits non-zero on the first failed check.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};
const base = env('CIVIC_URL');
const number = env('CIVIC_REPORT');
const reportCount = Number(env('CIVIC_REPORT_COUNT'));
const screens = env('CIVIC_SCREENS');
mkdirSync(screens, { recursive: true });

const step = (name) => console.log(`browser: ${name}`);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
  ],
});

async function newPage(context) {
  const page = await context.newPage();
  page.setDefaultTimeout(10000);
  // Map tiles come from OpenStreetMap on a real site; this machine has no way out, so they
  // are refused at once instead of timing out.
  await page.route(/^https?:\/\/(?!127\.0\.0\.1|localhost)/, (route) => route.abort());
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // Refused requests are checked where they happen (a wrong password is a 401, a blocked tile
    // fails); any other error, a policy refusal above all, is a bug.
    if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  page.problems = problems;
  return page;
}

const shot = (page, name) => page.screenshot({ path: join(screens, `${name}.png`), fullPage: true });

/** Text in the page's own content meets WCAG AA contrast (4.5:1, 3:1 for large text). */
async function assertContrast(page) {
  const failures = await page.evaluate(() => {
    const rgb = (c) => (c.match(/[\d.]+/g) || []).map(Number);
    const lum = ([r, g, b]) => {
      const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = (el) => {
      for (let e = el; e; e = e.parentElement) {
        const c = rgb(getComputedStyle(e).backgroundColor);
        if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) return c.slice(0, 3);
      }
      return [255, 255, 255];
    };
    const out = [];
    for (const el of document.querySelectorAll('body *')) {
      if (el.closest('.leaflet-container, script, style, [hidden]')) continue;
      const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
      if (!own || !el.getClientRects().length) continue;
      const style = getComputedStyle(el);
      const [a, b] = [lum(rgb(style.color).slice(0, 3)), lum(background(el))];
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      const large = parseFloat(style.fontSize) >= 24 || (parseFloat(style.fontSize) >= 18.6 && Number(style.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) out.push(`${el.tagName}.${el.className} "${el.textContent.trim().slice(0, 30)}" ${ratio.toFixed(2)}`);
    }
    return out;
  });
  assert.deepEqual(failures, [], 'text below AA contrast');
}

/** What a page costs a phone on mobile data: printed, never asserted. */
async function printWeight(page, name) {
  const bytes = await page.evaluate(() => {
    const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
    return entries.reduce((sum, e) => sum + (e.transferSize || 0), 0);
  });
  console.log(`browser: figure: ${name} transferred ${(bytes / 1024).toFixed(1)} KiB (tiles refused)`);
}

/** Every visible form control has a label a screen reader reads out. */
async function assertLabelled(page) {
  const unlabelled = await page.evaluate(() =>
    [...document.querySelectorAll('input, select, textarea')]
      .filter((el) => el.type !== 'hidden' && !el.closest('[hidden]'))
      .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
      .map((el) => el.outerHTML.slice(0, 80)),
  );
  assert.deepEqual(unlabelled, [], 'form controls without a label');
}

try {
  const resident = await browser.newContext({ viewport: { width: 412, height: 900 }, locale: 'vi-VN' });
  const page = await newPage(resident);

  step('the public page shows every report on the map, and the figures');
  const response = await page.goto(`${base}/`);
  assert.equal(response.status(), 200);
  assert.match(page.url(), /\/vi\/$/, 'a Vietnamese browser lands on the Vietnamese page');
  const csp = response.headers()['content-security-policy'];
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  await page.locator('.leaflet-marker-icon').first().waitFor();
  assert.equal(await page.locator('.leaflet-marker-icon').count(), reportCount, 'one marker per report');
  assert.equal(await page.locator('ol.reports > li').count(), reportCount, 'one list entry per report');
  assert.equal(await page.locator('#total-received').innerText(), String(reportCount));
  const resolvedBefore = Number(await page.locator('#total-resolved').innerText());
  await assertLabelled(page);
  await assertContrast(page);
  await printWeight(page, 'the public map page, first visit');
  await shot(page, 'public-map-vi');

  step('the keyboard reaches the skip link first and the markers after');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'skip');
  const focusable = await page.locator('.leaflet-marker-icon[tabindex="0"]').count();
  assert.equal(focusable, reportCount, 'every marker can take the focus');

  step('a marker opens a popup that leads to its report');
  await page.locator(`.leaflet-marker-icon[data-number="${number}"]`).click();
  await page.locator('.leaflet-popup-content a').waitFor();
  assert.match(await page.locator('.leaflet-popup-content').innerText(), new RegExp(number));

  step('filters by status narrow the list and the map');
  await page.selectOption('#f-status', 'resolved');
  await Promise.all([page.waitForURL(/status=resolved/), page.click('form.filters button[type=submit]')]);
  const statuses = await page.locator('ol.reports .badge').evaluateAll((els) => els.map((e) => e.dataset.status));
  assert.ok(statuses.every((s) => s === 'resolved'), `only resolved reports: ${statuses}`);
  assert.equal(await page.locator('.leaflet-marker-icon').count(), statuses.length);

  step('the English page');
  await page.goto(`${base}/en/`);
  assert.match(await page.locator('h1').innerText(), /^Street reports · /);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.ok(await page.getByRole('link', { name: 'Figures', exact: true }).isVisible());

  step('the figures page: tables and charts per category, unit and ward');
  await page.goto(`${base}/vi/figures`);
  const litter = page.locator('#by-category tr[data-key="litter"]');
  assert.equal(await litter.locator('td[data-col="received"]').innerText(), String(reportCount));
  // Every report is in a ward or commune: the citadel's is Phú Xuân.
  assert.equal(await page.locator('#by-ward tr[data-key="19753"] th').innerText(), 'Phường Phú Xuân');
  const perWard = await page.locator('#by-ward td[data-col="received"]').allInnerTexts();
  assert.equal(perWard.reduce((sum, n) => sum + Number(n), 0), reportCount, `per ward: ${perWard}`);
  assert.equal(await page.locator('figure.chart svg[role="img"]').count(), 3);
  await assertContrast(page);
  await shot(page, 'public-figures-vi');

  step('a Green Sunday summary: figures, teams, the map of spots and before/after pairs');
  await page.goto(`${base}/vi/campaigns/${env('CIVIC_CAMPAIGN')}`);
  assert.equal(await page.locator('#spots-reported').innerText(), '2');
  assert.equal(await page.locator('#spots-cleaned').innerText(), '1');
  assert.equal(await page.locator('#kg').innerText(), '4,5 kg');
  await page.locator('.leaflet-marker-icon').first().waitFor();
  assert.equal(await page.locator('.leaflet-marker-icon').count(), 2);
  assert.equal(await page.locator('#by-team tr[data-key="Đoàn phường Phú Xuân"] td[data-col="cleaned"]').innerText(), '1');
  assert.equal(await page.locator('ul.pairs img').count(), 2, 'one before/after pair');
  await assertLabelled(page);
  await assertContrast(page);
  await shot(page, 'public-campaign-vi');
  await page.goto(`${base}/en/campaigns`);
  assert.ok((await page.locator('main').innerText()).includes('Green Sunday, November'));

  step('the report page before any work');
  await page.goto(`${base}/vi/reports/${number}`);
  assert.equal(await page.locator('main .meta .badge').getAttribute('data-status'), 'received');
  await page.locator('.leaflet-marker-icon').waitFor();
  await shot(page, 'public-report-before');

  // ---- The console ----
  const desk = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
  const console_ = await newPage(desk);

  step('the console asks to sign in, and refuses a wrong password');
  await console_.goto(`${base}/console/queue`);
  assert.match(console_.url(), /\/console\/login$/);
  await console_.fill('#username', env('CIVIC_OPERATOR'));
  await console_.fill('#password', 'not the password');
  await console_.click('button[type=submit]');
  await console_.locator('p.error[role=alert]').waitFor();
  await assertLabelled(console_);

  step('the operator signs in and routes the new report to its unit');
  await console_.fill('#username', env('CIVIC_OPERATOR'));
  await console_.fill('#password', env('CIVIC_OPERATOR_PASSWORD'));
  await Promise.all([console_.waitForURL(/\/console\/queue/), console_.click('button[type=submit]')]);
  const row = console_.locator(`#queue tr[data-number="${number}"]`);
  await row.waitFor();
  await shot(console_, 'console-queue');
  const reportPath = await row.locator('th a').getAttribute('href');
  const reportId = reportPath.split('/').pop();

  step('a form without the CSRF token, or from another site, changes nothing');
  const forged = await console_.evaluate(async (id) => {
    const r = await fetch(`/console/reports/${id}/route`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'unit=ioc' });
    return r.status;
  }, reportId);
  assert.equal(forged, 403);
  const crossSite = await desk.request.post(`${base}/console/reports/${reportId}/route`, {
    form: { unit: 'ioc', csrf: 'x' },
    headers: { Origin: 'http://evil.example' },
  });
  assert.equal(crossSite.status(), 403);

  await row.locator('select').selectOption(env('CIVIC_OFFICER_UNIT'));
  await Promise.all([console_.waitForURL(/done=routed/), row.locator('button[type=submit]').click()]);
  assert.match(await console_.locator('.flash').innerText(), new RegExp(number));
  assert.equal(await console_.locator(`#queue tr[data-number="${number}"]`).count(), 0, 'routed reports leave the queue');

  step('the operator drafts a warning, previews its CAP message and publishes it');
  await console_.goto(`${base}/console/warnings`);
  await assertLabelled(console_);
  await assertContrast(console_);
  const map = console_.locator('#map');
  await map.locator('.leaflet-tile-pane').waitFor({ state: 'attached' });
  const box = await map.boundingBox();
  for (const [dx, dy] of [[0.3, 0.3], [0.7, 0.3], [0.5, 0.7]]) {
    await console_.mouse.click(box.x + box.width * dx, box.y + box.height * dy);
  }
  const drawn = await console_.inputValue('#polygon');
  assert.equal(drawn.split(';').length, 3, `three corners drawn: ${drawn}`);
  await console_.fill('#polygon_name', 'Vùng trũng ven sông Hương');
  await console_.check('#composer input[name=ward] >> nth=0');
  await console_.selectOption('#topic', 'flood');
  await console_.selectOption('#severity', 'Severe');
  await console_.fill('#vi_event', 'Lũ trên sông Hương');
  const headline = `Cảnh báo lũ khẩn cấp ${Date.now()}`;
  await console_.fill('#vi_headline', headline);
  await console_.fill('#vi_instruction', 'Di chuyển đồ đạc lên cao, tránh xa bờ sông.');
  await console_.fill('#en_event', 'Flood on the Perfume River');
  await console_.fill('#en_headline', 'Urgent flood warning');
  await console_.click('button[value=preview]');
  const preview = console_.locator('#cap-preview');
  await preview.waitFor();
  const xml = await preview.innerText();
  assert.match(xml, /urn:oasis:names:tc:emergency:cap:1\.2/);
  assert.ok(xml.includes(headline), 'the preview carries the headline');
  assert.match(xml, /<polygon>/);
  assert.match(xml, /Vùng trũng ven sông Hương/);
  assert.equal(await console_.inputValue('#vi_headline'), headline, 'the form keeps what was typed');
  await shot(console_, 'console-warning-preview');
  console_.once('dialog', (d) => d.accept());
  await Promise.all([console_.waitForURL(/done=published/), console_.click('button[value=publish]')]);
  assert.ok((await console_.locator('.warning-list').innerText()).includes(headline));

  step('the operator announces a Green Sunday, its streets drawn on the map');
  await console_.goto(`${base}/console/campaigns`);
  await assertLabelled(console_);
  await assertContrast(console_);
  await console_.locator('#map .leaflet-tile-pane').waitFor({ state: 'attached' });
  const campaignName = `Chủ nhật xanh quanh Đại Nội ${Date.now()}`;
  await console_.fill('#name_vi', campaignName);
  await console_.fill('#name_en', 'Green Sunday around the citadel');
  // The corners typed rather than clicked: the map shows the whole city, and a click's
  // place depends on the tiles' zoom; typing draws the same shape (map.js follows the field).
  await console_.fill('#polygon', '16.4617,107.5889; 16.4617,107.5929; 16.4657,107.5929; 16.4657,107.5889');
  await console_.locator('#map path.drawn-area').waitFor();
  await console_.fill('#meeting_points', 'Cửa Thượng Tứ | 16.4699, 107.5862');
  await console_.fill('#goal', '50');
  await shot(console_, 'console-campaign-form');
  await Promise.all([console_.waitForURL(/done=announced/), console_.click('#campaign-form button[type=submit]')]);
  assert.ok((await console_.locator('.flash').innerText()).includes(campaignName));
  const announced = console_.locator('table a', { hasText: campaignName });
  const campaignPath = await announced.getAttribute('href');
  await page.goto(`${base}${campaignPath}`);
  await page.locator('path.drawn-area').waitFor();
  assert.ok((await page.locator('h1').innerText()).includes(campaignName));

  step('the operator signs out');
  await Promise.all([console_.waitForURL(/\/console\/login/), console_.click('.userbar button')]);
  await console_.goto(`${base}/console/queue`);
  assert.match(console_.url(), /\/console\/login$/, 'signed out means signed out');

  step('the officer of the unit takes the report on and resolves it with an after-photo');
  await console_.fill('#username', env('CIVIC_OFFICER'));
  await console_.fill('#password', env('CIVIC_OFFICER_PASSWORD'));
  await Promise.all([console_.waitForURL(/\/console\/queue/), console_.click('button[type=submit]')]);
  const work = console_.locator(`#queue tr[data-number="${number}"]`);
  await work.waitFor();
  await Promise.all([console_.waitForURL(/done=status/), work.locator('button[type=submit]').click()]);
  assert.equal(await console_.locator('main .meta .badge').getAttribute('data-status'), 'in_progress');
  await console_.selectOption('#to', 'resolved');
  assert.ok(await console_.locator('#photo').isVisible(), 'resolving asks for the after-photo');
  await console_.click('#status-form button[type=submit]');
  await console_.locator('#form-error').waitFor();
  assert.match(await console_.locator('#form-error').innerText(), /ảnh|ghi/i, 'resolving without note and photo is refused, and says why');
  await console_.selectOption('#to', 'resolved');
  await console_.fill('#note', 'Đã thu gom toàn bộ rác và vệ sinh khu vực.');
  await console_.setInputFiles('#photo', env('CIVIC_AFTER_PHOTO'));
  await Promise.all([console_.waitForURL(/done=status/), console_.click('#status-form button[type=submit]')]);
  assert.equal(await console_.locator('main .meta .badge').getAttribute('data-status'), 'resolved');
  await shot(console_, 'console-report-resolved');

  step('the public page shows the new status, the note, the after-photo and the time it took');
  await page.goto(`${base}/vi/reports/${number}`);
  assert.equal(await page.locator('main .meta .badge').getAttribute('data-status'), 'resolved');
  assert.equal(await page.locator('main .meta .badge').innerText(), 'Đã xử lý xong');
  assert.ok((await page.locator('ol.timeline').innerText()).includes('Đã thu gom toàn bộ rác'));
  assert.equal(await page.locator('ol.timeline img').count(), 1, 'the after-photo');
  assert.doesNotMatch(await page.locator('#processing').innerText(), /đang xử lý/);
  await shot(page, 'public-report-after');
  await page.goto(`${base}/vi/`);
  assert.equal(Number(await page.locator('#total-resolved').innerText()), resolvedBefore + 1);
  assert.ok((await page.locator('section.warnings').innerText()).includes(headline), 'the published warning is on the public page');
  await shot(page, 'public-map-after');

  for (const p of [page, console_]) assert.deepEqual(p.problems, [], 'no script errors and nothing refused by the policy');
  console.log('browser: all checks passed');
} finally {
  await browser.close();
}

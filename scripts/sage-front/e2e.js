// SAGE-FRONT's compliance pages in headless Chromium against dspm-audit serve (8103 + 8003); see
// run.sh. Exits 1 when a call to the service fails or a row is left without a status.
const { chromium } = require('playwright-core');
(async () => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  const page = await browser.newPage({ viewport: { width: 1600, height: 1200 } });
  const failed = [], calls = [], dialogs = [], consoleErrors = [];
  page.on('requestfailed', r => { if (/:(8103|8003)\//.test(r.url())) failed.push(r.url() + ' ' + r.failure().errorText); });
  page.on('response', r => { if (/:(8103|8003)\//.test(r.url())) calls.push(`${r.status()} ${r.request().method()} ${r.url().replace(/session_id=[^&]+/, 'session_id=…')} ${r.headers()['x-cache'] || ''}`); });
  page.on('dialog', d => { dialogs.push(d.message()); d.accept(); });
  page.on('console', m => { if (m.type() === 'error') consoleErrors.push(m.text().slice(0, 200)); });
  const t0 = Date.now();
  await page.goto('http://127.0.0.1:3000/dashboard/policies2');
  await page.getByText('ISMS-P', { exact: true }).first().click();
  await page.getByText('217 항목').waitFor({ timeout: 30000 });
  await page.getByRole('button', { name: '전체 진단' }).click();
  await page.waitForEvent('dialog', { predicate: d => d.message().includes('완료'), timeout: 240000 }).catch(() => {});
  await page.waitForTimeout(1000);
  const badges = await page.locator('tbody tr td:nth-child(6) span').allInnerTexts();
  await page.screenshot({ path: process.argv[2] + '/policies2-after-audit.png', fullPage: true });
  // Walk the pages: every row of the 217 must show a status badge, none '-'.
  const all = [];
  for (let p = 0; p < 22; p++) {
    all.push(...await page.locator('tbody tr td:nth-child(6) span').allInnerTexts());
    if (p === 4) await page.screenshot({ path: process.argv[2] + '/policies2-page5.png', fullPage: true });
    const next = page.getByRole('button', { name: '다음' });
    if (await next.isDisabled()) break;
    await next.click();
  }
  const tally = {}; for (const b of all) tally[b] = (tally[b] || 0) + 1;
  // Expand the first row's result.
  const expanders = page.locator('tbody tr td:first-child button');
  if (await expanders.count() > 0) await expanders.first().click();
  await page.screenshot({ path: process.argv[2] + '/policies2-expanded.png', fullPage: true });
  // Reload: the page asks the session and gets the audit back from the service.
  await page.reload();
  await page.getByText('ISMS-P', { exact: true }).first().click();
  await page.getByText('217 항목').waitFor({ timeout: 30000 });
  await page.waitForTimeout(3000);
  const badgesAfterReload = await page.locator('tbody tr td:nth-child(6) span').allInnerTexts();
  await page.screenshot({ path: process.argv[2] + '/policies2-reloaded.png', fullPage: true });
  // One row's detail panel, and one row audited on its own (the page's own session).
  await page.getByRole('button', { name: '상세보기' }).nth(3).click();
  await page.waitForTimeout(1500);
  await page.screenshot({ path: process.argv[2] + '/policies2-detail.png', fullPage: true });
  await page.keyboard.press('Escape');
  await page.goto('http://127.0.0.1:3000/dashboard/policies2');
  await page.getByText('ISMS-P', { exact: true }).first().click();
  await page.getByText('217 항목').waitFor({ timeout: 30000 });
  await page.getByRole('button', { name: '진단', exact: true }).nth(3).click();
  await page.waitForEvent('dialog', { predicate: d => d.message().includes('진단이 완료'), timeout: 120000 }).catch(() => {});
  // The threat pages: the list with its groups, a threat's detail and its audit.
  await page.goto('http://127.0.0.1:3000/dashboard/threat-compliance');
  await page.waitForTimeout(4000);
  const threatRows = await page.locator('tbody tr').count();
  await page.screenshot({ path: process.argv[2] + '/threat-compliance.png', fullPage: true });
  await page.getByRole('button', { name: '상세보기' }).nth(2).click();
  await page.waitForTimeout(1500);
  await page.screenshot({ path: process.argv[2] + '/threat-detail.png', fullPage: true });
  await page.goto('http://127.0.0.1:3000/dashboard/threat-compliance');
  await page.waitForTimeout(3000);
  await page.getByRole('button', { name: '진단', exact: true }).nth(2).click();
  await page.waitForEvent('dialog', { predicate: d => d.message().includes('진단'), timeout: 120000 }).catch(() => {});
  console.log(JSON.stringify({ seconds: (Date.now() - t0) / 1000, dialogs, rows: all.length, tally,
                               badges, badgesAfterReload, threatRows, failed, calls,
                               consoleErrors: consoleErrors.slice(0, 20) }, null, 1));
  await browser.close();
  // The dashboard shows ERROR as '-' (its badge knows three statuses): those rows did get one.
  const errors = calls.filter(c => !c.startsWith('200 ') && !c.startsWith('204 '));
  if (failed.length || errors.length || all.length !== 217 || !dialogs.some(d => d.includes('완료'))) process.exit(1);
})().catch(e => { console.error(e); process.exit(1); });

import { strict as assert } from 'node:assert';
import type { BrowserContext, Page } from 'playwright-core';
import { describeEachStoreDialect } from '../cli/support/store-dialects';
import {
  chromiumAvailable,
  CHROMIUM,
  launchBrowser,
  screenshot,
  seriousViolations,
} from './support/browser';
import { runNotes, XSS_BODY } from './support/notes-workload';
import { fillAndServe } from './support/viewer-fixture';
import type { ViewerFixture } from './support/viewer-fixture';

describeEachStoreDialect('viewer in a real browser', (db) => {
  if (db.name !== 'sqlite') return; // the HTTP suites cover every store; one browser run is enough
  if (!chromiumAvailable()) {
    console.warn(
      `\n  NOTICE: browser tests are SKIPPED: no Chromium at ${CHROMIUM} (apt-get install -y chromium).\n`,
    );
    it.skip('needs Chromium');
    return;
  }
  let fx: ViewerFixture;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let page: Page;
  const dialogs: string[] = [];
  before(async function () {
    this.timeout(120_000);
    fx = await fillAndServe(db, 'sql');
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
  });
  after(async () => {
    await browser?.close();
    await fx?.close();
  });
  afterEach(() => assert.deepEqual(dialogs, [], 'a stored value ran as script'));

  it('searches by table and row and lists the records newest first', async () => {
    await page.goto(`${fx.viewer.url}/`);
    await page.getByLabel('Table').fill('orders');
    await page.getByLabel('Record id').fill('42');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/table=orders/);
    const rows = page.locator('table.records tbody tr');
    assert.equal(await rows.count(), 5);
    assert.match((await rows.first().innerText()).replace(/\s+/g, ' '), /restore/);
    assert.match((await rows.last().innerText()).replace(/\s+/g, ' '), /insert/);
    await screenshot(page, 'search');
  });

  it('opens the row history with field-level diffs, the soft delete and the restore', async () => {
    await page.locator('table.records a', { hasText: 'orders#42' }).first().click();
    await page.waitForURL(/\/history\/orders\/42$/);
    const paid = page.locator('#v2 table.diff tr', { hasText: 'status' });
    assert.equal(await paid.locator('.before').innerText(), 'new');
    assert.equal(await paid.locator('.after').innerText(), 'paid');
    assert.equal(await paid.locator('.kind').innerText(), 'changed');
    assert.match(await page.locator('#v4').innerText(), /soft delete[\s\S]*soft-deleted/);
    assert.match(await page.locator('#v5').innerText(), /restore[\s\S]*live/);
    await screenshot(page, 'row-history');
  });

  it('links each version to its trace through the --trace-url template', async () => {
    const [record] = await fx.store.find({ table: 'orders', recordId: '42' }, { limit: 1 });
    const href = await page.locator('#v1 a.trace').getAttribute('href');
    assert.equal(href, `http://localhost:16686/trace/${record.traceId}`);
  });

  it('shows the revert plan of a version and says nothing is written', async () => {
    await page.locator('#v1').getByRole('link', { name: 'Revert to this version…' }).click();
    await page.waitForURL(/\/revert\/1$/);
    assert.match(await page.locator('.notice').innerText(), /never writes/);
    assert.match(await page.locator('.plan-action').innerText(), /update/);
    await screenshot(page, 'revert');
  });

  it('shows stored markup as text and runs none of it', async () => {
    await page.goto(`${fx.viewer.url}/history/notes/1`);
    assert.ok((await page.locator('#v1 table.diff').innerText()).includes(XSS_BODY));
    assert.equal(await page.locator('main img').count(), 0);
    assert.equal(await page.locator('a[href^="javascript:"]').count(), 0);
    await page.locator('#v2 details summary').first().click();
    assert.match(await page.locator('#v2 details pre').first().innerText(), /lazy dog/);
  });

  it('shows a record arriving on the live page', async function () {
    this.timeout(60_000);
    await page.goto(`${fx.viewer.url}/live?table=notes`);
    await page.locator('#live[data-ready="true"]').waitFor();
    await runNotes(db.connect(), fx.filled.url, 'viewer-notes', (Note) =>
      Note.create({ id: 8, body: 'arrives live', link: 'https://example.com' }).then(
        () => undefined,
      ),
    );
    const row = page.locator('#live-rows tr', { hasText: 'notes#8' });
    await row.waitFor({ timeout: 20_000 });
    assert.match(await page.locator('#live-status').innerText(), /1 new record/);
    await screenshot(page, 'live');
  });

  it('runs verify with progress: OK, then BROKEN with the first break highlighted after a stored record is edited', async function () {
    this.timeout(60_000);
    await page.goto(`${fx.viewer.url}/integrity`);
    await page.getByRole('button', { name: 'Run verify' }).click();
    await page.locator('.verdict.ok').waitFor();
    assert.match(await page.locator('.verdict').innerText(), /OK/);
    assert.ok(await page.locator('#verify-progress').isVisible());
    assert.match(await page.locator('#verify-count').innerText(), /\d+ records checked/);
    await screenshot(page, 'integrity-ok');
    await db
      .connect()
      .query("UPDATE audit_log SET reason = 'tampered' WHERE stream = 'cli-workload' AND seq = 3");
    await page.getByRole('button', { name: 'Run verify' }).click();
    await page.locator('.verdict.broken').waitFor();
    assert.match(
      await page.locator('.verdict').innerText(),
      /BROKEN[\s\S]*cli-workload at seq 3: content changed/,
    );
    const first = page.locator('tr.first-break');
    assert.equal(await first.count(), 1);
    assert.match(await first.innerText(), /cli-workload[\s\S]*BROKEN[\s\S]*seq 3/);
    await screenshot(page, 'integrity-broken');
  });

  it('is keyboard-navigable: the first Tab reaches the skip link, which moves focus to the content', async () => {
    await page.goto(`${fx.viewer.url}/`);
    await page.keyboard.press('Tab');
    assert.equal(
      await page.evaluate(
        () =>
          (globalThis as unknown as { document: { activeElement: { textContent: string } } })
            .document.activeElement.textContent,
      ),
      'Skip to content',
    );
    await page.keyboard.press('Enter');
    assert.match(page.url(), /#main$/);
  });

  it('passes an axe-core accessibility check on every page with no serious or critical violations', async function () {
    this.timeout(60_000);
    const paths = [
      '/',
      '/?table=orders',
      '/history/orders/42',
      '/history/orders/42/revert/2',
      '/record/cli-workload/1',
      '/integrity?run=1',
      '/live',
    ];
    const found: string[] = [];
    for (const path of paths) {
      await page.goto(`${fx.viewer.url}${path}`);
      for (const violation of await seriousViolations(page)) found.push(`${path}: ${violation}`);
    }
    assert.deepEqual(found, []);
  });
});

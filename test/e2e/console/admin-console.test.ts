// E2E in a real browser (Debian chromium via playwright-core): the admin console signs in, bans a user from the users page and finds the entry in the audit log.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TOTP, Secret } from 'otpauth';
import { chromium, type Browser, type Page } from 'playwright-core';
import { makeAdmin, registerUser, startTestApi, type TestApi, type TestUser } from '../../support/http.js';

/** Debian's package (`apt-get install -y chromium`, installed by .ci/run); Playwright's own download is not reachable. */
const CHROMIUM = process.env.LAIR_CHROMIUM_PATH ?? '/usr/bin/chromium';
/** `LAIR_UPDATE_SCREENSHOTS=1` rewrites docs/img/admin-*.png from this run. */
const SHOTS =
  process.env.LAIR_UPDATE_SCREENSHOTS === '1' ? join(import.meta.dirname, '../../../docs/img') : undefined;

describe('admin console (/admin) in chromium', () => {
  let api: TestApi;
  let browser: Browser;
  let page: Page;
  let admin: TestUser;
  let victim: TestUser;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} missing: apt-get install -y chromium (see .ci/run)`);
    api = await startTestApi();
    admin = await registerUser(api, 'console');
    await makeAdmin(api.table.doc, api.table.tableName, admin.id);
    victim = await registerUser(api, 'victim');
    await api.deps.services.stats.report({
      relay_id: 'relay-local',
      connections: 2,
      messages_per_s: 0.4,
      errors_per_s: 0,
      rss_bytes: 80 * 1048576,
      cpu_percent: 3,
      at: new Date().toISOString(),
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  const shot = async (name: string): Promise<void> => {
    if (SHOTS !== undefined) await page.screenshot({ path: join(SHOTS, `admin-${name}.png`) });
  };

  it('signs in, bans a user from the users page, and the ban appears in the audit log', async () => {
    await page.goto(`${api.baseUrl}/admin`);
    await page.fill('input[name=identifier]', admin.username);
    await page.fill('input[name=password]', admin.password);
    await page.click('#signin-form button');
    await page.waitForSelector('#app:not([hidden])');
    await page.waitForSelector('#totals b');
    await page.waitForTimeout(2500); // a second live sample for the chart
    await shot('dashboard');

    await page.click('nav a[data-page=users]');
    await page.fill('#users-search input[name=q]', victim.username);
    await page.click('#users-search button');
    await page.waitForSelector(`#users-table td:text-is("${victim.username}")`);
    const answers = ['spam from the console', '30'];
    page.on('dialog', (d) => {
      void d.accept(answers.shift() ?? '');
    });
    await page.click(`#users-table button[data-act=ban][data-id="${victim.id}"]`);
    await page.waitForSelector(`#users-table button[data-act=unban][data-id="${victim.id}"]`);
    expect(await page.textContent('#users-table')).toContain('banned until');
    await shot('users');

    await page.click('nav a[data-page=audit]');
    await page.fill('#audit-filters input[name=action]', 'user.ban');
    await page.click('#audit-filters button');
    await page.waitForSelector(`#audit-table td:text-is("${victim.id}")`);
    expect(await page.textContent('#audit-table')).toContain('spam from the console');
    await shot('audit');

    await page.click('nav a[data-page=rooms]');
    await page.waitForSelector('#rooms-table th');
    await shot('rooms');
    await page.click('nav a[data-page=notices]');
    await page.fill('#notice-form input[name=message]', 'Maintenance tonight at 23:00 UTC');
    await page.click('#notice-form button');
    await page.waitForSelector('#notices-table td:text-is("Maintenance tonight at 23:00 UTC")');
    await shot('notices');

    const login = await api.request('POST', '/api/v1/auth/login', {
      body: { identifier: victim.username, password: victim.password },
    });
    expect(login.json.error.code).toBe('account_banned');
  }, 60_000);

  it('an admin with two-factor sign-in is asked for the code, then signs in with it', async () => {
    const tf = await registerUser(api, 'console2fa');
    await makeAdmin(api.table.doc, api.table.tableName, tf.id);
    const setup = await api.request('POST', '/api/v1/auth/2fa/setup', { token: tf.token });
    const totp = new TOTP({ secret: Secret.fromBase32(setup.json.secret as string) });
    expect(
      (
        await api.request('POST', '/api/v1/auth/2fa/enable', {
          token: tf.token,
          body: { code: totp.generate() },
        })
      ).status,
    ).toBe(200);

    const p = await browser.newPage();
    try {
      await p.goto(`${api.baseUrl}/admin`);
      expect(await p.isHidden('#signin-code')).toBe(true);
      await p.fill('input[name=identifier]', tf.username);
      await p.fill('input[name=password]', tf.password);
      await p.click('#signin-form button');
      await p.waitForSelector('#signin-code:not([hidden])');
      expect(await p.textContent('#signin-error')).toContain('two-factor');
      expect(await p.isHidden('#app')).toBe(true);
      // The enable call used this step's code and a code counts once: the next step's (±1 step is accepted).
      await p.fill('input[name=code]', totp.generate({ timestamp: Date.now() + 30_000 }));
      await p.click('#signin-form button');
      await p.waitForSelector('#app:not([hidden])');
    } finally {
      await p.close();
    }
  }, 60_000);
});

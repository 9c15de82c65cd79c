// The Chromium both scripts drive, and the report each writes.
import { chromium } from 'playwright-core';
import { writeFileSync, renameSync } from 'node:fs';

// run opens a page in Chromium (CHROMIUM, default /usr/bin/chromium), runs
// act(page) on it and writes result to out as JSON, whatever happened:
// result.error says what went wrong, result.csp holds every Content Security
// Policy violation the browser reported. The file appears whole or not at
// all (written aside, then renamed).
export async function run(out, result, act) {
  let browser;
  try {
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      // The flags this machine needs: no sandbox as root, and no background
      // traffic to Google's hosts on a closed network.
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = await browser.newPage();
    page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) result.csp.push(m.text()); });
    await act(page);
  } catch (e) {
    result.error = String(e && e.message || e);
  } finally {
    if (browser) await browser.close();
    writeFileSync(out + '.tmp', JSON.stringify(result, null, 2));
    renameSync(out + '.tmp', out);
  }
}

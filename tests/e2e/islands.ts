import type { Page } from '@playwright/test';

/** Navigates and waits until every island on the page is hydrated (Astro drops `ssr` then). */
export async function gotoHydrated(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await waitForIslands(page);
}

export async function waitForIslands(page: Page): Promise<void> {
  await page.waitForFunction(() => !document.querySelector('astro-island[ssr]'));
}

/** Opens a form page with no drafts left from an earlier test, islands hydrated. */
export async function openFreshForm(page: Page, url: string): Promise<void> {
  await gotoHydrated(page, url);
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await waitForIslands(page);
}

/** Fires a real paste event carrying text/plain, as Excel/WPS put it on the clipboard. */
export async function pasteInto(page: Page, selector: string, text: string): Promise<void> {
  await page.locator(selector).evaluate((el, t) => {
    const data = new DataTransfer();
    data.setData('text/plain', t);
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, text);
}

import type { Page } from '@playwright/test';

/** Navigates and waits until every island on the page is hydrated (Astro drops `ssr` then). */
export async function gotoHydrated(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await waitForIslands(page);
}

export async function waitForIslands(page: Page): Promise<void> {
  await page.waitForFunction(() => !document.querySelector('astro-island[ssr]'));
}

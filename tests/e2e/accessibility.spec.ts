import { test } from '@playwright/test';
import { gotoHydrated } from './islands.js';
import { expectAccessible } from './a11y.js';

/**
 * Automated accessibility scan of every page type a person reaches without an emailed link
 * (the linked pages — case, sign, notice — are scanned inside the journeys that open them).
 */
const PAGES = [
  '/',
  '/categories/general/',
  '/policies/general-handover-policy/',
  '/forms/',
  '/forms/work-handover/',
  '/forms/customer-handover/',
  '/policies/general-handover-policy/customize/',
  '/case/new/',
  '/archive/',
  '/hr/',
  '/robots/',
  '/verify/',
  '/no-such-page/',
];

for (const path of PAGES) {
  test(`accessibility: ${path}`, async ({ page }) => {
    await gotoHydrated(page, path);
    await expectAccessible(page);
  });
}

import { expect, test } from "@playwright/test";
import { hydrated, signIn } from "./helpers";

test("the Reports page shows its figures and the 'over 24 h' bar opens the inbox on exactly those threads", async ({ page }, info) => {
  await signIn(page);
  await page.goto("/reports");
  await hydrated(page);
  for (const tile of ["Response rate", "Time to first reply", "Time to brand reply", "Answered within 24 h", "Acceptance"]) {
    await expect(page.locator(".report-tile", { hasText: tile })).toBeVisible();
  }
  await expect(page.getByRole("group", { name: "Time to brand reply" })).toBeVisible();
  await expect(page.getByRole("img", { name: /messages in and \d+ out over \d+ days/ })).toBeVisible();
  await expect(page.locator(".report-funnel tbody tr")).toHaveCount(11);
  await page.screenshot({ path: `test-results/reports-${info.project.name}.png`, fullPage: true });

  // Every table downloads as CSV.
  const href = (await page.locator(".report-exports a", { hasText: "funnel" }).getAttribute("href"))!;
  expect(href.startsWith("data:text/csv")).toBe(true);
  expect(decodeURIComponent(href.slice(href.indexOf(",") + 1))).toContain("stage,reached,next_stage_pct");

  // The bar counts waits; the threads behind it (a thread may wait more than once) are asked for
  // when it is picked.
  const bar = page.getByRole("button", { name: /^over 24 h: \d+$/ });
  const waits = Number((await bar.getAttribute("aria-label"))!.split(": ")[1]);
  expect(waits).toBeGreaterThan(0);
  await bar.click();
  await page.waitForURL((url) => url.pathname === "/" && url.searchParams.has("threads"));
  const ids = new URL(page.url()).searchParams.get("threads")!.split(",");
  const n = ids.length;
  expect(n).toBeGreaterThan(0);
  expect(n).toBeLessThanOrEqual(waits);
  await expect(page.locator(".picked-chip")).toContainText(`${n} threads picked in Reports`);
  await expect(page.getByText(`Select all ${n} matching`)).toBeVisible();
  // Every row listed is one of them.
  const hrefs = await page.getByTestId("thread-list").locator(".thread-link").evaluateAll((links) =>
    links.map((a) => (a as HTMLAnchorElement).pathname.split("/").pop()),
  );
  expect(hrefs.length).toBe(Math.min(n, 50));
  for (const id of hrefs) expect(ids).toContain(id);

  // The chip's × shows every thread again (on a phone, the chip among the filters that are on;
  // the filter bar's own chip waits in the Filters sheet there).
  if (info.project.name === "phone") {
    await page.getByRole("button", { name: `Remove filter: ${n} threads picked` }).click();
  } else {
    await page.locator(".picked-chip button").click();
  }
  await expect(page.locator(".picked-chip")).toHaveCount(0);
  await expect(page).not.toHaveURL(/threads=/);
});

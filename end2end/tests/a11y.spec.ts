import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { hydrated, signIn } from "./helpers";

// An accessibility check (axe-core) of every page, at the desktop and the phone size: no
// serious or critical violation.
const PAGES = [
  "/", "/approvals", "/audit", "/reports", "/policies", "/bulk", "/bulk-new", "/campaigns",
  "/creators", "/team", "/account", "/channels", "/embeds", "/unmatched",
];

/** The page's serious and critical violations, each with a few of the elements and why. */
async function violations(page: import("@playwright/test").Page, where: string): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${where}: ${v.id} (${v.impact}): ${v.help}\n` +
      v.nodes.slice(0, 4).map((n) => `    ${n.target.join(" ")} — ${n.failureSummary?.split("\n").slice(1).join(" ")}`).join("\n"));
}

test("every page passes axe with no serious or critical violation", async ({ page }) => {
  // Sixteen views (sign-in, the 14 pages, a thread), each loaded, hydrated and checked: 53 s to
  // 1.9 min here, 3 min once on a busy CI machine.
  test.setTimeout(300_000);
  const found: string[] = [];
  await page.goto("/login");
  await hydrated(page);
  found.push(...(await violations(page, "/login")));
  await signIn(page);
  for (const path of PAGES) {
    await page.goto(path);
    await hydrated(page);
    await page.waitForLoadState("networkidle");
    found.push(...(await violations(page, path)));
  }
  // A thread, with its timeline, drafts bar and composer.
  await page.goto("/");
  await hydrated(page);
  await page.getByTestId("thread-list").locator(".thread-link").first().click();
  await expect(page.locator(".timeline .entry").first()).toBeVisible();
  await page.waitForLoadState("networkidle");
  found.push(...(await violations(page, "a thread")));
  expect(found, found.join("\n")).toEqual([]);
});

import { expect, test } from "@playwright/test";
import { hydrated, live, portalLink, signIn, VIEWER } from "./helpers";

test("a message nothing was recognized in says so, and a teammate corrects its intents", async ({ browser, page }) => {
  await signIn(page);
  await page.getByTestId("thread-list").locator(".thread-link").nth(2).click();
  await live(page);
  const threadUrl = page.url();
  const portalUrl = await portalLink(page);

  const creator = await (await browser.newContext()).newPage();
  await creator.goto(portalUrl);
  await hydrated(creator);
  const stamp = Date.now();
  const odd = `zxqv ${stamp} 🫠`;
  await creator.getByLabel("Your message").fill(odd);
  await creator.getByRole("button", { name: "Send" }).click();

  const entry = page.locator(".timeline .entry", { hasText: odd });
  await expect(entry).toBeVisible();
  // Pushed live with what was (not) understood in it.
  await expect(entry.locator(".intent-chip.unknown")).toHaveText("Not understood — needs a person");

  await entry.getByRole("button", { name: "Correct intents" }).click();
  const editor = entry.locator(".intent-editor");
  await editor.getByLabel("Complaint").check();
  await page.screenshot({ path: "test-results/understanding-correct.png" });
  await editor.getByRole("button", { name: "Save correction" }).click();
  await expect(entry.locator(".intent-chip.sensitive")).toContainText("Complaint");
  await expect(entry).toContainText("Corrected by Dana");

  // A viewer sees the chips but cannot correct them.
  const viewer = await (await browser.newContext()).newPage();
  await signIn(viewer, VIEWER);
  await viewer.goto(threadUrl);
  await hydrated(viewer);
  const seen = viewer.locator(".timeline .entry", { hasText: odd });
  await expect(seen).toContainText("Complaint");
  await expect(seen.getByRole("button", { name: "Correct intents" })).toHaveCount(0);
});

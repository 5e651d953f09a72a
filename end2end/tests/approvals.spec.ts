import { expect, test } from "@playwright/test";
import { hydrated, live, portalLink, signIn, VIEWER } from "./helpers";

test("a paid rate waits in Approvals; a viewer cannot approve; the owner approves and it is sent in the thread", async ({ browser, page }) => {
  await signIn(page);
  await page.getByLabel("Campaign").selectOption({ label: "Winter Glow Serum Launch" });
  await expect(page).toHaveURL(/campaign=/);
  await page.getByTestId("thread-list").locator(".thread-link").first().click();
  await live(page);
  const threadUrl = page.url();

  // The creator answers from the portal with a rate and usage terms.
  const portalUrl = await portalLink(page);
  const creator = await (await browser.newContext()).newPage();
  await creator.goto(portalUrl);
  await hydrated(creator);
  const stamp = Date.now();
  const ask = `My rate is $2,000 and I want usage rights limited to 3 months (${stamp})`;
  await creator.getByLabel("Your message").fill(ask);
  await creator.getByRole("button", { name: "Send" }).click();

  // The thread shows the decision and the held draft, without a reload.
  const entry = page.locator(".timeline .entry", { hasText: ask });
  await expect(entry.locator(".entry-decision")).toContainText("Held for approval");
  await expect(entry.locator(".intent-chip.sensitive").first()).toBeVisible();
  const inThread = page.locator(".thread-drafts [data-testid=draft]");
  await expect(inThread).toHaveAttribute("data-state", "pending_review");
  // The drafts fold into one line that opens and closes in place.
  const bar = page.getByTestId("drafts-bar");
  await expect(bar).toContainText("Pending review");
  await expect(inThread).toBeHidden();
  await bar.click();
  await expect(inThread).toBeVisible();
  await bar.click();
  await expect(inThread).toBeHidden();

  // A viewer sees it in Approvals but cannot approve it.
  const viewerPage = await (await browser.newContext()).newPage();
  await signIn(viewerPage, VIEWER);
  await viewerPage.goto("/approvals");
  await hydrated(viewerPage);
  const viewerCard = viewerPage.locator("[data-testid=draft]", { hasText: ask });
  await expect(viewerCard).toBeVisible();
  await expect(viewerCard.getByRole("button", { name: /Approve/ })).toHaveCount(0);
  await expect(viewerCard).toContainText("Only an owner or above can approve this draft.");

  // The owner approves it from the Approvals page, with an edit.
  await page.getByRole("link", { name: /^Approvals/ }).click();
  await expect(page).toHaveURL(/\/approvals$/);
  const card = page.locator("[data-testid=approvals-list] [data-testid=draft]", { hasText: ask });
  await expect(card).toBeVisible();
  await expect(card).toContainText("Rate");
  const reply = `We can do $1,800 with 3 months of organic usage (${stamp}).`;
  await card.getByLabel("Draft reply").fill(reply);
  await card.getByRole("button", { name: "Approve edited & send" }).click();
  await expect(page.locator("[data-testid=approvals-list] [data-testid=draft]", { hasText: ask })).toHaveCount(0);
  await page.screenshot({ path: "test-results/approvals-desktop.png", fullPage: true });

  // It went out once, in the thread, and the creator sees it in the portal.
  await page.goto(threadUrl);
  await hydrated(page);
  const sent = page.locator(".timeline .entry", { hasText: reply });
  await expect(sent).toHaveCount(1);
  await expect(sent.locator(".status")).toHaveText("Sent");
  await expect(creator.locator(".portal-msg").last()).toContainText(reply);
  await expect(page.locator(".thread-drafts")).toHaveCount(0);
  await viewerPage.context().close();
  await creator.context().close();
});

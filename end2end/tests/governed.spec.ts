import { expect, test } from "@playwright/test";
import { hydrated, live, MEMBER, portalLink, signIn } from "./helpers";

test("a member's rate promise waits for the owner, who approves it from Approvals; the creator gets it once", async ({ browser, page }) => {
  // The owner opens a paid campaign's thread and gives the creator a portal link.
  await signIn(page);
  await page.getByLabel("Campaign").selectOption({ label: "Winter Glow Serum Launch" });
  await expect(page).toHaveURL(/campaign=/);
  await page.getByTestId("thread-list").locator(".thread-link").nth(1).click();
  await live(page);
  const threadUrl = page.url();
  const portalUrl = await portalLink(page);

  // The creator names a rate and usage terms.
  const creator = await (await browser.newContext()).newPage();
  await creator.goto(portalUrl);
  await hydrated(creator);
  const stamp = Date.now();
  const ask = `I'd want $2,000 plus usage rights for a year (${stamp})`;
  await creator.getByLabel("Your message").fill(ask);
  await creator.getByRole("button", { name: "Send" }).click();
  await expect(page.locator(".timeline .entry", { hasText: ask })).toBeVisible();

  // A member opens the thread: the composer says a reply needs an owner before anything is sent.
  const memberPage = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  await signIn(memberPage, MEMBER);
  await memberPage.goto(threadUrl);
  await hydrated(memberPage);
  await live(memberPage);
  const notice = memberPage.getByTestId("review-notice");
  await expect(notice).toContainText("needs an owner's approval");
  await expect(notice).toContainText("rate");
  const promise = `Sure, $2,000 and perpetual usage is fine (${stamp})`;
  const composer = memberPage.getByRole("textbox", { name: "Message", exact: true });
  const submit = memberPage.getByRole("button", { name: "Submit for review" });
  await expect(async () => {
    await composer.fill(promise);
    await expect(submit).toBeEnabled({ timeout: 1_000 });
  }).toPass();
  await submit.click();
  // It waits in the thread's drafts, submitted, beside the policy's own draft.
  const held = memberPage.locator(".thread-drafts [data-testid=draft]", { hasText: promise });
  await expect(held).toHaveAttribute("data-state", "submitted");
  await expect(held).toContainText("Only an owner or above can approve this draft.");
  await memberPage.screenshot({ path: "test-results/governed-member.png" });
  // Nothing reached the creator.
  await creator.waitForTimeout(500);
  await expect(creator.locator(".portal-msg", { hasText: promise })).toHaveCount(0);

  // The owner finds it in Approvals, written by the member, and approves it.
  await page.goto("/approvals");
  await hydrated(page);
  // (The words are in the card's editable text; the card quotes the creator's message.)
  const submitted = "[data-testid=approvals-list] [data-testid=draft][data-state=submitted]";
  const card = page.locator(submitted, { hasText: ask });
  await expect(card).toContainText("Written by Ava");
  await expect(card.getByLabel("Draft reply")).toHaveValue(promise);
  await page.screenshot({ path: "test-results/governed-approvals.png", fullPage: true });
  await card.getByRole("button", { name: "Approve & send" }).click();
  await expect(page.locator(submitted, { hasText: ask })).toHaveCount(0);

  // The creator's portal receives it once.
  await expect(creator.locator(".portal-msg", { hasText: promise })).toHaveCount(1);
  await creator.reload();
  await hydrated(creator);
  await expect(creator.locator(".portal-msg", { hasText: promise })).toHaveCount(1);
  await memberPage.context().close();
  await creator.context().close();
});

import { expect, test } from "@playwright/test";
import { hydrated, live, portalLink, signIn } from "./helpers";

test("a creator replies from the portal on a phone, the team sees it live, and the team's answer reaches the portal live", async ({ browser, page }) => {
  await signIn(page);
  await page.getByTestId("thread-list").locator(".thread-link").first().click();
  await live(page);
  const campaign = (await page.locator(".thread-title p").innerText()).split(" · ")[0].trim();
  const url = await portalLink(page);
  expect(url).toMatch(/\/p\/[0-9a-f]{64}$/);

  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const creator = await phone.newPage();
  await creator.goto(url);
  await hydrated(creator);
  await expect(creator.locator(".portal-head h1")).toHaveText(campaign);
  await expect(creator.getByRole("heading", { name: "The brief" })).toBeVisible();
  await expect(creator.getByRole("heading", { name: "Deliverables" })).toBeVisible();

  const question = `Can I post on Friday instead? (${Date.now()})`;
  await creator.getByLabel("Your message").fill(question);
  await creator.getByRole("button", { name: "Send" }).tap();
  await expect(creator.locator(".portal-msg.mine").last()).toContainText(question);
  await expect(creator.getByLabel("Your message")).toHaveValue("");

  // The teammate's open thread shows it without a reload, and the reply defaults to the portal.
  await expect(page.locator(".timeline .entry").last()).toContainText(question);
  await expect(page.getByTestId("reply-channel")).toHaveValue("in_app");
  const answer = `Friday works for us (${Date.now()})`;
  // The creator's message is decided a moment after it shows, and the thread is read again:
  // words typed into the composer while the screen is replaced can be lost (a known race, noted
  // for the triage work), so type until the composer holds them.
  await expect(async () => {
    await page.getByRole("textbox", { name: "Message", exact: true }).fill(answer);
    await expect(page.getByRole("button", { name: "Send reply" })).toBeEnabled({ timeout: 1_000 });
  }).toPass();
  await page.getByRole("button", { name: "Send reply" }).click();
  await expect(creator.locator(".portal-msg").last()).toContainText(answer);
  await expect(creator.locator(".portal-msg").last()).not.toHaveClass(/mine/);
  await creator.screenshot({ path: "test-results/portal-phone.png", fullPage: true });

  // Revoked: the link stops working.
  const section = page.getByTestId("portal-section");
  await section.getByRole("button", { name: "Revoke" }).click();
  await expect(section).toContainText("No active link");
  await creator.reload();
  await expect(creator.getByRole("heading", { name: "This link is no longer valid" })).toBeVisible();
  await phone.close();
});

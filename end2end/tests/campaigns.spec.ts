import { expect, test } from "@playwright/test";
import * as crypto from "crypto";
import { connectSms, hydrated, signIn } from "./helpers";

const BRIEF =
  "Show the Autumn Glow serum in your evening routine: one Reel and three Stories, natural light, no filters on skin. " +
  "Mention the vitamin C and the recyclable bottle. Tag @glowlab and use #AutumnGlow.";

/** 20 creators, two of them bad: an unreadable email, and a row with only a name. */
function creatorsCsv(run: string, lineBase: number): string {
  const rows = ["Name,Email,Phone,Tags"];
  for (let i = 0; i < 18; i++) {
    rows.push(`E2E ${run} Creator ${i},c${i}.${run}@mail.test,(415) 555-${lineBase + i},skincare;autumn`);
  }
  rows.push(`E2E ${run} Bad Email,not-an-email,,`);
  rows.push(`E2E ${run} Only A Name,,,`);
  return rows.join("\n") + "\n";
}

test("an owner creates a client and a campaign, imports creators, sends the outreach, and a reply moves the thread along", async ({ page }, info) => {
  test.setTimeout(180_000);
  const phone = info.project.name === "phone";
  const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`;
  const lineBase = 1000 + Math.floor(Math.random() * 8000);
  await signIn(page);
  await connectSms(page);

  // A client and a gifting campaign of the team's own.
  await page.goto("/campaigns");
  await hydrated(page);
  await page.getByLabel("New client's name").fill(`Glow Lab ${run}`);
  await page.getByRole("button", { name: "Add client" }).click();
  await expect(page.locator(".client-line", { hasText: `Glow Lab ${run}` })).toBeVisible();
  await page.getByRole("link", { name: "New campaign" }).click();
  await page.waitForURL(/\/campaigns\/new$/);
  const form = page.locator("form.campaign-form");
  await form.getByLabel("Name").fill(`Autumn Glow ${run}`);
  await form.getByLabel("Client").selectOption({ label: `Glow Lab ${run}` });
  await form.getByLabel("Kind").selectOption("gifting");
  await form.getByLabel("Status").selectOption("active");
  await form.getByLabel("Brief").fill(BRIEF);
  await form.getByLabel("Deliverables (one per line)").fill("1 Reel\n3 Stories");
  await form.getByLabel("Usage-rights terms").fill("30 days organic reposting, no paid usage.");
  await form.getByRole("button", { name: "Save campaign" }).click();
  await page.waitForURL(/\/campaigns\/[a-z0-9]{20}$/);
  const campaignId = new URL(page.url()).pathname.split("/").pop()!;
  await page.goto("/campaigns");
  await expect(page.getByTestId("campaign-row").filter({ hasText: `Autumn Glow ${run}` })).toContainText(`Glow Lab ${run}`);

  // Import 20 rows: 18 creators enrolled at Prospect, two rows skipped with their reasons.
  await page.goto("/creators");
  await hydrated(page);
  await page.getByRole("button", { name: "Import CSV" }).click();
  await page.locator("#import-file").setInputFiles({
    name: "creators.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(creatorsCsv(run, lineBase)),
  });
  await page.getByRole("button", { name: "Upload" }).click();
  await expect(page.locator(".import-steps")).toContainText("20 rows");
  await page.getByLabel("Enroll in campaign").selectOption({ label: `Autumn Glow ${run}` });
  await page.getByRole("button", { name: "Preview" }).click();
  const summary = page.locator(".import-summary");
  await expect(summary).toContainText("18new creators");
  await expect(summary).toContainText("2rows skipped");
  await expect(page.locator(".preview-table tr.bad")).toHaveCount(2);
  await expect(page.locator(".preview-table tr.bad").first()).toContainText("not an email address");
  await page.getByRole("button", { name: "Import 18 creators" }).click();
  const status = page.getByTestId("import-status");
  await expect(status).toHaveAttribute("data-state", "done", { timeout: 60_000 });
  await expect(status).toContainText("18 created");
  await expect(status).toContainText(`18 added to Autumn Glow ${run}`);
  await expect(status.getByRole("link", { name: /skipped rows/ })).toBeVisible();

  // The outreach goes out as one bulk message; each thread moves from Prospect to Contacted.
  await page.goto(`/bulk-new?campaign=${campaignId}&all=1`);
  await hydrated(page);
  const text = page.getByLabel("Bulk message text");
  await text.fill(`Hi {{first_name}}, we'd love to send you the Autumn Glow serum (${run}).`);
  await expect(page.getByTestId("bulk-preview").getByTestId("bulk-total")).toHaveText("18 selected");
  // The page has taken the words (a fill that raced hydration is typed again).
  await expect(async () => {
    if (!(await page.getByTestId("bulk-sample").textContent())?.includes(`serum (${run})`)) {
      await text.fill(`Hi {{first_name}}, we'd love to send you the Autumn Glow serum (${run}).`);
    }
    await expect(page.getByTestId("bulk-sample")).toContainText(`serum (${run})`, { timeout: 2_000 });
  }).toPass({ timeout: 15_000 });
  await page.getByRole("button", { name: /Send now · 18 creators/ }).click();
  await page.waitForURL(/\/bulk\/[a-z0-9]+$/);
  await expect(page.getByTestId("bulk-state")).toHaveText("Done", { timeout: 60_000 });

  // One creator answers through the signed API channel.
  const settings = await (await page.request.post("/api/api_channel_settings")).json();
  const body = JSON.stringify({
    event_id: `e2e-${run}`,
    creator: { email: `c3.${run}@mail.test` },
    campaign_id: campaignId,
    text: "Hey 👋 thanks for thinking of me!",
  });
  const ts = Math.floor(Date.now() / 1000).toString();
  const sig = "v1=" + crypto.createHmac("sha256", settings.secret).update(`${ts}.${body}`).digest("hex");
  const resp = await page.request.post(new URL(settings.endpoint).pathname, {
    data: body,
    headers: { "content-type": "application/json", "x-inbox-timestamp": ts, "x-inbox-signature": sig },
  });
  expect(resp.status()).toBe(202);

  // The thread shows the campaign's brief and has moved on to Replied.
  await page.goto(`/?campaign=${campaignId}`);
  await hydrated(page);
  const row = page.locator(".thread-row", { hasText: `E2E ${run} Creator 3` });
  await expect(row).toBeVisible();
  await row.locator(".thread-link").click();
  await expect(page.locator(".timeline .entry", { hasText: "thanks for thinking of me" })).toBeVisible();
  await expect(page.locator(".timeline .entry", { hasText: `Autumn Glow serum (${run})` })).toBeVisible();
  if (phone) {
    await page.getByRole("button", { name: "Details" }).tap();
  }
  const panel = page.locator(".context-panel");
  await expect(panel.getByTestId("campaign-brief")).toContainText("Show the Autumn Glow serum");
  await expect(panel).toContainText("30 days organic reposting");
  await expect(panel.locator("select[name=stage]")).toHaveValue("replied", { timeout: 30_000 });
  // The stage history: Prospect → Contacted by our first message, then Contacted → Replied.
  const threadId = new URL(page.url()).pathname.split("/").pop()!;
  const events = await (
    await page.request.post("/api/audit_log", {
      data: { query: { action: "enrollment.stage_changed", thread: threadId } },
    })
  ).json();
  const moves = events.map((e: any) => e.detail).join(" | ");
  expect(moves).toContain("prospect");
  expect(moves).toContain("replied");
});

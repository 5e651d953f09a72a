// Benchmark B5: how fast the app loads, as the run command serves it (`bash .ci/bench.sh B5`).
// - the browser bundle's sizes as served (brotli where the browser accepts it): the wasm, and the
//   js + css;
// - the time to the first byte of a server-rendered, filtered inbox at the demo workspace's size
//   (signed in; 5 warm-up requests, then RUNS, one at a time);
// - the time until that inbox is interactive (`body[data-hydrated]`) in Chromium with a cold
//   cache, 4x CPU slowdown and a 10 Mbit/s, 40 ms network (median of HYDRATIONS fresh contexts).
// Last line: `BENCH B5 wasm_kb=… assets_kb=… ttfb_p50_ms=… hydrated_ms=…` (kB = 1,000 bytes).
//
// Usage: node bench-b5.mjs (run from end2end/, after the bundle is built; the wrapper does both).
// Env: INBOX_SERVER_BIN (the server binary), B5_PORT, B5_RUNS, B5_HYDRATIONS.

import { chromium } from "@playwright/test";
import { spawn } from "node:child_process";
import http from "node:http";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const bin = process.env.INBOX_SERVER_BIN;
const port = Number(process.env.B5_PORT || 3230);
const runs = Number(process.env.B5_RUNS || 50);
const hydrations = Number(process.env.B5_HYDRATIONS || 5);
const base = `http://127.0.0.1:${port}`;
const filtered = "/?needs_reply=1&channel=email";
const OWNER = { email: "dana@northstar.example", password: "creator-inbox-demo" };

/** One GET without decompression: status, headers, bytes on the wire, ms to the first byte. */
function get(url, headers = {}) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    let first = null;
    let bytes = 0;
    const req = http.get(url, { headers }, (res) => {
      res.on("data", (chunk) => {
        first ??= process.hrtime.bigint();
        bytes += chunk.length;
      });
      res.on("end", () => {
        const ttfb = Number((first ?? process.hrtime.bigint()) - start) / 1e6;
        resolve({ status: res.statusCode, headers: res.headers, bytes, ttfb });
      });
    });
    req.on("error", reject);
  });
}

async function waitHealthy() {
  for (let i = 0; i < 600; i++) {
    try {
      if ((await get(`${base}/healthz`)).status === 200) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("the server did not become healthy in 120 s");
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  if (!bin) throw new Error("set INBOX_SERVER_BIN");
  const server = spawn(bin, ["serve"], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...process.env,
      INBOX_DATABASE: "mem://",
      INBOX_DEV: "1",
      INBOX_SEED_DEMO: "1",
      INBOX_BIND: `127.0.0.1:${port}`,
      INBOX_PUBLIC_URL: base,
      LEPTOS_SITE_ROOT: "target/site",
      RUST_LOG: "warn",
    },
  });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  try {
    await waitHealthy();
    // The bundle's files, as the sign-in page names them.
    const html = await (await fetch(`${base}/login`)).text();
    const named = (ext) => [...html.matchAll(new RegExp(`/pkg/[^"']+\\.${ext}`, "g"))].map((m) => m[0])[0];
    const files = { wasm: named("wasm"), js: named("js"), css: named("css") };
    const sizes = {};
    for (const [kind, file] of Object.entries(files)) {
      if (!file) throw new Error(`the sign-in page names no .${kind} file`);
      const r = await get(base + file, { "accept-encoding": "br, gzip" });
      const plain = await get(base + file);
      sizes[kind] = r.bytes;
      console.log(`${file}: ${r.bytes} bytes as served (${r.headers["content-encoding"] ?? "identity"}; ` +
        `${plain.bytes} uncompressed), cache-control: ${r.headers["cache-control"]}`);
    }

    // A signed-in session for the server-rendered inbox.
    const context = await browser.newContext();
    const signin = await context.newPage();
    await signin.goto(`${base}/login`);
    await signin.waitForFunction(() => document.body.dataset.hydrated === "1", null, { timeout: 180_000 });
    await signin.getByLabel("Email").fill(OWNER.email);
    await signin.getByLabel("Password").fill(OWNER.password);
    await signin.getByRole("button", { name: "Sign in" }).click();
    await signin.waitForURL((url) => url.pathname === "/");
    const cookies = await context.cookies();
    const cookie = cookies.map((c) => `${c.name}=${c.value}`).join("; ");

    const ttfbs = [];
    for (let i = 0; i < 5 + runs; i++) {
      const r = await get(base + filtered, { cookie });
      if (r.status !== 200) throw new Error(`the inbox answered ${r.status}`);
      if (i >= 5) ttfbs.push(r.ttfb);
    }
    const ttfb = median(ttfbs);
    const p90 = [...ttfbs].sort((a, b) => a - b)[Math.floor(ttfbs.length * 0.9)];
    console.log(`inbox ${filtered}: first byte p50 ${ttfb.toFixed(1)} ms, p90 ${p90.toFixed(1)} ms over ${runs}`);

    const times = [];
    for (let i = 0; i < hydrations; i++) {
      const cold = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      await cold.addCookies(cookies);
      const p = await cold.newPage();
      const cdp = await cold.newCDPSession(p);
      await cdp.send("Network.enable");
      await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
      await cdp.send("Network.emulateNetworkConditions", {
        offline: false,
        latency: 40,
        downloadThroughput: (10 * 1000 * 1000) / 8,
        uploadThroughput: (10 * 1000 * 1000) / 8,
      });
      await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
      const start = Date.now();
      await p.goto(base + filtered, { waitUntil: "commit" });
      await p.waitForFunction(() => document.body.dataset.hydrated === "1", null, { timeout: 300_000 });
      times.push(Date.now() - start);
      await cold.close();
    }
    const hydrated = median(times);
    console.log(`interactive (cold cache, 4x CPU, 10 Mbit/s 40 ms): ${times.join(", ")} ms; median ${hydrated}`);
    const kb = (n) => (n / 1000).toFixed(1);
    console.log(
      `BENCH B5 wasm_kb=${kb(sizes.wasm)} assets_kb=${kb(sizes.js + sizes.css)} ` +
        `ttfb_p50_ms=${ttfb.toFixed(1)} hydrated_ms=${hydrated}`,
    );
  } finally {
    await browser.close();
    server.kill("SIGTERM");
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

// A Twilio Messages API on loopback for the browser tests: it checks each send's shape (basic
// auth, form fields) like Twilio, answers 201 with a message SID, and refuses the first attempt
// of any body containing "[refuse]" with Twilio's error 21211. GET /__sent lists what it got.
// Connecting asks it about the account (any SID, authenticated as itself) and its numbers (the
// +1 415 555 01xx range belongs to every test account; nothing else does).
import http from "node:http";

const port = Number(process.env.FAKE_TWILIO_PORT || 3299);
const sent = [];
const refusedOnce = new Set();

http
  .createServer((req, res) => {
    if (req.method === "GET" && req.url === "/__sent") {
      res.writeHead(200, { "content-type": "application/json" });
      return res.end(JSON.stringify(sent));
    }
    if (req.method === "GET" && req.url === "/healthz") return res.end("ok");
    const owner = (sid) => {
      const auth = req.headers.authorization || "";
      return auth.startsWith("Basic ") && Buffer.from(auth.slice(6), "base64").toString().startsWith(sid + ":");
    };
    const account = req.url.match(/^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\.json$/);
    const numbers = req.url.match(/^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/IncomingPhoneNumbers\.json\?PhoneNumber=([^&]*)$/);
    if (req.method === "GET" && (account || numbers)) {
      const sid = (account || numbers)[1];
      res.setHeader("content-type", "application/json");
      if (!owner(sid)) {
        res.writeHead(401);
        return res.end(JSON.stringify({ code: 20003, message: "Authenticate" }));
      }
      if (account) return res.end(JSON.stringify({ sid, friendly_name: "Test account", status: "active" }));
      const wanted = decodeURIComponent(numbers[2]);
      const found = /^\+141555501\d\d$/.test(wanted) ? [{ phone_number: wanted, account_sid: sid }] : [];
      return res.end(JSON.stringify({ incoming_phone_numbers: found }));
    }
    const m = req.url.match(/^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/Messages\.json$/);
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const form = new URLSearchParams(body);
      const auth = req.headers.authorization || "";
      const problems = [];
      if (!m || req.method !== "POST") problems.push("wrong path or method");
      if (!auth.startsWith("Basic ") || !Buffer.from(auth.slice(6), "base64").toString().startsWith(m?.[1] + ":"))
        problems.push("basic auth");
      if (!/^\+[1-9]\d{7,14}$/.test(form.get("To") || "")) problems.push("To");
      if (!form.get("Body")) problems.push("Body");
      if (!form.get("From") === !form.get("MessagingServiceSid")) problems.push("From/MessagingServiceSid");
      if (!(form.get("StatusCallback") || "").startsWith("http")) problems.push("StatusCallback");
      res.setHeader("content-type", "application/json");
      if (problems.length) {
        res.writeHead(400);
        return res.end(JSON.stringify({ code: 21604, message: `malformed: ${problems.join(", ")}`, status: 400 }));
      }
      const text = form.get("Body");
      if (text.includes("[refuse]") && !refusedOnce.has(text)) {
        refusedOnce.add(text);
        res.writeHead(400);
        return res.end(JSON.stringify({ code: 21211, message: "The 'To' number is not a valid phone number.", status: 400 }));
      }
      const sid = "SM" + String(sent.length + 1).padStart(32, "0");
      sent.push({ sid, to: form.get("To"), body: text });
      res.writeHead(201);
      res.end(JSON.stringify({ sid, status: "queued" }));
    });
  })
  .listen(port, "127.0.0.1");

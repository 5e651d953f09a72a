//! The demo workspace's people, brands and conversation lines. Plain data.

pub const FIRST_NAMES: &[&str] = &[
    "Maya", "Jordan", "Priya", "Lucas", "Sofia", "Ethan", "Aaliyah", "Mateo", "Chloe", "Noah",
    "Zara", "Leo", "Amara", "Kai", "Isabela", "Theo", "Hana", "Diego", "Nia", "Oliver", "Camila",
    "Rohan", "Elena", "Marcus", "Yuki", "Gabriel", "Freya", "Tariq", "Lucía", "Sam", "Imani",
    "Felix",
];

pub const LAST_NAMES: &[&str] = &[
    "Lopez", "Chen", "Patel", "Okafor", "Rossi", "Nguyen", "Williams", "García", "Kim", "Bennett",
    "Haddad", "Moreau", "Silva", "Andersen", "Ito", "Mensah", "Fischer", "Ramos", "Clarke",
    "Novak",
];

pub const NICHES: &[&str] = &[
    "skincare",
    "outdoors",
    "wellness",
    "travel",
    "fitness",
    "lifestyle",
    "beauty",
    "hiking",
];

pub struct CampaignSeed {
    pub client: usize,
    pub name: &'static str,
    pub platform: &'static str,
    pub kind: &'static str,
    pub product: &'static str,
    pub brief: &'static str,
    pub guidance: &'static str,
    pub compensation: &'static str,
    pub deliverables: &'static [&'static str],
    pub rate_ceiling_cents: Option<i64>,
    pub due_in_days: i64,
}

pub const CLIENTS: &[&str] = &["Glow Botanics", "Trailhead Outfitters"];

pub const CAMPAIGNS: &[CampaignSeed] = &[
    CampaignSeed {
        client: 0,
        name: "Winter Glow Serum Launch",
        platform: "Instagram",
        kind: "paid",
        product: "Winter Glow vitamin C serum",
        brief: "Introduce the Winter Glow vitamin C serum to skincare-curious audiences. Show your real morning routine, \
the texture on skin and how it layers under SPF. Mention the 15% launch code GLOW15. Keep it honest: no medical claims, \
no before/after edits.",
        guidance: "Film in natural light; tag @glowbotanics; use #ad in the first line of the caption.",
        compensation: "$650–$1,200 flat fee by audience size + product",
        deliverables: &["1 Reel (30–60 s)", "3 Stories with link sticker", "30-day organic usage rights"],
        rate_ceiling_cents: Some(120_000),
        due_in_days: 12,
    },
    CampaignSeed {
        client: 0,
        name: "Holiday Gift Sets Seeding",
        platform: "Instagram + TikTok",
        kind: "gifting",
        product: "Holiday Glow gift set",
        brief: "We are sending our limited Holiday Glow gift set to creators we love. No posting obligation; if you share it, \
we would love an unboxing or a gift-guide mention before December 15.",
        guidance: "If you post, tag @glowbotanics and disclose it was gifted (#gifted).",
        compensation: "Gifted product (retail $118)",
        deliverables: &["Optional: unboxing Story or TikTok"],
        rate_ceiling_cents: None,
        due_in_days: 20,
    },
    CampaignSeed {
        client: 1,
        name: "Summit Jacket Field Test",
        platform: "YouTube + Instagram",
        kind: "paid",
        product: "Summit 3L shell jacket",
        brief: "Take the Summit 3L shell on a real hike in bad weather and tell your audience what held up and what did not. \
We want honest field notes, not an ad read.",
        guidance: "Show the jacket in use outdoors; mention the lifetime repair program; disclose the partnership.",
        compensation: "$1,500–$3,000 + jacket",
        deliverables: &["1 YouTube integration (60–90 s)", "1 Instagram carousel", "Whitelisting for 60 days"],
        rate_ceiling_cents: Some(300_000),
        due_in_days: 25,
    },
    CampaignSeed {
        client: 1,
        name: "Trail Snacks Gifting",
        platform: "TikTok",
        kind: "gifting",
        product: "Trail Snacks sampler box",
        brief: "A sampler of our new trail snacks for your next hike. If you like them, a TikTok from the trail would be amazing.",
        guidance: "Tag @trailheadoutfitters; #gifted.",
        compensation: "Gifted sampler box",
        deliverables: &["Optional: 1 TikTok"],
        rate_ceiling_cents: None,
        due_in_days: 18,
    },
    CampaignSeed {
        client: 0,
        name: "Spring SPF Teaser",
        platform: "Instagram",
        kind: "paid",
        product: "Daily Veil SPF 50",
        brief: "Early access to Daily Veil SPF 50 before the spring launch. One Reel showing reapplication over makeup.",
        guidance: "No sun-protection claims beyond the label; #ad.",
        compensation: "$800 flat + product",
        deliverables: &["1 Reel", "2 Stories"],
        rate_ceiling_cents: Some(90_000),
        due_in_days: 40,
    },
];

/// The funnel conversation, one step per line: (from the creator?, variants). Variants use
/// {first}, {product}, {campaign}, {brand}, {me}, {rate}, {city}.
pub const HAPPY_PATH: &[(bool, &[&str])] = &[
    (false, &[
        "Hi {first}! I'm {me} from the {brand} team. We love your content and think you'd be a great fit for our {campaign} campaign featuring the {product}. Would you be open to hearing more?",
        "Hey {first} 👋 {me} here with {brand}. We're putting together {campaign} and your audience feels like a perfect match. Interested in the details?",
        "Hi {first}, hope your week is going well! {brand} is launching the {product} and we'd love to collaborate with you on {campaign}. Can I send over the brief?",
    ]),
    (true, &[
        "Hi {me}! Thanks for reaching out, this sounds fun. What would the deliverables look like?",
        "omg I literally use {brand} already 😍 yes please send details!",
        "Hey! Thanks for thinking of me. Can you share the brief and timeline?",
        "Hola {me}! Me interesa mucho, ¿me puedes mandar más detalles?",
    ]),
    (false, &[
        "Amazing! Here's the short version: {campaign} — {product}. The brief and deliverables are in your portal link. Our offer is {rate}. Does that work for you?",
        "So happy to hear that! I've attached the brief. We're offering {rate} for the package. Let me know your thoughts.",
    ]),
    (true, &[
        "Thanks! My usual rate for a Reel plus Stories is a bit higher, could you do {rate} plus the usage rights capped at 30 days?",
        "Looks great. Could we push the posting date by a week? I'm travelling until the 10th.",
        "Quick question before I confirm: do you need whitelisting, and if so for how long?",
    ]),
    (false, &[
        "We can make that work! Updated terms are in your portal. Let me know if everything looks right.",
        "Good news, the team approved it. I've updated the agreement with the new dates.",
    ]),
    (true, &[
        "Perfect, I'm in! 🎉",
        "Sounds good, let's do it.",
        "Deal! Excited to work together.",
    ]),
    (false, &[
        "Yay! Could you send me your shipping address and phone number so we can get the {product} out to you?",
        "Welcome aboard! What's the best shipping address for the package?",
    ]),
    (true, &[
        "Sure! {first} — 214 Alder St, Apt 3B, {city}. Phone is on my profile.",
        "Here you go: 88 Harbor View Rd, {city}. Please leave it with the concierge.",
        "Shipping address: 1200 Pine Ave, Unit 5, {city} 🙏",
    ]),
    (false, &[
        "Your package is on its way! Tracking: 1Z 84F 291 03 4482 7719. It should arrive in 3–4 days.",
        "Shipped today 📦 tracking number is in your portal. Let me know when it lands!",
    ]),
    (true, &[
        "It arrived! The packaging is gorgeous.",
        "Got it today, thank you!! Testing it this week.",
    ]),
    (true, &[
        "Here's my draft for review: https://drive.example.com/d/{first}-draft-v1 — let me know if you want any changes!",
        "Draft is uploaded in the portal. I kept the caption short, happy to tweak.",
    ]),
    (false, &[
        "This looks fantastic! Approved — please go ahead and post. Remember #ad in the first line.",
        "Love it. One small note: please mention the launch code in the first 5 seconds. Otherwise approved!",
    ]),
    (true, &[
        "It's live! https://instagram.example.com/p/{first}glow 💛",
        "Posted this morning, the comments are super positive so far.",
    ]),
    (false, &[
        "Thank you so much, {first}! Payment has been submitted and should arrive within 7 business days.",
        "It looks amazing. Invoice approved; payment goes out Friday.",
    ]),
    (true, &["Thanks {me}, loved working on this! Keep me in mind for the next one.", "Received, thank you!"]),
];

/// Questions creators ask later in a collaboration, left waiting for an answer.
pub const OPEN_QUESTIONS: &[&str] = &[
    "Hey, quick one — can I post on Friday instead of Thursday? Friday gets way better engagement for me.",
    "Hi! The package still hasn't arrived, could you check the tracking?",
    "Is it ok if I tag the product in a carousel instead of a Reel?",
    "When should I expect the payment? It's been two weeks since I posted.",
    "Can you resend the brief? The portal link expired on my phone.",
    "Do you need the raw footage too, or just the final edit?",
    "¿Puedo publicar el video en español? Mi audiencia es mayormente de México.",
    "I'd love to extend this into a second post — would the team be open to that?",
];

pub const DECLINES: &[(&str, &str)] = &[
    ("rate", "Thanks for thinking of me! Unfortunately the budget is below my minimum for video content right now."),
    ("timing", "I'd love to but my calendar is full until February. Maybe next season?"),
    ("brand_fit", "Appreciate it, but I'm keeping my feed focused on outdoor content this quarter."),
    ("exclusivity", "I have an exclusive skincare partnership through March, so I can't take this one. Sorry!"),
];

pub const FOLLOW_UP: &str = "Hi {first}, just bumping this in case it got buried — we'd still love to have you in {campaign}!";

pub const NOTES: &[&str] = &[
    "@Marco can you double-check the usage rights wording before we confirm?",
    "Creator prefers DMs over email. Audience is 70% US.",
    "Flagged: asked about payment timing twice. Finance says Friday.",
    "Great engagement on last collab (6.2% ER). Prioritise.",
];

pub const CITIES: &[&str] = &[
    "Austin, TX 78704",
    "Portland, OR 97214",
    "Brooklyn, NY 11211",
    "Denver, CO 80205",
    "Chicago, IL 60622",
];

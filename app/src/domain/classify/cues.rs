//! The classifier's cue tables: phrases (lowercase, accents folded) with the intent they signal
//! and how strongly. English and Spanish, with the opt-out's Portuguese and French forms.

use super::scan::Folded;
use super::Intent::{self, *};
use crate::model::DeclineReason;

pub struct Cue {
    pub intent: Intent,
    pub phrase: &'static str,
    /// 0–100: how sure this phrase alone makes us.
    pub weight: u8,
    pub whole_word: bool,
    /// Does not count after "not", "don't"… ("not interested" is no acceptance).
    pub negatable: bool,
    /// Counts only as the whole message ("STOP").
    pub alone: bool,
}

const fn c(intent: Intent, phrase: &'static str, weight: u8) -> Cue {
    Cue {
        intent,
        phrase,
        weight,
        whole_word: true,
        negatable: false,
        alone: false,
    }
}

/// A cue that a negation before it cancels.
const fn n(intent: Intent, phrase: &'static str, weight: u8) -> Cue {
    Cue {
        negatable: true,
        ..c(intent, phrase, weight)
    }
}

/// A cue that counts only as the whole message.
const fn a(intent: Intent, phrase: &'static str, weight: u8) -> Cue {
    Cue {
        alone: true,
        ..c(intent, phrase, weight)
    }
}

#[rustfmt::skip]
pub const CUES: &[Cue] = &[
    // Interested / accepted.
    n(Accepted, "i'm in", 85), n(Accepted, "im in", 80), n(Accepted, "count me in", 90),
    n(Accepted, "sounds great", 60), n(Accepted, "sounds good", 60), n(Accepted, "sounds amazing", 60),
    n(Accepted, "sounds fun", 60), n(Accepted, "i'd love to", 75), n(Accepted, "id love to", 75),
    n(Accepted, "would love to", 75), n(Accepted, "i would love", 70), n(Accepted, "love to join", 80),
    n(Accepted, "happy to", 60), n(Accepted, "let's do it", 85), n(Accepted, "lets do it", 85),
    n(Accepted, "let's do this", 85), n(Accepted, "yes please", 85), n(Accepted, "i accept", 90),
    n(Accepted, "accept the offer", 90), n(Accepted, "it's a deal", 85), n(Accepted, "we have a deal", 85),
    n(Accepted, "sign me up", 90), n(Accepted, "i'm interested", 80), n(Accepted, "im interested", 80),
    n(Accepted, "i am interested", 80), n(Accepted, "definitely interested", 85), n(Accepted, "so interested", 80),
    n(Accepted, "i'm down", 80), n(Accepted, "im down", 80), n(Accepted, "works for me", 70),
    n(Accepted, "i agree", 40), n(Accepted, "on board", 70), n(Accepted, "excited to", 60),
    n(Accepted, "ship it", 60), n(Accepted, "yes!", 70), n(Accepted, "yes", 40), n(Accepted, "absolutely", 60),
    n(Accepted, "i'd be thrilled", 80), n(Accepted, "love this", 55), n(Accepted, "love it", 40),
    n(Accepted, "me encantaria", 80), n(Accepted, "me apunto", 90), n(Accepted, "claro que si", 80),
    n(Accepted, "acepto", 85), n(Accepted, "con gusto", 70), n(Accepted, "me interesa", 80),
    n(Accepted, "cuenta conmigo", 90), n(Accepted, "trato hecho", 90), n(Accepted, "suena genial", 70),
    n(Accepted, "suena bien", 65), n(Accepted, "si!", 70),
    // Declined.
    c(Declined, "not interested", 90), c(Declined, "no thanks", 90), c(Declined, "no thank you", 90),
    c(Declined, "pass on this", 90), c(Declined, "i'll pass", 90), c(Declined, "ill pass", 85),
    c(Declined, "going to pass", 90), c(Declined, "gonna pass", 90), c(Declined, "have to pass", 90),
    c(Declined, "need to pass", 90), c(Declined, "not a fit", 85), c(Declined, "not a good fit", 90),
    c(Declined, "not the right fit", 90), c(Declined, "isn't a fit", 85), c(Declined, "isn't a good fit", 90),
    c(Declined, "decline", 85), c(Declined, "declining", 85), c(Declined, "can't take this on", 90),
    c(Declined, "cannot take this on", 90), c(Declined, "can't commit", 80), c(Declined, "not for me", 85),
    c(Declined, "won't be able to", 75), c(Declined, "not right now", 70), c(Declined, "maybe next time", 85),
    c(Declined, "sit this one out", 90), c(Declined, "turn this down", 85), c(Declined, "turn down", 80),
    c(Declined, "not going to work", 80), c(Declined, "doesn't work for me", 80),
    c(Declined, "no me interesa", 90), c(Declined, "no gracias", 90), c(Declined, "voy a pasar", 90),
    c(Declined, "no puedo", 45), c(Declined, "no es para mi", 85), c(Declined, "no encaja", 80),
    c(Declined, "paso", 60),
    // Rate / negotiation.
    c(Rate, "my rate", 85), c(Rate, "my rates", 85), c(Rate, "rate is", 75), c(Rate, "rate card", 85),
    c(Rate, "rates", 60), c(Rate, "rate for", 70), c(Rate, "i charge", 85), c(Rate, "my fee", 85),
    c(Rate, "fee", 55), c(Rate, "budget", 60), c(Rate, "compensation", 55), c(Rate, "per post", 75),
    c(Rate, "per video", 75), c(Rate, "per reel", 75), c(Rate, "media kit", 70), c(Rate, "counteroffer", 85),
    c(Rate, "counter offer", 85), c(Rate, "counter", 55), c(Rate, "negotiate", 80), c(Rate, "negotiable", 80),
    c(Rate, "flat fee", 85), c(Rate, "how much", 55), c(Rate, "paid collab", 70), c(Rate, "paid collaboration", 70),
    c(Rate, "mi tarifa", 90), c(Rate, "tarifa", 75), c(Rate, "cobro", 80), c(Rate, "presupuesto", 60),
    c(Rate, "what's the pay", 80), c(Rate, "the pay on", 75), c(Rate, "what does the comp", 80),
    c(Rate, "rate-wise", 85), c(Rate, "what you offered", 70), c(Rate, "budget is too low", 85),
    c(Rate, "could we do", 50), c(Rate, "what's the offer", 70),
    // A shipping address (the extractor adds the strong evidence).
    c(AddressProvided, "ship it to", 45), c(AddressProvided, "shipping address", 45),
    c(AddressProvided, "my address is", 45), c(AddressProvided, "mi direccion", 45),
    // Questions.
    c(Question, "quick question", 80), c(Question, "i was wondering", 70), c(Question, "wondering if", 65),
    c(Question, "can you clarify", 75), c(Question, "could you clarify", 75), c(Question, "una pregunta", 80),
    c(Question, "let me know if", 30),
    // Content handed in.
    c(ContentSubmitted, "here's the draft", 85), c(ContentSubmitted, "here is the draft", 85),
    c(ContentSubmitted, "draft is attached", 90), c(ContentSubmitted, "attached is", 70),
    c(ContentSubmitted, "i've attached", 80), c(ContentSubmitted, "ive attached", 80),
    c(ContentSubmitted, "attached the", 75), c(ContentSubmitted, "uploaded", 70),
    c(ContentSubmitted, "just posted", 85), c(ContentSubmitted, "it's live", 90), c(ContentSubmitted, "its live", 85),
    c(ContentSubmitted, "is live", 75), c(ContentSubmitted, "went live", 85), c(ContentSubmitted, "posted it", 80),
    c(ContentSubmitted, "post is up", 85), c(ContentSubmitted, "content is ready", 85),
    c(ContentSubmitted, "draft for review", 90), c(ContentSubmitted, "first draft attached", 85), c(ContentSubmitted, "draft attached", 85),
    c(ContentSubmitted, "final cut", 80), c(ContentSubmitted, "for your approval", 75),
    c(ContentSubmitted, "for approval", 70), c(ContentSubmitted, "wetransfer", 70),
    c(ContentSubmitted, "ya publique", 90), c(ContentSubmitted, "ya esta publicado", 90),
    c(ContentSubmitted, "te envio el video", 85), c(ContentSubmitted, "borrador", 75),
    // Usage rights.
    c(UsageRights, "usage rights", 95), c(UsageRights, "usage", 70), c(UsageRights, "whitelisting", 90),
    c(UsageRights, "whitelist", 90), c(UsageRights, "paid ads", 80), c(UsageRights, "paid media", 80),
    c(UsageRights, "ad rights", 90), c(UsageRights, "licensing", 85), c(UsageRights, "license", 75),
    c(UsageRights, "repurpose", 75), c(UsageRights, "spark ads", 90), c(UsageRights, "spark code", 85),
    c(UsageRights, "in perpetuity", 90), c(UsageRights, "perpetuity", 85), c(UsageRights, "perpetual", 80),
    c(UsageRights, "derechos de uso", 95), c(UsageRights, "organic use", 80), c(UsageRights, "raw footage", 60),
    c(UsageRights, "boost", 55),
    c(UsageRights, "paid ad", 80), c(UsageRights, "use the content", 75), c(UsageRights, "use my content", 75),
    c(UsageRights, "content will be used", 80), c(UsageRights, "repost", 60), c(UsageRights, "reposting", 60),
    c(UsageRights, "usar el contenido", 80), c(UsageRights, "usar mi contenido", 80),
    // Exclusivity.
    c(Exclusivity, "exclusivity", 95), c(Exclusivity, "exclusive", 80), c(Exclusivity, "competitor", 70),
    c(Exclusivity, "competitors", 70), c(Exclusivity, "competing brand", 85), c(Exclusivity, "non-compete", 90),
    c(Exclusivity, "exclusividad", 95),
    // Payment / invoice.
    c(Payment, "invoice", 90), c(Payment, "invoiced", 90), c(Payment, "payment", 80), c(Payment, "paypal", 85),
    c(Payment, "venmo", 85), c(Payment, "zelle", 85), c(Payment, "wire transfer", 85), c(Payment, "bank details", 85),
    c(Payment, "bank transfer", 85), c(Payment, "net 30", 85), c(Payment, "net-30", 85), c(Payment, "net 15", 85),
    c(Payment, "w-9", 90), c(Payment, "w9", 90), c(Payment, "get paid", 80), c(Payment, "been paid", 85),
    c(Payment, "paid yet", 90), c(Payment, "pay me", 80), c(Payment, "payout", 80), c(Payment, "upfront", 70),
    c(Payment, "up front", 70), c(Payment, "factura", 90), c(Payment, "pago", 85), c(Payment, "transferencia", 80),
    c(Payment, "payday", 80), c(Payment, "facturo", 85), c(Payment, "the transfer", 70),
    // Disclosure / compliance / claims / contracts.
    c(Legal, "#ad", 85), c(Legal, "#sponsored", 85), c(Legal, "disclosure", 85), c(Legal, "disclose", 85),
    c(Legal, "ftc", 90), c(Legal, "paid partnership", 80), c(Legal, "contract", 70), c(Legal, "lawyer", 90),
    c(Legal, "attorney", 90), c(Legal, "legal", 75), c(Legal, "nda", 85), c(Legal, "claims", 70),
    c(Legal, "cure", 80), c(Legal, "cures", 80), c(Legal, "clinically", 85), c(Legal, "fda", 90),
    c(Legal, "lose weight", 70), c(Legal, "weight loss", 70), c(Legal, "medical", 70), c(Legal, "guaranteed", 65),
    c(Legal, "contrato", 75), c(Legal, "abogado", 90),
    c(Legal, "owns the ip", 85), c(Legal, "safe for kids", 75), c(Legal, "safe during pregnancy", 80),
    // Complaints.
    c(Complaint, "disappointed", 85), c(Complaint, "unacceptable", 90), c(Complaint, "frustrated", 85),
    c(Complaint, "frustrating", 85), c(Complaint, "still haven't received", 80), c(Complaint, "never received", 80),
    c(Complaint, "never arrived", 80), c(Complaint, "arrived broken", 90), c(Complaint, "broken", 65),
    c(Complaint, "damaged", 80), c(Complaint, "wrong size", 70), c(Complaint, "wrong item", 75),
    c(Complaint, "rude", 80), c(Complaint, "terrible", 80), c(Complaint, "horrible", 80), c(Complaint, "complaint", 90),
    c(Complaint, "complain", 80), c(Complaint, "angry", 80), c(Complaint, "waste of time", 90),
    c(Complaint, "ridiculous", 85), c(Complaint, "not happy", 85), c(Complaint, "unhappy", 85), c(Complaint, "upset", 75),
    c(Complaint, "unprofessional", 90), c(Complaint, "ghosted", 80), c(Complaint, "molesta", 80),
    c(Complaint, "decepcionada", 90), c(Complaint, "decepcionado", 90), c(Complaint, "inaceptable", 90),
    c(Complaint, "llego roto", 90), c(Complaint, "llego danado", 90),
    c(Complaint, "annoying", 75), c(Complaint, "spam", 70), c(Complaint, "without tagging", 80),
    c(Complaint, "without credit", 85), c(Complaint, "never came", 75), c(Complaint, "stolen", 70),
    // Out of office / automatic replies.
    c(AutoReply, "out of office", 95), c(AutoReply, "out of the office", 95), c(AutoReply, "ooo", 80),
    c(AutoReply, "auto-reply", 95), c(AutoReply, "autoreply", 95), c(AutoReply, "automatic reply", 95),
    c(AutoReply, "auto reply", 95), c(AutoReply, "away until", 70), c(AutoReply, "on vacation until", 80),
    c(AutoReply, "on leave until", 85), c(AutoReply, "limited access to email", 90),
    c(AutoReply, "will respond when i return", 90), c(AutoReply, "upon my return", 85),
    c(AutoReply, "this is an automated", 95), c(AutoReply, "fuera de la oficina", 95),
    c(AutoReply, "respuesta automatica", 95), c(AutoReply, "de vacaciones hasta", 90),
    // Sensitive topics in Spanish, Portuguese and French, the way creators ask about them.
    c(Rate, "tarifas", 75), c(Rate, "tarif", 80), c(Rate, "tarifs", 80), c(Rate, "mon tarif", 90),
    c(Rate, "remunere", 80), c(Rate, "remuneration", 80), c(Rate, "remuneracion", 80),
    c(Rate, "remuneracao", 80), c(Rate, "cache", 60), c(Rate, "meu cache", 90), c(Rate, "orcamento", 65),
    c(Rate, "cuanto pagan", 85), c(Rate, "cuanto pagas", 85), c(Rate, "quanto pagam", 85),
    c(Rate, "quanto voces pagam", 85), c(Rate, "combien vous payez", 85), c(Rate, "c'est paye combien", 85),
    c(Rate, "instead of", 45), c(Rate, "en vez de", 45), c(Rate, "en lugar de", 45), c(Rate, "em vez de", 45),
    c(Rate, "au lieu de", 45),
    c(Payment, "pagamento", 85), c(Payment, "paiement", 85), c(Payment, "payez", 70), c(Payment, "virement", 80),
    c(Payment, "facture", 90), c(Payment, "nota fiscal", 90), c(Payment, "pix", 80), c(Payment, "boleto", 80),
    c(Payment, "se paga", 75), c(Payment, "me pagan", 80), c(Payment, "me pagam", 80), c(Payment, "pagan", 55),
    c(Payment, "a 30 dias", 80), c(Payment, "a 30 jours", 80), c(Payment, "datos bancarios", 85),
    c(Payment, "dados bancarios", 85), c(Payment, "coordonnees bancaires", 85), c(Payment, "rib", 75),
    c(UsageRights, "direitos de uso", 95), c(UsageRights, "droits d'utilisation", 95), c(UsageRights, "droits d'usage", 95),
    c(UsageRights, "derechos de imagen", 90), c(UsageRights, "direitos de imagem", 90), c(UsageRights, "droit a l'image", 90),
    c(UsageRights, "pautar", 85), c(UsageRights, "pauta", 75), c(UsageRights, "anuncios", 70), c(UsageRights, "anuncio", 65),
    c(UsageRights, "publicite", 65), c(UsageRights, "publicites", 65), c(UsageRights, "sponsoriser", 75),
    c(UsageRights, "impulsionar", 80), c(UsageRights, "billboard", 80), c(UsageRights, "use the footage", 80),
    c(UsageRights, "use the photos", 75), c(UsageRights, "use my photos", 75), c(UsageRights, "my likeness", 80),
    c(UsageRights, "usar las fotos", 75), c(UsageRights, "usar mis fotos", 75), c(UsageRights, "usar as fotos", 75),
    c(UsageRights, "utiliser les photos", 75), c(UsageRights, "utiliser mes", 70),
    c(UsageRights, "uso organico", 85), c(UsageRights, "usage organique", 85),
    c(Exclusivity, "exclusividade", 95), c(Exclusivity, "exclusivite", 95), c(Exclusivity, "exclusiva", 75),
    c(Exclusivity, "competencia", 75), c(Exclusivity, "competidor", 75), c(Exclusivity, "competidores", 75),
    c(Exclusivity, "concorrente", 80), c(Exclusivity, "concorrentes", 80), c(Exclusivity, "concurrent", 75),
    c(Exclusivity, "concurrents", 75), c(Exclusivity, "concurrente", 80), c(Exclusivity, "concurrentes", 80),
    c(Exclusivity, "other brands", 60), c(Exclusivity, "otras marcas", 65), c(Exclusivity, "outras marcas", 65),
    c(Exclusivity, "autres marques", 65), c(Exclusivity, "another brand", 60), c(Exclusivity, "otra marca", 65),
    c(Exclusivity, "outra marca", 65), c(Exclusivity, "autre marque", 65), c(Exclusivity, "working with other", 60),
    c(Exclusivity, "locked out", 60),
    c(Legal, "marcar como publicidade", 85), c(Legal, "marcarlo como", 70), c(Legal, "mention partenariat", 85),
    c(Legal, "colaboracion pagada", 85), c(Legal, "collaboration commerciale", 85), c(Legal, "publi", 60),
    c(Legal, "#publi", 85), c(Legal, "#publicidad", 85), c(Legal, "#publicidade", 85),
    c(Legal, "contrat", 75), c(Legal, "avocat", 90), c(Legal, "advogado", 90), c(Legal, "claim", 60),
    c(Legal, "the terms", 65), c(Legal, "terms and conditions", 75), c(Legal, "terminos", 60), c(Legal, "termos", 55), c(Legal, "clausula", 75),
    c(Legal, "clause", 75), c(Legal, "dermatologist", 70), c(Legal, "dermatologues", 70), c(Legal, "dermatologos", 70),
    c(Complaint, "reclamacion", 85), c(Complaint, "reclamacao", 85), c(Complaint, "reclamation", 80),
    c(Complaint, "decue", 85), c(Complaint, "decepcionante", 85), c(Complaint, "pas recu", 70),
    c(Complaint, "no me llego", 75), c(Complaint, "nao chegou", 75), c(Complaint, "nunca llego", 80),
    // Opt-out.
    a(OptOut, "stop", 95), a(OptOut, "stopall", 95), a(OptOut, "unsubscribe", 95), a(OptOut, "cancel", 85),
    a(OptOut, "quit", 85), a(OptOut, "end", 80), a(OptOut, "baja", 90),
    c(OptOut, "unsubscribe me", 95), c(OptOut, "remove me", 90), c(OptOut, "take me off", 90),
    c(OptOut, "don't contact me", 95), c(OptOut, "do not contact", 95), c(OptOut, "stop messaging", 95),
    c(OptOut, "stop texting", 95), c(OptOut, "stop emailing", 95), c(OptOut, "stop contacting", 95),
    c(OptOut, "no more messages", 90), c(OptOut, "leave me alone", 90), c(OptOut, "opt out", 90),
    c(OptOut, "opt-out", 90), c(OptOut, "darme de baja", 95), c(OptOut, "no me escriban", 90),
    c(OptOut, "dejen de escribirme", 95), c(OptOut, "no me contacten", 95), c(OptOut, "no me contactes", 95),
    c(OptOut, "no me manden mas", 90), c(OptOut, "no quiero recibir mas", 90), c(OptOut, "borrenme", 90),
    c(OptOut, "eliminen mi numero", 90), c(OptOut, "eliminen mi correo", 90), c(OptOut, "sacarme de la lista", 90),
    c(OptOut, "remove my number", 90), c(OptOut, "remove my email", 90), c(OptOut, "delete my contact", 85),
    c(OptOut, "off your mailing list", 95), c(OptOut, "off your list", 90), c(OptOut, "don't reach out again", 90),
    c(OptOut, "don't contact me again", 95), c(OptOut, "don't text me", 90), c(OptOut, "don't email me", 90),
    c(OptOut, "stop sending me", 90), c(OptOut, "don't want to receive any more", 90),
    c(OptOut, "don't want to get any more", 85),
    // Portuguese and French forms seen in the corpus.
    c(OptOut, "me tirem da lista", 90), c(OptOut, "nao quero mais receber", 90), c(OptOut, "parem de me mandar", 90),
    c(OptOut, "ne me contactez plus", 95), c(OptOut, "ne plus m'ecrire", 90), c(OptOut, "ne plus me contacter", 90),
    c(OptOut, "desinscrivez-moi", 95), c(OptOut, "desabonnement", 90), c(OptOut, "retirez-moi de votre liste", 95),
];

/// A link to content handed in: a post, a video, a shared file.
pub fn is_content_link(link: &str) -> bool {
    let l = link.to_ascii_lowercase();
    [
        "instagram.com/p/",
        "instagram.com/reel",
        "tiktok.com/",
        "youtube.com/",
        "youtu.be/",
        "drive.google.com/",
        "dropbox.com/",
        "wetransfer.com/",
        "we.tl/",
        "vimeo.com/",
        "frame.io/",
        "loom.com/",
        "box.com/",
    ]
    .iter()
    .any(|p| l.contains(p))
}

/// Why a creator declined, from the words around the decline.
pub fn decline_reason(text: &Folded) -> DeclineReason {
    let any = |words: &[&str]| words.iter().any(|w| !text.find_all(w, true).is_empty());
    if any(&[
        "exclusive",
        "exclusivity",
        "competitor",
        "competing",
        "another brand",
        "exclusividad",
    ]) {
        DeclineReason::Exclusivity
    } else if any(&[
        "budget",
        "rate",
        "rates",
        "pay",
        "too low",
        "compensation",
        "money",
        "paid",
        "gifted",
        "free",
        "presupuesto",
        "tarifa",
    ]) {
        DeclineReason::Rate
    } else if any(&[
        "busy",
        "schedule",
        "booked",
        "timing",
        "time",
        "this month",
        "traveling",
        "travelling",
        "bandwidth",
        "capacity",
        "ocupada",
        "ocupado",
        "tiempo",
    ]) {
        DeclineReason::Timing
    } else if any(&[
        "fit", "align", "aligned", "audience", "my style", "brand", "values", "niche", "encaja",
    ]) {
        DeclineReason::BrandFit
    } else {
        DeclineReason::Other
    }
}

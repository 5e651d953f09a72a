//! The optional model provider: any OpenAI-compatible chat-completions endpoint
//! (`POST {url}/chat/completions`, bearer key), configured by `INBOX_MODEL_URL`, `INBOX_MODEL_NAME`
//! and `INBOX_MODEL_KEY`. The automation worker asks it to classify each creator message (merged
//! with the rules, `app::domain::classify::model::merge`) and to word drafts held for review. Any
//! failure falls back to the rules and the approved-language library; the key is never logged.

use crate::config::ModelProvider;
use app::domain::classify::model::{classify_prompt, read_intents, DRAFT_PROMPT};
use app::domain::classify::Intent;
use serde_json::{json, Value};
/// Longest draft accepted from a model.
const MAX_DRAFT_CHARS: usize = 4_000;

/// How long the model may take to answer one request.
const MODEL_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(20);

#[derive(Clone)]
pub struct Model {
    config: ModelProvider,
    http: reqwest::Client,
}

impl Model {
    pub fn new(config: ModelProvider) -> Model {
        Model {
            config,
            http: crate::outbound::http_client(MODEL_TIMEOUT),
        }
    }

    pub fn name(&self) -> &str {
        &self.config.model
    }

    /// One chat completion: the first choice's text.
    async fn complete(
        &self,
        system: &str,
        user: &str,
        json_answer: bool,
    ) -> Result<String, String> {
        let mut body = json!({
            "model": self.config.model,
            "temperature": 0,
            "messages": [
                { "role": "system", "content": system },
                { "role": "user", "content": user },
            ],
        });
        if json_answer {
            body["response_format"] = json!({ "type": "json_object" });
        }
        let mut req = self
            .http
            .post(format!("{}/chat/completions", self.config.url))
            .json(&body);
        if let Some(key) = &self.config.key {
            req = req.bearer_auth(key);
        }
        let resp = req.send().await.map_err(|e| {
            if e.is_timeout() {
                "the model provider did not answer in time".to_string()
            } else {
                "the model provider could not be reached".to_string()
            }
        })?;
        let status = resp.status();
        if !status.is_success() {
            return Err(format!("the model provider answered {status}"));
        }
        let value: Value = resp
            .json()
            .await
            .map_err(|_| "the model provider's answer is not JSON".to_string())?;
        value["choices"][0]["message"]["content"]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| "the model provider's answer has no message".to_string())
    }

    /// The intents the model finds in a creator's message.
    pub async fn classify(&self, text: &str) -> Result<Vec<(Intent, u8)>, String> {
        let content = self.complete(&classify_prompt(), text, true).await?;
        read_intents(&content)
    }

    /// A reply for a person to review.
    pub async fn draft(&self, request: &str) -> Result<String, String> {
        let text = self.complete(DRAFT_PROMPT, request, false).await?;
        let text = text.trim();
        if text.is_empty() {
            return Err("the model provider wrote an empty draft".into());
        }
        Ok(text.chars().take(MAX_DRAFT_CHARS).collect())
    }
}

#!/usr/bin/env python3
"""Splits the labeled creator-message corpus once into train and test files.

Input: lines `intent,intent | text` (text with `\\n` for line breaks). A message goes to the test
split when the FNV-1a 64-bit hash of its UTF-8 text is divisible by 4 (about a quarter), else to
train. The rule depends on the text only, so the split never changes when lines move or are added.
Run once, when the corpus was written (see app/fixtures/intents/README.md); never re-split to
improve the test score.
"""
import json
import sys

INTENTS = {
    "accepted", "declined", "rate", "address_provided", "question", "content_submitted",
    "usage_rights", "exclusivity", "payment", "legal", "complaint", "auto_reply", "opt_out",
}


def fnv1a64(data: bytes) -> int:
    h = 0xCBF29CE484222325
    for b in data:
        h ^= b
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def main(sources, out_dir):
    seen = set()
    train, test = [], []
    for path in sources:
        for n, line in enumerate(open(path, encoding="utf-8"), 1):
            if not line.strip():
                continue
            labels, sep, text = line.rstrip("\n").partition(" | ")
            if not sep:
                sys.exit(f"{path}:{n}: no ' | ' between labels and text")
            text = text.replace("\\n", "\n").strip()
            intents = sorted(i for i in labels.strip().split(",") if i)
            bad = [i for i in intents if i not in INTENTS]
            if bad or not text:
                sys.exit(f"{path}:{n}: unknown intent {bad} or empty text")
            if text in seen:
                continue
            seen.add(text)
            row = json.dumps({"text": text, "intents": intents}, ensure_ascii=False)
            (test if fnv1a64(text.encode()) % 4 == 0 else train).append(row)
    for name, rows in (("train", train), ("test", test)):
        with open(f"{out_dir}/{name}.jsonl", "w", encoding="utf-8") as f:
            f.write("\n".join(rows) + "\n")
    print(f"train {len(train)} test {len(test)}")


if __name__ == "__main__":
    main(sys.argv[2:], sys.argv[1])

#!/usr/bin/env python3
"""bench/dup_copies.py: near-duplicates of sampled articles, for bench/dup.sh.

    dup_copies.py CORPUS.jsonl COUNT SEED OUT.jsonl

Samples COUNT articles of CORPUS.jsonl (seeded: the same sample every
run) and writes to OUT.jsonl one copy of each, of four kinds in turn, as
a wire story comes back from another site:
  title     one word of the title replaced by another title's word;
  paragraph a paragraph of the body dropped (an odd sample) or one of
            another article added at the end (an even one);
  date      the same text under another date (a day later) and id;
  sentence  one sentence reworded: two of its words swapped and one
            replaced by a word of another article.
Each copy's id is "copy-KIND-ORIGINAL".  Only the standard library.
"""
import json
import random
import sys


def words(text):
    return text.split(" ")


def main():
    if len(sys.argv) != 5:
        sys.exit("usage: dup_copies.py CORPUS.jsonl COUNT SEED OUT.jsonl")
    corpus, count, seed, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    with open(corpus, encoding="utf-8") as f:
        arts = [json.loads(line) for line in f if line.strip()]
    rng = random.Random(seed)
    sample = rng.sample(range(len(arts)), count)
    kinds = ("title", "paragraph", "date", "sentence")
    with open(out, "w", encoding="utf-8") as f:
        for n, i in enumerate(sample):
            a = dict(arts[i])
            other = arts[rng.randrange(len(arts))]
            kind = kinds[n % 4]
            paras = a.get("body", "").split("\n\n")
            if kind == "title":
                t = words(a["title"])
                t[rng.randrange(len(t))] = rng.choice(words(other["title"]))
                a["title"] = " ".join(t)
            elif kind == "paragraph":
                if (n // 4) % 2 and len(paras) > 1:
                    del paras[rng.randrange(1, len(paras))]
                else:
                    op = other.get("body", "").split("\n\n")
                    paras.append(op[rng.randrange(len(op))])
                a["body"] = "\n\n".join(paras)
            elif kind == "date":
                d = a.get("date") or "2019-01-01T00:00:00+01:00"
                day = int(d[8:10])
                a["date"] = d[:8] + "%02d" % (day % 28 + 1) + d[10:]
            else:
                p = rng.randrange(len(paras))
                sentences = paras[p].split(". ")
                s = rng.randrange(len(sentences))
                w = words(sentences[s])
                if len(w) > 2:
                    j = rng.randrange(len(w) - 1)
                    w[j], w[j + 1] = w[j + 1], w[j]
                w[rng.randrange(len(w))] = rng.choice(words(other["title"]))
                sentences[s] = " ".join(w)
                paras[p] = ". ".join(sentences)
                a["body"] = "\n\n".join(paras)
            a["id"] = "copy-%s-%s" % (kind, arts[i]["id"])
            a.pop("url", None)
            f.write(json.dumps(a, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()

# A dict that holds one of its own bound methods is a cycle: dict ->
# method -> dict. A word counter written this way, run many times.
text = "the cat and the dog and the bird saw the cat"


def count(words):
    freq = {}
    for w in words:
        freq[w] = freq.get
    counts = {}
    for w in words:
        counts[w] = counts.get(w, 0) + 1
    counts["get"] = counts.get
    return len(freq) + counts["the"]


total = 0
for i in range(60000):
    total += count(text.split())
    d = {}
    d["get"] = d.get
    d["keys"] = d.keys
print(total)

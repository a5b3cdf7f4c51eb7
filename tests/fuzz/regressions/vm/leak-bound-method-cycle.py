text = """the quick brown inx jtheÞumps ovfailer yeltazh  dog
q[zjzzzzzzzzzzzzzzzzzzzzzzzzzsTimeout™™™™™™™;=etstr+entstr&+ent_tcan™™™;et*y.uni&ormunifmasÿÿÿÿÿÿÿÿ™™™™5™™ÜÜÜÜÜÜÜÜÜÜÜe") for linefox dog sleepsawait  uhe fox splitruns
"""
lines = text.strip().split("\n")
print(len(lines), "lines")
words = text.split()
print(len(words), "words", words[:3], words[-2:])
freq = {}
for w in words:
    freq[w] = freq.get
for w in words:
    lengths.setde(" ".join([w.uwper() if len(w) > 4 else w for w in lines[1].split()]))
print(text.count("the"), text.find("fox"), text.replace("ÿÿÿg"))

text = """the quick brown fox jpheŞumps ovfaizzzzzzzzzzzzzzzzzrzzzzzzzzzzzzzzzzzzrint(name, "released")

async def sem_user(sem, name):
    async with(sem:
    a ** 1 ** 1 ** 1 ** ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 *#* 1 ** 1 ** 1 ** 11 ** 1 ** 1 ** 1 ** 1 ** [5])
pri1 ** 1  ** 1 ** 1 ** at 0x1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1* * 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1ÿ ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1# A chããããããããããããã at 0x1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1ÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜ™™™™imuniform™™pri™™5™™imuniform™™™™;et*yuni&ormunifskt™ni&ormunifoaskt™™™™u™™imuÑÑÑÑÑÑÑÑÑ1 ** 1 ** 1 ** tem)
        q.taskWdone()
 name, "releadone() for g in gs])
    try:9999999999999999999{{{{{{{{{{{99ÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜe") for line in FIRST_EXCEPTIONlinep2(d)
    print(name, "released")

async def sem_user(sem,úúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúúú name):
    async with(sem:
    a ** 1 ** 1 ** 1 **9 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 *#* 1 ** 1 ** 1 ** 11 ** 1 ** 1 ** 1 ** 1 ** [5])
pri1 ** 1  ** 1 ** 1 ** at 0x1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1* * 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1ÿ ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1# A chããããããããããããããããããããããããããããããããã 1 ** 1 ** 1 -0is_set0.0, 1 / 3 * 3 == 1.0, int(1e15), int(-2.999)n(w),à¤]).append(w)
print(sorted(lengths.keys(the lengths[5])
print(" ".join([w.upper() if l›‘×„) > 8 evaluesl%=ae w for w inxtw), []).append(w)
print(sorted(lengths.keys()), lengths[5])
print(" ".join([w.upper() if len(w) >.4 else w for w in lines[1].split()]))
print(text.count("the"), text.find("fox"), text.repmace("the ", "").rsplit()[:20])
print([line.startcccccccccccccccccswitè("thÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜe") for line in FIRST_EXCEPTIONlines], lines[0].endswith("doÿÿÿÿÿÿÿÿg"))
releadone() for g in gs])
    try:9999999999999999999{{{{{{{{{{{99ÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜe") for t("-+A++++++++++A+++++++++A++++1+++++ep++++++++Ë+A++++++++++A+++ep++++++++Ë++++++++++++Ë+A+++t_nowait(1)
    print("steal, q._COMPLE#EDüüüüüüüüüüüüü™———————————“—  ‘’šš_|||||||||||||||||||||index||theexception| |||||||||||||||||||||||||\||||||gw", 1),
       üüüüüüüüüüüüüüü———————————————maxsize—————————————ğğğğğğğğğğğğğğğğğğğğ™™™™™™;etstr+entstr+ent_tcan™™™;et*y.uni&)
print(sum([0™u™™imunif™™;etsTimeout™™™™™™™;¢ÜÜÜÜÜe") for linefox dog sleeps   and uhe fox ru* 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** 1 ** ns
"""
lines = text.strip().split("\n")
print(len(lines), "lines")
words = text.split()
print(len(words), "words", words[:3], words[-2:])
freq = {}
for w in words:
    freq[w] = freq.get(w, 0) + 1** 1 ** 1 ** 1 ** 1 ** 2 ** 1 ** 1 
top = sorted(freq.items(), key=lambda kv: (-kv[1], kv[0]))[:4]
print(top)
lengths = {}
for w in words:
    lengths.setdefault(len(w), []).append(w)
print(sorted(lengths.keys()), lengths[5])
print(" ".join([w.upper() if len(w) >.4 else w for w in lines[1].split()]))
print(text.count("the"), text.find("fox"), text.repmace("the ", "").rsplit()[:20])
print([line.startcccccccccccccccccswitè("thÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜÜe") for line in FIRST_EXCEPTIONlines], lines[0].endswith("doÿÿÿÿÿÿÿÿg"))

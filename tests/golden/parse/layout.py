# comments and blank lines everywhere
if True:   # trailing


    x = [1,
  2,   # inside brackets
         3]
    y = 1 + \
        2
	# a tab-indented comment line is fine
    def f(): return 1
    if x: pass; pass
z = {
    'a': 1,
}
if x:
	pass
	if y:
		pass
while False: x = 1

# fuzz_vm (UBSan, 13f922f): f(*[]) moved an empty list's NULL items array
# into a tuple with memcpy (vm.c OP_LIST_TO_TUPLE, since 7810ecd).
def f(*a):
    return len(a)
print(f(*[x for x in []]))
print(*[])

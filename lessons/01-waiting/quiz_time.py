import time

def task(name, seconds):
    time.sleep(seconds)
    print(name, "done")

start = time.perf_counter()
task("a", 1.5)
task("b", 0.5)
task("c", 1)
print(f"{time.perf_counter() - start:.1f}")

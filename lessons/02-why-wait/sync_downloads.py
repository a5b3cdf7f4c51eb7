import time

def download(name, seconds):
    print(f"{time.perf_counter():.1f}s  asking for {name}")
    time.sleep(seconds)              # waiting for the network
    size = len(name) * 1000          # a tiny bit of real work
    print(f"{time.perf_counter():.1f}s  got {name} ({size} bytes)")

download("cat.png", 1.0)
download("dog.png", 2.0)
download("owl.png", 1.5)
print(f"total: {time.perf_counter():.1f}s")

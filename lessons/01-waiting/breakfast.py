import time

def make_coffee():
    print("coffee: start")
    time.sleep(2)
    print("coffee: ready")

def toast_bread():
    print("toast: start")
    time.sleep(1)
    print("toast: ready")

def boil_egg():
    print("egg: start")
    time.sleep(3)
    print("egg: ready")

start = time.perf_counter()
make_coffee()
toast_bread()
boil_egg()
print(f"breakfast took {time.perf_counter() - start:.1f} seconds")

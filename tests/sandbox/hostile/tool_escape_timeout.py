# ruff: noqa  (hostile input run as a tool call, not project code)
import signal, time
signal.signal(signal.SIGALRM, signal.SIG_IGN)
while True:
    time.sleep(0.1)

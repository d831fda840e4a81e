# ruff: noqa  (hostile input run as a tool call, not project code)
for p in ("/etc/evil", "/opt/evalkit/evil", "/usr/evil", "/evil"):
    try:
        open(p, "w").write("x")
        print("WROTE", p)
    except OSError as e:
        print("denied", p, type(e).__name__)

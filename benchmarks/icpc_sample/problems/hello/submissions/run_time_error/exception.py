print("Hello World!")
raise SystemExit("oops")

print("Hello World! again")

print("Hello World!"

# ruff: noqa  (hostile input run as a tool call, not project code)
import socket
socket.create_connection(("1.1.1.1", 53), timeout=2)

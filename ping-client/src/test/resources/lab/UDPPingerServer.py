# UDPPingerServer.py
# The lab's given server, adapted for tests only where the brief allows:
# Python 3 runs it unchanged on bytes; the port (default 12000) and the random seed come from the command line,
# it binds loopback only (tests stay on 127.0.0.1) and prints the port it bound so a test can use port 0. Usage: python3 UDPPingerServer.py [PORT [SEED]]
# We will need the following module to generate randomized lost packets
import random
import sys
from socket import *
port = int(sys.argv[1]) if len(sys.argv) > 1 else 12000
if len(sys.argv) > 2:
    random.seed(int(sys.argv[2]))
# Create a UDP socket
# Notice the use of SOCK_DGRAM for UDP packets
serverSocket = socket(AF_INET, SOCK_DGRAM)
# Assign IP address and port number to socket
serverSocket.bind(('127.0.0.1', port))
print('ready', serverSocket.getsockname()[1], flush=True)
while True:
    # Generate random number in the range of 0 to 10
    rand = random.randint(0, 10)
    # Receive the client packet along with the address it is coming from
    message, address = serverSocket.recvfrom(1024)
    # Capitalize the message from the client
    message = message.upper()
    # If rand is less is than 4, we consider the packet lost and do not respond
    if rand < 4:
        continue
    # Otherwise, the server responds
    serverSocket.sendto(message, address)

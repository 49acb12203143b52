"""A Python ssl client for the server-side TLS tests (issue 25).

python3 tls_cert_client.py PORT VERSION CAFILE [CERT KEY]

VERSION is 1.2 or 1.3. Verifies the server against CAFILE (no host name check: the
tests connect to 127.0.0.1), presents CERT/KEY when given (load_cert_chain), and prints
one line: 'handshake-failed <reason>' when the handshake fails, else the server
certificate's serial in hex, then 'received <data>' or 'refused <reason>' (an alert or a
close after the handshake: TLS 1.3 refuses a client certificate after the client's
handshake has finished).
"""
import socket
import ssl
import sys

port, version, cafile = int(sys.argv[1]), sys.argv[2], sys.argv[3]
context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
context.check_hostname = False
context.load_verify_locations(cafile)
tls_version = ssl.TLSVersion.TLSv1_3 if version == "1.3" else ssl.TLSVersion.TLSv1_2
context.minimum_version = context.maximum_version = tls_version
if len(sys.argv) > 5:
    context.load_cert_chain(sys.argv[4], sys.argv[5])

raw = socket.create_connection(("127.0.0.1", port), timeout=10)
try:
    conn = context.wrap_socket(raw, server_hostname="localhost")
except (ssl.SSLError, OSError) as error:
    print(f"handshake-failed {error}")
    sys.exit(0)
serial = conn.getpeercert()["serialNumber"]
try:
    data = conn.recv(100)
    print(f"{serial} received {data.decode().strip()}" if data else f"{serial} refused closed")
except (ssl.SSLError, OSError) as error:
    print(f"{serial} refused {error}")

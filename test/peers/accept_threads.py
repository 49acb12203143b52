"""The accept loop the test peers share: each connection served on a thread of its own,
until the test closes our stdin (or dies), so that no peer outlives its test."""
import sys
import threading


def serve_until_stdin_closes(server, serve, accept=True):
    """Prints the listening port, then calls serve(conn) on a thread per connection.
    accept=False listens without ever accepting (a peer whose backlog fills up)."""
    print(server.getsockname()[1], flush=True)

    def accept_loop():
        while True:
            conn, _ = server.accept()
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    if accept:
        threading.Thread(target=accept_loop, daemon=True).start()
    sys.stdin.read()

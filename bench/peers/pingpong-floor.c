/*
 * The floor of the ping-pong figure: a C client that busy-polls (recv with MSG_DONTWAIT
 * in a loop, as our direct path spins on EAGAIN), against the same echo server. What is
 * left of a round trip here is the kernel's loopback and the echo server's own turnaround:
 * no client can be much faster against that server.
 *   cc -O2 -o pingpong-floor pingpong-floor.c && ./pingpong-floor PORT ROUND_TRIPS
 * Prints microseconds per round trip (the second of two passes: the first warms up).
 */
#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 3) return 1;
  int port = atoi(argv[1]), trips = atoi(argv[2]), one = 1;
  int s = socket(AF_INET, SOCK_STREAM, 0);
  setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  struct sockaddr_in to = {0};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(s, (struct sockaddr *)&to, sizeof to) != 0) return perror("connect"), 1;
  char buffer[64];
  memset(buffer, 42, sizeof buffer);
  struct timespec start, end;
  for (int pass = 0; pass < 2; pass++) {
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (int i = 0; i < trips; i++) {
      if (send(s, buffer, sizeof buffer, 0) != sizeof buffer) return 2;
      for (int got = 0; got < (int)sizeof buffer;) {
        int n = recv(s, buffer + got, sizeof buffer - got, MSG_DONTWAIT);
        if (n == 0) return 3;
        if (n > 0) got += n;
      }
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
  }
  printf("%.2f\n", ((end.tv_sec - start.tv_sec) * 1e9 + (end.tv_nsec - start.tv_nsec)) / 1e3 / trips);
  return 0;
}

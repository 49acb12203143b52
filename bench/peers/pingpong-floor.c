/*
 * The floor of the ping-pong figure: a C client that busy-polls (recv with MSG_DONTWAIT
 * in a loop, as our direct path spins on EAGAIN), against the same echo server. What is
 * left of a round trip here is the kernel's loopback and the echo server's own turnaround:
 * no client can be much faster against that server.
 *   cc -O2 -o pingpong-floor pingpong-floor.c && ./pingpong-floor PORT ROUND_TRIPS [WARM_UP]
 * Prints the mean, median and 99th percentile (nearest rank) round trip in microseconds,
 * of ROUND_TRIPS timed after WARM_UP not counted (default: as many as ROUND_TRIPS).
 */
#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double elapsed_us(struct timespec *a, struct timespec *b) {
  return ((b->tv_sec - a->tv_sec) * 1e9 + (b->tv_nsec - a->tv_nsec)) / 1e3;
}

static int ascending(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  if (argc < 3) return 1;
  int port = atoi(argv[1]), trips = atoi(argv[2]), one = 1;
  int warm_up = argc > 3 ? atoi(argv[3]) : trips;
  if (trips < 1 || warm_up < 0) return 1;
  double *samples = malloc(sizeof(double) * trips);
  if (samples == NULL) return 1;
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
  double sum = 0;
  for (int i = -warm_up; i < trips; i++) {
    clock_gettime(CLOCK_MONOTONIC, &start);
    if (send(s, buffer, sizeof buffer, 0) != sizeof buffer) return 2;
    for (int got = 0; got < (int)sizeof buffer;) {
      int n = recv(s, buffer + got, sizeof buffer - got, MSG_DONTWAIT);
      if (n == 0) return 3;
      if (n > 0) got += n;
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    if (i >= 0) sum += samples[i] = elapsed_us(&start, &end);
  }
  qsort(samples, trips, sizeof(double), ascending);
  double p50 = trips % 2 ? samples[trips / 2] : (samples[trips / 2 - 1] + samples[trips / 2]) / 2;
  int rank = (int)(((long)trips * 99 + 99) / 100) - 1; /* ceil(0.99 trips) - 1 */
  printf("%.2f %.2f %.2f\n", sum / trips, p50, samples[rank < trips ? rank : trips - 1]);
  return 0;
}

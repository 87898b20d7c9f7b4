// Scheduling-stall logger (bench helper, outside CI): one SCHED_FIFO thread per CPU wakes every
// 1 ms on an absolute CLOCK_MONOTONIC deadline and prints every wake-up that came more than
// THRESH_US late as "cpu monotonic_seconds latency_ms" (the clock the sniffer and the engine's
// logs are converted to), so stalls can be lined up with advert gaps and takeovers. cyclictest
// gives the same latency without timestamps.
//   stall_log SECONDS [PRIO=10] [THRESH_US=2000]   (root)
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static double seconds;
static long thresh_ns;
static int prio;

static long diff_ns(struct timespec a, struct timespec b) {
  return (a.tv_sec - b.tv_sec) * 1000000000L + (a.tv_nsec - b.tv_nsec);
}
static void add_ns(struct timespec* t, long ns) {
  t->tv_nsec += ns;
  while (t->tv_nsec >= 1000000000L) {
    t->tv_nsec -= 1000000000L;
    t->tv_sec++;
  }
}

static void* run(void* arg) {
  const int cpu = (int)(long)arg;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
  struct sched_param sp = {.sched_priority = prio};
  pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp);
  struct timespec next, now, end;
  clock_gettime(CLOCK_MONOTONIC, &next);
  end = next;
  add_ns(&end, (long)(seconds * 1e9));
  long max = 0;
  long over = 0;
  long cycles = 0;
  add_ns(&next, 1000000L);
  for (;;) {
    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
    clock_gettime(CLOCK_MONOTONIC, &now);
    const long lat = diff_ns(now, next);
    cycles++;
    if (lat > max) max = lat;
    if (lat > thresh_ns) {
      over++;
      printf("%d %ld.%09ld %.3f\n", cpu, (long)now.tv_sec, now.tv_nsec, lat / 1e6);
      fflush(stdout);
    }
    add_ns(&next, 1000000L);
    while (diff_ns(now, next) > 0) add_ns(&next, 1000000L);  // skip missed periods
    if (diff_ns(now, end) > 0) break;
  }
  printf("# cpu %d: %ld cycles, %ld over threshold, max %.3f ms\n", cpu, cycles, over, max / 1e6);
  return NULL;
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: stall_log SECONDS [PRIO=10] [THRESH_US=2000]\n");
    return 2;
  }
  seconds = atof(argv[1]);
  prio = argc > 2 ? atoi(argv[2]) : 10;
  thresh_ns = (argc > 3 ? atol(argv[3]) : 2000) * 1000L;
  mlockall(MCL_CURRENT | MCL_FUTURE);
  const long n = sysconf(_SC_NPROCESSORS_ONLN);
  pthread_t t[64];
  for (long i = 0; i < n && i < 64; i++) pthread_create(&t[i], NULL, run, (void*)i);
  for (long i = 0; i < n && i < 64; i++) pthread_join(t[i], NULL);
  return 0;
}

// Finds a nonce n such that HMAC-SHA256("beta-metrics-demo-" + hex8(n), MESSAGE) starts with TARGET.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <stdint.h>
#include <pthread.h>
static const char *MSG;
static size_t MSGLEN;
static unsigned char TARGET[4];
static volatile int found = 0;
static int nthreads;
static void *work(void *arg) {
  uint64_t t = (uint64_t)(uintptr_t)arg;
  char key[64]; unsigned char ipad[64], opad[64], inner[32], outer[32];
  for (uint64_t n = t; n < 0x100000000ULL && !found; n += nthreads) {
    int klen = snprintf(key, sizeof key, "beta-metrics-demo-%08llx", (unsigned long long)n);
    memset(ipad, 0x36, 64); memset(opad, 0x5c, 64);
    for (int i = 0; i < klen; i++) { ipad[i] ^= key[i]; opad[i] ^= key[i]; }
    SHA256_CTX c; SHA256_Init(&c); SHA256_Update(&c, ipad, 64); SHA256_Update(&c, MSG, MSGLEN); SHA256_Final(inner, &c);
    SHA256_Init(&c); SHA256_Update(&c, opad, 64); SHA256_Update(&c, inner, 32); SHA256_Final(outer, &c);
    if (memcmp(outer, TARGET, 4) == 0) { found = 1; printf("FOUND %08llx\n", (unsigned long long)n); fflush(stdout); }
    if ((n & 0xfffffff) == t) { fprintf(stderr, "progress %llx\n", (unsigned long long)n); }
  }
  return 0;
}
int main(int argc, char **argv) {
  MSG = argv[1]; MSGLEN = strlen(MSG); nthreads = atoi(argv[2]); sscanf(argv[3], "%2hhx%2hhx%2hhx%2hhx", &TARGET[0], &TARGET[1], &TARGET[2], &TARGET[3]);
  pthread_t th[16];
  for (int i = 0; i < nthreads; i++) pthread_create(&th[i], 0, work, (void*)(uintptr_t)i);
  for (int i = 0; i < nthreads; i++) pthread_join(th[i], 0);
  if (!found) printf("NOTFOUND\n");
}

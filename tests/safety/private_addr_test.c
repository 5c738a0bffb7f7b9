/* The addresses --fetch refuses (pb_fetch_private_kind): loopback,
 * private, link-local, unique-local and unspecified, in IPv4, IPv6 and
 * IPv4-mapped IPv6; their neighbours just outside each range pass. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "fetch.h"

static const char *judge(const char *ip) {
  struct sockaddr_storage ss;
  memset(&ss, 0, sizeof ss);
  if (strchr(ip, ':')) {
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
    s6->sin6_family = AF_INET6;
    if (inet_pton(AF_INET6, ip, &s6->sin6_addr) != 1) return "bad test address";
  } else {
    struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
    s4->sin_family = AF_INET;
    if (inet_pton(AF_INET, ip, &s4->sin_addr) != 1) return "bad test address";
  }
  return pb_fetch_private_kind((const struct sockaddr *)&ss);
}

int main(void) {
  static const struct {
    const char *ip, *kind; /* kind NULL: allowed */
  } cases[] = {
      {"127.0.0.1", "loopback"},
      {"127.255.255.254", "loopback"},
      {"10.0.0.1", "private"},
      {"10.255.255.255", "private"},
      {"172.16.0.1", "private"},
      {"172.31.255.255", "private"},
      {"172.15.255.255", NULL},
      {"172.32.0.0", NULL},
      {"192.168.1.1", "private"},
      {"192.169.0.1", NULL},
      {"169.254.169.254", "link-local"},
      {"169.253.0.1", NULL},
      {"0.0.0.0", "unspecified"},
      {"8.8.8.8", NULL},
      {"93.184.216.34", NULL},
      {"::1", "loopback"},
      {"::", "unspecified"},
      {"fe80::1", "link-local"},
      {"febf::1", "link-local"},
      {"fec0::1", NULL},
      {"fc00::1", "unique-local"},
      {"fdff::1", "unique-local"},
      {"fe00::1", NULL},
      {"2001:db8::1", NULL},
      {"::ffff:127.0.0.1", "loopback"},
      {"::ffff:10.1.2.3", "private"},
      {"::ffff:169.254.169.254", "link-local"},
      {"::ffff:8.8.8.8", NULL},
      {"::2", NULL},
  };
  int fail = 0;
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    const char *got = judge(cases[i].ip);
    int ok = cases[i].kind ? got && strcmp(got, cases[i].kind) == 0 : got == NULL;
    if (!ok) {
      printf("FAIL: %s: got %s, want %s\n", cases[i].ip, got ? got : "allowed",
             cases[i].kind ? cases[i].kind : "allowed");
      fail = 1;
    }
  }
  if (!fail) printf("private addresses: %zu cases\n", sizeof cases / sizeof *cases);
  return fail;
}

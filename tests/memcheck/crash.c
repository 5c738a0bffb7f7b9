/* Deliberately broken programs for the valgrind runner's own test: it must
 * fail on each of them. "segv": a write through a null pointer (a signal);
 * "read": a read past a heap block (a valgrind error, the program exits 0);
 * "leak": a lost block; "reachable": a block still pointed to at exit (the
 * runner wants everything freed); "child": a forked child reads past a heap
 * block and ends with _exit(0) while the parent exits 0 (caught with
 * --children); "exit": exit status 3. */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char *kept;

int main(int argc, char **argv) {
  const char *what = argc > 1 ? argv[1] : "segv";
  if (strcmp(what, "segv") == 0) {
    volatile int *p = NULL;
    *p = 1;
  } else if (strcmp(what, "read") == 0) {
    char *b = malloc(8);
    memset(b, 0, 8);
    volatile char c = b[8];
    (void)c;
    free(b);
  } else if (strcmp(what, "leak") == 0) {
    char *volatile b = malloc(64);
    b[0] = 1;
    b = NULL;
  } else if (strcmp(what, "reachable") == 0) {
    kept = malloc(64);
    kept[0] = 1;
  } else if (strcmp(what, "child") == 0) {
    pid_t pid = fork();
    if (pid == 0) {
      char *b = malloc(8);
      memset(b, 0, 8);
      volatile char c = b[8];
      (void)c;
      free(b);
      _exit(0);
    }
    if (pid > 0) waitpid(pid, NULL, 0);
  } else if (strcmp(what, "exit") == 0) {
    return 3;
  }
  return 0;
}

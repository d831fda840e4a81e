// A child that is never waited for holds 400 MiB resident (it says so through
// a pipe) while the parent, tiny, exits: MLE under 256 MiB (the whole tree counts).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
int main() {
    int p[2]; if (pipe(p)) return 1;
    if (fork() == 0) {
        size_t n = 400u << 20; volatile char *m = (volatile char *)malloc(n);
        for (size_t i = 0; m && i < n; i += 4096) m[i] = 7;  // volatile: not optimised away
        (void)!write(p[1], "x", 1);
        for (;;) pause();
    }
    char c; (void)!read(p[0], &c, 1);
    puts("parent done");
    return 0;
}

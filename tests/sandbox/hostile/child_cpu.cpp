// The parent never waits for its child: the child burns 1.5 s of CPU (its own
// clock), tells the parent through a pipe, and the parent exits at once, so its
// rusage holds none of it.  Under a 1 s limit this is TLE (the whole tree counts).
#include <stdio.h>
#include <time.h>
#include <unistd.h>
int main() {
    int p[2]; if (pipe(p)) return 1;
    if (fork() == 0) {
        volatile unsigned long x = 0;
        while (clock() < 1.5 * CLOCKS_PER_SEC) x++;
        (void)!write(p[1], "x", 1);
        for (;;) x++;
    }
    char c; (void)!read(p[0], &c, 1);
    puts("parent done");
    return 0;
}

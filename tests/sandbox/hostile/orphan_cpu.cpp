// CPU spent by an orphan that has ended before the test does: a grandchild
// (its parent exited at once) burns 0.6 s and exits; the main process burns
// 0.6 s after it.  1.2 s in all under a 1 s limit: TLE, though neither alone is over.
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
static void burn(double s) { volatile unsigned long x = 0; clock_t t = clock(); while (clock() - t < s * CLOCKS_PER_SEC) x++; }
int main() {
    int p[2]; if (pipe(p)) return 1;
    pid_t c = fork();
    if (c == 0) {
        if (fork() == 0) { burn(0.6); (void)!write(p[1], "x", 1); _exit(0); }
        _exit(0);
    }
    waitpid(c, 0, 0);
    close(p[1]);
    char ch; (void)!read(p[0], &ch, 1);
    usleep(50000);  // the grandchild is gone (reaped by the sandbox, not by us)
    burn(0.6);
    puts("done");
    return 0;
}

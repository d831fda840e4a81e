// setsid + double fork: a daemon that outlives the test if nobody reaps it.
#include <cstdio>
#include <unistd.h>
int main() {
    if (fork() == 0) {
        setsid();
        if (fork() == 0) { for (;;) sleep(1); }
        _exit(0);
    }
    printf("parent done\n");
    return 0;
}

// A 5000-deep chain of directories (deeper than PATH_MAX allows to name), some
// made unreadable by their owner, left behind for the judge to clean up.
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
int main() {
    int made = 0;
    for (int i = 0; i < 5000; i++) {
        if (mkdir("d", 0700) != 0 || chdir("d") != 0) break;
        FILE *f = fopen("x", "w"); if (f) fclose(f);
        made++;
    }
    chmod(".", 0);
    printf("made %d\n", made);
    return 0;
}

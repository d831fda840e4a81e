// Writes files into its box until the file system is full (its own quota,
// separate from what the judge needs), then says so and exits 0.
#include <stdio.h>
#include <string.h>
int main() {
    static char buf[1 << 20]; memset(buf, 'x', sizeof buf);
    long total = 0; int full = 0;
    for (int i = 0; i < 4096 && !full; i++) {
        char name[32]; snprintf(name, sizeof name, "f%d", i);
        FILE *f = fopen(name, "w"); if (!f) break;
        for (int k = 0; k < 4 && !full; k++) {  // 4 MiB per file: under the output limit
            if (fwrite(buf, 1, sizeof buf, f) != sizeof buf) full = 1; else total += sizeof buf;
        }
        if (fclose(f) != 0) full = 1;
    }
    printf("full %d\n", full);
    return 0;
}

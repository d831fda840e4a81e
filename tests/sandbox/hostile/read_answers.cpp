// Tries every place the expected outputs or judge programs could be.
#include <cstdio>
#include <dirent.h>
const char* paths[] = {"/judge", "/judge/data", "/judge/exchange", "/tmp/work", "/tmp/trusted",
                       "/tmp/work/output.txt", "/tmp/box1", "/proc/1/root/judge", nullptr};
int main() {
    int leaks = 0;
    for (int i = 0; paths[i]; i++) {
        if (FILE* f = fopen(paths[i], "r")) { char c; if (fread(&c, 1, 1, f) == 1) leaks++; fclose(f); }
        if (DIR* d = opendir(paths[i])) { leaks++; closedir(d); }
    }
    printf("leaks %d\n", leaks);
    return 0;
}

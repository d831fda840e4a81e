// Tries to write outside its own scratch directory; prints where it could.
#include <cstdio>
const char* paths[] = {"/etc/evil", "/evil", "/tmp/evil", "/tmp/bin/evil", "/judge/evil",
                       "/usr/bin/evil", "/dev/shm/evil", "/var/tmp/evil", "/dev/evil",
                       "/run/evil", nullptr};
int main() {
    printf("outside:");
    for (int i = 0; paths[i]; i++)
        if (FILE* f = fopen(paths[i], "w")) { if (fclose(f) == 0) printf(" %s", paths[i]); }
    FILE* own = fopen("scratch.txt", "w");
    printf("\nown %d\n", own != nullptr);
    return 0;
}

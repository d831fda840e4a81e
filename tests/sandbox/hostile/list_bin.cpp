// What the programs directory holds when this submission runs.
#include <dirent.h>
#include <stdio.h>
int main() {
    DIR *d = opendir("/tmp/bin"); if (!d) { puts("none"); return 0; }
    int n = 0; while (dirent *e = readdir(d)) if (e->d_name[0] != '.') { printf("%s\n", e->d_name); n++; }
    closedir(d); return 0;
}

#include <stdio.h>
#include <string.h>
int main(void) {
    char kind[16], word[1 << 16];
    if (scanf("%15s %65535s", kind, word) != 2) return 1;
    int step = strcmp(kind, "jumble") == 0 ? 1 : 25;
    for (char *c = word; *c; ++c) *c = (char)((*c - 'a' + step) % 26 + 'a');
    puts(word);
    return 0;
}

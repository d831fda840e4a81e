#include <stdio.h>
/* Valid C, not C++: `new` and `class` are identifiers here, so this is AC only
   when a ```c block is compiled as C (gcc -std=gnu17), as Kattis does. */
int main(void) {
    int new = 0, class = 1;
    printf("Hello World!\n");
    return new * class;
}

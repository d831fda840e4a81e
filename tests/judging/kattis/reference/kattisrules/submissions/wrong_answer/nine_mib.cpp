#include <cstdio>
#include <string>
// Ends after writing 9 MiB, over the 8 MiB output limit: OLE (problemtools
// judge/validate.py, DOMjudge OUTPUT-LIMIT), before the output is validated.
int main() {
    std::string line(1023, ' ');
    std::puts("Hello World!");
    for (int i = 0; i < 9 * 1024; ++i) std::puts(line.c_str());
}

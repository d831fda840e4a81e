// Never flushes: submission and validator both wait, until the wall limit.
#include <cstdio>
#include <iostream>
#include <string>
int main() {
    std::ios::sync_with_stdio(false);
    std::cin.tie(nullptr);  // reading no longer flushes the guess
    int lo = 1, hi = 1000;
    for (;;) {
        int g = (lo + hi) / 2;
        std::cout << g << '\n';
        std::string r;
        if (!(std::cin >> r) || r == "correct") return 0;
        if (r == "lower") hi = g - 1; else lo = g + 1;
    }
}

#include <iostream>
#include <string>
int main() {
    int lo = 1, hi = 1000;
    for (;;) {
        int g = (lo + hi) / 2;
        std::cout << g << std::endl;
        std::string r;
        if (!(std::cin >> r) || r == "correct") return 0;
        if (r == "lower") hi = g - 1; else lo = g + 1;
    }
}

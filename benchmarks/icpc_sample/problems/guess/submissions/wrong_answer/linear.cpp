#include <iostream>
#include <string>
int main() {
    for (int g = 1;; ++g) {
        std::cout << g << std::endl;
        std::string r;
        if (!(std::cin >> r) || r == "correct") return 0;
    }
}

// Correct answers, but too many queries on long rows.
#include <iostream>
#include <string>
int main() {
    int runs;
    std::cin >> runs;
    while (runs--) {
        long n;
        std::cin >> n;
        long i = 1;
        for (; i < n - 1; ++i) {
            std::cout << "READ " << i << std::endl;
            std::string r;
            std::cin >> r;
            if (r == "false") break;
        }
        std::cout << "OUTPUT " << i - 1 << std::endl;
    }
}

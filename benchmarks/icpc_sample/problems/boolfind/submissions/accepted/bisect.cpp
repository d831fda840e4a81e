#include <iostream>
#include <string>
int main() {
    int runs;
    std::cin >> runs;
    while (runs--) {
        long n;
        std::cin >> n;
        long lo = 0, hi = n - 1;  // a[lo] on, a[hi] off
        while (hi - lo > 1) {
            long mid = (lo + hi) / 2;
            std::cout << "READ " << mid << std::endl;
            std::string r;
            std::cin >> r;
            (r == "true" ? lo : hi) = mid;
        }
        std::cout << "OUTPUT " << lo << std::endl;
    }
}

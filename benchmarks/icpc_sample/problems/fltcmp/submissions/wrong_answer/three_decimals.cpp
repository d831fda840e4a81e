#include <cstdio>
#include <cstdlib>
#include <cmath>
int main() {
    int n; char buf[100];
    std::scanf("%d", &n);
    while (n-- && std::scanf("%99s", buf) == 1) {
        double x = std::strtod(buf, nullptr);
        if (std::isnan(x)) std::puts("nan");
        else std::printf("%.3f\n", 1.0 / x);
    }
}

// Interactive validator for "boolfind", written for evalkit (DOMjudge's
// validator is not copied).  Kattis interface: validate input answer
// feedback_dir; the submission's output on stdin, its input on stdout;
// exit 42 accept, 43 wrong answer.
// Input: the number of runs, then per run n and a[0..n-1] with a[0] = 1 and
// a[n-1] = 0.  Per run: print n; answer "READ i" with "true"/"false" (at most
// 40 queries); "OUTPUT i" must name i with a[i] = 1 and a[i+1] = 0.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

static std::string feedback;

[[noreturn]] static void verdict(int code, const std::string &msg) {
    std::ofstream(feedback + "judgemessage.txt") << msg << "\n";
    std::exit(code);
}

static long read_index(long n) {
    std::string token;
    if (!(std::cin >> token)) verdict(43, "missing index");
    char *end = nullptr;
    long i = std::strtol(token.c_str(), &end, 10);
    if (token.empty() || *end != '\0' || i < 0 || i >= n) verdict(43, "bad index: " + token.substr(0, 50));
    return i;
}

int main(int argc, char **argv) {
    if (argc < 4) return 1;
    feedback = argv[3];
    std::ifstream in(argv[1]);
    int runs;
    if (!(in >> runs)) return 1;
    std::cout << runs << std::endl;
    for (int r = 1; r <= runs; ++r) {
        long n;
        if (!(in >> n) || n < 2) return 1;
        std::vector<int> a(n);
        for (auto &x : a) if (!(in >> x)) return 1;
        std::cout << n << std::endl;
        for (int queries = 0;; ) {
            std::string cmd;
            if (!(std::cin >> cmd)) verdict(43, "run " + std::to_string(r) + ": no answer");
            if (cmd == "READ") {
                if (++queries > 40) verdict(43, "run " + std::to_string(r) + ": more than 40 queries");
                std::cout << (a[read_index(n)] ? "true" : "false") << std::endl;
            } else if (cmd == "OUTPUT") {
                long i = read_index(n);
                if (i + 1 >= n || !a[i] || a[i + 1]) verdict(43, "run " + std::to_string(r) + ": wrong position " + std::to_string(i));
                break;
            } else {
                verdict(43, "unknown command: " + cmd.substr(0, 50));
            }
        }
    }
    std::string extra;
    if (std::cin >> extra) verdict(43, "trailing output: " + extra.substr(0, 50));
    verdict(42, "");
}

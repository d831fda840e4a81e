// Interactive validator for "guess", written for evalkit (the upstream
// validator is not copied).  Kattis interface: validate input answer
// feedback_dir; the submission's output on stdin, its input on stdout;
// exit 42 accept, 43 wrong answer.
// Input: "fixed N" (the number is N), "random S" (a number drawn from seed S)
// or "adaptive S" (the validator keeps every consistent number possible and
// answers so that the larger half survives).  At most 10 guesses.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>

static std::string feedback;

[[noreturn]] static void verdict(int code, const std::string &msg) {
    std::ofstream(feedback + "judgemessage.txt") << msg << "\n";
    std::exit(code);
}

int main(int argc, char **argv) {
    if (argc < 4) return 1;
    feedback = argv[3];
    std::ifstream in(argv[1]);
    std::string mode;
    long long seed;
    if (!(in >> mode >> seed)) return 1;
    int lo = 1, hi = 1000;  // the numbers still possible
    int secret = -1;
    if (mode == "fixed") secret = static_cast<int>(seed);
    else if (mode == "random") secret = static_cast<int>((seed * 1103515245LL + 12345) % 1000) + 1;
    else if (mode != "adaptive") return 1;
    for (int guesses = 1; guesses <= 10; ++guesses) {
        std::string token;
        if (!(std::cin >> token)) verdict(43, "no guess " + std::to_string(guesses));
        char *end = nullptr;
        long g = std::strtol(token.c_str(), &end, 10);
        if (token.empty() || *end != '\0' || g < 1 || g > 1000)
            verdict(43, "invalid guess: " + token.substr(0, 50));
        int reply;  // -1 lower, 1 higher, 0 correct
        if (secret >= 0) {
            reply = g == secret ? 0 : (secret < g ? -1 : 1);
        } else if (g < lo) {
            reply = 1;
        } else if (g > hi) {
            reply = -1;
        } else if (lo == hi) {
            reply = 0;
        } else {
            reply = (g - lo >= hi - g) ? -1 : 1;  // keep the larger side
            if (g - lo == 0) reply = 1;
            if (hi - g == 0) reply = -1;
        }
        if (reply == 0) {
            std::cout << "correct" << std::endl;
            std::string extra;
            if (std::cin >> extra) verdict(43, "output after the correct guess: " + extra.substr(0, 50));
            verdict(42, "guessed in " + std::to_string(guesses));
        }
        if (reply < 0) hi = std::min<int>(hi, g - 1); else lo = std::max<int>(lo, g + 1);
        std::cout << (reply < 0 ? "lower" : "higher") << std::endl;
    }
    verdict(43, "no correct guess within 10 guesses");
}

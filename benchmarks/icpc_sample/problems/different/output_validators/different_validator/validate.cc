// Output validator for "different", written for evalkit (the upstream
// validator is not copied).  Kattis interface: validate input answer
// feedback_dir < team_output; exit 42 accept, 43 wrong answer.
// Accepts exactly the answer's integers, one per test case, in order
// (whitespace-insensitive); anything else is a wrong answer.
#include <cctype>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

static std::string feedback;

[[noreturn]] static void verdict(int code, const std::string &msg) {
    std::ofstream(feedback + "judgemessage.txt") << msg << "\n";
    std::exit(code);
}

static bool is_integer(const std::string &s) {
    if (s.empty() || s.size() > 19) return false;
    for (char c : s) if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    return s == "0" || s[0] != '0';
}

int main(int argc, char **argv) {
    if (argc < 4) return 1;  // a judge error, never a verdict
    feedback = argv[3];
    std::ifstream answer(argv[2]);
    if (!answer) return 1;
    std::string expected, got;
    for (int line = 1; answer >> expected; ++line) {
        if (!(std::cin >> got)) verdict(43, "too few lines: missing case " + std::to_string(line));
        if (!is_integer(got)) verdict(43, "case " + std::to_string(line) + ": not a non-negative integer: " + got.substr(0, 50));
        if (got != expected) verdict(43, "case " + std::to_string(line) + ": expected " + expected + ", got " + got);
    }
    if (std::cin >> got) verdict(43, "trailing output: " + got.substr(0, 50));
    verdict(42, "");
}

// checker.cpp -- trusted checker for "A + B" (evalkit).
//
// Compiled in this directory with
//     g++ -std=gnu++17 -O2 -pipe -o checker checker.cpp
// and run (CMS comparator contract) as
//     ./checker <input> <correct_output> <user_output>
// i.e. the test's .in file, the test's .out file and the contestant's stdout.
//
// Result: first line of STDOUT is the outcome (1 or 0), one line on STDERR is
// the message.  Exit code is 0 whenever the verdict could be decided; a
// malformed contestant output is simply outcome 0.
//
// Expected contestant output (printed by graders/grader.cpp):
//     line 1: output secret (must equal line 1 of the .out file)
//     line 2: OK
//     line 3: the answer
// followed by nothing but whitespace.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

// Minimal bounded reader: never reads more than a fixed number of bytes for a
// line/token, so a huge contestant output cannot exhaust the checker's memory.
class Reader {
public:
    explicit Reader(const char* path) : f_(std::fopen(path, "rb")) {}
    ~Reader() {
        if (f_) std::fclose(f_);
    }
    Reader(const Reader&) = delete;
    Reader& operator=(const Reader&) = delete;

    bool ok() const { return f_ != nullptr; }

    // Reads one line without its terminator ("\n" or "\r\n"); trailing
    // spaces/tabs are removed.  Returns false on EOF before any character or if
    // the line is longer than max_len.
    bool read_line(std::string& out, size_t max_len) {
        out.clear();
        int c = std::fgetc(f_);
        if (c == EOF) return false;
        while (c != EOF && c != '\n') {
            if (out.size() >= max_len) return false;
            out.push_back(static_cast<char>(c));
            c = std::fgetc(f_);
        }
        while (!out.empty() && (out.back() == '\r' || out.back() == ' ' || out.back() == '\t'))
            out.pop_back();
        return true;
    }

    // Skips whitespace and reads one token of at most max_len characters.
    bool read_token(std::string& out, size_t max_len) {
        out.clear();
        if (skip_ws() == EOF) return false;
        int c = std::fgetc(f_);
        while (c != EOF && !is_ws(c)) {
            if (out.size() >= max_len) return false;
            out.push_back(static_cast<char>(c));
            c = std::fgetc(f_);
        }
        if (c != EOF) std::ungetc(c, f_);
        return true;
    }

    // True if only whitespace remains.
    bool at_eof() { return skip_ws() == EOF; }

private:
    static bool is_ws(int c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
    }
    // Consumes whitespace; returns the next character (left unread) or EOF.
    int skip_ws() {
        int c = std::fgetc(f_);
        while (c != EOF && is_ws(c)) c = std::fgetc(f_);
        if (c != EOF) std::ungetc(c, f_);
        return c;
    }

    FILE* f_;
};

// Strict integer parsing: optional '-', 1..18 digits, nothing else.
bool parse_int(const std::string& s, long long& value) {
    size_t i = 0;
    bool neg = false;
    if (i < s.size() && s[i] == '-') {
        neg = true;
        ++i;
    }
    if (i == s.size() || s.size() - i > 18) return false;
    long long v = 0;
    for (; i < s.size(); ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
        v = v * 10 + (s[i] - '0');
    }
    value = neg ? -v : v;
    return true;
}

[[noreturn]] void verdict(double outcome, const std::string& message) {
    std::printf("%g\n", outcome);
    std::fflush(stdout);
    std::fprintf(stderr, "%s\n", message.c_str());
    std::exit(0);
}

// A problem with the trusted files (input / expected output): not the
// contestant's fault.  Report it loudly and exit non-zero so the judge flags
// an evaluation error instead of scoring it.
[[noreturn]] void judge_failure(const std::string& message) {
    std::fprintf(stderr, "Judge failure: %s\n", message.c_str());
    std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 4) judge_failure("usage: checker <input> <correct_output> <user_output>");

    Reader input(argv[1]), answer(argv[2]), user(argv[3]);
    if (!input.ok()) judge_failure("cannot open input file");
    if (!answer.ok()) judge_failure("cannot open correct output file");
    if (!user.ok()) verdict(0, "Wrong output format: cannot open contestant output");

    // Input: secret line, then A B.
    std::string line, tok;
    long long a = 0, b = 0;
    if (!input.read_line(line, 4096)) judge_failure("input: missing secret line");
    if (!input.read_token(tok, 64) || !parse_int(tok, a)) judge_failure("input: bad A");
    if (!input.read_token(tok, 64) || !parse_int(tok, b)) judge_failure("input: bad B");

    // Correct output: output secret, OK, answer.
    std::string secret;
    long long expected = 0;
    if (!answer.read_line(secret, 4096) || secret.empty()) judge_failure("answer: missing secret line");
    if (!answer.read_line(line, 4096) || line != "OK") judge_failure("answer: second line is not OK");
    if (!answer.read_token(tok, 64) || !parse_int(tok, expected)) judge_failure("answer: bad value");
    if (expected != a + b) judge_failure("answer file disagrees with A + B");

    // Contestant output.
    if (!user.read_line(line, 4096) || line != secret)
        verdict(0, "Wrong output format: first line is not the grader's output secret "
                   "(the program must not write to standard output)");
    if (!user.read_line(line, 4096)) verdict(0, "Wrong output format: missing status line");
    if (line != "OK") {
        std::string reason;
        if (!user.read_line(reason, 4096)) reason = "(no reason)";
        if (line == "SV") verdict(0, "Security violation: " + reason);
        if (line == "PV") verdict(0, "Protocol violation: " + reason);
        verdict(0, "Wrong output format: status line is not OK");
    }
    long long found = 0;
    if (!user.read_token(tok, 64)) verdict(0, "Wrong output format: missing answer");
    if (!parse_int(tok, found)) verdict(0, "Wrong output format: answer is not an integer");
    if (!user.at_eof()) verdict(0, "Wrong output format: extra output after the answer");

    if (found != expected)
        verdict(0, "Wrong answer: expected " + std::to_string(expected) + ", found " +
                       std::to_string(found));
    verdict(1, "Output is correct");
}
